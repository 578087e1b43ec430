/**
 * The site Worker: config from env (once per isolate), the owner's path handed to the admin
 * Worker, then errorPages in front of the proxy. It fails open: a wrong optional var falls back
 * to its default, and on a zone route a fault of the Worker's own hands the request to the origin.
 */
import type { MiddlewareHandler } from "hono";
import { Hono } from "hono/tiny";
import { adminGate } from "./admin-forward";
import { type AsyncHandler, chain, serve } from "./chain";
import { type AdminRoute, adminRouteOf, type Config, loadConfig } from "./config";
import { createErrorPages, DEFAULT_INCIDENTS, type ErrorPagesParts } from "./error-pages";
import { type MaintenanceCheck, maintenanceCheck, type MaintenanceOptions } from "./maintenance";
import { passThrough } from "./pass-through";
import { recoveringFetch } from "./retry";
import { originConnects } from "./connect-check";
import { generateRayId } from "../core/ray";
import { fallbackResponse } from "./render/respond";
import type { SiteBindings } from "./bindings";

export { errorPages } from "./error-pages";
export { proxy, fetchOrigin } from "./proxy";

/** True without ORIGIN_URL: the request's own URL is the zone's origin. */
const onZoneRoute = (config: Config): boolean => config.proxy.originUrl === undefined;

/**
 * The site app for `config`. `maintenanceStore` (default true) says the env has the KV namespace
 * the maintenance flag lives in; without it the maintenance check is left out.
 */
export function createApp(config: Config, maintenanceStore = true): Hono<{ Bindings: SiteBindings }> {
  const app = new Hono<{ Bindings: SiteBindings }>();
  app.onError(onErrorFor(config));
  app.all("*", siteHandler(siteParts(config, maintenanceStore)));
  return app;
}

/**
 * The site app of {@link createApp} as a Worker's `fetch`: its one handler called with the
 * Context Hono would build, without the router and dispatch around it, and a request nothing
 * needs to answer sent through without a Context at all (pass-through.ts), since every visitor's
 * request passes here and the site has one route.
 */
export function createFetch(config: Config, maintenanceStore = true): SiteFetch {
  // The path exactly as the app would read it (Hono's getPath decodes it).
  const { getPath } = new Hono<{ Bindings: SiteBindings }>();
  const parts = siteParts(config, maintenanceStore);
  const onError = onErrorFor(config);
  const full = serve(siteHandler(parts), getPath, onError);
  return passThrough({ full, origin: parts.origin, pages: parts.pages, adminPath: config.admin?.path ?? null, maintenance: parts.gate, getPath, onError });
}

type SiteFetch = (request: Request, env: SiteBindings, ctx: ExecutionContext) => Promise<Response>;

/**
 * errorPages turns every error into the right page; this only keeps Hono from logging twice. On
 * a zone route a fault of our own is thrown on, so passThroughOnException reaches the origin.
 */
function onErrorFor(config: Config): (err: unknown) => Response {
  const zone = onZoneRoute(config);
  return (err) => {
    if (zone) throw err;
    return new Response(null, { status: 500 });
  };
}

/** What the site's handler is made of, each created (and its options checked) once. */
interface SiteParts {
  readonly config: Config;
  readonly gate: MaintenanceCheck | undefined;
  readonly pages: ErrorPagesParts;
  readonly origin: (request: Request) => Promise<Response>;
}

function siteParts(config: Config, maintenanceStore: boolean): SiteParts {
  const r = config.resilience;
  return {
    config,
    gate: maintenanceStore && r.maintenanceCheckMs > 0 ? maintenanceCheck(maintenanceOptions(config)) : undefined,
    pages: createErrorPages({ ...config.errorPages, rethrowFaults: onZoneRoute(config) }),
    origin: recoveringFetch(config.proxy, r.retry, originConnects(config.errorPages.probeTimeoutMs)),
  };
}

/** The gates, errorPages and the proxy, composed once into the app's one handler. */
function siteHandler({ config, gate, pages, origin }: SiteParts): AsyncHandler<{ Bindings: SiteBindings }> {
  // Before errorPages: the maintenance answer is a 503 on purpose, not a failure to dress up.
  const layers: MiddlewareHandler<{ Bindings: SiteBindings }>[] = [];
  // Before errorPages too: the owner's requests never reach the origin and are never recorded.
  if (config.admin) layers.push(adminGate(config.admin.path, gate?.middleware));
  else if (gate) layers.push(gate.middleware);
  layers.push(pages.middleware);
  // One handler, composed here once: see chain.ts for what Hono's per-request compose costs.
  return chain(layers, (c) => origin(c.req.raw));
}

function maintenanceOptions(config: Config): MaintenanceOptions {
  const r = config.resilience;
  const incidents = config.errorPages.incidents;
  return {
    checkMs: r.maintenanceCheckMs,
    allowIps: r.maintenanceAllowIps,
    adminPath: config.admin?.path ?? null,
    binding: (incidents === false ? undefined : incidents?.binding) ?? DEFAULT_INCIDENTS.binding,
    defaultLocale: config.errorPages.defaultLocale ?? "en",
    ...(config.errorPages.brand ? { brand: config.errorPages.brand } : {}),
    ...(r.statusPageUrl ? { statusPageUrl: r.statusPageUrl } : {}),
  };
}

/** Marks our own pass-through, so a request that comes back to this Worker is not sent round again. */
const PASSED = "x-edge-error-pages-pass-through";

/**
 * What runs when the config cannot be used at all (an unparsable ORIGIN_URL): the owner's path
 * still goes to the admin Worker, and everything else is sent on as it came, which on a zone
 * route is the zone's origin. Nothing is classified or recorded: the options for that are unknown.
 */
export function createDegradedApp(admin: AdminRoute | null): Hono<{ Bindings: SiteBindings }> {
  const app = new Hono<{ Bindings: SiteBindings }>();
  const minimal = (request: Request, status: number) => fallbackResponse(status, generateRayId(), request.method === "HEAD");
  app.onError((_err, c) => minimal(c.req.raw, 500));
  if (admin) app.use(adminGate(admin.path));
  app.all("*", async (c) => {
    const request = c.req.raw;
    // Without a route (wrangler dev, workers.dev) the request's URL is this Worker itself.
    if (request.headers.has(PASSED)) return minimal(request, 500);
    const headers = new Headers(request.headers);
    headers.set(PASSED, "1");
    try {
      // As the proxy does: the origin's redirects reach the visitor, they are not followed here.
      return await fetch(new Request(request, { headers, redirect: "manual" }));
    } catch {
      return minimal(request, 502);
    }
  });
  return app;
}

type State = { readonly fetch: SiteFetch; readonly zone: boolean; readonly error?: string };
let state: State | undefined;

function start(env: SiteBindings): State {
  const vars = env as unknown as Record<string, unknown>;
  try {
    const config = loadConfig(vars);
    for (const warning of config.warnings) console.warn(JSON.stringify({ msg: "edge-error-pages config warning", warning }));
    // Loud, once per isolate and per var: the site keeps working, but not as the owner set it.
    for (const problem of config.problems) console.error(JSON.stringify({ msg: "edge-error-pages invalid var, using its default", problem }));
    // Without the KV namespace there is no flag to read: the maintenance check is left out.
    return { fetch: createFetch(config, typeof (env as { INCIDENTS?: unknown }).INCIDENTS === "object"), zone: onZoneRoute(config) };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    return { fetch: createDegradedApp(adminRouteOf(vars)).fetch as SiteFetch, zone: true, error };
  }
}

export default {
  fetch(request, env, ctx) {
    state ??= start(env);
    if (state.error !== undefined) {
      // Every request while it lasts: values that reach visitors never include the config's.
      console.error(JSON.stringify({ msg: "edge-error-pages cannot start", error: state.error }));
    } else if (state.zone) ctx.passThroughOnException();
    return state.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<SiteBindings>;

/** The zone's incident ledger (wrangler.toml declares it with its migration). */
export { IncidentLedger } from "../ledger/ledger";
