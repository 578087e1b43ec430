/**
 * The isolate's side of the ledger: failures are counted in a {@link Tally}, and once per window
 * (jittered, inside `waitUntil`) the window goes to the `IncidentLedger` as one batch. A batch
 * keeps its sequence number until the ledger acknowledges it, so a resend is counted once.
 *
 * If the ledger cannot be reached, the batches wait in the outbox and are resent on the next
 * window. Past {@link MAX_OUTBOX} unacknowledged batches the isolate falls back to writing KV
 * itself (the per-isolate budget, {@link IncidentRecorder}), logs that it did, and keeps trying
 * to deliver the outbox; once it is delivered, the ledger takes over again.
 */
import { LEDGER_NAME, type LedgerAck, type LedgerApi, type LedgerBatch, minuteOf } from "../../core/aggregate";
import { newUid } from "../../core/incident";
import { within } from "../../core/time";
import { SiteHosts } from "./hosts";
import { buildRecord, IncidentRecorder, type IncidentInput, type IncidentOptions } from "./recorder";
import { Tally } from "./tally";

/** Unacknowledged batches an isolate holds before it falls back to writing KV itself. */
export const MAX_OUTBOX = 3;
/** Batches one call carries (the ledger takes up to 16). */
const BATCHES_PER_CALL = 8;

/** What `idFromName`/`get` give: a stub with the ledger's RPC methods. */
export interface LedgerNamespace {
  idFromName(name: string): DurableObjectId;
  get(id: DurableObjectId): Pick<LedgerApi, "record">;
}

/** Where an isolate records: the ledger when bound, KV for the fallback path. */
export interface RecordTargets {
  readonly ledger: LedgerNamespace;
  readonly kv: KVNamespace | undefined;
}

export interface LedgerCounters {
  batches: number;
  acked: number;
  sendErrors: number;
  fallbacks: number;
}

const COLO = /^[A-Z]{3,4}$/;

function coloOf(request: Request): string {
  const c = (request as { cf?: { colo?: unknown } }).cf?.colo;
  return typeof c === "string" && COLO.test(c) ? c : "";
}

export class LedgerClient {
  #isolate: string | undefined;
  readonly counters: LedgerCounters = { batches: 0, acked: 0, sendErrors: 0, fallbacks: 0 };
  readonly direct: IncidentRecorder;
  readonly #hosts: SiteHosts;
  readonly #tally: Tally;
  readonly #outbox: LedgerBatch[] = [];
  readonly #random: () => number;
  #seq = 0;
  #scheduled = false;
  #fallback = false;

  constructor(
    readonly options: IncidentOptions,
    random: () => number = Math.random,
  ) {
    this.#hosts = new SiteHosts(options.hosts);
    this.direct = new IncidentRecorder(options, this.#hosts);
    this.#random = random;
    // Enough candidates per window for one isolate to fill the zone-wide budget on its own.
    const perWindow = Math.max(1, Math.ceil((options.samplesPerMinute * options.budget.windowMs) / 60_000));
    this.#tally = new Tally(perWindow);
  }

  /** Identifies this isolate's batches to the ledger (made on first use: no randomness at startup). */
  get isolate(): string {
    return (this.#isolate ??= crypto.randomUUID());
  }

  /** True while the isolate writes KV itself because the ledger was unreachable. */
  get fallingBack(): boolean {
    return this.#fallback;
  }

  /** Batches waiting for the ledger's acknowledgement. */
  get outbox(): number {
    return this.#outbox.length;
  }

  /**
   * Counts the failure synchronously; returns work for `waitUntil` only for the first failure of
   * a window (the flush), or for a KV write on the fallback path.
   */
  record(targets: RecordTargets, input: IncidentInput): Promise<void> | undefined {
    if (this.#fallback) {
      const write = targets.kv ? this.direct.record(targets.kv, input, true) : undefined;
      const retry = this.#schedule(targets);
      return write && retry ? Promise.all([write, retry]).then(() => undefined) : (write ?? retry);
    }
    const { failure, request } = input;
    const url = input.url ?? new URL(request.url);
    const colo = coloOf(request);
    this.#tally.add(minuteOf(input.time.getTime()), failure.status, this.#hosts.bucket(url.hostname), colo, failure.category, input.rayId);
    const rate = this.options.budget.sampleRate;
    if ((rate >= 1 || this.#random() < rate) && this.#tally.claimSample(failure.status, colo)) {
      this.#tally.addSample({ ...buildRecord({ ...input, url }, 1, this.options), v: 2, uid: newUid() });
    }
    return this.#schedule(targets);
  }

  #schedule(targets: RecordTargets): Promise<void> | undefined {
    if (this.#scheduled) return undefined;
    this.#scheduled = true;
    // Jittered so the isolates of a zone do not all call at the same instant.
    const delay = this.options.budget.windowMs * (0.8 + 0.2 * this.#random());
    return new Promise<void>((resolve) => setTimeout(resolve, delay)).then(() => {
      this.#scheduled = false;
      return this.flush(targets.ledger);
    });
  }

  /** Sends the window (and anything still unacknowledged) to the ledger now. */
  async flush(ns: LedgerNamespace): Promise<void> {
    if (this.#tally.failures > 0) {
      this.#outbox.push(this.#tally.take(this.isolate, ++this.#seq));
      this.counters.batches++;
    }
    while (this.#outbox.length > 0) {
      const sending = this.#outbox.slice(0, BATCHES_PER_CALL);
      let ack: LedgerAck;
      try {
        ack = await this.#send(ns, sending);
      } catch (err) {
        return this.#failed(err);
      }
      const acked = new Set(ack.acked);
      for (let i = this.#outbox.length - 1; i >= 0; i--) if (acked.has(this.#outbox[i]!.seq)) this.#outbox.splice(i, 1);
      this.counters.acked += acked.size;
      if (acked.size === 0) return this.#failed(new Error("the ledger acknowledged none of the batches"));
    }
    if (this.#fallback) {
      this.#fallback = false;
      console.log(JSON.stringify({ msg: "incident ledger reachable again: counting through it", isolate: this.isolate }));
    }
  }

  async #send(ns: LedgerNamespace, batches: LedgerBatch[]): Promise<LedgerAck> {
    const stub = ns.get(ns.idFromName(LEDGER_NAME));
    const result = await within(Promise.resolve(stub.record(batches)), this.options.writeTimeoutMs);
    if ("timedOut" in result) throw new Error(`the ledger did not answer within ${this.options.writeTimeoutMs} ms`);
    return result.value;
  }

  #failed(err: unknown): void {
    this.counters.sendErrors++;
    console.error(JSON.stringify({ msg: "incident ledger unreachable: counts kept for the next window", isolate: this.isolate, waiting: this.#outbox.length, error: String(err) }));
    if (this.#fallback || this.#outbox.length < MAX_OUTBOX) return;
    this.#fallback = true;
    this.counters.fallbacks++;
    console.error(JSON.stringify({ msg: "incident ledger unreachable: falling back to per-isolate budgeted KV writes", isolate: this.isolate, waiting: this.#outbox.length }));
  }
}
