/**
 * Secrets derived from ADMIN_TOKEN with crypto.subtle: one HMAC key per purpose, so a cursor
 * can never be replayed as a session and neither reveals the token.
 */

const encoder = new TextEncoder();

export interface AdminKeys {
  /** Signs listing cursors. */
  readonly cursor: CryptoKey;
  /** Signs session cookies. */
  readonly session: CryptoKey;
  /** SHA-256 of the token, for the constant-time comparison. */
  readonly tokenDigest: Uint8Array;
}

const HMAC = { name: "HMAC", hash: "SHA-256" } as const;

async function subKey(master: CryptoKey, purpose: string): Promise<CryptoKey> {
  const raw = await crypto.subtle.sign("HMAC", master, encoder.encode(`edge-error-pages admin ${purpose} v1`));
  return crypto.subtle.importKey("raw", raw, HMAC, false, ["sign", "verify"]);
}

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

/** Derives every admin key from the token (once per isolate: the caller caches the promise). */
export async function deriveKeys(token: string): Promise<AdminKeys> {
  const master = await crypto.subtle.importKey("raw", encoder.encode(token), HMAC, false, ["sign"]);
  const [cursor, session, tokenDigest] = await Promise.all([subKey(master, "cursor"), subKey(master, "session"), sha256(token)]);
  return { cursor, session, tokenDigest };
}

/**
 * Compares a presented token with the configured one in constant time: both are hashed first,
 * so neither the length nor the first differing byte shows in the timing.
 */
export async function tokenMatches(keys: AdminKeys, presented: string): Promise<boolean> {
  const digest = await sha256(presented);
  let diff = 0;
  for (let i = 0; i < digest.length; i++) diff |= (digest[i] ?? 0) ^ (keys.tokenDigest[i] ?? 0);
  return diff === 0 && digest.length === keys.tokenDigest.length;
}

/** Unpadded base64url (RFC 4648 §5): safe in URLs and cookies as is. */
export function toBase64Url(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Undefined for anything that is not base64url. */
export function fromBase64Url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(text.length / 4) * 4, "="));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/** HMAC-SHA-256 of `text`, base64url. */
export async function sign(key: CryptoKey, text: string): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(text))));
}

/** Checks a signature made by {@link sign}; crypto.subtle.verify compares in constant time. */
export async function verify(key: CryptoKey, text: string, signature: string): Promise<boolean> {
  const sig = fromBase64Url(signature);
  return sig !== undefined && sig.length === 32 && crypto.subtle.verify("HMAC", key, sig, encoder.encode(text));
}
