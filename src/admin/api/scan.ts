/**
 * Reads the `t:` index newest first, batch by batch, within a time range and a cap on list()
 * calls: the one place the admin side talks to KV's list().
 */
import { INDEX_PREFIX, type IncidentRecord, type IncidentSummary, parseIndexKey } from "../../core/incident";
import type { ListPosition } from "./cursor";
import { fromStore } from "../errors";
import type { Filters } from "./params";
import { indexPrefixes } from "./range";

/**
 * One incident as the listing reports it, built from an index key and its metadata only: the
 * record's own fields, so the two cannot drift, plus the one-line summary.
 */
export type IncidentEntry = Pick<
  IncidentRecord,
  "ray_id" | "uid" | "timestamp" | "error_code" | "error_name" | "error_category" | "sub_code" | "method" | "host" | "path" | "weight" | "colo"
> & {
  /** One line about what was seen (status, body start, or the connection error). */
  readonly summary?: string;
  readonly rollup?: true;
  /** Written by an isolate itself because the ledger could not be reached. */
  readonly fallback?: true;
};

export interface ScannedKey {
  readonly name: string;
  readonly ms: number;
  readonly entry: IncidentEntry;
}

export interface Batch {
  readonly keys: readonly ScannedKey[];
  /** Where this batch was read from: resuming there (with `after`) re-reads the same keys. */
  readonly start: ListPosition;
}

type Kv = Pick<KVNamespace, "list">;

const str = (v: unknown): v is string => typeof v === "string";
const num = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** Undefined for metadata that is not an {@link IncidentSummary} (written by something else). */
export function entryOf(name: string, metadata: unknown): ScannedKey | undefined {
  const key = parseIndexKey(name);
  const m = metadata as Partial<IncidentSummary> | null | undefined;
  if (!key || !m || !num(m.c) || !str(m.n) || !str(m.g) || !str(m.m) || !str(m.h) || !str(m.p) || !num(m.w)) return undefined;
  const entry: IncidentEntry = {
    ray_id: key.rayId,
    ...(key.uid ? { uid: key.uid } : {}),
    timestamp: new Date(key.ms).toISOString(),
    error_code: m.c,
    error_name: m.n,
    error_category: m.g,
    ...(num(m.s) ? { sub_code: m.s } : {}),
    method: m.m,
    host: m.h,
    path: m.p,
    weight: m.w,
    ...(str(m.o) ? { colo: m.o } : {}),
    ...(str(m.e) ? { summary: m.e } : {}),
    ...(m.r === 1 ? { rollup: true as const } : {}),
    ...(m.f === 1 ? { fallback: true as const } : {}),
  };
  return { name, ms: key.ms, entry };
}

/** Code, host and path filters (the time range is applied by the scan itself). */
export function matches(e: IncidentEntry, f: Filters): boolean {
  return (f.code === undefined || e.error_code === f.code) && (f.host === undefined || e.host === f.host) && (f.path === undefined || e.path.startsWith(f.path));
}

/**
 * The index keys of a time range, newest first, in batches of up to `pageSize`, starting at `from`
 * and stopping after `maxCalls` list() calls. Keys outside the range are dropped here.
 */
export class IndexScan {
  readonly #prefixes: string[];
  #block: number;
  #kv: string | null;
  #after: string | null;
  #calls = 0;

  constructor(
    private readonly store: Kv,
    private readonly filters: Filters,
    from: ListPosition,
    private readonly maxCalls: number,
    private readonly pageSize: number,
    /** Key family to read: `t:` (every stored record, the default) or `f:` (isolate-written ones). */
    family: string = INDEX_PREFIX,
  ) {
    this.#prefixes = indexPrefixes(filters.sinceMs, filters.untilMs).map((p) => family + p.slice(INDEX_PREFIX.length));
    this.#block = from.block;
    this.#kv = from.kv;
    this.#after = from.after;
  }

  /** list() calls made so far. */
  get calls(): number {
    return this.#calls;
  }

  /** True once every key in the range has been read. */
  get exhausted(): boolean {
    return this.#block >= this.#prefixes.length;
  }

  /** True when the call cap stopped the scan before the end of the range. */
  get truncated(): boolean {
    return !this.exhausted && this.#calls >= this.maxCalls;
  }

  /** Where to continue after the last batch returned. */
  get position(): ListPosition {
    return { block: this.#block, kv: this.#kv, after: null };
  }

  /** The next batch (possibly empty); undefined when the range is done or the call cap is reached. */
  async next(): Promise<Batch | undefined> {
    if (this.exhausted || this.#calls >= this.maxCalls) return undefined;
    const start: ListPosition = { block: this.#block, kv: this.#kv, after: this.#after };
    const prefix = this.#prefixes[this.#block] ?? "";
    const options = { prefix, limit: this.pageSize, ...(this.#kv ? { cursor: this.#kv } : {}) };
    this.#calls++;
    const res = await fromStore("list", () => this.store.list<IncidentSummary>(options));
    if (res.list_complete) {
      this.#block++;
      this.#kv = null;
    } else this.#kv = res.cursor;
    const after = this.#after;
    this.#after = null;
    return { keys: this.#inRange(res.keys, after), start };
  }

  #inRange(keys: readonly { name: string; metadata?: unknown }[], after: string | null): ScannedKey[] {
    const out: ScannedKey[] = [];
    for (const k of keys) {
      if (after !== null && k.name <= after) continue;
      const scanned = entryOf(k.name, k.metadata);
      if (!scanned || scanned.ms > this.filters.untilMs) continue;
      if (scanned.ms < this.filters.sinceMs) {
        // Keys sort newest first: everything after this one is older still.
        this.#block = this.#prefixes.length;
        break;
      }
      out.push(scanned);
    }
    return out;
  }
}
