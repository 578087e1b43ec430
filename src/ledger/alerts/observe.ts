/**
 * The record path of alerts: a batch's counts are added to 10-second slots of arrival per
 * (host, subject, code), and the state machine is stepped for each (host, subject) the batch
 * touched, with the zone-wide count of the sliding window. Runs inside the batch's transaction:
 * a batch counted once is evaluated once.
 */
import { CODES, type ErrorCode } from "../../core/codes";
import type { LedgerBatch } from "../../core/aggregate";
import type { AlertConfig } from "./config";
import { type AlertObservation, step } from "./machine";
import { type AlertSubject, subjectOf } from "./policy";
import { keep, readTrack } from "./tracks";

/** Width of an arrival slot: the window is summed from whole slots. */
export const SLOT_MS = 10_000;

export const firstSlot = (now: number, windowMs: number): number => Math.floor((now - windowMs) / SLOT_MS);

interface Touched {
  readonly host: string;
  readonly subject: AlertSubject;
  newFailures: number;
  readonly colos: Record<string, number>;
  readonly codes: Map<ErrorCode, number>;
}

const isCode = (c: number): c is ErrorCode => Object.hasOwn(CODES, c);

function touched(batch: LedgerBatch, host: (h: string) => string): Map<string, Touched> {
  const out = new Map<string, Touched>();
  for (const [, code, h, colo, , n] of batch.counts) {
    if (!isCode(code)) continue;
    const mapped = host(h);
    const subject = subjectOf(code);
    const key = `${mapped}\n${subject}`;
    let t = out.get(key);
    if (!t) out.set(key, (t = { host: mapped, subject, newFailures: 0, colos: {}, codes: new Map() }));
    t.newFailures += n;
    if (colo !== "") t.colos[colo] = (t.colos[colo] ?? 0) + n;
    t.codes.set(code, (t.codes.get(code) ?? 0) + n);
  }
  return out;
}

/** A Ray ID of this batch for one of the codes, for the owner to look up. */
function sampleRay(batch: LedgerBatch, codes: ReadonlyMap<ErrorCode, number>): string | null {
  for (const [, code, , list] of batch.rays) {
    if (!codes.has(code as ErrorCode)) continue;
    const ray = list.trim().split(/\s+/)[0];
    if (ray) return ray;
  }
  return null;
}

/**
 * `since`: failures before it do not count (a resolve): the burst that a resolve closed must not
 * reopen the incident with the first failure after it.
 */
function observation(sql: SqlStorage, batch: LedgerBatch, t: Touched, now: number, windowMs: number, since: number | undefined): AlertObservation {
  const from = Math.max(firstSlot(now, windowMs), since === undefined ? -Infinity : Math.ceil(since / SLOT_MS));
  const rows = sql.exec<{ code: number; n: number }>(
    "SELECT code, SUM(n) AS n FROM alert_counts WHERE host = ? AND subject = ? AND slot >= ? GROUP BY code ORDER BY n DESC, code",
    t.host, t.subject, from,
  ).toArray();
  const windowCount = rows.reduce((s, r) => s + r.n, 0);
  return {
    host: t.host,
    subject: t.subject,
    windowCount,
    newFailures: t.newFailures,
    lastFailureAt: now,
    code: (rows[0]?.code as ErrorCode | undefined) ?? t.codes.keys().next().value!,
    rayId: sampleRay(batch, t.codes),
    colos: t.colos,
  };
}

const newId = (now: number): string => `inc_${now.toString(36)}_${crypto.randomUUID().slice(0, 8)}`;

/** Counts a newly applied batch and steps the machine; true when any incident changed state. */
export function observeBatch(sql: SqlStorage, batch: LedgerBatch, host: (h: string) => string, config: AlertConfig, now: number): boolean {
  const slot = Math.floor(now / SLOT_MS);
  let changed = false;
  for (const t of touched(batch, host).values()) {
    for (const [code, n] of t.codes) {
      sql.exec(
        "INSERT INTO alert_counts (host, subject, slot, code, n) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET n = n + excluded.n",
        t.host, t.subject, slot, code, n,
      );
    }
    const prev = readTrack(sql, t.host, t.subject);
    const o = observation(sql, batch, t, now, config.policy.windowMs, prev?.phase === "resolved" ? prev.resolvedAt : undefined);
    const s = step(prev, o, config.policy, now, () => newId(now));
    if (keep(sql, t.host, t.subject, s, config)) changed = true;
  }
  return changed;
}
