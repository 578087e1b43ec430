/**
 * Ray IDs: Cloudflare's `cf-ray` when it is well formed, otherwise one of our own.
 * A forged or oversized header is never echoed: it is replaced.
 */
const CF_RAY = /^[0-9a-f]{16}(?:-[A-Z]{3,4})?$/;

export function isRayId(value: string): boolean {
  return CF_RAY.test(value);
}

/** 16 lowercase hex characters, like the first part of a real Ray ID. */
export function generateRayId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

export function rayIdFor(headers: Headers): string {
  const header = headers.get("cf-ray");
  return header !== null && isRayId(header) ? header : generateRayId();
}
