/**
 * Helpers for tests of the incident ledger: simulated isolates (one site Worker each, all bound
 * to one ledger), failures sent straight to a chosen isolate, and the owner API's answers.
 */
import type { Harness, HarnessWorker } from "./harness";
import { eventually } from "./worker";

export const TOKEN = "ledger-test-token-0123456789";
export const AUTH = { authorization: `Bearer ${TOKEN}` };

export interface StatsBody {
  total: number;
  records: number;
  by_code: Record<string, number>;
  by_host: Record<string, number>;
  by_colo: Record<string, number>;
  by_category: Record<string, number>;
  series: { start: string; total: number; by_code: Record<string, number> }[];
  kv_reads: number;
  source: string;
  truncated: boolean;
}

/** `count` isolates named `${prefix}-0…`, the first with the admin Worker; `ledger(i)` says how each reaches the ledger. */
export function isolates(count: number, vars: Record<string, string>, ledger: (i: number) => HarnessWorker["ledger"] = () => true, prefix = "iso"): HarnessWorker[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `${prefix}-${i}`,
    host: `${prefix}-${i}.invalid`,
    vars: i === 0 ? { ...vars, ADMIN_TOKEN: TOKEN } : vars,
    ledger: ledger(i),
  }));
}

/** One request to one isolate; the body is read so the Worker's work for it is done. */
export async function hit(w: Harness, isolate: string, url: string, init: RequestInit & { cf?: Record<string, unknown> } = {}): Promise<number> {
  const worker = await w.mf.getWorker(isolate);
  const res = (await worker.fetch(url, init as never)) as unknown as Response;
  await res.arrayBuffer();
  return res.status;
}

export async function stats(w: Harness, query = "since=2h"): Promise<StatsBody> {
  const worker = await w.mf.getWorker("iso-0");
  const res = (await worker.fetch(`http://owner.invalid/__errors/api/stats?${query}`, { headers: AUTH })) as unknown as Response;
  if (res.status !== 200) throw new Error(`stats answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as StatsBody;
}

export async function rayLookup(w: Harness, ray: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const worker = await w.mf.getWorker("iso-0");
  const res = (await worker.fetch(`http://owner.invalid/__errors/api/incidents/${ray}`, { headers: AUTH })) as unknown as Response;
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/**
 * Waits until the stats reach `expected` failures, then for two more flush rounds, and returns
 * them: a total that overshoots shows up instead of being caught on its way up.
 */
export async function settledStats(w: Harness, expected: number, flushMs: number, query?: string): Promise<StatsBody> {
  await eventually(async () => ((await stats(w, query)).total >= expected ? true : undefined), `stats reaching ${expected}`, 60_000);
  await new Promise((r) => setTimeout(r, 3 * flushMs));
  return stats(w, query);
}

/** Runs `tasks` with at most `limit` at once. */
export async function pool<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  const run = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, run));
  return out;
}
