/**
 * Dashboard sessions: the cookie holds an expiry, a random session id and an HMAC over both,
 * never the token, so a leaked cookie expires and cannot be turned into the token. Signing out
 * revokes the id on the server: a KV key under the admin's own prefix, kept exactly as long as
 * the session could still have lived, so a copied cookie is refused before its expiry too.
 */
import { fromStore } from "../errors";
import { type AdminKeys, sign, toBase64Url, verify } from "./keys";

export const SESSION_COOKIE = "eep_admin";
/** How long a sign-in lasts. */
export const SESSION_TTL_S = 12 * 3600;
/** The admin Worker's own KV prefix; nothing else in the namespace starts with it. */
export const REVOKED_PREFIX = "admin:revoked:";
/** KV refuses an expirationTtl under 60 s. */
const MIN_KV_TTL_S = 60;

export interface Session {
  /** Expiry, epoch seconds. */
  readonly exp: number;
  /** 128 random bits, base64url. */
  readonly id: string;
}

const signed = (s: Session): string => `session:${s.exp}:${s.id}`;

/** Cookie value for a new session. */
export async function issueSession(keys: AdminKeys, nowMs: number): Promise<string> {
  const session: Session = { exp: Math.floor(nowMs / 1000) + SESSION_TTL_S, id: toBase64Url(crypto.getRandomValues(new Uint8Array(16))) };
  return `${session.exp}.${session.id}.${await sign(keys.session, signed(session))}`;
}

/** The session of a cookie value issued by {@link issueSession} with these keys and not yet expired. */
export async function readSession(keys: AdminKeys, value: string, nowMs: number): Promise<Session | undefined> {
  const m = /^(\d{1,12})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!m?.[1] || !m[2] || !m[3] || Number(m[1]) * 1000 <= nowMs) return undefined;
  const session: Session = { exp: Number(m[1]), id: m[2] };
  return (await verify(keys.session, signed(session), m[3])) ? session : undefined;
}

export const revokedKey = (session: Session): string => `${REVOKED_PREFIX}${session.id}`;

/** True when the session was signed out. */
export async function isRevoked(kv: KVNamespace, session: Session): Promise<boolean> {
  return (await fromStore("get", () => kv.get(revokedKey(session)))) !== null;
}

/** Ends the session on the server: the key lives as long as the session could have. */
export async function revokeSession(kv: KVNamespace, session: Session, nowMs: number): Promise<void> {
  const remaining = session.exp - Math.floor(nowMs / 1000);
  if (remaining <= 0) return;
  const expirationTtl = Math.max(MIN_KV_TTL_S, remaining);
  await fromStore("put", () => kv.put(revokedKey(session), new Date(session.exp * 1000).toISOString(), { expirationTtl }));
}
