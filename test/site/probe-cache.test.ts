import { describe, expect, it } from "vitest";
import type { ProbeResult } from "../../src/core/classify";
import { ProbeCache } from "../../src/site/probe-cache";

const open: ProbeResult = { tcp: "open", tcpMs: 2 };

function deferred() {
  let resolve!: (r: ProbeResult) => void;
  const promise = new Promise<ProbeResult>((r) => (resolve = r));
  return { promise, resolve };
}

describe("ProbeCache", () => {
  it("shares an in-flight probe and reuses its result, marked as cached", async () => {
    const cache = new ProbeCache({ ttlMs: 60_000 });
    const d = deferred();
    let runs = 0;
    const run = () => (runs++, d.promise);
    const url = new URL("http://127.0.0.1:9/a?b");
    const all = Array.from({ length: 50 }, (_, i) => cache.probe(new URL(`http://127.0.0.1:9/path/${i}`), run, 60_000));
    d.resolve(open);
    const results = await Promise.all([cache.probe(url, run, 60_000), ...all]);
    expect(runs).toBe(1);
    expect(cache.started).toBe(1);
    expect(results.filter((r) => r.cached === true)).toHaveLength(50);
    expect(await cache.probe(url, run, 60_000)).toEqual({ ...open, cached: true });
  });
  it("probes again once the result is older than ttlMs", async () => {
    const cache = new ProbeCache({ ttlMs: 0 });
    let runs = 0;
    const run = async () => (runs++, open);
    await cache.probe(new URL("http://a.test"), run, 1000);
    await new Promise((r) => setTimeout(r, 5));
    expect(await cache.probe(new URL("http://a.test"), run, 1000)).toEqual(open);
    expect(runs).toBe(2);
  });
  it("keys by scheme, host and port", async () => {
    const cache = new ProbeCache();
    let runs = 0;
    const run = async () => (runs++, open);
    for (const u of ["http://a.test", "https://a.test", "http://a.test:81", "http://b.test", "http://a.test/other"]) await cache.probe(new URL(u), run, 1000);
    expect(runs).toBe(4);
  });
  it("stays bounded: the oldest origin is dropped first", async () => {
    const cache = new ProbeCache({ maxOrigins: 2 });
    let runs = 0;
    const run = async () => (runs++, open);
    for (const u of ["http://a.test", "http://b.test", "http://c.test", "http://c.test", "http://b.test", "http://a.test"]) await cache.probe(new URL(u), run, 1000);
    expect(runs).toBe(4); // a, b, c, then a again (dropped when c came)
  });
  it("a probe in flight that never settles (its request was cancelled) holds others up only waitMs, then they probe themselves", async () => {
    const cache = new ProbeCache();
    let runs = 0;
    const never = () => (runs++, new Promise<ProbeResult>(() => undefined));
    void cache.probe(new URL("http://a.test"), never, 1000);
    const own = async () => (runs++, open);
    expect(await cache.probe(new URL("http://a.test"), own, 20)).toEqual(open);
    expect(runs).toBe(2);
    expect(await cache.probe(new URL("http://a.test"), own, 20)).toEqual({ ...open, cached: true });
  });
  it("a probe that rejects is not kept", async () => {
    const cache = new ProbeCache();
    let runs = 0;
    const run = async (): Promise<ProbeResult> => {
      runs++;
      throw new Error("bug");
    };
    await expect(cache.probe(new URL("http://a.test"), run, 1000)).rejects.toThrow("bug");
    await expect(cache.probe(new URL("http://a.test"), run, 1000)).rejects.toThrow("bug");
    expect(runs).toBe(2);
  });
});
