/**
 * One isolate's counts for the current window, as the ledger wants them: failures per (minute,
 * code, host, colo, category), the Ray IDs behind them, and a few full records as candidate
 * samples. Adding a failure is a few map operations: no await, no KV, no allocation beyond a key.
 */
import type { CountRow, LedgerBatch, RayRow } from "../../core/aggregate";
import type { IncidentRecord } from "../../core/incident";

/** Cells one window may hold; past it, new cells are counted without their host and colo. */
export const MAX_CELLS = 4096;
/** Ray IDs one window keeps for lookups; failures past it are still counted. */
export const MAX_RAYS = 20_000;

interface RayCell {
  readonly minute: number;
  readonly code: number;
  readonly colo: string;
  readonly rays: string[];
}

export class Tally {
  #counts = new Map<string, CountRow>();
  #rays = new Map<string, RayCell>();
  #rayCount = 0;
  #samples: IncidentRecord[] = [];
  #sampleSlots = new Map<string, number>();
  #failures = 0;

  constructor(private readonly samplesPerCell: number) {}

  /** Failures counted since the last {@link take}. */
  get failures(): number {
    return this.#failures;
  }

  add(minute: number, code: number, host: string, colo: string, category: string, rayId: string): void {
    this.#failures++;
    let key = `${minute}|${code}|${host}|${colo}|${category}`;
    let row = this.#counts.get(key);
    if (!row && this.#counts.size >= MAX_CELLS) {
      // The cap is real: the overflow cell keeps the count exact by code and category.
      key = `${minute}|${code}|other||${category}`;
      row = this.#counts.get(key);
      host = "other";
      colo = "";
    }
    if (row) row[5]++;
    else this.#counts.set(key, [minute, code, host, colo, category, 1]);
    if (this.#rayCount >= MAX_RAYS) return;
    this.#rayCount++;
    const rayKey = `${minute}|${code}|${colo}`;
    const cell = this.#rays.get(rayKey);
    if (cell) cell.rays.push(rayId);
    else this.#rays.set(rayKey, { minute, code, colo, rays: [rayId] });
  }

  /** True when a failure of this code and colo should be kept as a candidate sample (claims the slot). */
  claimSample(code: number, colo: string): boolean {
    const key = `${code}|${colo}`;
    const used = this.#sampleSlots.get(key) ?? 0;
    if (used >= this.samplesPerCell) return false;
    this.#sampleSlots.set(key, used + 1);
    return true;
  }

  addSample(record: IncidentRecord): void {
    this.#samples.push(record);
  }

  /** The window as a batch, and a fresh window. */
  take(isolate: string, seq: number): LedgerBatch {
    const rays: RayRow[] = [...this.#rays.values()].map((c) => [c.minute, c.code, c.colo, c.rays.join(" ")]);
    const batch: LedgerBatch = { isolate, seq, counts: [...this.#counts.values()], rays, samples: this.#samples };
    this.#counts = new Map();
    this.#rays = new Map();
    this.#rayCount = 0;
    this.#samples = [];
    this.#sampleSlots = new Map();
    this.#failures = 0;
    return batch;
  }
}
