/**
 * An outage in miniature, through the real Worker and real local KV, with the default budget:
 * 300 failures of one kind in a few seconds must cost at most 100 stored records, and the
 * stats must still count about 300 once the window's roll-up is written.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOrigins } from "../../demo/origin.mjs";
import { eventually, type RunningWorkers, startWorkers } from "../support/worker";

const TOKEN = "burst-test-token-0123456789";
const BASE = "https://shop.example.com";
const BURST = 300;
const CONCURRENCY = 25;

let origins: Awaited<ReturnType<typeof startOrigins>>;
let w: RunningWorkers;

beforeAll(async () => {
  origins = await startOrigins({ backlog: false });
  w = await startWorkers([{ name: "main", vars: { ORIGIN_URL: origins.http, ADMIN_TOKEN: TOKEN } }]);
});
afterAll(async () => {
  await w?.close();
  await origins?.close();
});

async function api<T>(path: string): Promise<T> {
  const res = await w.fetch("main", `${BASE}/__errors/api${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

async function countKeys(prefix: string): Promise<number> {
  const kv = await w.kv();
  let n = 0;
  let cursor: string | undefined;
  do {
    const page = await kv.list({ prefix, ...(cursor ? { cursor } : {}) });
    n += page.keys.length;
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return n;
}

describe("a burst of failures", () => {
  it(`${BURST} × 502 in a few seconds → at most 100 records, stats ${BURST} ± 10%`, async () => {
    const started = Date.now();
    let next = 0;
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < BURST) {
          next++;
          const res = await w.fetch("main", `${BASE}/status/502`, { headers: { accept: "application/json" } });
          statuses.push(res.status);
          await res.arrayBuffer();
        }
      }),
    );
    const burstMs = Date.now() - started;
    expect(statuses).toHaveLength(BURST);
    expect(statuses.every((s) => s === 502)).toBe(true);

    // The roll-up for everything over budget is written when the 10 s window closes (two
    // roll-ups if a slow machine stretched the burst over two windows). Counting is meant to be
    // exact, so wait for all of it; if it never gets there, the ±10% check below still decides.
    type Stats = { total: number; records: number; by_code: Record<string, number>; truncated: boolean };
    let stats: Stats = await api<Stats>("/stats?since=10m");
    await eventually(
      async () => {
        stats = await api<Stats>("/stats?since=10m");
        return stats.total >= BURST ? true : undefined;
      },
      "the roll-up records",
      30_000,
    ).catch(() => undefined);
    const records = await countKeys("r:");
    const index = await countKeys("t:");
    console.info(`burst: ${BURST} failures in ${burstMs} ms → ${records} records (${index} index keys), stats total ${stats.total}`);

    expect(stats.total).toBeGreaterThanOrEqual(BURST * 0.9);
    expect(stats.total).toBeLessThanOrEqual(BURST * 1.1);
    expect(stats.by_code).toEqual({ "502": stats.total });
    expect(stats.truncated).toBe(false);
    expect(records).toBeLessThanOrEqual(100);
    expect(index).toBe(records);
    expect(stats.records).toBe(records);

    const { incidents } = await api<{ incidents: { weight: number; rollup?: boolean }[] }>("/incidents?limit=1000");
    expect(incidents.reduce((n, i) => n + i.weight, 0)).toBe(stats.total);
    expect(incidents.some((i) => i.rollup && i.weight > 1)).toBe(true);
  });
});
