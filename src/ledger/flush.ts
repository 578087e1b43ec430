/**
 * What the ledger's alarm does: fold minute counts into hours and days, choose samples within
 * the zone-wide budget, and write both to KV. Every step can be re-run: folding is one SQLite
 * transaction, aggregates are whole buckets rewritten from the tables, samples have fixed keys,
 * and nothing is marked done before KV said yes. A failed or interrupted alarm is simply run again.
 */
import { type Aggregate, aggregateKey, type Cell, type SeriesCell, UNITS, type Unit } from "../core/aggregate";
import { type IncidentRecord, indexKey, recordKey, summarize } from "../core/incident";
import type { LedgerConfig } from "./config";
import { TABLE } from "./schema";

/** KV operations one alarm may make: below the 1,000 per invocation, with room for a retry. */
const MAX_PUTS_PER_RUN = 900;
const PARALLEL_PUTS = 50;
const HOUR_MIN = 60;
const DAY_MIN = 1440;
/** How long Ray IDs of counted failures are kept for lookups. */
export const RAY_HORIZON_MIN = DAY_MIN;
/** Batches remembered for deduplication: isolates resend within minutes, never hours. */
const BATCH_MEMORY_MS = 3_600_000;

export interface FlushResult {
  readonly puts: number;
  readonly failed: number;
  /** True when work was left for the next run (KV failed, or the per-run cap was reached). */
  readonly pending: boolean;
}

const markDirty = (sql: SqlStorage, unit: Unit, b: number): void =>
  void sql.exec("INSERT INTO dirty (unit, b) VALUES (?, ?) ON CONFLICT DO UPDATE SET gen = gen + 1", unit, b);

/** Moves what minutes gained since the last fold into their hours and days; marks all three dirty. */
export function fold(sql: SqlStorage): void {
  const rows = sql.exec<{ b: number; code: number; host: string; colo: string; category: string; d: number }>(
    "SELECT b, code, host, colo, category, n - folded AS d FROM counts_m WHERE n > folded",
  ).toArray();
  for (const r of rows) {
    for (const [unit, b] of [["h", Math.floor(r.b / HOUR_MIN)], ["d", Math.floor(r.b / DAY_MIN)]] as const) {
      sql.exec(
        `INSERT INTO ${TABLE[unit]} (b, code, host, colo, category, n) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET n = n + excluded.n`,
        b, r.code, r.host, r.colo, r.category, r.d,
      );
    }
    markDirty(sql, "m", r.b);
    markDirty(sql, "h", Math.floor(r.b / HOUR_MIN));
    markDirty(sql, "d", Math.floor(r.b / DAY_MIN));
  }
  sql.exec("UPDATE counts_m SET folded = n WHERE n > folded");
}

/**
 * Chooses waiting candidates: per (minute, code) up to the budget, one per data centre before
 * any gets a second. Candidates left over once a budget is spent are dropped.
 */
export function choose(sql: SqlStorage, perMinute: number): void {
  const waiting = sql.exec<{ id: number; minute: number; code: number; colo: string }>(
    "SELECT id, minute, code, colo FROM candidates WHERE state = 0 ORDER BY minute, code, id",
  ).toArray();
  const groups = new Map<string, typeof waiting>();
  for (const c of waiting) {
    const key = `${c.minute}|${c.code}`;
    const g = groups.get(key);
    if (g) g.push(c);
    else groups.set(key, [c]);
  }
  for (const group of groups.values()) {
    const { minute, code } = group[0]!;
    const [used] = sql.exec<{ c: number }>(
      "SELECT (SELECT count(*) FROM samples WHERE code = ?1 AND minute = ?2) + (SELECT count(*) FROM candidates WHERE code = ?1 AND minute = ?2 AND state = 1) AS c",
      code, minute,
    ).toArray();
    const rank = new Map<string, number>();
    const ranked = group.map((c) => {
      const r = rank.get(c.colo) ?? 0;
      rank.set(c.colo, r + 1);
      return { id: c.id, r };
    });
    ranked.sort((a, b) => a.r - b.r || a.id - b.id);
    const room = Math.max(0, perMinute - (used?.c ?? 0));
    ranked.forEach((c, i) => {
      if (i < room) sql.exec("UPDATE candidates SET state = 1 WHERE id = ?", c.id);
      else sql.exec("DELETE FROM candidates WHERE id = ?", c.id);
    });
  }
}

function cellsOf(sql: SqlStorage, unit: Unit, b: number): Cell[] {
  return sql.exec<{ code: number; host: string; colo: string; category: string; n: number }>(
    `SELECT code, host, colo, category, n FROM ${TABLE[unit]} WHERE b = ? ORDER BY code, host, colo, category`, b,
  ).toArray().map((r) => [r.code, r.host, r.colo, r.category, r.n]);
}

function seriesOf(sql: SqlStorage, unit: "h" | "d", b: number): SeriesCell[] {
  const per = unit === "h" ? HOUR_MIN : 24;
  const from = unit === "h" ? "counts_m" : "counts_h";
  return sql.exec<{ o: number; code: number; host: string; n: number }>(
    `SELECT b - ?1 AS o, code, host, SUM(n) AS n FROM ${from} WHERE b >= ?1 AND b < ?1 + ?2 GROUP BY b, code, host ORDER BY b, code, host`,
    b * per, per,
  ).toArray().map((r) => [r.o, r.code, r.host, r.n]);
}

/** The KV value of one bucket, from the tables as they are now. */
export function buildAggregate(sql: SqlStorage, unit: Unit, b: number): Aggregate {
  const cells = cellsOf(sql, unit, b);
  return {
    v: 1,
    unit,
    start: new Date(b * UNITS[unit]).toISOString(),
    total: cells.reduce((sum, c) => sum + c[4], 0),
    cells,
    ...(unit === "m" ? {} : { series: seriesOf(sql, unit, b) }),
  };
}

type Put = { readonly key: string; readonly value: string; readonly options: KVNamespacePutOptions; readonly done: () => void };

/** Writes what is chosen and dirty, up to the per-run cap; marks each thing done only after KV accepted it. */
export async function writeOut(sql: SqlStorage, kv: KVNamespace, config: LedgerConfig): Promise<FlushResult> {
  const ttl = Math.round(config.ttlDays * 86_400);
  const puts: Put[] = [];
  const chosen = sql.exec<{ id: number; record: string }>("SELECT id, record FROM candidates WHERE state = 1 ORDER BY id LIMIT ?", Math.floor(MAX_PUTS_PER_RUN / 3)).toArray();
  for (const c of chosen) puts.push(...samplePuts(sql, c.id, JSON.parse(c.record) as IncidentRecord, ttl));
  const room = Math.max(0, MAX_PUTS_PER_RUN - puts.length);
  const dirty = sql.exec<{ unit: Unit; b: number; gen: number }>("SELECT unit, b, gen FROM dirty ORDER BY b DESC LIMIT ?", room).toArray();
  for (const d of dirty) {
    puts.push({
      key: aggregateKey(d.unit, d.b * UNITS[d.unit]),
      value: JSON.stringify(buildAggregate(sql, d.unit, d.b)),
      // Kept a whole bucket beyond the retention, so a bucket's last minute is readable as long as its records.
      options: { expirationTtl: ttl + UNITS[d.unit] / 1000 },
      done: () => void sql.exec("DELETE FROM dirty WHERE unit = ? AND b = ? AND gen = ?", d.unit, d.b, d.gen),
    });
  }
  let failed = 0;
  for (let i = 0; i < puts.length; i += PARALLEL_PUTS) {
    const slice = puts.slice(i, i + PARALLEL_PUTS);
    const results = await Promise.allSettled(slice.map((p) => kv.put(p.key, p.value, p.options)));
    results.forEach((r, j) => {
      if (r.status === "fulfilled") slice[j]!.done();
      else {
        failed++;
        if (failed === 1) console.error(JSON.stringify({ msg: "incident ledger: KV write failed, retrying on the next alarm", key: slice[j]!.key, error: String(r.reason) }));
      }
    });
  }
  const written = puts.length - failed;
  if (written > 0) sql.exec("INSERT INTO kv_writes (day, puts) VALUES (?, ?) ON CONFLICT DO UPDATE SET puts = puts + excluded.puts", Math.floor(Date.now() / UNITS.d), written);
  const [left] = sql.exec<{ c: number }>("SELECT (SELECT count(*) FROM dirty) + (SELECT count(*) FROM candidates WHERE state = 1) AS c").toArray();
  return { puts: written, failed, pending: (left?.c ?? 0) > 0 };
}

/** The two keys of a sample; the candidate becomes a `samples` row once both are in KV. */
function samplePuts(sql: SqlStorage, id: number, candidate: IncidentRecord, ttl: number): Put[] {
  const record: IncidentRecord = { ...candidate, v: 2, weight: 1 };
  const ms = Date.parse(record.timestamp);
  let left = 2;
  const done = (): void => {
    if (--left > 0) return;
    sql.exec("DELETE FROM candidates WHERE id = ?", id);
    sql.exec(
      "INSERT OR REPLACE INTO samples (code, colo, minute, uid, ray, ms) VALUES (?, ?, ?, ?, ?, ?)",
      record.error_code, record.colo ?? "", Math.floor(ms / 60_000), record.uid ?? "", record.ray_id, ms,
    );
  };
  return [
    { key: recordKey(record.ray_id, record.uid), value: JSON.stringify(record), options: { expirationTtl: ttl }, done },
    { key: indexKey(ms, record.ray_id, record.uid), value: "", options: { expirationTtl: ttl, metadata: summarize(record) }, done },
  ];
}

/** Drops what no lookup or bucket can need any more. */
export function prune(sql: SqlStorage, now: number, ttlDays: number): void {
  const minute = Math.floor(now / UNITS.m);
  const keepMin = Math.ceil(ttlDays + 1) * DAY_MIN;
  sql.exec("DELETE FROM batches WHERE at < ?", now - BATCH_MEMORY_MS);
  // A bucket still waiting to be written needs its rows (a minute its cells, an hour its minutes, a day its hours).
  sql.exec(
    `DELETE FROM counts_m WHERE b < ? AND n = folded
       AND NOT EXISTS (SELECT 1 FROM dirty WHERE unit = 'm' AND dirty.b = counts_m.b)
       AND NOT EXISTS (SELECT 1 FROM dirty WHERE unit = 'h' AND dirty.b = counts_m.b / ${HOUR_MIN})`,
    minute - 2 * DAY_MIN,
  );
  sql.exec(
    `DELETE FROM counts_h WHERE b < ? AND NOT EXISTS (SELECT 1 FROM dirty WHERE unit IN ('h', 'd') AND dirty.b = CASE dirty.unit WHEN 'h' THEN counts_h.b ELSE counts_h.b / 24 END)`,
    Math.floor((minute - keepMin) / HOUR_MIN),
  );
  sql.exec("DELETE FROM counts_d WHERE b < ?", Math.floor((minute - keepMin) / DAY_MIN));
  sql.exec("DELETE FROM samples WHERE minute < ?", minute - keepMin);
  sql.exec("DELETE FROM rays WHERE minute < ?", minute - RAY_HORIZON_MIN);
  sql.exec("DELETE FROM candidates WHERE state = 0 AND minute < ?", minute - HOUR_MIN);
}
