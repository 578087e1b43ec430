import { afterEach, describe, expect, it, vi } from "vitest";
import { OUTAGE_KEY } from "../../src/core/outage";
import { DEFAULT_KNOWN_OUTAGE, OutageReader } from "../../src/site/outage";

const open = { v: 1, hosts: { "a.test": [{ since: "2026-12-01T10:00:00.000Z", code: 502, notified: true }] } };

function fakeKv(value: unknown, delayMs = 0) {
  const calls: string[] = [];
  const kv = {
    get: async (key: string) => {
      calls.push(key);
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      return value;
    },
  } as unknown as KVNamespace;
  return { kv, calls };
}

afterEach(() => vi.useRealTimers());

describe("OutageReader", () => {
  it("reads KV at most once per refresh interval, however many pages fail", async () => {
    const reader = new OutageReader(DEFAULT_KNOWN_OUTAGE);
    const { kv, calls } = fakeKv(open);
    const answers = await Promise.all(Array.from({ length: 50 }, () => reader.forHost(kv, "a.test", () => {})));
    expect(calls).toEqual([OUTAGE_KEY]);
    // The first page waits for the read; pages during it see the value it had (none yet) without waiting.
    expect(answers[0]).toEqual({ since: new Date("2026-12-01T10:00:00.000Z"), notified: true });
    for (let i = 0; i < 20; i++) await reader.forHost(kv, "a.test", () => {});
    expect(calls).toHaveLength(1);
    expect(await reader.forHost(kv, "b.test", () => {})).toBeUndefined();
  });

  it("reads again once the interval has passed", async () => {
    const reader = new OutageReader({ ...DEFAULT_KNOWN_OUTAGE, refreshMs: 1000 });
    const { kv, calls } = fakeKv(open);
    await reader.forHost(kv, "a.test", () => {});
    const now = Date.now();
    vi.spyOn(Date, "now").mockReturnValue(now + 1001);
    await reader.forHost(kv, "a.test", () => {});
    vi.restoreAllMocks();
    expect(calls).toHaveLength(2);
  });

  it("does not hold a page for a slow read: the stale value, and the read carried on", async () => {
    const reader = new OutageReader({ ...DEFAULT_KNOWN_OUTAGE, waitMs: 20 });
    const { kv } = fakeKv(open, 300);
    const carried: Promise<unknown>[] = [];
    expect(await reader.forHost(kv, "a.test", (p) => carried.push(p))).toBeUndefined();
    expect(carried).toHaveLength(1);
    await carried[0];
    // The next page after the refresh interval would read again; this one has the finished read's value.
    expect(await reader.forHost(kv, "a.test", () => {})).toEqual({ since: new Date("2026-12-01T10:00:00.000Z"), notified: true });
  });

  it("a failing or damaged read is no notice, logged, and not retried per request", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const reader = new OutageReader(DEFAULT_KNOWN_OUTAGE);
    let calls = 0;
    const kv = { get: async () => { calls++; throw new Error("KV down"); } } as unknown as KVNamespace;
    expect(await reader.forHost(kv, "a.test", () => {})).toBeUndefined();
    expect(await reader.forHost(kv, "a.test", () => {})).toBeUndefined();
    expect(calls).toBe(1);
    expect(log).toHaveBeenCalledOnce();
    log.mockRestore();
  });
});
