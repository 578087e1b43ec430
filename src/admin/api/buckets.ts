/**
 * Time buckets for the errors-over-time series: fixed sizes aligned to UTC, so the same range
 * always gives the same buckets and a chart never shifts between reloads.
 */
import { BadRequest } from "../errors";

export const BUCKETS = {
  "1m": 60_000,
  "5m": 300_000,
  "15m": 900_000,
  "1h": 3_600_000,
  "6h": 21_600_000,
  "1d": 86_400_000,
} as const satisfies Record<string, number>;

export type BucketName = keyof typeof BUCKETS;

/** More buckets than this is a chart nobody can read and a response nobody needs. */
export const MAX_BUCKETS = 500;
/** The default bucket is the smallest that gives at most this many. */
const DEFAULT_TARGET = 120;

const NAMES = Object.keys(BUCKETS) as BucketName[];

/** Start of the bucket holding `ms` (epoch-aligned, hence UTC-aligned). */
export const bucketStart = (ms: number, size: number): number => Math.floor(ms / size) * size;

/** Buckets needed to cover [sinceMs, untilMs], both ends included. */
export const bucketCount = (sinceMs: number, untilMs: number, size: number): number =>
  (bucketStart(untilMs, size) - bucketStart(sinceMs, size)) / size + 1;

/** The requested bucket, or a sensible one for the range; 400 when unknown or too fine for the range. */
export function pickBucket(raw: string | undefined, sinceMs: number, untilMs: number): BucketName {
  if (raw === undefined) return NAMES.find((n) => bucketCount(sinceMs, untilMs, BUCKETS[n]) <= DEFAULT_TARGET) ?? "1d";
  const name = raw.trim() as BucketName;
  if (!Object.hasOwn(BUCKETS, name)) throw new BadRequest("invalid_bucket", `bucket must be one of ${NAMES.join(", ")}; got "${raw.slice(0, 16)}"`);
  const count = bucketCount(sinceMs, untilMs, BUCKETS[name]);
  if (count > MAX_BUCKETS) {
    throw new BadRequest("too_many_buckets", `bucket ${name} gives ${count} buckets for this range; at most ${MAX_BUCKETS}: choose a larger bucket or a shorter range`);
  }
  return name;
}

/** One bucket of the series: weighted counts of failures that happened in [start, start + size). */
export interface SeriesPoint {
  readonly start: string;
  total: number;
  readonly by_code: Record<string, number>;
}

/** Empty buckets covering the range, oldest first, so a quiet hour shows as zero rather than a gap. */
export function emptySeries(sinceMs: number, untilMs: number, size: number): SeriesPoint[] {
  const first = bucketStart(sinceMs, size);
  const count = Math.min(bucketCount(sinceMs, untilMs, size), MAX_BUCKETS);
  return Array.from({ length: count }, (_, i) => ({ start: new Date(first + i * size).toISOString(), total: 0, by_code: {} }));
}

/** Index of the bucket holding `ms` in a series built by {@link emptySeries}; -1 outside. */
export function bucketIndex(ms: number, sinceMs: number, size: number, length: number): number {
  const i = Math.floor((ms - bucketStart(sinceMs, size)) / size);
  return i >= 0 && i < length ? i : -1;
}
