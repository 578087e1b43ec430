/**
 * Reads the ledger's aggregate records for a time range: the range is cut into whole days,
 * hours and minutes (the coarsest the chart's bucket allows), and those keys are fetched with
 * bulk `get()`s of up to 100 keys. 30 days cost about 200 keys, so 2–3 KV reads, never a scan.
 */
import { type Aggregate, aggregateKey, parseAggregate, UNITS, type Unit } from "../../core/aggregate";
import { fromStore } from "../errors";

/** Keys per bulk get: KV's maximum. */
export const BULK_GET_KEYS = 100;

export interface UnitRef {
  readonly unit: Unit;
  /** Start of the bucket, epoch ms. */
  readonly start: number;
}

const MIN = UNITS.m;

/**
 * The whole buckets covering every minute touched by [sinceMs, untilMs]: minutes at the ragged
 * ends, then hours, then days where they fit. Days only when the chart's bucket is an hour or
 * more (a day record splits into hours, an hour record into minutes).
 */
export function planUnits(sinceMs: number, untilMs: number, bucketMs: number): UnitRef[] {
  const allowDays = bucketMs >= UNITS.h;
  const out: UnitRef[] = [];
  let at = Math.floor(sinceMs / MIN) * MIN;
  const end = Math.floor(untilMs / MIN) * MIN + MIN; // exclusive
  while (at < end) {
    const unit: Unit = allowDays && at % UNITS.d === 0 && at + UNITS.d <= end ? "d" : at % UNITS.h === 0 && at + UNITS.h <= end ? "h" : "m";
    out.push({ unit, start: at });
    at += UNITS[unit];
  }
  return out;
}

export interface Loaded {
  readonly ref: UnitRef;
  readonly aggregate: Aggregate;
}

type BulkKv = { get(keys: string[], type: "json"): Promise<Map<string, unknown>> };

/** Fetches the planned buckets; a bucket with no key had no failures. Returns the reads made too. */
export async function loadUnits(store: Pick<KVNamespace, "get">, refs: readonly UnitRef[]): Promise<{ loaded: Loaded[]; reads: number }> {
  const loaded: Loaded[] = [];
  let reads = 0;
  const bulk = store as unknown as BulkKv;
  for (let i = 0; i < refs.length; i += BULK_GET_KEYS) {
    const slice = refs.slice(i, i + BULK_GET_KEYS);
    const keys = slice.map((r) => aggregateKey(r.unit, r.start));
    reads++;
    const values = await fromStore("get", () => bulk.get(keys, "json"));
    slice.forEach((ref, j) => {
      const aggregate = parseAggregate(values.get(keys[j]!));
      if (aggregate) loaded.push({ ref, aggregate });
    });
  }
  return { loaded, reads };
}
