/**
 * Turns the site Worker's vars into validated options, once per isolate. Every problem is
 * reported at once, by name, so a misconfigured deployment says exactly what to fix.
 */
import type { ErrorPagesOptions } from "./error-pages";
import { isLocale, type Locale } from "./i18n";
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

/** Invalid options or vars: thrown at creation, never per request. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** A Worker's env as the config loaders see it: vars, secrets and bindings by name. */
export type Vars = Partial<Record<string, unknown>>;

/** Reads vars by name, collecting every problem instead of stopping at the first. */
export class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Vars) {}

  string(name: string): string | undefined {
    const v = this.env[name];
    if (v === undefined || v === null || v === "") return undefined;
    if (typeof v !== "string") return void this.problems.push(`${name} must be a string`);
    return v.trim();
  }

  number(name: string, fallback: number, min: number, max: number): number {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max) {
      this.problems.push(`${name} must be a number from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return n;
  }

  boolean(name: string): boolean {
    const raw = this.string(name)?.toLowerCase();
    if (raw === undefined || raw === "false" || raw === "0" || raw === "no") return false;
    if (raw === "true" || raw === "1" || raw === "yes") return true;
    this.problems.push(`${name} must be true or false, got "${raw}"`);
    return false;
  }

  url(name: string): URL | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    try {
      const url = new URL(raw);
      if (url.protocol === "http:" || url.protocol === "https:") return url;
    } catch {
      // reported below
    }
    this.problems.push(`${name} must be an absolute http(s) URL, got "${raw}"`);
    return undefined;
  }
}

/** DEFAULT_LOCALE, read the same way by both Workers. */
export function readLocale(r: Reader): Locale {
  const raw = r.string("DEFAULT_LOCALE") ?? "en";
  if (isLocale(raw)) return raw;
  r.problems.push(`DEFAULT_LOCALE must be "en" or "ko", got "${raw}"`);
  return "en";
}

/** ADMIN_PATH, read the same way by both Workers: they must agree on it. */
export function readAdminPath(r: Reader): string {
  const path = (r.string("ADMIN_PATH") ?? "/__errors").replace(/\/+$/, "");
  if (!/^\/[\w\-./]*[\w-]$/.test(path)) r.problems.push(`ADMIN_PATH must look like "/__errors", got "${path}"`);
  return path;
}

/** The throw that ends loading when any var was wrong, naming all of them. */
export function throwIfProblems(r: Reader): void {
  if (r.problems.length > 0) throw new ConfigError(`invalid configuration: ${r.problems.join("; ")}`);
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
      ...(brand ? { brand } : {}),
    },
    admin: adminBound ? { path: adminPath } : null,
    warnings: leftoverTokenWarning(env, adminBound),
  };
}
