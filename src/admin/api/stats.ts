/**
 * Weighted counts over a time range, by code and by time bucket, from the index keys' metadata:
 * each stored record stands for `weight` failures, so the sums are failures, not records.
 */
import { BUCKETS, type BucketName, bucketIndex, emptySeries, type SeriesPoint } from "./buckets";
import { START } from "./query";
import type { Filters } from "./params";
import { type IncidentEntry, IndexScan, matches } from "./scan";

/** list() calls one stats request may make (50 × 1,000 keys = 50,000 records). */
export const MAX_STATS_CALLS = 50;

export interface Stats {
  readonly since: string;
  readonly until: string;
  readonly bucket: BucketName;
  /** Failures (sum of weights). */
  total: number;
  /** Records read that matched: how many KV entries the total rests on. */
  records: number;
  readonly by_code: Record<string, number>;
  readonly series: SeriesPoint[];
  /** True when the list() cap stopped the scan: counts older than `complete_since` are missing. */
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

const add = (counts: Record<string, number>, code: number, w: number): void => {
  counts[code] = (counts[code] ?? 0) + w;
};

function keepRecent(recent: Map<number, IncidentEntry[]>, entry: IncidentEntry, keep: number): void {
  const list = recent.get(entry.error_code);
  if (!list) recent.set(entry.error_code, [entry]);
  else if (list.length < keep) list.push(entry);
}

/** Scans the range once, newest first, summing weights. */
export async function computeStats(store: Pick<KVNamespace, "list">, filters: Filters, bucket: BucketName, options: StatsOptions = {}): Promise<StatsResult> {
  const size = BUCKETS[bucket];
  const series = emptySeries(filters.sinceMs, filters.untilMs, size);
  const stats: Stats = {
    since: new Date(filters.sinceMs).toISOString(),
    until: new Date(filters.untilMs).toISOString(),
    bucket,
    total: 0,
    records: 0,
    by_code: {},
    series,
    truncated: false,
  };
  const recent = new Map<number, IncidentEntry[]>();
  const keep = options.recentPerCode ?? 0;
  const scan = new IndexScan(store, filters, START, options.maxCalls ?? MAX_STATS_CALLS, 1000);
  let oldest = filters.untilMs;
  for (let batch = await scan.next(); batch; batch = await scan.next()) {
    for (const { ms, entry } of batch.keys) {
      oldest = ms;
      if (!matches(entry, filters)) continue;
      const w = Math.max(0, entry.weight);
      stats.total += w;
      stats.records++;
      add(stats.by_code, entry.error_code, w);
      const point = series[bucketIndex(ms, filters.sinceMs, size, series.length)];
      if (point) {
        point.total += w;
        add(point.by_code, entry.error_code, w);
      }
      if (keep > 0) keepRecent(recent, entry, keep);
    }
  }
  if (scan.truncated) {
    stats.truncated = true;
    stats.complete_since = new Date(oldest).toISOString();
  }
  return { stats, recent };
}
