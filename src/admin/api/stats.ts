/**
 * Counts over a time range, by code, host, colo, category and time bucket. They come from the
 * ledger's aggregate records (whole buckets, a few bulk reads for any range) plus the weights
 * of the records isolates wrote themselves (`f:` keys: no ledger, or the ledger unreachable).
 * A path filter is not in the aggregates: with one, the weights of the stored records are summed.
 */
import type { Aggregate } from "../../core/aggregate";
import { FALLBACK_PREFIX, parseIndexKey } from "../../core/incident";
import { fromStore } from "../errors";
import { BUCKETS, type BucketName, bucketIndex, emptySeries, type SeriesPoint } from "./buckets";
import { loadUnits, planUnits } from "./aggregates";
import { START } from "./query";
import type { Filters } from "./params";
import { type IncidentEntry, IndexScan, matches } from "./scan";

/** list() calls one stats request may make over `f:` (or, with a path filter, `t:`) keys. */
export const MAX_STATS_CALLS = 50;
/** list() calls the dashboard's "recent per code" may make: samples, newest first. */
const MAX_RECENT_CALLS = 5;

export interface Stats {
  readonly since: string;
  readonly until: string;
  readonly bucket: BucketName;
  /** Failures counted. */
  total: number;
  /** KV entries the total rests on: aggregate buckets and isolate-written records. */
  records: number;
  readonly by_code: Record<string, number>;
  readonly by_host: Record<string, number>;
  readonly by_colo: Record<string, number>;
  readonly by_category: Record<string, number>;
  readonly series: SeriesPoint[];
  /** KV operations this answer cost (bulk gets and lists). */
  kv_reads: number;
  /** "aggregates", or "samples" when a path filter made the sum come from stored records. */
  source: "aggregates" | "samples";
  /** True when the list() cap stopped a scan of records: counts older than `complete_since` may be missing. */
  truncated: boolean;
  complete_since?: string;
}

export interface StatsOptions {
  /** Also keep this many newest entries per code (for the dashboard). Default 0. */
  readonly recentPerCode?: number;
  readonly maxCalls?: number;
}

export interface StatsResult {
  readonly stats: Stats;
  readonly recent: ReadonlyMap<number, IncidentEntry[]>;
}

type Store = Pick<KVNamespace, "list" | "get">;

const add = (counts: Record<string, number>, key: string | number, n: number): void => {
  counts[key] = (counts[key] ?? 0) + n;
};

function addToPoint(series: SeriesPoint[], f: Filters, size: number, ms: number, code: number, n: number): void {
  const point = series[bucketIndex(ms, f.sinceMs, size, series.length)];
  if (!point) return;
  point.total += n;
  add(point.by_code, code, n);
}

const wanted = (f: Filters, code: number, host: string): boolean => (f.code === undefined || code === f.code) && (f.host === undefined || host === f.host);

/** Adds one bucket: totals from its cells, the series from its cells or, when it spans several points, its finer series. */
function addAggregate(stats: Stats, f: Filters, size: number, start: number, unitMs: number, a: Aggregate): void {
  for (const [code, host, colo, category, n] of a.cells) {
    if (!wanted(f, code, host)) continue;
    stats.total += n;
    add(stats.by_code, code, n);
    add(stats.by_host, host, n);
    add(stats.by_colo, colo || "unknown", n);
    add(stats.by_category, category, n);
    if (unitMs <= size) addToPoint(stats.series, f, size, start, code, n);
  }
  if (unitMs <= size) return;
  const step = a.unit === "d" ? BUCKETS["1h"] : BUCKETS["1m"];
  for (const [offset, code, host, n] of a.series ?? []) if (wanted(f, code, host)) addToPoint(stats.series, f, size, start + offset * step, code, n);
}

/** Adds weighted records from `prefix` keys (isolate-written, or every stored record for a path filter). */
async function addRecords(store: Store, stats: Stats, f: Filters, size: number, fallbackOnly: boolean, maxCalls: number): Promise<void> {
  if (fallbackOnly && !(await anyFallbackSince(store, stats, f.sinceMs))) return;
  const scan = new IndexScan(store, f, START, maxCalls, 1000, fallbackOnly ? FALLBACK_PREFIX : undefined);
  let oldest = f.untilMs;
  for (let batch = await scan.next(); batch; batch = await scan.next()) {
    for (const { ms, entry } of batch.keys) {
      oldest = ms;
      if (!matches(entry, f)) continue;
      const w = Math.max(0, entry.weight);
      stats.total += w;
      stats.records++;
      add(stats.by_code, entry.error_code, w);
      add(stats.by_host, entry.host, w);
      add(stats.by_colo, entry.colo ?? "unknown", w);
      add(stats.by_category, entry.error_category, w);
      addToPoint(stats.series, f, size, ms, entry.error_code, w);
    }
  }
  stats.kv_reads += scan.calls;
  if (scan.truncated) {
    stats.truncated = true;
    stats.complete_since = new Date(oldest).toISOString();
  }
}

/**
 * Isolate-written records are rare (no ledger, or the ledger unreachable): one list() of the
 * newest `f:` key says whether the range can hold any, so the usual answer costs one read.
 */
async function anyFallbackSince(store: Store, stats: Stats, sinceMs: number): Promise<boolean> {
  stats.kv_reads++;
  const newest = await fromStore("list", () => store.list({ prefix: FALLBACK_PREFIX, limit: 1 }));
  const key = newest.keys[0] ? parseIndexKey(newest.keys[0].name) : undefined;
  return key !== undefined && key.ms >= sinceMs;
}

/** The newest stored samples per code, for the dashboard: a short scan, never part of the counts. */
async function recentSamples(store: Store, f: Filters, keep: number): Promise<{ recent: Map<number, IncidentEntry[]>; calls: number }> {
  const recent = new Map<number, IncidentEntry[]>();
  const scan = new IndexScan(store, f, START, MAX_RECENT_CALLS, 1000);
  for (let batch = await scan.next(); batch; batch = await scan.next()) {
    for (const { entry } of batch.keys) {
      if (!matches(entry, f)) continue;
      const list = recent.get(entry.error_code);
      if (!list) recent.set(entry.error_code, [entry]);
      else if (list.length < keep) list.push(entry);
    }
  }
  return { recent, calls: scan.calls };
}

/** Counts over the range; complete for any range the aggregates cover. */
export async function computeStats(store: Store, filters: Filters, bucket: BucketName, options: StatsOptions = {}): Promise<StatsResult> {
  const size = BUCKETS[bucket];
  const stats: Stats = {
    since: new Date(filters.sinceMs).toISOString(),
    until: new Date(filters.untilMs).toISOString(),
    bucket,
    total: 0,
    records: 0,
    by_code: {},
    by_host: {},
    by_colo: {},
    by_category: {},
    series: emptySeries(filters.sinceMs, filters.untilMs, size),
    kv_reads: 0,
    source: filters.path === undefined ? "aggregates" : "samples",
    truncated: false,
  };
  const maxCalls = options.maxCalls ?? MAX_STATS_CALLS;
  if (filters.path === undefined) {
    const { loaded, reads } = await loadUnits(store, planUnits(filters.sinceMs, filters.untilMs, size));
    stats.kv_reads += reads;
    for (const { ref, aggregate } of loaded) {
      stats.records++;
      addAggregate(stats, filters, size, ref.start, BUCKETS[ref.unit === "d" ? "1d" : ref.unit === "h" ? "1h" : "1m"], aggregate);
    }
  }
  await addRecords(store, stats, filters, size, filters.path === undefined, maxCalls);
  const keep = options.recentPerCode ?? 0;
  if (keep === 0) return { stats, recent: new Map() };
  const { recent, calls } = await recentSamples(store, filters, keep);
  stats.kv_reads += calls;
  return { stats, recent };
}
