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

/**
 * The slot map's cap. Keys are (code, bounded host), so a real zone stays far below it; past it,
 * the least recently used slot is dropped if idle, or else the newcomer shares one overflow slot.
 * Either way O(1): no scan of the map per new key.
 */
export const MAX_SLOTS = 1000;
export const OVERFLOW_SLOT = "*";

export class WriteBudget {
  readonly #slots = new Map<string, Slot>();
  readonly #random: () => number;
  readonly #now: () => number;

  constructor(readonly options: BudgetOptions) {
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? Date.now;
  }

  /** Slots in the map (at most {@link MAX_SLOTS} + the overflow slot). */
  get size(): number {
    return this.#slots.size;
  }

  /** The key a failure is counted under: its own, or the overflow slot when the map is full. */
  slotKey(key: string): string {
    if (this.#slots.has(key) || this.#slots.size < MAX_SLOTS) return key;
    const [oldest, slot] = this.#slots.entries().next().value as [string, Slot];
    if (oldest !== OVERFLOW_SLOT && slot.pending === 0 && !slot.flushScheduled) {
      this.#slots.delete(oldest);
      return key;
    }
    return OVERFLOW_SLOT;
  }

  #slot(key: string, now: number): Slot {
    let slot = this.#slots.get(key);
    if (!slot) {
      slot = { windowStart: now, stored: 0, pending: 0, flushScheduled: false };
    } else {
      // Map order is use order: the first entry is always the least recently used.
      this.#slots.delete(key);
      if (now - slot.windowStart >= this.options.windowMs) {
        slot.windowStart = now;
        slot.stored = 0;
      }
    }
    this.#slots.set(key, slot);
    return slot;
  }

  /** `key` must come from {@link slotKey}. */
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
