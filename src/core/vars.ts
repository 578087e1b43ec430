/**
 * The var reader both Workers use: every problem collected by name, reported at once, each with
 * the value used instead when there is one.
 */
import { isLocale, type Locale } from "./i18n";

/** Invalid options or vars: thrown at creation, never per request. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  /** Each problem on its own, for tools that list them (`npm run build`). Default: the message. */
  readonly problems: readonly string[];
  constructor(message: string, problems?: readonly string[]) {
    super(message);
    this.problems = problems ?? [message];
  }
}

/** A Worker's env as the config loaders see it: vars, secrets and bindings by name. */
export type Vars = Partial<Record<string, unknown>>;

/** One invalid var. */
export interface VarProblem {
  readonly name: string;
  readonly message: string;
  /**
   * What is used instead, in words (`the default 1500`). Undefined when nothing can stand in for
   * the value: the Worker cannot do its work without it.
   */
  readonly fallback?: string;
}

/** `PROBE_TIMEOUT_MS must be …, got "abc"; using the default 1500 instead`. */
export const describeProblem = (p: VarProblem): string => (p.fallback === undefined ? p.message : `${p.message}; using ${p.fallback} instead`);

const quoted = (v: unknown): string => (typeof v === "string" ? JSON.stringify(v) : String(v));

/** Reads vars by name, collecting every problem instead of stopping at the first. */
export class Reader {
  /** Every problem's message, in the order found. */
  readonly problems: string[] = [];
  /** The same problems with their names and fallbacks, for loaders that keep going. */
  readonly issues: VarProblem[] = [];
  constructor(private readonly env: Vars) {}

  report(problem: VarProblem): void {
    this.issues.push(problem);
    this.problems.push(problem.message);
  }

  /** A trimmed string; undefined when unset or empty. */
  string(name: string, fallback = "it unset"): string | undefined {
    const v = this.env[name];
    if (v === undefined || v === null || v === "") return undefined;
    if (typeof v !== "string") return void this.report({ name, message: `${name} must be a string, got ${quoted(v)}`, fallback });
    return v.trim();
  }

  /**
   * A number from `min` to `max`. A TOML number (`PROBE_TIMEOUT_MS = 1500`, which wrangler hands
   * over as a JSON number) counts as well as its text.
   */
  number(name: string, fallback: number, min: number, max: number): number {
    const v = this.env[name];
    const raw = typeof v === "number" ? String(v) : this.string(name, `the default ${fallback}`);
    if (raw === undefined) return fallback;
    const n = raw === "" ? NaN : Number(raw);
    if (!Number.isFinite(n) || n < min || n > max) {
      this.report({ name, message: `${name} must be a number from ${min} to ${max}, got ${quoted(raw)}`, fallback: `the default ${fallback}` });
      return fallback;
    }
    return n;
  }

  /** A whole number from `min` to `max`. */
  integer(name: string, fallback: number, min: number, max: number): number {
    const n = this.number(name, fallback, min, max);
    if (Number.isInteger(n)) return n;
    this.report({ name, message: `${name} must be a whole number from ${min} to ${max}, got ${n}`, fallback: `the default ${fallback}` });
    return fallback;
  }

  /** true/false, 1/0, yes/no (or a TOML boolean); unset is `fallback`. */
  boolean(name: string, fallback = false): boolean {
    const v = this.env[name];
    if (typeof v === "boolean") return v;
    const raw = this.string(name, `the default ${fallback}`)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (raw === "false" || raw === "0" || raw === "no") return false;
    if (raw === "true" || raw === "1" || raw === "yes") return true;
    this.report({ name, message: `${name} must be true or false, got ${quoted(raw)}`, fallback: `the default ${fallback}` });
    return fallback;
  }

  /** A comma-separated list; empty entries dropped. */
  list(name: string): string[] {
    return (this.string(name) ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "");
  }

  /** An absolute http(s) URL. No default can stand in for a wrong one: its problem has no fallback. */
  url(name: string): URL | undefined {
    const v = this.env[name];
    if (v !== undefined && v !== null && typeof v !== "string") return void this.report({ name, message: `${name} must be an absolute http(s) URL, got ${quoted(v)}` });
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    try {
      const url = new URL(raw);
      if (url.protocol === "http:" || url.protocol === "https:") return url;
    } catch {
      // reported below
    }
    this.report({ name, message: `${name} must be an absolute http(s) URL, got ${quoted(raw)}` });
    return undefined;
  }
}

/** DEFAULT_LOCALE, read the same way by both Workers. */
export function readLocale(r: Reader): Locale {
  const raw = r.string("DEFAULT_LOCALE", 'the default "en"') ?? "en";
  if (isLocale(raw)) return raw;
  r.report({ name: "DEFAULT_LOCALE", message: `DEFAULT_LOCALE must be "en" or "ko", got ${quoted(raw)}`, fallback: 'the default "en"' });
  return "en";
}

export const DEFAULT_ADMIN_PATH = "/__errors";

/**
 * A plain absolute path: `/` then segments of letters, digits and `_ - . ~`, none empty and none
 * `.` or `..`. So no `//…` (a network-path reference, another host to a URL parser), no `\`, `%`,
 * `?` or `#`, nothing a browser or the origin could read as a different path.
 */
const PLAIN_PATH = /^(?:\/(?!\.{1,2}(?:\/|$))[\w.~-]+)+$/;

/** ADMIN_PATH, read the same way by both Workers: they must agree on it. A trailing `/` is dropped. */
export function readAdminPath(r: Reader): string {
  const raw = r.string("ADMIN_PATH", `the default "${DEFAULT_ADMIN_PATH}"`);
  if (raw === undefined) return DEFAULT_ADMIN_PATH;
  const path = raw.length > 1 ? raw.replace(/\/$/, "") : raw;
  if (PLAIN_PATH.test(path)) return path;
  r.report({
    name: "ADMIN_PATH",
    message: `ADMIN_PATH must be a plain absolute path like "/__errors" (letters, digits, "_-.~" between single slashes), got ${quoted(raw)}`,
    fallback: `the default "${DEFAULT_ADMIN_PATH}"`,
  });
  return DEFAULT_ADMIN_PATH;
}

/** The throw that ends loading when any var was wrong, naming all of them. */
export function throwIfProblems(r: Reader): void {
  if (r.problems.length > 0) throw new ConfigError(`invalid configuration: ${r.problems.join("; ")}`, r.problems);
}


/** SITE_HOSTS: comma- or space-separated host names, lower-cased. Read the same way by the site Worker and the ledger. */
export function parseHosts(raw: string | undefined): Set<string> {
  return new Set((raw ?? "").split(/[\s,]+/).map((h) => h.trim().toLowerCase()).filter((h) => h !== ""));
}
