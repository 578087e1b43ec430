/**
 * The site Worker: config from env (once per isolate), the owner's path handed to the admin
 * Worker, then errorPages in front of the proxy.
 */
import { Hono } from "hono/tiny";
import { forwardToAdmin } from "./admin-forward";
import { type Config, loadConfig } from "./config";
import { DEFAULT_INCIDENTS, errorPages } from "./error-pages";
import { maintenance } from "./maintenance";
import { recoveringProxy } from "./retry";
import { generateRayId } from "../core/ray";
import { fallbackResponse } from "./render/respond";

export { errorPages } from "./error-pages";
export { proxy, fetchOrigin } from "./proxy";

/**
 * The site app for `config`. `maintenanceStore` (default true) says the env has the KV namespace
 * the maintenance flag lives in; without it the maintenance check is left out.
 */
export function createApp(config: Config, maintenanceStore = true): Hono<{ Bindings: Env }> {
  const app = new Hono<{ Bindings: Env }>();
  // errorPages turns every error into the right page; this only keeps Hono from logging twice.
  app.onError((_err, c) => c.body(null, 500));
  // Before errorPages: the owner's requests never reach the origin and are never recorded.
  // Hono's `/*` also matches the path itself, so `/__errors` and `/__errors/…` both go.
  if (config.admin) app.all(`${config.admin.path}/*`, forwardToAdmin);
  // Before errorPages: the maintenance answer is a 503 on purpose, not a failure to dress up.
  const r = config.resilience;
  if (maintenanceStore && r.maintenanceCheckMs > 0) {
    app.use(
      maintenance({
        checkMs: r.maintenanceCheckMs,
        allowIps: r.maintenanceAllowIps,
        adminPath: config.admin?.path ?? null,
        binding: config.errorPages.incidents === false ? DEFAULT_INCIDENTS.binding : (config.errorPages.incidents?.binding ?? DEFAULT_INCIDENTS.binding),
        defaultLocale: config.errorPages.defaultLocale ?? "en",
        ...(config.errorPages.brand ? { brand: config.errorPages.brand } : {}),
        ...(r.statusPageUrl ? { statusPageUrl: r.statusPageUrl } : {}),
      }),
    );
  }
  app.use(errorPages(config.errorPages));
  app.all("*", recoveringProxy(config.proxy, r.retry));
  return app;
}

let app: Hono<{ Bindings: Env }> | undefined;
let configError: Error | undefined;

function start(env: Env): void {
  try {
    const config = loadConfig(env as unknown as Record<string, unknown>);
    // Without the KV namespace there is no flag to read: the maintenance check is left out.
    app = createApp(config, typeof (env as { INCIDENTS?: unknown }).INCIDENTS === "object");
    for (const warning of config.warnings) console.warn(JSON.stringify({ msg: "edge-error-pages config warning", warning }));
  } catch (err) {
    configError = err instanceof Error ? err : new Error(String(err));
  }
}

export default {
  fetch(request, env, ctx) {
    if (!app && !configError) start(env);
    if (app) return app.fetch(request, env, ctx);
    // Details go to the log only: config values (like ORIGIN_URL) must not reach visitors.
    console.error(JSON.stringify({ msg: "edge-error-pages cannot start", error: configError?.message }));
    return fallbackResponse(500, generateRayId(), request.method === "HEAD");
  },
} satisfies ExportedHandler<Env>;

/** The zone's incident ledger (wrangler.toml declares it with its migration). */
export { IncidentLedger } from "../ledger/ledger";
