/**
 * Bounds KV writes during an outage without losing counts. Per isolate, each (code, host) gets
 * `perWindow` stored records per window; failures beyond that (or sampled out) are counted as
 * pending and ride on the next stored record's weight, or on a roll-up written when the window
 * ends. Sum of weights = failures seen.
 */

export interface BudgetOptions {
  /** Records stored per (code, host) per window. Default 25. */
  readonly perWindow: number;
  /** Window length in ms. Default 10000. */
  readonly windowMs: number;
  /** Share of failures stored while under budget, 0–1. Default 1. */
  readonly sampleRate: number;
  readonly random?: () => number;
  readonly now?: () => number;
}

export type Admission =
  | { readonly store: true; readonly weight: number }
  /** `flushAt`: set for the first suppression of a window, whose caller schedules the roll-up. */
  | { readonly store: false; readonly flushAt?: number };

interface Slot {
  windowStart: number;
  stored: number;
  pending: number;
  flushScheduled: boolean;
}

/** Slots are dropped once idle for this many windows, so many hosts cannot grow memory forever. */
const IDLE_WINDOWS = 6;
const MAX_SLOTS = 1000;

export class WriteBudget {
  readonly #slots = new Map<string, Slot>();
  readonly #random: () => number;
  readonly #now: () => number;

  constructor(readonly options: BudgetOptions) {
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? Date.now;
  }

  #slot(key: string, now: number): Slot {
    let slot = this.#slots.get(key);
    if (!slot) {
      if (this.#slots.size >= MAX_SLOTS) this.#evict(now);
      slot = { windowStart: now, stored: 0, pending: 0, flushScheduled: false };
      this.#slots.set(key, slot);
    } else if (now - slot.windowStart >= this.options.windowMs) {
      slot.windowStart = now;
      slot.stored = 0;
    }
    return slot;
  }

  #evict(now: number): void {
    for (const [key, slot] of this.#slots) {
      if (slot.pending === 0 && now - slot.windowStart > IDLE_WINDOWS * this.options.windowMs) this.#slots.delete(key);
    }
  }

  admit(key: string): Admission {
    const now = this.#now();
    const slot = this.#slot(key, now);
    const sampled = this.options.sampleRate >= 1 || this.#random() < this.options.sampleRate;
    if (sampled && slot.stored < this.options.perWindow) {
      slot.stored++;
      const weight = 1 + slot.pending;
      slot.pending = 0;
      return { store: true, weight };
    }
    slot.pending++;
    if (slot.flushScheduled) return { store: false };
    slot.flushScheduled = true;
    return { store: false, flushAt: slot.windowStart + this.options.windowMs };
  }

  /**
   * Claims the roll-up of `key`'s current window for a caller that has pending weight to save
   * (after a failed write); undefined when a roll-up is already scheduled.
   */
  claimRollup(key: string): number | undefined {
    const slot = this.#slot(key, this.#now());
    if (slot.flushScheduled) return undefined;
    slot.flushScheduled = true;
    return slot.windowStart + this.options.windowMs;
  }

  /** Takes the pending count for a roll-up (0 when a stored record already carried it). */
  takePending(key: string): number {
    const slot = this.#slots.get(key);
    if (!slot) return 0;
    const pending = slot.pending;
    slot.pending = 0;
    slot.flushScheduled = false;
    return pending;
  }

  /** Gives a weight back after a failed write, so the next record carries it. */
  restore(key: string, weight: number): void {
    this.#slot(key, this.#now()).pending += weight;
  }
}
