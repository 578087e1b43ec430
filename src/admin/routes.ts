/**
 * The owner's side, mounted at ADMIN_PATH by the admin Worker: the JSON API, the dashboard and
 * its sign-in. Nothing here reaches the origin or writes to the incident log.
 */
import type { Context, MiddlewareHandler } from "hono";
import { Hono } from "hono/tiny";
import { HTTPException } from "hono/http-exception";
import { NONCE, secureHeaders } from "hono/secure-headers";
import { type AdminDeps, type AdminEnv, mountApi, storeOf } from "./api/api";
import { AccessVerifier } from "./auth/access";
import { mountAlertsApi } from "./api/alerts";
import { requireOwner } from "./auth/auth";
import { mountMaintenance } from "./api/maintenance";
import type { AdminConfig } from "./config";
import { BadRequest, StoreUnavailable } from "./errors";
import { type AdminKeys, deriveKeys } from "./auth/keys";
import { denied, mountPages, mountSession, overview } from "./dashboard/pages";

export type { AdminEnv } from "./api/api";

/** What every admin answer carries: never cached, never indexed (and no CORS headers: the API is not for other sites). */
export const PRIVATE_HEADERS = { "Cache-Control": "no-store", "X-Robots-Tag": "noindex" } as const;

const privateAnswers: MiddlewareHandler = async (c, next) => {
  await next();
  for (const [name, value] of Object.entries(PRIVATE_HEADERS)) c.header(name, value);
};

const headers = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    styleSrc: [NONCE],
    imgSrc: ["data:"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
  },
  xFrameOptions: "DENY",
  // Hono's default is `max-age=15552000; includeSubDomains`: from an answer anyone can get, that
  // would set HTTPS-only for every subdomain of the site's zone. That is the zone owner's call
  // (SSL/TLS settings), not the error log's.
  strictTransportSecurity: false,
});

/** The owner's error answers, as JSON; also the admin Worker's handler outside the routes. */
export function onError(err: Error, c: Context<AdminEnv>): Response {
  if (err instanceof BadRequest) return c.json({ error: err.error, detail: err.detail }, 400);
  if (err instanceof StoreUnavailable) {
    c.header("Retry-After", "30");
    return c.json({ error: "store_unavailable", detail: err.detail }, 503);
  }
  if (err instanceof HTTPException && err.status === 403) return c.json({ error: "forbidden", detail: "cross-site form posts are refused" }, 403);
  if (err instanceof HTTPException) return c.json({ error: "http_error", detail: err.message }, err.status);
  console.error(JSON.stringify({ msg: "admin request failed", error: String(err), stack: err.stack }));
  return c.json({ error: "internal_error", detail: "unexpected error: see the admin Worker's logs" }, 500);
}

/** The admin app for `config` (mount it at `config.path`). */
export function adminRoutes(config: AdminConfig): Hono<AdminEnv> {
  const base = config.path;
  let derived: Promise<AdminKeys> | undefined;
  const keys = (): Promise<AdminKeys> => (derived ??= deriveKeys(config.token));
  // One verifier per isolate: its key cache is what keeps Access's key endpoint quiet.
  const access = config.access ? new AccessVerifier(config.access) : null;
  const deps: AdminDeps = {
    binding: config.binding,
    defaultLocale: config.defaultLocale,
    keys,
    check: { keys, access, mode: config.mode, base, kv: (c) => storeOf(c, config.binding) },
    loginLimit: config.loginLimit,
  };
  const app = new Hono<AdminEnv>();
  app.onError(onError);
  app.use(privateAnswers, headers);
  mountSession(app, deps, base);
  // Before the app-wide check: the owner check answers everyone; the rest carry their own.
  mountMaintenance(app, deps, base, denied(deps, base));
  app.use(requireOwner(deps.check, denied(deps, base)));
  mountApi(app, deps);
  mountAlertsApi(app);
  mountPages(app, deps, base);
  const home = overview(deps, base);
  app.all("*", async (c): Promise<Response> => {
    // `{base}/` is the dashboard too; any other path is ours and must not fall through to the origin.
    if (c.req.method === "GET" && c.req.path === `${base}/`) return home(c);
    return c.json({ error: "not_found", detail: `no such admin route: ${c.req.method} ${c.req.path}` }, 404);
  });
  return app;
}
