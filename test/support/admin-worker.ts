/**
 * The owner side in tests as in production: a Worker whose vars set ADMIN_TOKEN gets an admin
 * Worker beside it (`<name>-admin`, built from wrangler.admin.toml, on the same KV namespace),
 * bound to it as ADMIN. The token goes to the admin Worker only.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { WorkerOptions } from "./miniflare";
import { ADMIN_BUNDLE_DIR, BUNDLE_DIR } from "./build";
import { httpRequest } from "./http";

/** The compatibility date both wrangler configs deploy with, read from them so tests cannot drift. */
export const COMPATIBILITY_DATE = readCompatibilityDate();

function readCompatibilityDate(): string {
  const root = resolve(import.meta.dirname, "../..");
  const dates = ["wrangler.toml", "wrangler.admin.toml"].map((file) => {
    const date = /^\s*compatibility_date\s*=\s*"([\d-]+)"/m.exec(readFileSync(resolve(root, file), "utf8"))?.[1];
    if (!date) throw new Error(`${file} has no compatibility_date`);
    return date;
  });
  if (new Set(dates).size !== 1) throw new Error(`wrangler.toml and wrangler.admin.toml disagree on compatibility_date: ${dates.join(", ")}`);
  return dates[0]!;
}

/** The site Worker's bundle, as Miniflare loads it. */
export const SITE_SCRIPT = {
  modules: true,
  modulesRules: [{ type: "Text", include: ["**/*.html"] }],
  scriptPath: resolve(BUNDLE_DIR, "index.js"),
  compatibilityDate: COMPATIBILITY_DATE,
} satisfies Partial<WorkerOptions>;

/** The admin Worker's bundle, as Miniflare loads it. */
export const ADMIN_SCRIPT = {
  modules: true,
  scriptPath: resolve(ADMIN_BUNDLE_DIR, "worker.js"),
  compatibilityDate: COMPATIBILITY_DATE,
} satisfies Partial<WorkerOptions>;

/** Vars both Workers read, so both get them. */
const SHARED_VARS = ["ADMIN_PATH", "DEFAULT_LOCALE"] as const;
/** Vars only the admin Worker reads: they go to it, not to the site Worker. */
const ADMIN_ONLY_VARS = ["ADMIN_HOST", "ADMIN_LOCAL_ONLY", "ACCESS_TEAM_DOMAIN", "ACCESS_AUD"] as const;

/** The sign-in limit of wrangler.admin.toml's `[[ratelimits]]`, as Miniflare runs it. */
export const LOGIN_RATE_LIMIT = { LOGIN_RATE_LIMIT: { namespace_id: "1301", simple: { limit: 10, period: 60 } } };

export const adminNameOf = (name: string): string => `${name}-admin`;

export interface OwnerSplit {
  /** The site Worker's vars: the given ones without ADMIN_TOKEN. */
  readonly siteVars: Record<string, string>;
  /** The site Worker's service bindings: ADMIN → the admin Worker, or none without a token. */
  readonly serviceBindings: Record<string, string>;
  /** The admin Worker to start beside it, or null when the vars set no ADMIN_TOKEN. */
  readonly admin: { readonly name: string; readonly vars: Record<string, string> } | null;
}

/** Splits one Worker's vars between the site Worker and, when ADMIN_TOKEN is set, its admin Worker. */
export function splitOwner(name: string, vars: Readonly<Record<string, string>>): OwnerSplit {
  const { ADMIN_TOKEN, ...rest } = vars;
  const siteVars: Record<string, string> = {};
  for (const [key, value] of Object.entries(rest)) if (!(ADMIN_ONLY_VARS as readonly string[]).includes(key)) siteVars[key] = value;
  if (ADMIN_TOKEN === undefined) return { siteVars, serviceBindings: {}, admin: null };
  const adminVars: Record<string, string> = { ADMIN_TOKEN };
  for (const key of [...SHARED_VARS, ...ADMIN_ONLY_VARS]) if (vars[key] !== undefined) adminVars[key] = vars[key];
  const admin = adminNameOf(name);
  return { siteVars, serviceBindings: { ADMIN: admin }, admin: { name: admin, vars: adminVars } };
}

/** An admin Worker with `vars`, reaching the incidents the way `incidents` says (its own KV or a wrapper). */
export function adminWorker(
  name: string,
  vars: Readonly<Record<string, string>>,
  incidents: Pick<WorkerOptions, "kvNamespaces" | "wrappedBindings"> = { kvNamespaces: { INCIDENTS: "incidents" } },
): WorkerOptions {
  return { name, ...ADMIN_SCRIPT, bindings: { ...vars }, ratelimits: LOGIN_RATE_LIMIT, ...incidents };
}

/**
 * A request to Miniflare's HTTP socket that keeps every header as given. `dispatchFetch` goes
 * through undici, which replaces `Sec-Fetch-Mode` with "cors" and sets `Host` to the socket's
 * address; the owner side decides on exactly those headers, as a browser sends them.
 */
export async function browserRequest(entry: string, url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Response> {
  const target = new URL(url);
  const res = await httpRequest(new URL(entry), target.pathname + target.search, {
    method: init.method ?? "GET",
    headers: { host: target.host, ...init.headers },
    ...(init.body !== undefined ? { body: init.body } : {}),
    capMs: 20_000,
  });
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, v);
  }
  const nullBody = res.status === 204 || res.status === 304 || init.method === "HEAD";
  return new Response(nullBody ? null : new Uint8Array(res.body), { status: res.status, headers });
}

/**
 * The `INCIDENT_LEDGER` binding of a Worker in a test: the first site Worker that asks for the
 * ledger defines it (`owner`), every other Worker, the admin Workers too, binds to that one, so
 * all "isolates" of a test share one ledger as the isolates of a zone do.
 */
export function ledgerBindings(owner: string | undefined, self: string): Pick<WorkerOptions, "durableObjects"> {
  if (owner === undefined) return {};
  return { durableObjects: { INCIDENT_LEDGER: { className: "IncidentLedger", useSQLite: true, ...(owner === self ? {} : { scriptName: owner }) } } };
}
