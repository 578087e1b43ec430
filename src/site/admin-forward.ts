/**
 * The site Worker's whole share of the owner side: requests under ADMIN_PATH go, untouched, to
 * the admin Worker through the ADMIN service binding. Nothing from src/admin/ is imported here,
 * so the Worker every visitor reaches does not carry the dashboard.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { SiteBindings } from "./bindings";

/** Owner-facing, like the admin Worker's own answers: never cached, never indexed. */
const PRIVATE = { "Cache-Control": "no-store", "X-Robots-Tag": "noindex" } as const;

/**
 * `//__errors/api` is the same resource as `/__errors/api` to the owner's client (and to most
 * servers), so it must not slip past the admin path to the origin with the owner's
 * `Authorization` header: leading slashes count as one.
 */
const collapse = (path: string): string => (path.startsWith("//") ? path.replace(/^\/+/, "/") : path);

/** True for `adminPath` itself and everything below it, however many slashes lead the path. */
export function isAdminPath(path: string, adminPath: string): boolean {
  const p = collapse(path);
  return p.startsWith(adminPath) && (p.length === adminPath.length || p[adminPath.length] === "/");
}

/** The request as the admin Worker expects it: its path with one leading slash. */
function normalized(request: Request): Request {
  const url = new URL(request.url);
  if (!url.pathname.startsWith("//")) return request;
  url.pathname = collapse(url.pathname);
  return new Request(url, request);
}

/**
 * Forwards the request to the admin Worker and returns its answer as is. Register it before
 * errorPages: the owner's requests must never reach the origin or be recorded as incidents.
 */
export async function forwardToAdmin(c: Context<{ Bindings: SiteBindings }>): Promise<Response> {
  try {
    // Only routed here with the binding set (adminRouteOf); a missing one is answered like a dead one.
    const admin = c.env.ADMIN;
    if (!admin) throw new Error("no ADMIN service binding");
    return await admin.fetch(normalized(c.req.raw));
  } catch (err) {
    // The owner asked, not a visitor: a JSON answer that says where to look, not an error page.
    console.error(JSON.stringify({ msg: "admin Worker unavailable", error: String(err) }));
    return c.json(
      { error: "admin_unavailable", detail: "the admin Worker (service binding ADMIN) did not answer: see this Worker's logs, and check that edge-error-pages-admin is deployed" },
      502,
      PRIVATE,
    );
  }
}

/**
 * Hands requests under `adminPath` to the admin Worker; everything else goes to `then` (default:
 * on down the chain). `then` is called directly rather than registered after it: every visitor's
 * request passes here, and one middleware layer less is one dispatch less for each of them.
 */
export function adminGate(adminPath: string, then?: MiddlewareHandler<{ Bindings: SiteBindings }>): MiddlewareHandler<{ Bindings: SiteBindings }> {
  return (c, next) => (isAdminPath(c.req.path, adminPath) ? forwardToAdmin(c) : then ? then(c, next) : next());
}
