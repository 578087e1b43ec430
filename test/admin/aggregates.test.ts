import { describe, expect, it } from "vitest";
import { aggregateKey, parseAggregate, UNITS } from "../../src/core/aggregate";
import { planUnits } from "../../src/admin/api/aggregates";
import { computeStats } from "../../src/admin/api/stats";
import { FakeKv } from "./fake-kv";

const DAY = UNITS.d;
const T0 = Date.UTC(2026, 3, 1);

describe("planUnits", () => {
  it("covers every minute of the range exactly once, with days where a whole day fits", () => {
    const since = T0 + 5 * 3_600_000 + 17 * 60_000 + 5_000; // 05:17:05 on day 0
    const until = T0 + 30 * DAY + 2 * 3_600_000 + 3 * 60_000; // 02:03 on day 30
    const units = planUnits(since, until, 21_600_000);
    let at = Math.floor(since / 60_000) * 60_000;
    for (const u of units) {
      expect(u.start).toBe(at);
      at += UNITS[u.unit];
    }
    expect(at).toBe(Math.floor(until / 60_000) * 60_000 + 60_000);
    expect(units.filter((u) => u.unit === "d")).toHaveLength(29);
    // 30 days in a few hundred keys: a handful of bulk reads.
    expect(units.length).toBeLessThanOrEqual(200);
  });

  it("uses no day records when the chart needs minutes", () => {
    expect(planUnits(T0, T0 + 2 * DAY - 1, 300_000).some((u) => u.unit === "d")).toBe(false);
  });
});

describe("computeStats from aggregates", () => {
  it("splits a day record into the chart's hours and filters by code and host", async () => {
    const kv = new FakeKv();
    const day = { v: 1, unit: "d", start: new Date(T0).toISOString(), total: 10, cells: [[502, "a.test", "ICN", "origin", 7], [522, "b.test", "NRT", "network", 3]], series: [[0, 502, "a.test", 4], [7, 502, "a.test", 3], [7, 522, "b.test", 3]] };
    kv.put(aggregateKey("d", T0), JSON.stringify(day));
    expect(parseAggregate(day)).toBeDefined();
    const { stats } = await computeStats(kv, { sinceMs: T0, untilMs: T0 + DAY - 1 }, "6h");
    expect(stats.total).toBe(10);
    expect(stats.by_host).toEqual({ "a.test": 7, "b.test": 3 });
    expect(stats.series.map((p) => p.total)).toEqual([4, 6, 0, 0]);
    const only = await computeStats(kv, { sinceMs: T0, untilMs: T0 + DAY - 1, code: 522 }, "6h");
    expect(only.stats.total).toBe(3);
    expect(only.stats.series.map((p) => p.total)).toEqual([0, 3, 0, 0]);
    // Per stats call: one bulk get for the aggregates, one list() to see that no isolate wrote records itself.
    expect([kv.getCalls, kv.listCalls]).toEqual([2, 2]);
  });

  it("ignores a value that is not an aggregate", async () => {
    const kv = new FakeKv();
    kv.put(aggregateKey("d", T0), JSON.stringify({ v: 1, unit: "d", start: "x", total: 5, cells: [["502", "a", "b", "c", 5]] }));
    expect((await computeStats(kv, { sinceMs: T0, untilMs: T0 + DAY - 1 }, "1d")).stats.total).toBe(0);
  });
});
