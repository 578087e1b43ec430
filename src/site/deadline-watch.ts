/**
 * Deadlines for the wait on an origin's headers, kept by one timer per isolate instead of one
 * per request.
 *
 * A timer of each request's own is most of what a header timeout costs: in workerd 14k
 * instructions a request, 20k with the race around it, against 7k for this list (BENCHMARKS.md,
 * findings of 2026-12-02 (evening)), and every visitor's request would pay it although almost
 * none ever times out. Here every request waiting for headers is
 * put in one list, ordered by deadline, and only one of them, the watcher, has a timer armed.
 *
 * Two properties of the runtime shape it:
 * - A timer belongs to the request that armed it and is dropped when that request ends. So the
 *   watcher is always a request still waiting in the list; when it leaves, it wakes the newest
 *   one, which arms a timer of its own in its own request.
 * - A promise made in one request may be settled from another; its continuation still runs in
 *   the request that made it (workerd's cross-request promise resolution). So the watcher's
 *   timer can end other requests' waits.
 *
 * A watcher's request can also be cancelled without running another line (its visitor went
 * away). Its timer then never fires. Every request that joins or leaves the list checks whether
 * the watcher's timer is overdue and, if so, ends the overdue waits itself and has a new watcher
 * armed, so a lost watcher is replaced by the isolate's next request activity.
 */

/** What a wait resolves with when its deadline passed before the work settled. */
export const TIMED_OUT: unique symbol = Symbol("deadline passed");
/**
 * What a wait resolves with when its request is to keep the timer from now on: the caller waits
 * again with `arm` set, from its own continuation, which runs in its own request.
 */
export const HAND_OVER: unique symbol = Symbol("arm the timer");
type Signal = typeof TIMED_OUT | typeof HAND_OVER;

/** The longest the watcher's timer is set for, so a lost watcher is noticed within about this. */
export const HEARTBEAT_MS = 10_000;
/** How late a timer may fire before its watcher is taken for lost (a busy isolate runs timers late). */
export const LATE_MS = 1_000;
/**
 * Waits kept in the list at most; a request past it arms a timer of its own, as without the
 * list. It bounds what requests cancelled while waiting keep alive until their deadlines.
 */
export const MAX_WAITS = 1_024;

/** One request's place in the list. `next === undefined`: not in the list. */
interface Wait {
  readonly deadline: number;
  readonly settle: (signal: Signal) => void;
  prev: Wait | undefined;
  next: Wait | undefined;
}

/** The timer functions, replaceable for tests; the runtime's by default. */
export interface Clock {
  now(): number;
  setTimer(run: () => void, ms: number): void;
}

const runtimeClock: Clock = { now: () => Date.now(), setTimer: (run, ms) => void setTimeout(run, ms) };
const ignore = (): void => undefined;

/** The isolate's list of waits, and its watcher. One per isolate (module state), or per test. */
export class DeadlineWatch {
  /** The list's sentinel: `head.next` is the earliest deadline, `head.prev` the latest. */
  private readonly head: Wait;
  private count = 0;
  private watcher: Wait | undefined;
  /** When the watcher's timer is due; Infinity when none is armed. */
  private due = Infinity;

  constructor(private readonly clock: Clock = runtimeClock) {
    const head: Wait = { deadline: -Infinity, settle: ignore, prev: undefined, next: undefined };
    head.prev = head.next = head;
    this.head = head;
  }

  /**
   * `work`'s result, or {@link TIMED_OUT} once `deadline` (epoch ms) has passed first, or
   * {@link HAND_OVER}: then call again with `arm` true. A rejection of `work` is passed on;
   * `work` itself is not cancelled. No `async` here, and no `Promise.race`: each promise on this
   * path is paid by every visitor's request.
   */
  wait<T>(work: Promise<T>, deadline: number, arm = false): Promise<T | Signal> {
    return new Promise<T | Signal>((resolve, reject) => {
      const now = this.clock.now();
      if (this.count >= MAX_WAITS) {
        this.clock.setTimer(() => resolve(TIMED_OUT), Math.max(0, deadline - now));
        return void work.then(resolve, reject);
      }
      const wait = this.join(deadline, resolve, now, arm);
      work.then(
        (value) => {
          this.leave(wait);
          resolve(value);
        },
        (err: unknown) => {
          this.leave(wait);
          reject(err);
        },
      );
    });
  }

  /** How many waits are in the list. */
  get size(): number {
    return this.count;
  }

  private join(deadline: number, settle: (signal: Signal) => void, now: number, arm: boolean): Wait {
    // First, so a lost watcher's overdue waits are ended before this one is put among them.
    if (now > this.due + LATE_MS) this.recover(now);
    const wait: Wait = { deadline, settle, prev: undefined, next: undefined };
    // Deadlines mostly arrive in order (one timeout for the Worker): the walk stops at once.
    let after = this.head.prev as Wait;
    while (after !== this.head && after.deadline > deadline) after = after.prev as Wait;
    wait.prev = after;
    wait.next = after.next;
    (after.next as Wait).prev = wait;
    after.next = wait;
    this.count++;
    if (deadline <= now) this.expire(now);
    else if (arm || this.watcher === undefined || deadline < this.due) this.arm(wait, now);
    return wait;
  }

  private leave(wait: Wait): void {
    if (wait.next !== undefined) this.unlink(wait);
    if (this.watcher === wait) this.handOver();
    else if (this.due !== Infinity) {
      const now = this.clock.now();
      if (now > this.due + LATE_MS) this.recover(now);
    }
  }

  /** Arms the timer in `wait`'s request, which must be the one running now. */
  private arm(wait: Wait, now: number): void {
    this.watcher = wait;
    this.due = Math.min((this.head.next as Wait).deadline, now + HEARTBEAT_MS);
    this.clock.setTimer(() => this.fire(wait), Math.max(0, this.due - now));
  }

  /** The watcher's timer: ends the waits that are due, then keeps a timer armed for the rest. */
  private fire(owner: Wait): void {
    if (this.watcher !== owner) return; // replaced since it was armed
    const now = this.clock.now();
    this.expire(now);
    if (owner.next !== undefined) this.arm(owner, now);
    else this.handOver();
  }

  /** The watcher's timer is overdue, so its request is gone: do its work from this request. */
  private recover(now: number): void {
    this.expire(now);
    this.handOver();
  }

  private expire(now: number): void {
    for (let w = this.head.next as Wait; w !== this.head && w.deadline <= now; w = this.head.next as Wait) {
      this.unlink(w);
      w.settle(TIMED_OUT);
    }
  }

  /**
   * No timer is armed now: the newest wait is taken out of the list and told to arm one in its
   * own request. The newest, because origins mostly answer in order: the oldest would soon leave
   * and hand over again, so under load a timer would still be armed for nearly every request,
   * while the newest keeps it for about one origin round trip, and every request that joins
   * meanwhile finds it armed.
   */
  private handOver(): void {
    this.watcher = undefined;
    this.due = Infinity;
    const newest = this.head.prev as Wait;
    if (newest === this.head) return;
    this.unlink(newest);
    newest.settle(HAND_OVER);
  }

  private unlink(w: Wait): void {
    (w.prev as Wait).next = w.next;
    (w.next as Wait).prev = w.prev;
    w.prev = w.next = undefined;
    this.count--;
  }
}
