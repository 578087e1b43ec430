/**
 * `IncidentLedger`: one SQLite-backed Durable Object per zone that decides what the incident log
 * writes. Isolates send it counts and candidate samples by RPC; it sums them exactly and, on an
 * alarm, writes aggregates and the chosen samples to KV. KV stays the log of record that the
 * admin Worker reads; the ledger only bounds and orders the writes.
 */
import { DurableObject } from "cloudflare:workers";
import type { CountedFailure, LedgerAck, LedgerApi, LedgerBatch } from "../core/aggregate";
import { type LedgerConfig, loadLedgerConfig } from "./config";
import { applyBatch, checkBatch, HostBound } from "./apply";
import { choose, fold, prune, writeOut } from "./flush";
import { lookupRay } from "./lookup";
import { ALERT_SCHEMA, SCHEMA } from "./schema";
import type { AlertsReport, TestResult } from "../core/alert-report";
import { type AlertConfig, dashboardFor, loadAlertConfig } from "./alerts/config";
import { observeBatch } from "./alerts/observe";
import { testMessage } from "./alerts/payload";
import { alertsReport } from "./alerts/report";
import { AlertRunner } from "./alerts/runner";
import { insertEvent } from "./alerts/tracks";

/** After a failed KV write, the next try comes this soon (or at the flush interval, if sooner). */
const RETRY_MS = 10_000;
/** Batches one call may carry: an isolate's outbox is smaller. */
const MAX_BATCHES_PER_CALL = 16;

type LedgerEnv = { readonly INCIDENTS?: KVNamespace } & Record<string, unknown>;

/** What the ledger has written, for owners and for the outage benchmark. */
export interface LedgerUsage {
  readonly kv_puts: number;
  readonly batches_applied: number;
  readonly counted: number;
}

export class IncidentLedger extends DurableObject<LedgerEnv> implements LedgerApi {
  readonly #sql: SqlStorage;
  readonly #config: LedgerConfig;
  readonly #hosts: HostBound;
  readonly #alertConfig: AlertConfig;
  readonly #alerts: AlertRunner;
  #applied = 0;

  constructor(ctx: DurableObjectState, env: LedgerEnv) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    this.#config = loadLedgerConfig(env);
    this.#hosts = new HostBound(this.#config.hosts);
    this.#alertConfig = loadAlertConfig(env);
    this.#alerts = new AlertRunner(ctx.storage, this.#alertConfig);
    ctx.blockConcurrencyWhile(async () => {
      this.#sql.exec(SCHEMA);
      this.#sql.exec(ALERT_SCHEMA);
    });
  }

  /**
   * Applies batches, each at most once. Returns only once they are stored durably, so an acked
   * batch survives a restart of the object.
   */
  async record(batches: LedgerBatch[]): Promise<LedgerAck> {
    if (!Array.isArray(batches) || batches.length > MAX_BATCHES_PER_CALL) throw new TypeError(`record() takes 1–${MAX_BATCHES_PER_CALL} batches`);
    const acked: number[] = [];
    const now = Date.now();
    let transition = false;
    for (const batch of batches) {
      checkBatch(batch);
      const host = this.#hosts.mapper();
      // The batch and the alert state it moves commit together: a resent batch moves nothing.
      const isNew = this.ctx.storage.transactionSync(() => {
        if (!applyBatch(this.#sql, batch, host, now)) return false;
        if (observeBatch(this.#sql, batch, host, this.#alertConfig, now)) transition = true;
        return true;
      });
      if (isNew) this.#applied++;
      acked.push(batch.seq);
    }
    // A transition is delivered by the alarm: right away, so owners hear before anything else runs.
    await this.#schedule(transition ? 0 : this.#config.flushMs);
    return { acked };
  }

  /** Counted failures with this Ray ID (within the last day), each with the nearest stored sample. */
  async lookup(rayId: string): Promise<CountedFailure[]> {
    return lookupRay(this.#sql, String(rayId));
  }

  /** Open and recent alert incidents with their timelines, and the health of each channel. */
  async alerts(): Promise<AlertsReport> {
    return alertsReport(this.#sql, this.#alertConfig, Date.now());
  }

  /** Sends a `test` message to every configured channel now; the outcome per channel (empty when none is configured). */
  async testAlert(host: string): Promise<TestResult[]> {
    const h = String(host).slice(0, 100);
    const now = Date.now();
    const message = testMessage(h, now, this.#alertConfig.policy, dashboardFor(this.#alertConfig, h));
    const results = await this.#alerts.test(message, (m) => insertEvent(this.#sql, m));
    return results.map(({ channel, outcome }) => ({ channel, ok: outcome.ok, error: outcome.ok ? null : outcome.error }));
  }

  /** KV puts so far, batches applied since this object started, and failures counted within the retention (folded into days). */
  async usage(): Promise<LedgerUsage> {
    const [puts] = this.#sql.exec<{ p: number | null }>("SELECT SUM(puts) AS p FROM kv_writes").toArray();
    const [counted] = this.#sql.exec<{ n: number | null }>("SELECT SUM(n) AS n FROM counts_d").toArray();
    return { kv_puts: puts?.p ?? 0, batches_applied: this.#applied, counted: counted?.n ?? 0 };
  }

  /** Runs the alarm's work now (the outage benchmark and tests use it to end a run). */
  async flush(): Promise<void> {
    await this.alarm();
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    const kv = this.env.INCIDENTS;
    // Alerts and the KV flush run side by side: a receiver that hangs never delays the counts.
    const [alertNext, flushNext] = await Promise.all([this.#alerts.tick(kv, now), this.#flushKv(kv, now)]);
    const next = Math.min(alertNext ?? Infinity, flushNext ?? Infinity);
    if (!Number.isFinite(next)) return;
    // An alarm at or before this run's start is this run's own (or one it has done the work of):
    // replace it. One set later was set by a record() during the run: keep it if it is sooner.
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current <= now || current > next) await this.ctx.storage.setAlarm(next);
  }

  /** Folds, chooses and writes KV; when the next flush is needed (ms), or null when nothing is left. */
  async #flushKv(kv: KVNamespace | undefined, now: number): Promise<number | null> {
    if (!kv) {
      console.error(JSON.stringify({ msg: "incident ledger: the INCIDENTS KV binding is missing; counts are kept and written once it is there" }));
      return now + RETRY_MS;
    }
    this.ctx.storage.transactionSync(() => {
      fold(this.#sql);
      choose(this.#sql, this.#config.samplesPerMinute);
    });
    const result = await writeOut(this.#sql, kv, this.#config);
    prune(this.#sql, now, this.#config.ttlDays);
    if (!result.pending) return this.#unfolded() ? Date.now() + this.#config.flushMs : null;
    return Date.now() + (result.failed > 0 ? Math.min(RETRY_MS, this.#config.flushMs) : 1000);
  }

  /** Counts or candidates that arrived during this run, after it folded: they need a next flush. */
  #unfolded(): boolean {
    return this.#sql.exec("SELECT 1 FROM counts_m WHERE n > folded LIMIT 1").toArray().length > 0 || this.#sql.exec("SELECT 1 FROM candidates WHERE state = 0 LIMIT 1").toArray().length > 0;
  }

  /**
   * Makes sure the alarm runs within `inMs`: an alarm already set sooner is kept, a later one is
   * moved earlier (a delivery retry hours away must not hold back the next flush or a new alert).
   */
  async #schedule(inMs: number): Promise<void> {
    const now = Date.now();
    const at = now + inMs;
    const current = await this.ctx.storage.getAlarm();
    // One already past is the alarm running now (its work may be done before ours arrived): set anew.
    if (current !== null && current <= at && current > now) return;
    await this.ctx.storage.setAlarm(at);
  }
}
