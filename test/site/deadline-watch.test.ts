import { describe, expect, it } from "vitest";
import { type Clock, DeadlineWatch, HAND_OVER, HEARTBEAT_MS, LATE_MS, MAX_WAITS, TIMED_OUT } from "../../src/site/deadline-watch";

/** A clock that only moves when told to; its timers fire in due order as it moves. */
class ManualClock implements Clock {
  t = 1_000_000;
  armed = 0;
  /** When set, the next timer armed is lost, as a cancelled request's timer is. */
  dropNext = false;
  private timers: { at: number; run: () => void }[] = [];
  now = () => this.t;
  setTimer = (run: () => void, ms: number) => {
    this.armed++;
    if (this.dropNext) this.dropNext = false;
    else this.timers.push({ at: this.t + ms, run });
  };
  get pending(): number {
    return this.timers.length;
  }
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await settle();
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = Math.max(this.t, next.at);
      next.run();
    }
    this.t = end;
    await settle();
  }
}

/** Lets every queued continuation run. */
const settle = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

/** A promise settled by hand, standing for an origin's fetch. */
function pending<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** Waits as fetchOrigin does: again, arming, when handed the timer. */
async function waitFor<T>(watch: DeadlineWatch, work: Promise<T>, deadline: number) {
  let answer = await watch.wait(work, deadline);
  while (answer === HAND_OVER) answer = await watch.wait(work, deadline, true);
  return answer;
}

/** Starts a wait and records what it settled with. */
function track<T>(watch: DeadlineWatch, work: Promise<T>, deadline: number) {
  const out: { value?: T | typeof TIMED_OUT; error?: unknown; done: boolean } = { done: false };
  waitFor(watch, work, deadline).then(
    (value) => Object.assign(out, { value, done: true }),
    (error: unknown) => Object.assign(out, { error, done: true }),
  );
  return out;
}

describe("DeadlineWatch", () => {
  it("passes the work's answer on when it comes first, and leaves the list empty", async () => {
    const clock = new ManualClock();
    const watch = new DeadlineWatch(clock);
    const fetch = pending<string>();
    const r = track(watch, fetch.promise, clock.t + 5_000);
    expect(watch.size).toBe(1);
    fetch.resolve("response");
    await settle();
    expect(r).toEqual({ value: "response", done: true });
    expect(watch.size).toBe(0);
  });

  it("passes a rejection on", async () => {
    const clock = new ManualClock();
    const watch = new DeadlineWatch(clock);
    const fetch = pending<string>();
    const r = track(watch, fetch.promise, clock.t + 5_000);
    fetch.reject(new Error("Network connection lost."));
    await settle();
    expect((r.error as Error).message).toBe("Network connection lost.");
    expect(watch.size).toBe(0);
  });

  it("times a wait out at its deadline, not before", async () => {
    const clock = new ManualClock();
    const watch = new DeadlineWatch(clock);
    const r = track(watch, pending<string>().promise, clock.t + 3_000);
    await clock.advance(2_999);
    expect(r.done).toBe(false);
    await clock.advance(1);
    expect(r).toEqual({ value: TIMED_OUT, done: true });
    expect(watch.size).toBe(0);
  });

  it("arms one timer for many concurrent waits, and times each out at its own deadline", async () => {
    const clock = new ManualClock();
    const watch = new DeadlineWatch(clock);
    const waits = Array.from({ length: 50 }, (_, i) => {
      clock.t += 10;
      return { at: clock.t + 4_000, r: track(watch, pending<string>().promise, clock.t + 4_000), i };
    });
    expect(clock.armed).toBe(1);
    expect(watch.size).toBe(50);
    await clock.advance(4_000 - 50 * 10 + 245);
    const done = waits.filter((w) => w.r.done);
    expect(done.length).toBe(24);
    for (const w of waits) expect(w.r.done).toBe(w.at <= clock.t);
    await clock.advance(1_000);
    expect(waits.every((w) => w.r.value === TIMED_OUT)).toBe(true);
    expect(watch.size).toBe(0);
  });

  it("hands the timer on when the watcher's origin answers first", async () => {
    const clock = new ManualClock();
    const watch = new DeadlineWatch(clock);
    const watcherFetch = pending<string>();
    const watcher = track(watch, watcherFetch.promise, clock.t + 3_000);
    clock.t += 100;
    const hung = track(watch, pending<string>().promise, clock.t + 3_000);
    expect(clock.armed).toBe(1);
    watcherFetch.resolve("fast");
    await settle();
    expect(watcher.value).toBe("fast");
    // The watcher's timer dies with its request: only the one the next wait armed may fire.
    expect(clock.armed).toBe(2);
    await clock.advance(2_999);
    expect(hung.done).toBe(false);
    await clock.advance(1);
    expect(hung.value).toBe(TIMED_OUT);
  });

  it("hands the timer on when the watcher itself times out", async () => {
    const clock = new ManualClock();
    const watch = new DeadlineWatch(clock);
    const first = track(watch, pending<string>().promise, clock.t + 1_000);
    const second = track(watch, pending<string>().promise, clock.t + 2_500);
    await clock.advance(1_000);
    expect(first.value).toBe(TIMED_OUT);
    expect(second.done).toBe(false);
    await clock.advance(1_500);
    expect(second.value).toBe(TIMED_OUT);
  });

  it("arms for a wait whose deadline comes before the watcher's timer", async () => {
    const clock = new ManualClock();
    const watch = new DeadlineWatch(clock);
    const long = track(watch, pending<string>().promise, clock.t + 60_000);
    const short = track(watch, pending<string>().promise, clock.t + 200);
    await clock.advance(200);
    expect(short.value).toBe(TIMED_OUT);
    expect(long.done).toBe(false);
    await clock.advance(60_000);
    expect(long.value).toBe(TIMED_OUT);
  });

  it("keeps a timer armed no further than the heartbeat, so a lost watcher is noticed", async () => {
    const clock = new ManualClock();
    const watch = new DeadlineWatch(clock);
    const r = track(watch, pending<string>().promise, clock.t + 100_000);
    for (let i = 0; i < 9; i++) await clock.advance(HEARTBEAT_MS);
    expect(clock.armed).toBe(10); // the first, and one more each time it fired
    expect(r.done).toBe(false);
    await clock.advance(10_000);
    expect(r.value).toBe(TIMED_OUT);
  });

  it("replaces a watcher whose timer never fired (its request was cancelled) at the next request", async () => {
    const clock = new ManualClock();
    const watch = new DeadlineWatch(clock);
    clock.dropNext = true;
    const orphan = track(watch, pending<string>().promise, clock.t + 2_000);
    await clock.advance(2_000 + LATE_MS);
    expect(orphan.done).toBe(false);
    // The next request to join notices the overdue timer and ends the overdue wait itself.
    clock.t += 1;
    const next = track(watch, pending<string>().promise, clock.t + 2_000);
    await settle();
    expect(orphan.value).toBe(TIMED_OUT);
    await clock.advance(2_000);
    expect(next.value).toBe(TIMED_OUT);
  });

  it("replaces a lost watcher when another request leaves", async () => {
    const clock = new ManualClock();
    const watch = new DeadlineWatch(clock);
    clock.dropNext = true;
    const orphan = track(watch, pending<string>().promise, clock.t + 1_000);
    const leaving = pending<string>();
    const other = track(watch, leaving.promise, clock.t + 60_000);
    await clock.advance(1_000 + LATE_MS + 1);
    expect(orphan.done).toBe(false);
    leaving.resolve("answer");
    await settle();
    expect(other.value).toBe("answer");
    expect(orphan.value).toBe(TIMED_OUT);
  });

  it("past MAX_WAITS, a request arms a timer of its own and still times out", async () => {
    const clock = new ManualClock();
    const watch = new DeadlineWatch(clock);
    const fetches = Array.from({ length: MAX_WAITS }, () => pending<string>());
    for (const f of fetches) track(watch, f.promise, clock.t + 5_000);
    expect(watch.size).toBe(MAX_WAITS);
    const armed = clock.armed;
    const extra = track(watch, pending<string>().promise, clock.t + 1_000);
    expect(clock.armed).toBe(armed + 1);
    expect(watch.size).toBe(MAX_WAITS);
    await clock.advance(1_000);
    expect(extra.value).toBe(TIMED_OUT);
    for (const f of fetches) f.resolve("ok");
    await settle();
    expect(watch.size).toBe(0);
  });
});
