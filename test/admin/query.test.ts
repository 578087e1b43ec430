import { describe, expect, it } from "vitest";
import type { ListPosition } from "../../src/admin/api/cursor";
import { StoreUnavailable } from "../../src/admin/errors";
import type { Filters } from "../../src/admin/api/params";
import { getIncident, listIncidents, START } from "../../src/admin/api/query";
import type { IncidentEntry } from "../../src/admin/api/scan";
import { computeStats } from "../../src/admin/api/stats";
import { describeEvidence, summarize } from "../../src/core/incident";
import { FakeKv, record, store } from "./fake-kv";

const NOW = Date.parse("2026-04-10T12:00:00Z");
const MIN = 60_000;
const all: Filters = { sinceMs: NOW - 30 * 24 * 60 * MIN, untilMs: NOW };

/** 40 incidents a minute apart: every 4th a 503 on another host, weights 1–3. */
function seeded(): FakeKv {
  const kv = new FakeKv();
  for (let i = 0; i < 40; i++) {
    const other = i % 4 === 0;
    store(kv, record(NOW - i * MIN, { error_code: other ? 503 : 502, host: other ? "api.example.com" : "shop.example.com", path: `/p/${i}`, weight: (i % 3) + 1 }));
  }
  return kv;
}

async function everything(kv: FakeKv, filters: Filters, limit: number): Promise<{ entries: IncidentEntry[]; pages: number }> {
  const entries: IncidentEntry[] = [];
  let from: ListPosition | null = START;
  let pages = 0;
  while (from) {
    const page = await listIncidents(kv, filters, limit, from);
    entries.push(...page.incidents);
    from = page.next;
    if (++pages > 100) throw new Error("paging does not end");
  }
  return { entries, pages };
}

describe("listIncidents", () => {
  it("pages newest first without gaps or repeats, with and without filters", async () => {
    const kv = seeded();
    for (const limit of [1, 3, 7, 40, 1000]) {
      const { entries } = await everything(kv, all, limit);
      expect(entries.map((e) => e.path)).toEqual(Array.from({ length: 40 }, (_, i) => `/p/${i}`));
      const only503 = await everything(kv, { ...all, code: 503 }, limit);
      expect(only503.entries.map((e) => e.path)).toEqual(Array.from({ length: 10 }, (_, i) => `/p/${i * 4}`));
    }
  });

  it("applies the time range, host and path prefix", async () => {
    const kv = seeded();
    const { entries } = await everything(kv, { sinceMs: NOW - 9 * MIN, untilMs: NOW - 2 * MIN, host: "shop.example.com", path: "/p/" }, 5);
    expect(entries.map((e) => e.path)).toEqual(["/p/2", "/p/3", "/p/5", "/p/6", "/p/7", "/p/9"]);
    expect((await listIncidents(kv, { ...all, path: "/p/1" }, 50)).incidents.map((e) => e.path)).toEqual(["/p/1", ...Array.from({ length: 10 }, (_, i) => `/p/${10 + i}`)]);
  });

  it("builds entries from the index metadata only", async () => {
    const kv = seeded();
    const page = await listIncidents(kv, all, 2);
    expect(kv.getCalls).toBe(0);
    expect(page.incidents[0]).toMatchObject({ error_code: 503, error_name: "bad_gateway", method: "GET", host: "api.example.com", path: "/p/0", weight: 1, colo: "ICN", timestamp: new Date(NOW).toISOString() });
    expect(page.incidents[0]?.summary).toContain("HTTP 502");
  });

  it("a KV failure is StoreUnavailable", async () => {
    const kv = seeded();
    kv.broken = true;
    await expect(listIncidents(kv, all, 5)).rejects.toBeInstanceOf(StoreUnavailable);
  });
});

describe("computeStats", () => {
  it("sums weights by code and bucket", async () => {
    const kv = seeded();
    const { stats, recent } = await computeStats(kv, { sinceMs: NOW - 40 * MIN, untilMs: NOW }, "15m", { recentPerCode: 3 });
    const weights = Array.from({ length: 40 }, (_, i) => (i % 3) + 1);
    const total = weights.reduce((a, b) => a + b, 0);
    expect(stats.total).toBe(total);
    expect(stats.records).toBe(40);
    expect(stats.by_code["503"]).toBe(weights.filter((_, i) => i % 4 === 0).reduce((a, b) => a + b, 0));
    expect(stats.series.reduce((n, p) => n + p.total, 0)).toBe(total);
    expect(stats.series.map((p) => p.start)).toEqual(["2026-04-10T11:15:00.000Z", "2026-04-10T11:30:00.000Z", "2026-04-10T11:45:00.000Z", "2026-04-10T12:00:00.000Z"]);
    expect(stats.truncated).toBe(false);
    expect(recent.get(503)?.map((e) => e.path)).toEqual(["/p/0", "/p/4", "/p/8"]);
  });

  it("says so when the list() cap cut the scan short", async () => {
    const kv = new FakeKv();
    for (let i = 0; i < 2500; i++) store(kv, record(NOW - i * 1000));
    const { stats } = await computeStats(kv, { sinceMs: NOW - 3600_000, untilMs: NOW }, "5m", { maxCalls: 2 });
    // One list() to see whether the range holds records isolates wrote, then the capped scan.
    expect(kv.listCalls).toBe(3);
    expect(stats.truncated).toBe(true);
    // What was counted is exactly everything from complete_since on.
    const since = Date.parse(stats.complete_since ?? "");
    expect(stats.total).toBeLessThan(2500);
    expect(stats.total).toBe(Math.floor((NOW - since) / 1000) + 1);
  });
});

describe("getIncident", () => {
  it("finds a record by its Ray ID, also without the data-centre suffix", async () => {
    const kv = new FakeKv();
    store(kv, record(NOW, { ray_id: "8f2c1a9b3d4e5f60-ICN" }));
    expect((await getIncident(kv, "8f2c1a9b3d4e5f60-ICN"))?.colo).toBe("ICN");
    expect((await getIncident(kv, "8f2c1a9b3d4e5f60"))?.ray_id).toBe("8f2c1a9b3d4e5f60-ICN");
    expect(await getIncident(kv, "0000000000000000")).toBeNull();
  });
});

describe("index metadata", () => {
  it("stays under KV's 1,024-byte limit with the longest values", () => {
    const r = record(NOW, {
      host: "h".repeat(253),
      path: `/${"p".repeat(2047)}`,
      method: "PROPFIND-XXXXXXXXXXXX",
      evidence: { source: "exception", errorName: "Error", errorMessage: "한국어 오류 메시지 ".repeat(40), timedOut: true, elapsedMs: 1, origin: "http://x", probe: "skipped" },
      rollup: true,
    });
    const meta = summarize(r);
    expect(new TextEncoder().encode(JSON.stringify(meta)).length).toBeLessThanOrEqual(1000);
    expect(meta.r).toBe(1);
  });

  it("describes evidence in one line", () => {
    expect(describeEvidence({ source: "response", status: 502, contentType: "text/html; charset=utf-8", retryAfter: null, bodyPrefix: "<html><h1>502\nBad   Gateway</h1>", bodyBytesRead: 40, elapsedMs: 12 })).toBe(
      "HTTP 502 text/html, 40 B, 12 ms: 502 Bad Gateway",
    );
    expect(
      describeEvidence({ source: "exception", errorName: "Error", errorMessage: "Network connection lost.", timedOut: false, elapsedMs: 4, origin: "http://x", probe: { tcp: "failed", tcpMs: 1 } }),
    ).toBe("Error: Network connection lost., 4 ms; probe tcp=failed");
  });
});
