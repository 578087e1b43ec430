/**
 * Query parameters of the owner API, parsed strictly: anything malformed is a {@link BadRequest}
 * naming the parameter and what it accepts, never a guess and never a 500.
 */
import { isRecordedStatus, RECORDED_STATUS_RANGE } from "../../core/codes";
import { BadRequest } from "../errors";

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;
const DAY_MS = 86_400_000;
/** Records never outlive INCIDENT_TTL_DAYS (at most 365): nothing older is worth scanning. */
export const OLDEST_MS = 366 * DAY_MS;
/** What stats and the dashboard show when no `since` is given. */
export const DEFAULT_STATS_RANGE_MS = DAY_MS;

/** What a listing or a count is restricted to. Times are epoch ms, both ends inclusive. */
export interface Filters {
  /** An `error_code` as recorded: any 5XX (an origin's 507 keeps its status). */
  readonly code?: number;
  readonly host?: string;
  /** A path prefix, normalized the way stored paths are (percent-encoded). */
  readonly path?: string;
  readonly sinceMs: number;
  readonly untilMs: number;
}

/** Reads one query parameter; undefined when absent or empty. */
export type Query = (name: string) => string | undefined;

const UNITS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS };
const RELATIVE = /^(\d{1,6})([smhdw])$/;
const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** Date.parse rolls 2026-02-30 over to March: a date must name a day that exists. */
function realDate(ymd: string): boolean {
  const [y, m, d] = ymd.split("-").map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** `1h`, `30m`, `7d` (before `now`), `now`, or ISO 8601; a date-time without a zone is UTC. */
export function parseTime(raw: string, now: number, name: string): number {
  const value = raw.trim();
  const rel = RELATIVE.exec(value);
  if (rel) return now - Number(rel[1]) * (UNITS[rel[2] ?? ""] ?? 0);
  if (value === "now") return now;
  const iso = ISO.exec(value);
  if (iso) {
    const zone = iso[1]?.toUpperCase();
    const local = value.slice(0, value.length - (iso[1]?.length ?? 0)).replace(" ", "T").toUpperCase();
    const offset = zone === undefined || zone === "Z" ? "Z" : zone.replace(/^([+-]\d{2}):?(\d{2})$/, "$1:$2");
    const ms = Date.parse(local.length === 10 ? `${local}T00:00:00Z` : local + offset);
    if (Number.isFinite(ms) && realDate(value.slice(0, 10))) return ms;
  }
  throw new BadRequest("invalid_time", `${name} must be ISO 8601 (e.g. 2026-04-01T12:00:00Z) or relative like 30m, 1h, 7d; got "${value.slice(0, 64)}"`);
}

/** Every status an incident can be recorded with, Cloudflare's and the origin's own 5XX alike. */
function parseCode(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = /^\d{3}$/.test(raw) ? Number(raw) : NaN;
  if (isRecordedStatus(n)) return n;
  const { min, max } = RECORDED_STATUS_RANGE;
  throw new BadRequest("invalid_code", `code must be an HTTP status from ${min} to ${max} (Cloudflare's codes and any other 5XX the origin sent); got "${raw.slice(0, 16)}"`);
}

function parseHost(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const host = raw.trim().toLowerCase();
  if (/^[a-z0-9.\-:[\]]{1,253}$/.test(host)) return host.slice(0, 100); // stored hosts are cut at 100
  throw new BadRequest("invalid_host", `host must be a host name like www.example.com; got "${raw.slice(0, 64)}"`);
}

function parsePath(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (raw.startsWith("/") && raw.length <= 300 && !/[\u0000-\u001f\u007f?#]/.test(raw)) {
    // Stored paths are URL pathnames: percent-encoded, dot segments resolved. Concatenated, not
    // resolved against a base, so "//x" stays a path instead of becoming a host.
    return new URL(`http://h${raw}`).pathname;
  }
  throw new BadRequest("invalid_path", `path must start with "/", have no "?" or "#", and be at most 300 characters`);
}

/** Filters shared by the listing, the stats and the dashboard. `defaultRangeMs`: how far back without `since`. */
export function parseFilters(q: Query, now: number, defaultRangeMs: number): Filters {
  const code = parseCode(q("code"));
  const host = parseHost(q("host"));
  const path = parsePath(q("path"));
  const since = q("since");
  const until = q("until");
  const untilMs = until === undefined ? now : parseTime(until, now, "until");
  const sinceMs = Math.max(since === undefined ? now - defaultRangeMs : parseTime(since, now, "since"), now - OLDEST_MS);
  if (sinceMs > untilMs) throw new BadRequest("invalid_range", "since is later than until");
  return { ...(code ? { code } : {}), ...(host ? { host } : {}), ...(path ? { path } : {}), sinceMs, untilMs };
}

/** 1–1000, default 50. */
export function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_LIMIT;
  const n = /^\d{1,4}$/.test(raw.trim()) ? Number(raw) : NaN;
  if (n >= 1 && n <= MAX_LIMIT) return n;
  throw new BadRequest("invalid_limit", `limit must be a whole number from 1 to ${MAX_LIMIT}; got "${raw.slice(0, 16)}"`);
}
