/**
 * The generic webhook's signature: `X-Signature: sha256=<hex HMAC-SHA-256 of "<X-Timestamp>.<raw
 * body>">`, keyed by ALERT_WEBHOOK_SECRET. The timestamp is inside the signed text so a receiver
 * that rejects old timestamps also rejects replays.
 */

const encoder = new TextEncoder();

function hex(bytes: ArrayBuffer): string {
  let out = "";
  for (const b of new Uint8Array(bytes)) out += b.toString(16).padStart(2, "0");
  return out;
}

/** A key for {@link signBody}: import it once per secret, not once per message. */
export function importSigningKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

/** `sha256=<hex>` over `"<timestamp>.<body>"`; `timestampS` is Unix seconds. */
export async function signBody(key: CryptoKey, timestampS: number, body: string): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(`${timestampS}.${body}`));
  return `sha256=${hex(mac)}`;
}
