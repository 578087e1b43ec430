/**
 * Probe results per origin, kept for a few seconds and shared while in flight. An origin that
 * fails every request would otherwise get one to three extra probe connections per failure, just
 * when it can least take them: with this, a storm of failures costs about one probe per origin
 * per `ttlMs` in each isolate, however many requests fail.
 */
import type { ProbeResult } from "../core/classify";

export interface ProbeCacheOptions {
  /** How long a settled result is reused, in ms. Default 5000. */
  readonly ttlMs?: number;
  /** Origins remembered at most; the oldest is dropped first. Default 32. */
  readonly maxOrigins?: number;
}

interface Entry {
  readonly result: Promise<ProbeResult>;
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
   * sees): a fresh or in-flight one when there is, otherwise `run()`'s, shared from now on.
   * A reused result says so (`cached: true`) in the evidence.
   */
  async probe(origin: URL, run: () => Promise<ProbeResult>): Promise<ProbeResult> {
    const key = origin.origin;
    const now = Date.now();
    const hit = this.#entries.get(key);
    if (hit && hit.expires > now) return { ...(await hit.result), cached: true };
    if (hit) this.#entries.delete(key);
    this.started++;
    const entry: Entry = { result: run(), expires: Infinity };
    this.#entries.set(key, entry);
    while (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value as string);
    // A probe never rejects (each outcome is a result), but a bug must not leave a poisoned entry.
    entry.result.then(
      () => void (entry.expires = Date.now() + this.#ttlMs),
      () => void (this.#entries.get(key) === entry && this.#entries.delete(key)),
    );
    return entry.result;
  }
}
