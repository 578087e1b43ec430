/**
 * Probe results per origin, kept for a few seconds and shared while in flight. An origin that
 * fails every request would otherwise get one to three extra probe connections per failure, just
 * when it can least take them: with this, a storm of failures costs about one probe per origin
 * per `ttlMs` in each isolate, however many requests fail.
 */
import type { ProbeResult } from "../core/classify";
import { within } from "../core/time";

export interface ProbeCacheOptions {
  /** How long a settled result is reused, in ms. Default 5000. */
  readonly ttlMs?: number;
  /** Origins remembered at most; the oldest is dropped first. Default 32. */
  readonly maxOrigins?: number;
}

interface Entry {
  /** The probe in flight. Its sockets and timers belong to the request that started it. */
  readonly pending: Promise<ProbeResult>;
  /** Set once it settled: later requests read this plain value, never another request's promise. */
  result?: ProbeResult;
  /** Infinity while the probe is in flight. */
  expires: number;
}

export class ProbeCache {
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;
  readonly #max: number;
  /** Probes actually started by this cache. */
  started = 0;

  constructor(options: ProbeCacheOptions = {}) {
    this.#ttlMs = options.ttlMs ?? 5_000;
    this.#max = options.maxOrigins ?? 32;
  }

  /**
   * The probe result for `origin` (scheme, host and port: the path does not change what a probe
   * sees) probed the `variant` way (results of different kinds of probe are kept apart): a fresh
   * one when there is; the one in flight, waited for at most `waitMs`; otherwise
   * `run()`'s, shared from now on. A reused result says so (`cached: true`) in the evidence.
   *
   * The wait is bounded because a probe in flight runs in the request that started it: if that
   * request is cancelled, its probe may never settle, and no other request may hang on it.
   */
  async probe(origin: URL, run: () => Promise<ProbeResult>, waitMs: number, variant = ""): Promise<ProbeResult> {
    const key = `${origin.origin} ${variant}`;
    const hit = this.#entries.get(key);
    if (hit?.result && hit.expires > Date.now()) return { ...hit.result, cached: true };
    if (hit && !hit.result) {
      const shared = await within(hit.pending, waitMs);
      if (!("timedOut" in shared)) return { ...shared.value, cached: true };
    }
    return this.#start(key, run);
  }

  #start(key: string, run: () => Promise<ProbeResult>): Promise<ProbeResult> {
    this.started++;
    const entry: Entry = { pending: run(), expires: Infinity };
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    while (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value as string);
    // A probe never rejects (each outcome is a result), but a bug must not leave a poisoned entry.
    entry.pending.then(
      (result) => {
        entry.result = result;
        entry.expires = Date.now() + this.#ttlMs;
      },
      () => void (this.#entries.get(key) === entry && this.#entries.delete(key)),
    );
    return entry.pending;
  }
}
