/**
 * Cloudflare Access in front of the admin Worker: Access signs the owner in (SSO, one-time PIN,
 * device posture…) and sends each request on with a `Cf-Access-Jwt-Assertion` header, an RS256
 * JWT. The Worker checks it itself rather than trusting that Access ran: signature against the
 * team's published keys, `aud` (this application), `iss` (this team) and the validity window.
 * RS256 only: a token that names `none`, HS256 or anything else is refused before any key is used.
 */
import type { AccessConfig } from "../config";
import { fromBase64Url } from "./keys";
import { KeyCache, KeysUnavailable } from "./jwks";

export const ACCESS_HEADER = "cf-access-jwt-assertion";

/** Why an Access token was refused. */
export type AccessFailure = "malformed" | "algorithm" | "unknown_key" | "signature" | "audience" | "issuer" | "expired" | "not_yet_valid" | "keys_unavailable";

/** A verified Access token: who signed in. */
export interface AccessIdentity {
  /** The signed-in user's email, when the token has one (service tokens have none). */
  readonly email: string | undefined;
  /** `sub`, or the service token's `common_name`. */
  readonly subject: string;
}

export type AccessResult = { readonly ok: true; readonly identity: AccessIdentity } | { readonly ok: false; readonly failure: AccessFailure };

/** Tokens longer than this are not parsed (Access tokens are about 1 KiB). */
const MAX_TOKEN_CHARS = 16 * 1024;
/** Clock skew tolerated on `nbf` and `exp`. */
const LEEWAY_S = 5;

const decoder = new TextDecoder();
const encoder = new TextEncoder();

function part(text: string): Record<string, unknown> | undefined {
  const bytes = fromBase64Url(text);
  if (!bytes) return undefined;
  try {
    const value: unknown = JSON.parse(decoder.decode(bytes));
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function claimsFailure(claims: Record<string, unknown>, config: AccessConfig, nowS: number): AccessFailure | null {
  const aud = claims.aud;
  const auds = Array.isArray(aud) ? aud : [aud];
  if (!auds.includes(config.aud)) return "audience";
  if (claims.iss !== config.teamOrigin) return "issuer";
  if (typeof claims.exp !== "number" || claims.exp + LEEWAY_S <= nowS) return "expired";
  if (claims.nbf !== undefined && (typeof claims.nbf !== "number" || claims.nbf - LEEWAY_S > nowS)) return "not_yet_valid";
  return null;
}

function fail(failure: AccessFailure): AccessResult {
  return { ok: false, failure };
}

/** Checks `Cf-Access-Jwt-Assertion` tokens for one Access application. Make one per isolate. */
export class AccessVerifier {
  readonly keys: KeyCache;

  constructor(readonly config: AccessConfig) {
    this.keys = new KeyCache(config.certsUrl);
  }

  async verify(token: string, nowMs: number): Promise<AccessResult> {
    const parts = token.length <= MAX_TOKEN_CHARS ? token.split(".") : [];
    if (parts.length !== 3) return fail("malformed");
    const [h = "", p = "", s = ""] = parts;
    const header = part(h);
    const claims = part(p);
    const signature = fromBase64Url(s);
    if (!header || !claims || !signature) return fail("malformed");
    if (header.alg !== "RS256") return fail("algorithm");
    if (typeof header.kid !== "string" || header.kid === "") return fail("unknown_key");
    let key: CryptoKey | undefined;
    try {
      key = await this.keys.key(header.kid, nowMs);
    } catch (err) {
      if (!(err instanceof KeysUnavailable)) throw err;
      console.error(JSON.stringify({ msg: "Access signing keys unavailable", error: err.message, cause: String(err.cause ?? "") }));
      return fail("keys_unavailable");
    }
    if (!key) return fail("unknown_key");
    const valid = await crypto.subtle.verify("RSASSA-PKCS1-v1_5", key, signature, encoder.encode(`${h}.${p}`));
    if (!valid) return fail("signature");
    const failure = claimsFailure(claims, this.config, Math.floor(nowMs / 1000));
    if (failure) return fail(failure);
    const email = typeof claims.email === "string" ? claims.email : undefined;
    const subject = typeof claims.sub === "string" && claims.sub !== "" ? claims.sub : String(claims.common_name ?? "");
    return { ok: true, identity: { email, subject } };
  }
}
