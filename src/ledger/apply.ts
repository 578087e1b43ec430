/**
 * Applying isolates' batches to the ledger's tables: exactly once per (isolate, seq), in one
 * transaction per batch, so a batch is either wholly counted or not at all.
 */
import type { CountRow, LedgerBatch, RayRow } from "../core/aggregate";
import type { IncidentRecord } from "../core/incident";

/** Longest host kept, as in the records' summaries. */
const MAX_HOST = 100;
/** Hosts outside the configured list, or beyond what a batch may name, are counted here. */
export const OTHER_HOST = "other";
/** Distinct hosts one batch may name; the isolate side keeps far fewer. */
const MAX_HOSTS_PER_BATCH = 64;
/** Candidates kept per (minute, code, colo), whatever isolates send: more could never be chosen. */
const MAX_CANDIDATES_PER_CELL = 64;

const int = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
const str = (v: unknown, max: number): v is string => typeof v === "string" && v.length <= max;

const isCount = (r: unknown): r is CountRow =>
  Array.isArray(r) && r.length === 6 && int(r[0]) && int(r[1]) && str(r[2], 1000) && str(r[3], 8) && str(r[4], 32) && int(r[5]) && r[5] > 0;
const isRays = (r: unknown): r is RayRow => Array.isArray(r) && r.length === 4 && int(r[0]) && int(r[1]) && str(r[2], 8) && str(r[3], 4_000_000);
const isSample = (s: unknown): s is IncidentRecord => {
  const r = s as Partial<IncidentRecord> | null;
  return !!r && typeof r === "object" && str(r.ray_id, 64) && str(r.uid, 16) && str(r.timestamp, 40) && int(r.error_code);
};

/** Throws on a batch that is not one: an isolate of another version, or not an isolate at all. */
export function checkBatch(b: unknown): asserts b is LedgerBatch {
  const x = b as Partial<LedgerBatch> | null;
  const ok = !!x && str(x.isolate, 64) && int(x.seq) && Array.isArray(x.counts) && x.counts.every(isCount) && Array.isArray(x.rays) && x.rays.every(isRays) && Array.isArray(x.samples) && x.samples.every(isSample);
  if (!ok) throw new TypeError("not a ledger batch");
}

export class HostBound {
  constructor(private readonly configured: ReadonlySet<string>) {}

  /** Maps hosts of one batch to what the ledger counts them as. */
  mapper(): (host: string) => string {
    const seen = new Set<string>();
    return (host) => {
      const h = host.slice(0, MAX_HOST);
      if (this.configured.size > 0) return this.configured.has(h) ? h : OTHER_HOST;
      if (seen.has(h)) return h;
      if (seen.size >= MAX_HOSTS_PER_BATCH) return OTHER_HOST;
      seen.add(h);
      return h;
    };
  }
}

/**
 * Applies one batch unless (isolate, seq) was applied before; true when it was new. `host` is the
 * batch's {@link HostBound.mapper}, shared with the alert evaluation of the same batch. Runs inside
 * `transactionSync`, so the batch row and its counts commit together.
 */
export function applyBatch(sql: SqlStorage, batch: LedgerBatch, host: (h: string) => string, now: number): boolean {
  const seen = sql.exec("SELECT 1 FROM batches WHERE isolate = ? AND seq = ?", batch.isolate, batch.seq).toArray();
  if (seen.length > 0) return false;
  sql.exec("INSERT INTO batches (isolate, seq, at) VALUES (?, ?, ?)", batch.isolate, batch.seq, now);
  for (const [minute, code, h, colo, category, n] of batch.counts) {
    sql.exec(
      "INSERT INTO counts_m (b, code, host, colo, category, n) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET n = n + excluded.n",
      minute, code, host(h), colo, category, n,
    );
  }
  for (const [minute, code, colo, list] of batch.rays) {
    if (list !== "") sql.exec("INSERT INTO rays (minute, code, colo, list) VALUES (?, ?, ?, ?)", minute, code, colo, ` ${list} `);
  }
  for (const sample of batch.samples) addCandidate(sql, sample);
  return true;
}

function addCandidate(sql: SqlStorage, r: IncidentRecord): void {
  const ms = Date.parse(r.timestamp);
  if (!Number.isFinite(ms)) return;
  const minute = Math.floor(ms / 60_000);
  const colo = r.colo ?? "";
  const [row] = sql.exec<{ c: number }>("SELECT count(*) AS c FROM candidates WHERE minute = ? AND code = ? AND colo = ?", minute, r.error_code, colo).toArray();
  if ((row?.c ?? 0) >= MAX_CANDIDATES_PER_CELL) return;
  sql.exec("INSERT INTO candidates (minute, code, colo, record) VALUES (?, ?, ?, ?)", minute, r.error_code, colo, JSON.stringify(r));
}
