/**
 * Turns the Worker's vars and secrets into validated options, once per isolate. Every problem is
 * reported at once, by name, so a misconfigured deployment says exactly what to fix.
 */
import type { ErrorPagesOptions } from "./error-pages";
import { isLocale, type Locale } from "./i18n";
import type { ProxyOptions } from "./proxy";

export interface AdminConfig {
  /** Where the owner API and dashboard live. Default "/__errors". */
  readonly path: string;
  readonly token: string;
  readonly binding: string;
}

export interface Config {
  readonly proxy: ProxyOptions;
  readonly errorPages: ErrorPagesOptions;
  /** Null when ADMIN_TOKEN is not set: then nothing is served under the admin path. */
  readonly admin: AdminConfig | null;
}

/** Invalid options or vars: thrown at creation, never per request. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

type Vars = Partial<Record<string, unknown>>;

class Reader {
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

/** Reads the config from `env`. Throws ConfigError listing every problem. */
export function loadConfig(env: Vars): Config {
  const r = new Reader(env);
  const originUrl = r.url("ORIGIN_URL");
  const timeoutMs = r.number("ORIGIN_TIMEOUT_MS", 100_000, 1, 6_000_000);
  const probeTimeoutMs = r.number("PROBE_TIMEOUT_MS", 1500, 1, 30_000);
  const localeRaw = r.string("DEFAULT_LOCALE") ?? "en";
  if (!isLocale(localeRaw)) r.problems.push(`DEFAULT_LOCALE must be "en" or "ko", got "${localeRaw}"`);
  const defaultLocale: Locale = isLocale(localeRaw) ? localeRaw : "en";
  const adminPath = (r.string("ADMIN_PATH") ?? "/__errors").replace(/\/+$/, "");
  if (!/^\/[\w\-./]*[\w-]$/.test(adminPath)) r.problems.push(`ADMIN_PATH must look like "/__errors", got "${adminPath}"`);
  const token = r.string("ADMIN_TOKEN");
  if (token !== undefined && token.length < 16) r.problems.push("ADMIN_TOKEN must be at least 16 characters");
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
  if (r.problems.length > 0) throw new ConfigError(`invalid configuration: ${r.problems.join("; ")}`);
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
    admin: token ? { path: adminPath, token, binding: "INCIDENTS" } : null,
  };
}
