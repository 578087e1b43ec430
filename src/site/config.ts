/**
 * Turns the site Worker's vars into validated options, once per isolate. Every problem is
 * reported at once, by name, so a misconfigured deployment says exactly what to fix. The Worker
 * runs in front of every request, so a wrong optional var must not take the site down: it falls
 * back to its default and is logged. Only a value nothing can stand in for stops the Worker.
 */
import type { ErrorPagesOptions } from "./error-pages";
import { DEFAULT_PROBE_TIMEOUT_MS } from "./error-pages-options";
import { ConfigError, describeProblem, readAdminPath, readLocale, Reader, type Vars } from "../core/vars";

export { ConfigError } from "../core/vars";
import type { ProxyOptions } from "./proxy";
import { type ResilienceConfig, readResilience } from "./resilience-config";
import { parseHosts } from "../core/vars";

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
  /** Last good copy, retry and backup origin, maintenance mode, status page (docs/resilience.md). */
  readonly resilience: ResilienceConfig;
  /** Problems worth one log line per isolate, but not worth failing every visitor's request. */
  readonly warnings: readonly string[];
  /**
   * Vars that were invalid and replaced by their defaults, each naming the var, what was wrong and
   * the value used instead: one loud log line each per isolate (and `npm run build` refuses them).
   */
  readonly problems: readonly string[];
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

/**
 * Where the owner's requests go, read on its own: even when the rest of the config is unusable,
 * they must reach the admin Worker rather than the origin. Null without the ADMIN binding.
 */
export function adminRouteOf(env: Vars): AdminRoute | null {
  return isFetcher(env.ADMIN) ? { path: readAdminPath(new Reader(env)) } : null;
}

/**
 * Reads the config from `env`. An invalid optional var falls back to its default and is listed in
 * `problems`; throws ConfigError (naming every problem) only when a var without a fallback is
 * wrong, an unparsable ORIGIN_URL.
 */
export function loadConfig(env: Vars): Config {
  const r = new Reader(env);
  const originUrl = r.url("ORIGIN_URL");
  const timeoutMs = r.number("ORIGIN_TIMEOUT_MS", 100_000, 1, 6_000_000);
  const probeTimeoutMs = r.number("PROBE_TIMEOUT_MS", DEFAULT_PROBE_TIMEOUT_MS, 1, 30_000);
  const defaultLocale = readLocale(r);
  const adminPath = readAdminPath(r);
  const adminBound = isFetcher(env.ADMIN);
  const incidents = {
    ttlDays: r.number("INCIDENT_TTL_DAYS", 30, 1, 365),
    storeQuery: r.boolean("STORE_QUERY"),
    storeClientIp: r.boolean("STORE_CLIENT_IP"),
    hosts: [...parseHosts(r.string("SITE_HOSTS"))],
    samplesPerMinute: Math.floor(r.number("INCIDENT_SAMPLES", 30, 0, 1000)),
    budget: {
      sampleRate: r.number("INCIDENT_SAMPLE_RATE", 1, 0, 1),
      perWindow: r.integer("INCIDENT_BUDGET", 25, 0, 1000),
      windowMs: r.number("INCIDENT_WINDOW_S", 10, 1, 20) * 1000,
    },
  };
  const brand = r.string("BRAND_NAME", "the request's host");
  const resilience = readResilience(r);
  // On unless turned off; a bad value keeps it on (the default) and is reported like any other.
  const passThroughJson = r.boolean("PASS_THROUGH_JSON", true);
  // Problems reported with a fallback say what is used instead; the others (pushed as plain
  // messages) have kept their setting's default too. Only a var without a fallback is fatal.
  const described = r.issues.map(describeProblem);
  const problems = [...described, ...r.problems.filter((m) => !r.issues.some((i) => i.message === m))];
  if (r.issues.some((p) => p.fallback === undefined)) throw new ConfigError(`invalid configuration: ${problems.join("; ")}`, problems);
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
      ...(resilience.stale ? { lastGoodCopy: resilience.stale } : {}),
      ...(resilience.statusPageUrl ? { statusPageUrl: resilience.statusPageUrl } : {}),
    },
    resilience,
    admin: adminBound ? { path: adminPath } : null,
    warnings: leftoverTokenWarning(env, adminBound),
    problems,
  };
}
