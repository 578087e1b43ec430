/**
 * The admin Worker: the owner API, dashboard and sign-in, reached only through the site Worker's
 * ADMIN service binding. It alone holds ADMIN_TOKEN; the Worker that runs on every visitor
 * request carries none of this code. Config is read once per isolate.
 */
import type { Context } from "hono";
import { Hono } from "hono/tiny";
import type { Vars } from "../core/vars";
import type { AdminBindings, AdminEnv } from "./api/api";
import { type AdminConfig, ConfigError, loadAdminConfig } from "./config";
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
  app.all("*", outsidePath(config));
  return app;
}

/** What every request gets while the config is invalid: the problems by name, never a value of the token. */
function misconfigured(err: Error | undefined): Response {
  const detail = err instanceof ConfigError ? err.message : "the admin Worker could not start: see its logs";
  return Response.json({ error: "admin_misconfigured", detail }, { status: 500, headers: PRIVATE });
}

let app: Hono<AdminEnv> | undefined;
let configError: Error | undefined;

export default {
  fetch(request, env, ctx) {
    if (!app && !configError) {
      try {
        app = createAdminApp(loadAdminConfig(env as unknown as Vars));
      } catch (err) {
        configError = err instanceof Error ? err : new Error(String(err));
      }
    }
    if (app) return app.fetch(request, env, ctx);
    console.error(JSON.stringify({ msg: "edge-error-pages admin cannot start", error: configError?.message }));
    return misconfigured(configError);
  },
} satisfies ExportedHandler<AdminBindings>;
