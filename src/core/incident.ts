/**
 * The incident log's storage schema in KV. docs/storage.md explains it for people; this file is
 * the single place the key formats are built and parsed.
 *
 *   r:<ray_id>:<uid>               value: IncidentRecord JSON            (lookup by Ray ID: one list)
 *   t:<inverted ms>:<ray_id>:<uid> value: "", metadata: IncidentSummary  (newest-first listing)
 *   f:<inverted ms>:<ray_id>:<uid> value: "", metadata: IncidentSummary  (fallback records: counted by stats)
 *
 * The keys of one record expire together (`expirationTtl`). `<inverted ms>` is 9999999999999 −
 * epoch ms, zero-padded to 13 digits, so KV's lexicographic `list()` returns the newest first.
 * `<uid>` keeps two failures with the same Ray ID apart (Ray IDs are not promised unique). Version 1
 * records were written as `r:<ray_id>` and `t:<inverted ms>:<ray_id>`, and are still read.
 */
import type { Observation } from "./classify";
import type { Finding } from "./finding";

export const RECORD_PREFIX = "r:";
export const INDEX_PREFIX = "t:";
/** Records an isolate wrote itself while the ledger was unreachable: their weights are counts. */
export const FALLBACK_PREFIX = "f:";
const MAX_MS = 9_999_999_999_999;

export interface IncidentRecord {
  /** 1: written by an isolate, counts in weights; 2: written with a uid (by the ledger, or by an isolate in fallback). */
  readonly v: 1 | 2;
  readonly ray_id: string;
  /** Tells apart records with the same Ray ID (absent on version 1). */
  readonly uid?: string;
  readonly timestamp: string;
  readonly error_code: number;
  readonly error_name: string;
  readonly error_category: string;
  readonly hop: string;
  readonly kind: string;
  /** The classification rule that decided the code and who fixes it (docs/classification.md). */
  readonly rule?: string;
  readonly sub_code?: number;
  readonly method: string;
  readonly host: string;
  readonly path: string;
  /** Only when the owner opted in with STORE_QUERY. */
  readonly query?: string;
  readonly user_agent?: string;
  readonly locale: string;
  readonly format: string;
  readonly colo?: string;
  readonly country?: string;
  readonly city?: string;
  readonly asn?: number;
  readonly http_protocol?: string;
  readonly tls_version?: string;
  /** Only when the owner opted in with STORE_CLIENT_IP. */
  readonly client_ip?: string;
  /**
   * How many failures this record stands for: itself plus those suppressed since the last one
   * stored. Samples the ledger writes have weight 1: their failures are counted in the aggregates.
   */
  readonly weight: number;
  /** True for a record written at the end of a budget window on behalf of suppressed failures. */
  readonly rollup?: boolean;
  /** What was seen, as the page and JSON put it (absent on records written before it existed). */
  readonly finding?: Finding;
  /** True for a record an isolate wrote itself because the ledger could not be reached. */
  readonly fallback?: boolean;
  readonly evidence: Observation;
  /** How the visitor was answered when not with the error page: `stale`, a last good copy. */
  readonly served?: "stale";
  /** Every try at an origin when there was more than one (a retry, the backup origin). */
  readonly attempts?: readonly OriginAttempt[];
}

/** One try at an origin, as a record keeps it. */
export interface OriginAttempt {
  readonly origin: "primary" | "backup";
  /** `connect_failed` (no response byte), `timeout` (no headers in time), `error`, or the status. */
  readonly outcome: "connect_failed" | "timeout" | "error" | number;
  readonly elapsed_ms: number;
  /** The wait before this attempt, for a retry. */
  readonly delay_ms?: number;
  /** The runtime's message, for failed connections. */
  readonly error?: string;
}

/** KV metadata of an index key: what listing and stats need, far under KV's 1,024-byte limit. */
export interface IncidentSummary {
  readonly c: number; // error_code
  readonly n: string; // error_name
  readonly g: string; // error_category
  readonly m: string; // method
  readonly h: string; // host (≤ 100 chars)
  readonly p: string; // path (≤ 300 chars)
  readonly w: number; // weight
  readonly s?: number; // sub_code
  readonly o?: string; // colo (data centre)
  readonly e?: string; // one-line evidence summary (≤ 120 chars)
  readonly r?: 1; // present on roll-up records
  readonly f?: 1; // present on fallback records
}

const withUid = (rayId: string, uid: string | undefined): string => (uid ? `${rayId}:${uid}` : rayId);

export const recordKey = (rayId: string, uid?: string): string => `${RECORD_PREFIX}${withUid(rayId, uid)}`;

export const invertTime = (ms: number): string => String(MAX_MS - ms).padStart(13, "0");

export const indexKey = (ms: number, rayId: string, uid?: string): string => `${INDEX_PREFIX}${invertTime(ms)}:${withUid(rayId, uid)}`;

export const fallbackKey = (ms: number, rayId: string, uid: string): string => `${FALLBACK_PREFIX}${invertTime(ms)}:${withUid(rayId, uid)}`;

/** A fresh uid: 8 hex characters, enough to keep records with one Ray ID apart. */
export function newUid(): string {
  return (Math.floor(Math.random() * 0x1_0000_0000) >>> 0).toString(16).padStart(8, "0");
}

/** Parses an index (`t:`) or fallback (`f:`) key; undefined for anything that is not one. */
export function parseIndexKey(key: string): { ms: number; rayId: string; uid?: string } | undefined {
  const m = /^[tf]:(\d{13}):([^:]+)(?::([0-9a-f]{1,16}))?$/.exec(key);
  if (!m?.[1] || !m[2]) return undefined;
  return { ms: MAX_MS - Number(m[1]), rayId: m[2], ...(m[3] ? { uid: m[3] } : {}) };
}

const MAX_SUMMARY_CHARS = 120;
/** Below KV's 1,024-byte metadata limit with room to spare. */
const MAX_METADATA_BYTES = 1000;

const oneLine = (s: string): string => s.replace(/<[^>]*>/g, " ").replace(/[\u0000-\u001f\u007f\s]+/g, " ").trim();

/** What was seen, in one line: what the dashboard shows without fetching the record. */
export function describeEvidence(e: Observation): string {
  let text: string;
  if (e.source === "response") {
    const type = e.contentType?.split(";")[0]?.trim();
    const body = oneLine(e.bodyPrefix).slice(0, 60);
    text = `HTTP ${e.status}${type ? ` ${type}` : ""}, ${e.bodyBytesRead} B, ${e.elapsedMs} ms${body ? `: ${body}` : ""}`;
  } else if (e.source === "exception") {
    const p = e.probe;
    const seen = p === "skipped" ? undefined : (p.tlsDetail?.alert ?? p.tlsDetail?.version ?? p.http?.outcome);
    const probe = p === "skipped" ? "" : `; probe tcp=${p.tcp}${p.tls ? ` tls=${p.tls}` : ""}${seen ? ` (${seen})` : ""}`;
    text = `${e.errorName}: ${oneLine(e.errorMessage)}${e.timedOut ? " (timed out)" : ""}, ${e.elapsedMs} ms${probe}`;
  } else {
    text = `${e.errorName}: ${oneLine(e.errorMessage)}`;
  }
  return text.length > MAX_SUMMARY_CHARS ? `${text.slice(0, MAX_SUMMARY_CHARS - 1)}…` : text;
}

const metadataBytes = (m: IncidentSummary): number => new TextEncoder().encode(JSON.stringify(m)).length;

export function summarize(r: IncidentRecord): IncidentSummary {
  const summary: IncidentSummary = {
    c: r.error_code,
    n: r.error_name,
    g: r.error_category,
    m: r.method.slice(0, 16),
    h: r.host.slice(0, 100),
    p: r.path.slice(0, 300),
    w: r.weight,
    ...(r.sub_code !== undefined ? { s: r.sub_code } : {}),
    ...(r.colo ? { o: r.colo.slice(0, 8) } : {}),
    e: describeEvidence(r.evidence),
    ...(r.rollup ? { r: 1 as const } : {}),
    ...(r.fallback ? { f: 1 as const } : {}),
  };
  // Multi-byte text in the evidence line is the only thing that can push the size up: shorten it.
  let shortened = summary;
  while (metadataBytes(shortened) > MAX_METADATA_BYTES && shortened.e) shortened = { ...shortened, e: shortened.e.slice(0, -16) };
  return shortened;
}

/** What stands where a query string, or one of its values, was cut from the evidence. */
export const QUERY_REMOVED = "[query removed]";
/** Shorter values are not worth a secret and would wipe unrelated text. */
const MIN_SCRUBBED_VALUE = 4;

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    return s;
  }
}

/** The forms a query, or a value of it, takes when an origin echoes it: as sent, decoded, HTML-escaped. */
function queryNeedles(search: string): string[] {
  const query = search.replace(/^\?/, "");
  if (query === "") return [];
  const parts = [query, ...query.split("&"), ...query.split("&").map((pair) => pair.slice(pair.indexOf("=") + 1))];
  const forms = new Set<string>();
  for (const part of parts) {
    for (const form of [part, safeDecode(part)]) {
      if (form.length < MIN_SCRUBBED_VALUE) continue;
      forms.add(form);
      forms.add(form.replace(/&/g, "&amp;"));
    }
  }
  // Longest first, so a whole query goes before the values inside it.
  return [...forms].sort((a, b) => b.length - a.length);
}

function scrubValue(value: unknown, needles: readonly string[]): unknown {
  if (typeof value === "string") return needles.reduce((text, needle) => text.replaceAll(needle, QUERY_REMOVED), value);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubValue(v, needles)]));
}

/**
 * The evidence without the request's query string (`search`, e.g. `?token=abc`) in any of its
 * text: an origin that echoes the URL into its error body, or a runtime message that names it,
 * must not store what STORE_QUERY=false chose not to keep. The whole query and each value of at
 * least 4 characters are replaced, as sent, decoded and HTML-escaped.
 */
export function scrubQuery<T extends Observation>(evidence: T, search: string): T {
  const needles = queryNeedles(search);
  return needles.length === 0 ? evidence : (scrubValue(evidence, needles) as T);
}
