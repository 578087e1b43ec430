/**
 * The var reader both Workers use: every problem collected by name, reported at once.
 */
import { isLocale, type Locale } from "./i18n";

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

  boolean(name: string, fallback = false): boolean {
    const raw = this.string(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (raw === "false" || raw === "0" || raw === "no") return false;
    if (raw === "true" || raw === "1" || raw === "yes") return true;
    this.problems.push(`${name} must be true or false, got "${raw}"`);
    return fallback;
  }

  /** A comma-separated list; empty entries dropped. */
  list(name: string): string[] {
    return (this.string(name) ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "");
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


/** SITE_HOSTS: comma- or space-separated host names, lower-cased. Read the same way by the site Worker and the ledger. */
export function parseHosts(raw: string | undefined): Set<string> {
  return new Set((raw ?? "").split(/[\s,]+/).map((h) => h.trim().toLowerCase()).filter((h) => h !== ""));
}
