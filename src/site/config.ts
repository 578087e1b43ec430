/**
 * Turns the site Worker's vars into validated options, once per isolate. Every problem is
 * reported at once, by name, so a misconfigured deployment says exactly what to fix.
 */
import type { ErrorPagesOptions } from "./error-pages";
import { readAdminPath, readLocale, Reader, throwIfProblems, type Vars } from "../core/vars";

export { ConfigError } from "../core/vars";
import type { ProxyOptions } from "./proxy";

/** The site Worker's share of the owner side: which requests belong to the admin Worker. */
export interface AdminRoute {
  /** Where the owner API and dashboard live. Default "/__errors". */
  readonly path: string;
}

export interface Config {
  readonly proxy: ProxyOptions;
  readonly errorPages: ErrorPagesOptions;
  /**
   * Null when the ADMIN service binding is absent: then the admin path is an ordinary path that
   * goes to the origin like any other.
   */
  readonly admin: AdminRoute | null;
  /** Problems worth one log line per isolate, but not worth failing every visitor's request. */
  readonly warnings: readonly string[];
}

const isFetcher = (value: unknown): value is Fetcher =>
  typeof value === "object" && value !== null && typeof (value as { fetch?: unknown }).fetch === "function";

/**
 * The token moved to the admin Worker. Left behind here it would be a second copy of the secret
 * in the Worker every visitor reaches, so say so, but keep serving: a ConfigError would turn
 * every visitor's request into a 500.
 */
function leftoverTokenWarning(env: Vars, adminBound: boolean): string[] {
  if (env.ADMIN_TOKEN === undefined || env.ADMIN_TOKEN === null || env.ADMIN_TOKEN === "") return [];
  const where = adminBound
    ? "the admin Worker (wrangler.admin.toml) checks the token"
    : "the ADMIN service binding is not set either, so the owner API is off here";
  return [`ADMIN_TOKEN is set on the site Worker, which no longer reads it: ${where}. Remove it with \`npx wrangler secret delete ADMIN_TOKEN\``];
}

/** Reads the config from `env`. Throws ConfigError listing every problem. */
export function loadConfig(env: Vars): Config {
  const r = new Reader(env);
  const originUrl = r.url("ORIGIN_URL");
  const timeoutMs = r.number("ORIGIN_TIMEOUT_MS", 100_000, 1, 6_000_000);
  const probeTimeoutMs = r.number("PROBE_TIMEOUT_MS", 1500, 1, 30_000);
  const defaultLocale = readLocale(r);
  const adminPath = readAdminPath(r);
  const adminBound = isFetcher(env.ADMIN);
  const incidents = {
    ttlDays: r.number("INCIDENT_TTL_DAYS", 30, 1, 365),
    storeQuery: r.boolean("STORE_QUERY"),
    storeClientIp: r.boolean("STORE_CLIENT_IP"),
    budget: {
      sampleRate: r.number("INCIDENT_SAMPLE_RATE", 1, 0, 1),
      perWindow: Math.floor(r.number("INCIDENT_BUDGET", 25, 0, 1000)),
      windowMs: r.number("INCIDENT_WINDOW_S", 10, 1, 20) * 1000,
    },
  };
  const brand = r.string("BRAND_NAME");
  // On unless turned off: a TOML `false` arrives as a boolean, a --var or dashboard value as text.
  const passThroughJson = typeof env.PASS_THROUGH_JSON === "boolean" ? env.PASS_THROUGH_JSON : r.string("PASS_THROUGH_JSON") === undefined || r.boolean("PASS_THROUGH_JSON");
  throwIfProblems(r);
  return {
    proxy: { ...(originUrl ? { originUrl } : {}), timeoutMs },
    errorPages: {
      defaultLocale,
      probeTimeoutMs,
      // On a zone route the platform reports origin failures as 52x itself, and sockets to
      // Cloudflare's own addresses are blocked: only an explicit ORIGIN_URL is worth probing.
      probe: originUrl !== undefined,
      incidents,
      passThroughJson,
      ...(brand ? { brand } : {}),
    },
    admin: adminBound ? { path: adminPath } : null,
    warnings: leftoverTokenWarning(env, adminBound),
  };
}
