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
import { SCHEMA } from "./schema";

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
  #applied = 0;

  constructor(ctx: DurableObjectState, env: LedgerEnv) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    this.#config = loadLedgerConfig(env);
    this.#hosts = new HostBound(this.#config.hosts);
    ctx.blockConcurrencyWhile(async () => {
      this.#sql.exec(SCHEMA);
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
    for (const batch of batches) {
      checkBatch(batch);
      const isNew = this.ctx.storage.transactionSync(() => applyBatch(this.#sql, batch, this.#hosts, now));
      if (isNew) this.#applied++;
      acked.push(batch.seq);
    }
    await this.#schedule(this.#config.flushMs);
    return { acked };
  }

  /** Counted failures with this Ray ID (within the last day), each with the nearest stored sample. */
  async lookup(rayId: string): Promise<CountedFailure[]> {
    return lookupRay(this.#sql, String(rayId));
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
    const kv = this.env.INCIDENTS;
    if (!kv) {
      console.error(JSON.stringify({ msg: "incident ledger: the INCIDENTS KV binding is missing; counts are kept and written once it is there" }));
      return this.#schedule(RETRY_MS, true);
    }
    const now = Date.now();
    this.ctx.storage.transactionSync(() => {
      fold(this.#sql);
      choose(this.#sql, this.#config.samplesPerMinute);
    });
    const result = await writeOut(this.#sql, kv, this.#config);
    prune(this.#sql, now, this.#config.ttlDays);
    if (result.pending) await this.#schedule(result.failed > 0 ? Math.min(RETRY_MS, this.#config.flushMs) : 1000, true);
  }

  /** Sets the alarm `inMs` from now unless one is set already (`replace`: move it). */
  async #schedule(inMs: number, replace = false): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current !== null && !replace) return;
    await this.ctx.storage.setAlarm(Date.now() + inMs);
  }
}
