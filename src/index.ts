/**
 * The standalone Worker: config from env (once per isolate), then errorPages in front of the proxy.
 */
import { Hono } from "hono/tiny";
import { adminRoutes } from "./admin/routes";
import { type Config, loadConfig } from "./config";
import { errorPages } from "./error-pages";
import { proxy } from "./proxy";
import { generateRayId } from "./ray";
import { fallbackResponse } from "./render/respond";

export { errorPages } from "./error-pages";
export { proxy, fetchOrigin } from "./proxy";

export function createApp(config: Config): Hono<{ Bindings: Env }> {
  const app = new Hono<{ Bindings: Env }>();
  // errorPages turns every error into the right page; this only keeps Hono from logging twice.
  app.onError((_err, c) => c.body(null, 500));
  // Before errorPages: the owner's requests never reach the origin and are never recorded.
  if (config.admin) app.route(config.admin.path, adminRoutes(config.admin));
  app.use(errorPages(config.errorPages));
  app.all("*", proxy(config.proxy));
  return app;
}

let app: Hono<{ Bindings: Env }> | undefined;
let configError: Error | undefined;

export default {
  fetch(request, env, ctx) {
    if (!app && !configError) {
      try {
        app = createApp(loadConfig(env as unknown as Record<string, unknown>));
      } catch (err) {
        configError = err instanceof Error ? err : new Error(String(err));
      }
    }
    if (app) return app.fetch(request, env, ctx);
    // Details go to the log only: config values (like ORIGIN_URL) must not reach visitors.
    console.error(JSON.stringify({ msg: "edge-error-pages cannot start", error: configError?.message }));
    return fallbackResponse(500, generateRayId(), request.method === "HEAD");
  },
} satisfies ExportedHandler<Env>;
