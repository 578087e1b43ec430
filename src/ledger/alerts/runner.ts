/**
 * The alarm's share of alerts: resolve incidents that went quiet, attempt every delivery that is
 * due (in parallel, each bounded by SEND_TIMEOUT_MS, so a failing channel never holds back the
 * others), rewrite the visitor notice when it changed, and say when the alarm is next needed.
 *
 * Delivery is at least once per (event, channel): a pair is marked delivered only after the
 * receiver's 2xx, so an answer lost after the receiver acted (or the object stopping between the
 * two) sends it again; `X-Alert-Id` lets a receiver drop that repeat. A delivered pair is never
 * attempted again, whatever restarts or retried alarms follow.
 */
import { NO_OUTAGE, type OpenIncident, OUTAGE_KEY, type OutageNotice } from "../../core/outage";
import type { AlertConfig } from "./config";
import { afterAttempt, attempt, type AttemptOutcome, type ChannelTarget, type DeliveryState } from "./delivery";
import { type OpenTrack, step } from "./machine";
import { firstSlot } from "./observe";
import type { AlertMessage, Channel } from "./payload";
import { allTracks, keep, notified } from "./tracks";

/** Deliveries one alarm attempts: more wait for the next run, moments later. */
const MAX_SENDS_PER_RUN = 30;
/** Events (with their deliveries and attempts) are kept this long for the timeline. */
export const EVENT_HORIZON_MS = 30 * 86_400_000;
/** After a failed notice write, the next try comes this soon. */
const NOTICE_RETRY_MS = 10_000;

type Due = {
  readonly event_id: number;
  readonly channel: Channel;
  readonly attempts: number;
  readonly state: DeliveryState;
  readonly next_at: number;
  readonly last_error: string | null;
  readonly message: string;
};

export type Fetcher = typeof fetch;

export class AlertRunner {
  /** Pairs being attempted right now: a concurrent run (the flush RPC during an alarm) skips them. */
  readonly #inFlight = new Set<string>();

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly config: AlertConfig,
    private readonly fetcher: Fetcher = (input, init) => fetch(input, init),
  ) {}

  get #sql(): SqlStorage {
    return this.storage.sql;
  }

  /** One run; the time (ms) the alarm is next needed for alerts, or null. */
  async tick(kv: KVNamespace | undefined, now: number): Promise<number | null> {
    this.storage.transactionSync(() => {
      this.#resolveQuiet(now);
      this.#prune(now);
    });
    await this.#deliverDue(now);
    const noticeOk = kv ? await this.#writeNotice(kv) : true;
    const next = this.#nextNeed();
    return noticeOk ? next : Math.min(next ?? Infinity, Date.now() + NOTICE_RETRY_MS);
  }

  #resolveQuiet(now: number): void {
    for (const track of allTracks(this.#sql)) {
      const s = step(track, undefined, this.config.policy, now, () => "");
      keep(this.#sql, track.host, track.subject, s, this.config);
    }
  }

  #prune(now: number): void {
    this.#sql.exec("DELETE FROM alert_counts WHERE slot < ?", firstSlot(now, this.config.policy.windowMs));
    const old = now - EVENT_HORIZON_MS;
    this.#sql.exec("DELETE FROM alert_attempts WHERE event_id IN (SELECT id FROM alert_events WHERE at < ?)", old);
    this.#sql.exec("DELETE FROM alert_deliveries WHERE event_id IN (SELECT id FROM alert_events WHERE at < ?)", old);
    this.#sql.exec("DELETE FROM alert_events WHERE at < ?", old);
  }

  async #deliverDue(now: number): Promise<void> {
    const due = this.#sql.exec<Due>(
      `SELECT d.event_id, d.channel, d.attempts, d.state, d.next_at, d.last_error, e.message FROM alert_deliveries d JOIN alert_events e ON e.id = d.event_id
       WHERE d.state = 'pending' AND d.next_at <= ? ORDER BY d.next_at LIMIT ?`,
      now, MAX_SENDS_PER_RUN + this.#inFlight.size,
    ).toArray().filter((d) => !this.#inFlight.has(pairKey(d)));
    await Promise.all(due.slice(0, MAX_SENDS_PER_RUN).map((d) => this.#deliverOne(d)));
  }

  async #deliverOne(d: Due): Promise<void> {
    const target = this.config.targets.find((t) => t.channel === d.channel);
    const key = pairKey(d);
    this.#inFlight.add(key);
    try {
      const outcome: AttemptOutcome = target ? await attempt(target, JSON.parse(d.message) as AlertMessage, Date.now(), this.fetcher) : { ok: false, error: "channel no longer configured" };
      const at = Date.now();
      const plan = target
        ? afterAttempt({ attempts: d.attempts, state: d.state, nextAt: d.next_at, lastError: d.last_error }, outcome, at, Math.random(), this.config.retryScale)
        : { attempts: d.attempts + 1, state: "failed" as const, nextAt: at, lastError: "channel no longer configured" };
      this.storage.transactionSync(() => {
        this.#sql.exec("UPDATE alert_deliveries SET attempts = ?, state = ?, next_at = ?, last_error = ? WHERE event_id = ? AND channel = ?", plan.attempts, plan.state, plan.nextAt, plan.lastError, d.event_id, d.channel);
        recordAttempt(this.#sql, d.event_id, d.channel, at, outcome);
      });
      if (!outcome.ok) console.warn(JSON.stringify({ msg: "alert delivery failed", channel: d.channel, event_id: d.event_id, attempts: plan.attempts, state: plan.state, error: outcome.error }));
    } finally {
      this.#inFlight.delete(key);
    }
  }

  /** A `test` message to every configured channel, now, once each (no retries): the outcome per channel. */
  async test(message: AlertMessage, insertEvent: (m: AlertMessage) => number): Promise<{ channel: Channel; outcome: AttemptOutcome }[]> {
    const id = insertEvent(message);
    return Promise.all(
      this.config.targets.map(async (target: ChannelTarget) => {
        const outcome = await attempt(target, message, Date.now(), this.fetcher);
        const at = Date.now();
        this.storage.transactionSync(() => {
          this.#sql.exec("INSERT INTO alert_deliveries (event_id, channel, attempts, state, next_at, last_error) VALUES (?, ?, 1, ?, ?, ?)", id, target.channel, outcome.ok ? "delivered" : "failed", at, outcome.ok ? null : outcome.error);
          recordAttempt(this.#sql, id, target.channel, at, outcome);
        });
        return { channel: target.channel, outcome };
      }),
    );
  }

  /** The open incidents per host, as visitors' pages tell them. */
  notice(): OutageNotice {
    const hosts: Record<string, OpenIncident[]> = {};
    for (const t of allTracks(this.#sql)) {
      if (t.phase !== "open") continue;
      (hosts[t.host] ??= []).push({ since: new Date(t.since).toISOString(), code: t.code, notified: notified(this.#sql, t.id) });
    }
    return Object.keys(hosts).length === 0 ? NO_OUTAGE : { v: 1, hosts };
  }

  /** Writes the notice when it differs from the last one written; false when KV failed (tried again soon). */
  async #writeNotice(kv: KVNamespace): Promise<boolean> {
    const value = JSON.stringify(this.notice());
    const [last] = this.#sql.exec<{ v: string }>("SELECT v FROM alert_meta WHERE k = 'notice'").toArray();
    if (last?.v === value || (!last && value === JSON.stringify(NO_OUTAGE))) return true;
    try {
      await kv.put(OUTAGE_KEY, value);
    } catch (err) {
      console.error(JSON.stringify({ msg: "alert: the visitor notice could not be written to KV; trying again", error: String(err) }));
      return false;
    }
    this.#sql.exec("INSERT INTO alert_meta (k, v) VALUES ('notice', ?) ON CONFLICT DO UPDATE SET v = excluded.v", value);
    return true;
  }

  /** The earliest of: a pending delivery's next try, and the moment an open incident could resolve. */
  #nextNeed(): number | null {
    let next = Infinity;
    const pending = this.#sql.exec<{ event_id: number; channel: string; next_at: number }>("SELECT event_id, channel, next_at FROM alert_deliveries WHERE state = 'pending' ORDER BY next_at LIMIT ?", this.#inFlight.size + 1).toArray();
    const first = pending.find((d) => !this.#inFlight.has(pairKey(d)));
    if (first) next = first.next_at;
    const { quietMs, minIntervalMs } = this.config.policy;
    for (const t of allTracks(this.#sql)) {
      if (t.phase === "open") next = Math.min(next, resolveAt(t, quietMs, minIntervalMs));
    }
    return Number.isFinite(next) ? next : null;
  }
}

const pairKey = (d: { event_id: number; channel: string }): string => `${d.event_id}:${d.channel}`;

const resolveAt = (t: OpenTrack, quietMs: number, minIntervalMs: number): number => Math.max(t.lastFailureAt + quietMs, t.lastMessageAt + minIntervalMs);

function recordAttempt(sql: SqlStorage, eventId: number, channel: Channel, at: number, outcome: AttemptOutcome): void {
  sql.exec("INSERT INTO alert_attempts (event_id, channel, at, ok, error) VALUES (?, ?, ?, ?, ?)", eventId, channel, at, outcome.ok ? 1 : 0, outcome.ok ? null : outcome.error);
}
