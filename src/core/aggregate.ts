/**
 * The incident ledger's shared schema: what isolates send to the `IncidentLedger` Durable Object,
 * the aggregate records it writes to KV, and what a Ray ID lookup answers. docs/storage.md
 * explains it for people; this file is the single place these formats are defined.
 *
 *   a:m:<YYYY-MM-DDTHH:MM>   one minute's counts      (cells)
 *   a:h:<YYYY-MM-DDTHH>      one hour's counts        (cells + per-minute series)
 *   a:d:<YYYY-MM-DD>         one day's counts         (cells + per-hour series)
 *
 * Each value is the whole bucket, rewritten by the ledger's alarm when it changes: readers sum
 * whole buckets and never need `list()`.
 */
import type { AlertsReport, TestResult } from "./alert-report";
import type { IncidentRecord } from "./incident";

export const AGGREGATE_PREFIX = "a:";

/** Bucket levels, finest first. */
export const UNITS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
export type Unit = keyof typeof UNITS;

/** The count of one (code, host, colo, category) in one bucket. `colo` is "" when unknown. */
export type Cell = [code: number, host: string, colo: string, category: string, n: number];

/** A series point inside a bucket: `offset` is the minute of the hour, or the hour of the day. */
export type SeriesCell = [offset: number, code: number, host: string, n: number];

/** One aggregate record in KV. */
export interface Aggregate {
  readonly v: 1;
  readonly unit: Unit;
  /** Start of the bucket, ISO 8601. */
  readonly start: string;
  readonly total: number;
  readonly cells: Cell[];
  /** For `h` and `d`: the bucket split one level finer, by code and host. */
  readonly series?: SeriesCell[];
}

/** Counted failures of one minute, as an isolate sends them: minute = epoch ms / 60,000, floored. */
export type CountRow = [minute: number, code: number, host: string, colo: string, category: string, n: number];

/** Ray IDs of the failures counted in one (minute, code, colo), for the lookup of a sampled-out failure. */
export type RayRow = [minute: number, code: number, colo: string, rays: string];

/** One isolate's window, as sent to the ledger. (isolate, seq) identifies it: a resend is counted once. */
export interface LedgerBatch {
  readonly isolate: string;
  readonly seq: number;
  readonly counts: CountRow[];
  readonly rays: RayRow[];
  /** Candidate samples: the first failures of each code and colo in the window, full records. */
  readonly samples: IncidentRecord[];
}

/** What the ledger says about a batch it was sent. */
export interface LedgerAck {
  /** Sequence numbers now applied (newly or before): the isolate can forget them. */
  readonly acked: number[];
}

/** What a lookup of a Ray ID finds among counted failures. */
export interface CountedFailure {
  readonly minute: string;
  readonly error_code: number;
  readonly colo: string;
  /** Failures of that code counted in that minute and data centre. */
  readonly count_in_minute: number;
  /** The stored sample of the same code and colo nearest in time, if any. */
  readonly nearest_sample: { readonly ray_id: string; readonly uid: string; readonly timestamp: string } | null;
}

/** The RPC surface of the `IncidentLedger` Durable Object. */
export interface LedgerApi {
  record(batches: LedgerBatch[]): Promise<LedgerAck>;
  lookup(rayId: string): Promise<CountedFailure[]>;
  /** Alert incidents, timelines and channel health (docs/alerts.md). */
  alerts(): Promise<AlertsReport>;
  /** Sends a `test` message about `host` to every configured channel now. */
  testAlert(host: string): Promise<TestResult[]>;
}

/** The namespace binding both Workers use. */
export const LEDGER_BINDING = "INCIDENT_LEDGER";
/** One ledger per zone: every isolate and the admin Worker address it by this name. */
export const LEDGER_NAME = "zone";

export const minuteOf = (ms: number): number => Math.floor(ms / UNITS.m);

/** Start (ms) of the `unit` bucket holding `ms`. */
export const unitStart = (ms: number, unit: Unit): number => Math.floor(ms / UNITS[unit]) * UNITS[unit];

const KEY_CHARS: Record<Unit, number> = { m: 16, h: 13, d: 10 };

/** `a:h:2026-04-10T12` for the hour starting at 12:00 UTC. */
export const aggregateKey = (unit: Unit, startMs: number): string =>
  `${AGGREGATE_PREFIX}${unit}:${new Date(unitStart(startMs, unit)).toISOString().slice(0, KEY_CHARS[unit])}`;

const int = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
const str = (v: unknown): v is string => typeof v === "string";

const isCell = (c: unknown): c is Cell =>
  Array.isArray(c) && c.length === 5 && int(c[0]) && str(c[1]) && str(c[2]) && str(c[3]) && int(c[4]);
const isSeriesCell = (c: unknown): c is SeriesCell => Array.isArray(c) && c.length === 4 && int(c[0]) && int(c[1]) && str(c[2]) && int(c[3]);

/** Parses an aggregate value; undefined for anything that is not one (never trusted blindly). */
export function parseAggregate(raw: unknown): Aggregate | undefined {
  const a = raw as Partial<Aggregate> | null;
  if (!a || typeof a !== "object" || a.v !== 1 || !str(a.unit) || !Object.hasOwn(UNITS, a.unit) || !str(a.start)) return undefined;
  if (!Array.isArray(a.cells) || !a.cells.every(isCell)) return undefined;
  if (a.series !== undefined && !(Array.isArray(a.series) && a.series.every(isSeriesCell))) return undefined;
  return a as Aggregate;
}
