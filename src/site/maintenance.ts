/**
 * Maintenance mode on the site Worker: while the owner's flag is on, visitors get the
 * maintenance answer and the origin is not asked. The flag lives in KV and is read at most once
 * per `checkMs` per isolate, off the request path once known, so passing through costs no KV read.
 * Only the admin Worker can tell the owner's credentials apart: it is asked through ADMIN.
 */
import type { Context, MiddlewareHandler, Next } from "hono";
import { MAINTENANCE_KEY, type MaintenanceRecord, OWNER_CHECK_PATH, OWNER_PASS_COOKIE, parseMaintenance } from "../core/maintenance";
import { type Locale, pickLocale } from "../core/i18n";
import { rayIdFor } from "../core/ray";
import { ConfigError } from "../core/vars";
import { executionContext } from "./execution-context";
import { negotiate } from "./render/negotiate";
import { maintenanceResponse } from "./render/maintenance-page";
import type { SiteBindings } from "./bindings";

export interface MaintenanceOptions {
  /** How long a read of the flag is trusted in an isolate, in ms. Default 10000. */
  readonly checkMs: number;
  /** Client IPs (exact, or IPv4 CIDR such as `203.0.113.0/24`) that always pass through. */
  readonly allowIps: readonly string[];
  /** ADMIN_PATH, where the admin Worker answers the owner check; null without the ADMIN binding. */
  readonly adminPath: string | null;
  readonly binding: string;
  readonly defaultLocale: Locale;
  readonly brand?: string;
  readonly statusPageUrl?: string;
}

type Read = Promise<MaintenanceRecord | null>;

/** The flag as this isolate last read it; `untilMs` is checked on every request, so it ends on time. */
export class MaintenanceGate {
  #record: MaintenanceRecord | null = null;
  #untilMs = 0;
  #known = false;
  #freshUntil = 0;
  #loading: Read | undefined;

  constructor(private readonly checkMs: number) {}

  /** The record in force, or a read to wait for (the first request of an isolate only). */
  current(kv: KVNamespace, nowMs: number, background: Pick<ExecutionContext, "waitUntil"> | undefined): MaintenanceRecord | null | Read {
    if (!this.#known) return this.#loading ?? this.#load(kv);
    if (nowMs >= this.#freshUntil && !this.#loading) {
      const read = this.#load(kv);
      // Without an execution context (app.request() in unit tests) the read still completes.
      background?.waitUntil(read);
    }
    return this.#record !== null && this.#untilMs > nowMs ? this.#record : null;
  }

  #load(kv: KVNamespace): Read {
    // Through a then: a binding that throws synchronously fails open like one that rejects.
    const read = Promise.resolve().then(() => kv.get(MAINTENANCE_KEY)).then(
      (raw) => parseMaintenance(raw, Date.now()) ?? null,
      (err: unknown) => {
        // Failing open: a KV problem must not close the site.
        console.error(JSON.stringify({ msg: "maintenance flag unreadable: serving normally", error: String(err) }));
        return this.#record;
      },
    ).then((record) => {
      this.#record = record;
      this.#untilMs = record ? Date.parse(record.until) : 0;
      this.#known = true;
      this.#freshUntil = Date.now() + this.checkMs;
      this.#loading = undefined;
      return record;
    });
    this.#loading = read;
    return read;
  }
}

/** A matcher for MAINTENANCE_ALLOW_IPS. Throws ConfigError on an entry that is not an IP or IPv4 CIDR. */
export function compileAllowList(entries: readonly string[]): (ip: string) => boolean {
  const exact = new Set<string>();
  const ranges: { base: number; mask: number }[] = [];
  for (const entry of entries) {
    const cidr = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(entry);
    if (cidr?.[1] && cidr[2] !== undefined && Number(cidr[2]) <= 32) {
      const bits = Number(cidr[2]);
      const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
      ranges.push({ base: ((ipv4(cidr[1]) ?? 0) & mask) >>> 0, mask });
    } else if (ipv4(entry) !== undefined || /^[0-9a-f:]+$/i.test(entry)) exact.add(entry.toLowerCase());
    else throw new ConfigError(`MAINTENANCE_ALLOW_IPS entries must be IPs or IPv4 CIDR ranges, got "${entry}"`);
  }
  return (ip) => {
    if (exact.has(ip.toLowerCase())) return true;
    const n = ipv4(ip);
    return n !== undefined && ranges.some((r) => ((n & r.mask) >>> 0) === r.base);
  };
}

function ipv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n >>> 0;
}

/** True when the request carries anything the admin Worker could recognise as the owner. */
function carriesCredentials(headers: Headers): boolean {
  if (headers.has("authorization") || headers.has("cf-access-jwt-assertion")) return true;
  return (headers.get("cookie") ?? "").includes(`${OWNER_PASS_COOKIE}=`);
}

/** Asks the admin Worker, which alone holds the token, whether these are the owner's credentials. */
async function isOwner(c: Context<{ Bindings: SiteBindings }>, adminPath: string): Promise<boolean> {
  const from = c.req.raw.headers;
  const headers = new Headers();
  for (const name of ["authorization", "cf-access-jwt-assertion", "cookie"]) {
    const value = from.get(name);
    if (value !== null) headers.set(name, value);
  }
  const url = new URL(c.req.url);
  try {
    const admin = c.env.ADMIN;
    if (!admin) throw new Error("no ADMIN service binding");
    const res = await admin.fetch(new Request(`${url.origin}${adminPath}${OWNER_CHECK_PATH}`, { headers }));
    await res.body?.cancel();
    return res.status === 200;
  } catch (err) {
    console.error(JSON.stringify({ msg: "owner check failed: admin Worker unavailable", error: String(err) }));
    return false;
  }
}

/**
 * The maintenance check in parts: `middleware` is {@link maintenance}; `open` is true when this
 * isolate knows the flag is off (or there is no KV namespace to hold one), so a caller may send
 * the request on without the middleware. False means the middleware must decide: the flag is on,
 * or not read yet. Either way it starts a re-read once `checkMs` has passed.
 */
export interface MaintenanceCheck {
  readonly middleware: MiddlewareHandler<{ Bindings: SiteBindings }>;
  readonly open: (env: SiteBindings, ctx: ExecutionContext) => boolean;
}

/** The middleware; register it after the admin route and before errorPages. */
export function maintenance(options: MaintenanceOptions): MiddlewareHandler<{ Bindings: SiteBindings }> {
  return maintenanceCheck(options).middleware;
}

/** {@link maintenance} in parts. Throws ConfigError on invalid options. */
export function maintenanceCheck(options: MaintenanceOptions): MaintenanceCheck {
  if (!(options.checkMs > 0)) throw new ConfigError("maintenance checkMs must be > 0");
  const gate = new MaintenanceGate(options.checkMs);
  const allowed = compileAllowList(options.allowIps);

  const decide = async (c: Context<{ Bindings: SiteBindings }>, next: Next, record: MaintenanceRecord): Promise<Response | void> => {
    const ip = c.req.header("cf-connecting-ip");
    if (ip && allowed(ip)) return next();
    if (options.adminPath !== null && carriesCredentials(c.req.raw.headers) && (await isOwner(c, options.adminPath))) return next();
    const time = new Date();
    const cf = (c.req.raw as { cf?: { timezone?: unknown } }).cf;
    return maintenanceResponse(
      {
        record,
        locale: pickLocale(c, options.defaultLocale),
        rayId: rayIdFor(c.req.raw.headers),
        time,
        url: new URL(c.req.url),
        ...(options.brand ? { brand: options.brand } : {}),
        ...(typeof cf?.timezone === "string" ? { timeZone: cf.timezone } : {}),
        ...(options.statusPageUrl ? { statusPageUrl: options.statusPageUrl } : {}),
      },
      negotiate(c.req.header("accept")),
      c.req.method === "HEAD",
    );
  };

  const kvOf = (env: SiteBindings | undefined) => (env as unknown as Record<string, unknown> | undefined)?.[options.binding] as KVNamespace | undefined;

  const middleware: MiddlewareHandler<{ Bindings: SiteBindings }> = function maintenanceGate(c, next) {
    const kv = kvOf(c.env);
    if (!kv) return next();
    const state = gate.current(kv, Date.now(), executionContext(c));
    if (state === null) return next();
    if (state instanceof Promise) return state.then((record) => (record ? decide(c, next, record) : next()));
    return decide(c, next, state);
  };

  const open = (env: SiteBindings, ctx: ExecutionContext): boolean => {
    const kv = kvOf(env);
    return !kv || gate.current(kv, Date.now(), ctx) === null;
  };
  return { middleware, open };
}
