/**
 * The error path's view of the known-outage notice (`o:open`, written by the incident ledger):
 * read at most once per `refreshMs` per isolate, never on the healthy path. A read that takes
 * longer than `waitMs` does not hold the page: it answers with the value it had (and the read
 * finishes in the background for the next page). A failed read counts as a read: KV is not asked
 * again on every failing request.
 */
import { NO_OUTAGE, OUTAGE_KEY, type OutageNotice, noticeFor, parseOutage } from "../core/outage";

export interface KnownOutageOptions {
  /** KV namespace binding the ledger writes the notice to. Default "INCIDENTS". */
  readonly binding: string;
  /** How long an isolate reuses what it read. Default 5000 ms. */
  readonly refreshMs: number;
  /** The longest a page waits for a read. Default 150 ms. */
  readonly waitMs: number;
}

export const DEFAULT_KNOWN_OUTAGE: KnownOutageOptions = { binding: "INCIDENTS", refreshMs: 5000, waitMs: 150 };

/** What an error page says about a known outage. */
export interface KnownOutage {
  readonly since: Date;
  readonly notified: boolean;
}

export class OutageReader {
  #value: OutageNotice = NO_OUTAGE;
  #readAt = Number.NEGATIVE_INFINITY;
  #reading = false;

  constructor(private readonly options: KnownOutageOptions) {}

  /** The notice for `host`, from the cache or a bounded read; `keepAlive` carries an unfinished read on. */
  async forHost(kv: KVNamespace | undefined, host: string, keepAlive: (p: Promise<unknown>) => void): Promise<KnownOutage | undefined> {
    if (kv && typeof kv.get === "function" && !this.#reading && Date.now() - this.#readAt >= this.options.refreshMs) {
      // Not shared with other requests: a promise from one request's I/O must not be awaited by another.
      const read = this.#read(kv);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), this.options.waitMs)));
      if ((await Promise.race([read, late])) === "late") keepAlive(read);
      if (timer !== undefined) clearTimeout(timer);
    }
    return noticeFor(this.#value, host);
  }

  async #read(kv: KVNamespace): Promise<void> {
    this.#reading = true;
    try {
      this.#value = parseOutage(await kv.get(OUTAGE_KEY, "json"));
    } catch (err) {
      console.error(JSON.stringify({ msg: "known-outage notice could not be read; keeping the last one", error: String(err) }));
    } finally {
      this.#readAt = Date.now();
      this.#reading = false;
    }
  }
}
