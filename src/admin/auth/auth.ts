/**
 * Who may read incidents, and with which credential:
 *
 * | credential | own-host mode | same-site mode |
 * |---|---|---|
 * | `Authorization: Bearer <ADMIN_TOKEN>` | everything | everything |
 * | `Cf-Access-Jwt-Assertion` (Access) | everything | everything but a browser's non-navigation request |
 * | the session cookie | everything | dashboard pages opened by a top-level navigation only |
 *
 * In same-site mode every page of the site shares the dashboard's origin, so a script on any of
 * them could `fetch()` the API with whatever the browser attaches by itself (the cookie, and the
 * Access header Access adds to requests it lets through). A bearer token is never attached by the
 * browser. `Sec-Fetch-Mode` is set by the browser and cannot be changed by a page's script.
 *
 * Not Hono's bearerAuth: its comparison is constant-time too, but it answers a malformed header
 * with a plain-text 400 and knows nothing of the rest; here every refusal is the same JSON 401.
 */
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import type { AdminMode } from "../config";
import { ACCESS_HEADER, type AccessFailure, type AccessIdentity, type AccessVerifier } from "./access";
import { type AdminKeys, tokenMatches } from "./keys";
import { isRevoked, readSession, type Session, SESSION_COOKIE } from "./session";

/** Query parameters that look like someone put the token in the URL, where logs and history keep it. */
const QUERY_TOKEN_NAMES = ["token", "access_token", "admin_token", "auth", "key"];

/** Why a request was refused; each has its own explanation in the 401. */
export type Denial = "missing" | "malformed" | "wrong_token" | "query_token" | "session" | "cookie_not_here" | "access";

export const DENIAL_DETAIL: Readonly<Record<Denial, string>> = {
  missing: "send Authorization: Bearer <ADMIN_TOKEN>",
  malformed: "the Authorization header must be: Bearer <ADMIN_TOKEN>",
  wrong_token: "the token is not the ADMIN_TOKEN of this Worker",
  query_token: "tokens are not accepted in the query string (URLs end up in logs): send Authorization: Bearer <ADMIN_TOKEN>",
  session: "the session has expired, was signed out, or is not valid: sign in again",
  cookie_not_here:
    "the owner side shares the site's origin (same-site mode), so the session cookie only opens dashboard pages, never the API or a script's request: send Authorization: Bearer <ADMIN_TOKEN>, or serve the admin Worker on a hostname of its own (ADMIN_HOST)",
  access: "the Cf-Access-Jwt-Assertion token is not valid for this application",
};

/** How the owner proved it. */
export type Credential = "bearer" | "access" | "session";

export interface Owner {
  readonly via: Credential;
  /** The Access identity, for `via: "access"`. */
  readonly identity?: AccessIdentity;
  /** The cookie's session, for `via: "session"` (what sign-out revokes). */
  readonly session?: Session;
}

export type Verdict = { readonly owner: Owner } | { readonly denial: Denial; readonly access?: AccessFailure };

/** What the check needs besides the request. */
export interface OwnerCheck {
  readonly keys: () => Promise<AdminKeys>;
  readonly access: AccessVerifier | null;
  readonly mode: AdminMode;
  /** The admin path: requests under `{base}/api` are the API. */
  readonly base: string;
  /** Where revoked sessions are kept. */
  readonly kv: (c: Context) => KVNamespace;
}

/** The token of an `Authorization: Bearer …` header (the scheme is case-insensitive, RFC 9110). */
export function bearerToken(header: string): string | undefined {
  return /^bearer[ \t]+([\x21-\x7e]+)[ \t]*$/i.exec(header)?.[1];
}

/** A top-level navigation, as the browser reports it (a script cannot set these headers). */
export function isTopLevelNavigation(c: Context): boolean {
  const dest = c.req.header("sec-fetch-dest");
  return c.req.header("sec-fetch-mode") === "navigate" && (dest === undefined || dest === "document");
}

/** A request a page's script made (fetch, XHR, a subresource): the browser says so. */
const isScripted = (c: Context): boolean => {
  const mode = c.req.header("sec-fetch-mode");
  return mode !== undefined && mode !== "navigate";
};

const isApi = (c: Context, base: string): boolean => c.req.path === `${base}/api` || c.req.path.startsWith(`${base}/api/`);

async function byAccess(c: Context, check: OwnerCheck, token: string, nowMs: number): Promise<Verdict> {
  if (!check.access) return { denial: "access", access: "malformed" };
  if (check.mode === "same-site" && isScripted(c)) return { denial: "cookie_not_here" };
  const result = await check.access.verify(token, nowMs);
  return result.ok ? { owner: { via: "access", identity: result.identity } } : { denial: "access", access: result.failure };
}

async function bySession(c: Context, check: OwnerCheck, cookie: string, nowMs: number): Promise<Verdict> {
  if (check.mode === "same-site" && (isApi(c, check.base) || !isTopLevelNavigation(c))) return { denial: "cookie_not_here" };
  const session = await readSession(await check.keys(), cookie, nowMs);
  if (!session || (await isRevoked(check.kv(c), session))) return { denial: "session" };
  return { owner: { via: "session", session } };
}

/** The owner behind this request, or why there is none. */
export async function checkOwner(c: Context, check: OwnerCheck, nowMs: number): Promise<Verdict> {
  const query = c.req.queries();
  if (QUERY_TOKEN_NAMES.some((name) => Object.hasOwn(query, name))) return { denial: "query_token" };
  const header = c.req.header("authorization");
  if (header !== undefined) {
    const token = bearerToken(header);
    if (token === undefined) return { denial: "malformed" };
    return (await tokenMatches(await check.keys(), token)) ? { owner: { via: "bearer" } } : { denial: "wrong_token" };
  }
  // Without Access configured the header means nothing here (anyone can send it).
  const jwt = check.access ? c.req.header(ACCESS_HEADER) : undefined;
  if (jwt !== undefined) return byAccess(c, check, jwt, nowMs);
  const cookie = getCookie(c, SESSION_COOKIE);
  if (cookie !== undefined) return bySession(c, check, cookie, nowMs);
  return { denial: "missing" };
}

/** The 401 every API client gets. */
export function deniedJson(c: Context, denial: Denial, access?: AccessFailure): Response {
  // RFC 6750 §3: no error code when no credentials were sent at all.
  const error = denial === "missing" ? "" : denial === "malformed" || denial === "query_token" ? ', error="invalid_request"' : ', error="invalid_token"';
  c.header("WWW-Authenticate", `Bearer realm="edge-error-pages"${error}`);
  const detail = access ? `${DENIAL_DETAIL[denial]} (${access})` : DENIAL_DETAIL[denial];
  return c.json({ error: "unauthorized", detail }, 401);
}

/** The owner of a request that passed {@link requireOwner}. */
export type OwnerVariables = { owner: Owner };

// As Hono's own jwt middleware does for its payload: `c.get("owner")` is typed in every handler.
declare module "hono" {
  interface ContextVariableMap {
    owner?: Owner;
  }
}

/** Lets the owner through (and sets `c.var.owner`); everyone else gets `onDenied` (a 401). */
export function requireOwner<E extends object>(
  check: OwnerCheck,
  onDenied: (c: Context<E>, verdict: Exclude<Verdict, { owner: Owner }>) => Response | Promise<Response>,
): MiddlewareHandler<E> {
  return async function ownerOnly(c, next) {
    const verdict = await checkOwner(c, check, Date.now());
    if ("denial" in verdict) return onDenied(c, verdict);
    c.set("owner", verdict.owner);
    await next();
  };
}
