/**
 * Who may read incidents: a request with `Authorization: Bearer <ADMIN_TOKEN>`, or a browser
 * holding the session cookie issued by the sign-in form. The cookie holds an expiry and an HMAC
 * over it, never the token, so a leaked cookie expires and cannot be turned into the token.
 *
 * Not Hono's bearerAuth: its comparison is constant-time too, but it answers a malformed header
 * with a plain-text 400 and knows nothing of the cookie; here every refusal is the same JSON 401.
 */
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { type AdminKeys, sign, tokenMatches, verify } from "./keys";

export const SESSION_COOKIE = "eep_admin";
/** How long a sign-in lasts. */
export const SESSION_TTL_S = 12 * 3600;

/** Query parameters that look like someone put the token in the URL, where logs and history keep it. */
const QUERY_TOKEN_NAMES = ["token", "access_token", "admin_token", "auth", "key"];

/** Why a request was refused; each has its own explanation in the 401. */
export type Denial = "missing" | "malformed" | "wrong_token" | "query_token" | "session";

export const DENIAL_DETAIL: Readonly<Record<Denial, string>> = {
  missing: "send Authorization: Bearer <ADMIN_TOKEN>",
  malformed: "the Authorization header must be: Bearer <ADMIN_TOKEN>",
  wrong_token: "the token is not the ADMIN_TOKEN of this Worker",
  query_token: "tokens are not accepted in the query string (URLs end up in logs): send Authorization: Bearer <ADMIN_TOKEN>",
  session: "the session has expired or is not valid: sign in again",
};

/** Cookie value for a new session. */
export async function issueSession(keys: AdminKeys, nowMs: number): Promise<string> {
  const exp = Math.floor(nowMs / 1000) + SESSION_TTL_S;
  return `${exp}.${await sign(keys.session, `session:${exp}`)}`;
}

/** True for a cookie value issued by {@link issueSession} with these keys and not yet expired. */
export async function verifySession(keys: AdminKeys, value: string, nowMs: number): Promise<boolean> {
  const m = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!m?.[1] || !m[2] || Number(m[1]) * 1000 <= nowMs) return false;
  return verify(keys.session, `session:${m[1]}`, m[2]);
}

/** The token of an `Authorization: Bearer …` header (the scheme is case-insensitive, RFC 9110). */
export function bearerToken(header: string): string | undefined {
  return /^bearer[ \t]+([\x21-\x7e]+)[ \t]*$/i.exec(header)?.[1];
}

/** Null when the request comes from the owner, otherwise why not. */
export async function checkOwner(c: Context, keys: AdminKeys, nowMs: number): Promise<Denial | null> {
  const query = c.req.queries();
  if (QUERY_TOKEN_NAMES.some((name) => Object.hasOwn(query, name))) return "query_token";
  const header = c.req.header("authorization");
  if (header !== undefined) {
    const token = bearerToken(header);
    if (token === undefined) return "malformed";
    return (await tokenMatches(keys, token)) ? null : "wrong_token";
  }
  const cookie = getCookie(c, SESSION_COOKIE);
  if (cookie === undefined) return "missing";
  return (await verifySession(keys, cookie, nowMs)) ? null : "session";
}

/** The 401 every API client gets. */
export function deniedJson(c: Context, denial: Denial): Response {
  // RFC 6750 §3: no error code when no credentials were sent at all.
  const error = denial === "missing" ? "" : denial === "malformed" || denial === "query_token" ? ', error="invalid_request"' : ', error="invalid_token"';
  c.header("WWW-Authenticate", `Bearer realm="edge-error-pages"${error}`);
  return c.json({ error: "unauthorized", detail: DENIAL_DETAIL[denial] }, 401);
}

/** Lets the owner through; everyone else gets `onDenied` (a 401). */
export function requireOwner(keys: () => Promise<AdminKeys>, onDenied: (c: Context, denial: Denial) => Response | Promise<Response>): MiddlewareHandler {
  return async function ownerOnly(c, next) {
    const denial = await checkOwner(c, await keys(), Date.now());
    if (denial !== null) return onDenied(c, denial);
    await next();
  };
}
