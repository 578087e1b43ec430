/**
 * The admin Worker: the owner API, dashboard and sign-in, reached through the site Worker's ADMIN
 * service binding (same-site mode) or on a hostname of its own (ADMIN_HOST). It alone holds
 * ADMIN_TOKEN; the Worker that runs on every visitor request carries none of this code. Config is
 * read once per isolate.
 */
import type { Context } from "hono";
import { Hono } from "hono/tiny";
import type { Vars } from "../core/vars";
import type { AdminBindings, AdminEnv } from "./api/api";
import { checkHost, HOST_REFUSAL_DETAIL, type HostRefusal } from "./auth/host";
import { bearerToken } from "./auth/auth";
import { deriveKeys, tokenMatches } from "./auth/keys";
import { type AdminConfig, AdminConfigError, loadAdminConfig } from "./config";
import { adminRoutes, onError, PRIVATE_HEADERS as PRIVATE } from "./routes";

/**
 * The site Worker only forwards its own ADMIN_PATH, so a request outside ours means the two
 * Workers were given different paths: say so, rather than a bare 404 nobody can act on.
 */
function outsidePath(config: AdminConfig) {
  return (c: Context<AdminEnv>): Response =>
    c.json(
      {
        error: "not_found",
        detail: `the admin Worker serves ADMIN_PATH "${config.path}", not ${c.req.path}: set the same ADMIN_PATH on both Workers (wrangler.toml and wrangler.admin.toml)`,
      },
      404,
      PRIVATE,
    );
}

/** The admin Worker's app: the owner's routes at `config.path`, and a hint for anything else. */
export function createAdminApp(config: AdminConfig): Hono<AdminEnv> {
  const app = new Hono<AdminEnv>();
  // The routes' own middleware marks their answers private; outside them, do it here.
  app.onError((err, c) => {
    for (const [name, value] of Object.entries(PRIVATE)) c.header(name, value);
    return onError(err, c);
  });
  app.route(config.path, adminRoutes(config));
  // On a hostname of its own the dashboard is also what the bare host opens.
  if (config.mode === "own-host") app.get("/", (c) => c.redirect(`${config.path}/${new URL(c.req.url).search}`, 302));
  app.all("*", outsidePath(config));
  return app;
}

/**
 * What every request gets while the config is invalid. Only the owner (the configured token, when
 * that one value is valid) learns which vars are wrong; everyone else learns that the owner side
 * is misconfigured and nothing about how. The problems always go to the log.
 */
async function misconfigured(request: Request, err: Error | undefined): Promise<Response> {
  const generic = "the owner side of this site is misconfigured: its owner can see why in the admin Worker's logs";
  let detail = generic;
  if (err instanceof AdminConfigError && err.token !== undefined) {
    const presented = bearerToken(request.headers.get("authorization") ?? "");
    if (presented !== undefined && (await tokenMatches(await deriveKeys(err.token), presented))) detail = err.message;
  }
  return Response.json({ error: "admin_misconfigured", detail }, { status: 500, headers: PRIVATE });
}

/** A request for a host this Worker does not answer (see auth/host.ts): 421 Misdirected Request. */
function misdirected(refusal: HostRefusal): Response {
  return Response.json({ error: "misdirected_request", detail: HOST_REFUSAL_DETAIL[refusal] }, { status: 421, headers: PRIVATE });
}

let app: Hono<AdminEnv> | undefined;
let config: AdminConfig | undefined;
let configError: Error | undefined;

export default {
  async fetch(request, env, ctx) {
    if (!app && !configError) {
      try {
        config = loadAdminConfig(env as unknown as Vars);
        app = createAdminApp(config);
      } catch (err) {
        configError = err instanceof Error ? err : new Error(String(err));
      }
    }
    if (app && config) {
      const refusal = checkHost(config, request);
      return refusal ? misdirected(refusal) : app.fetch(request, env, ctx);
    }
    console.error(JSON.stringify({ msg: "edge-error-pages admin cannot start", error: configError?.message }));
    return misconfigured(request, configError);
  },
} satisfies ExportedHandler<AdminBindings>;
