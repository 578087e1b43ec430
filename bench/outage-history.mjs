// @ts-check
/**
 * `npm run bench:outage -- --history`: 30 days holding 10,000,000 counted failures, seeded
 * through the real ledger into KV, then one stats call and one dashboard view over the 30 days
 * through the real admin Worker, counting every KV operation it makes (a counting wrapper around
 * its KV binding) and the local time each takes.
 */
import { resolve } from "node:path";
import { build } from "esbuild";
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { compatibilityDate, ROOT } from "./workers.mjs";

const TOKEN = "bench-history-token-0123456789";
const DAYS = 30;
const TOTAL = 10_000_000;
const CODES = 5;

// The admin Worker's INCIDENTS: KV's read methods over RPC, each call counted by the benchmark.
const COUNTING_KV = `
import { WorkerEntrypoint } from "cloudflare:workers";
export default class CountingKv extends WorkerEntrypoint {
  count(op, n) { return this.env.CONTROL.fetch("http://count/" + op + "/" + n); }
  async get(key, o) { await this.count("get", Array.isArray(key) ? key.length : 1); return this.env.INNER.get(key, o); }
  async getWithMetadata(key, o) { await this.count("get", 1); return this.env.INNER.getWithMetadata(key, o); }
  async list(o) { await this.count("list", 1); return this.env.INNER.list(o); }
  async put() { throw new Error("read-only in this benchmark"); }
  async delete() { throw new Error("read-only in this benchmark"); }
}`;

/** @param {string} benchScript */
export async function history(benchScript) {
  const adminScript = resolve(ROOT, "dist/bench-outage/admin.js");
  await build({ entryPoints: [resolve(ROOT, "src/admin/worker.ts")], outfile: adminScript, bundle: true, format: "esm", platform: "neutral", target: "es2022", external: ["cloudflare:workers"], logLevel: "error" });
  /** @type {{ get: number, getKeys: number, list: number }} */
  const ops = { get: 0, getKeys: 0, list: 0 };
  const mf = new Miniflare(convertV4MiniflareOptions({
    workers: [
      { name: "bench", modules: [{ type: "ESModule", path: benchScript }], compatibilityDate: compatibilityDate(), kvNamespaces: { INCIDENTS: "incidents" }, durableObjects: { INCIDENT_LEDGER: { className: "IncidentLedger", useSQLite: true } } },
      { name: "admin", modules: [{ type: "ESModule", path: adminScript }], compatibilityDate: compatibilityDate(), bindings: { ADMIN_TOKEN: TOKEN }, serviceBindings: { INCIDENTS: "counting-kv" } },
      {
        name: "counting-kv",
        modules: [{ type: "ESModule", path: "counting-kv.mjs", contents: COUNTING_KV }],
        compatibilityDate: compatibilityDate(),
        kvNamespaces: { INNER: "incidents" },
        serviceBindings: {
          CONTROL: async (/** @type {Request} */ req) => {
            const [, op, n] = new URL(req.url).pathname.split("/");
            if (op === "get") {
              ops.get++;
              ops.getKeys += Number(n);
            } else if (op === "list") ops.list++;
            return new Response("ok");
          },
        },
      },
    ],
    handleStructuredLogs: () => undefined,
  }));
  try {
    const seedStart = Date.now();
    const bench = await mf.getWorker("bench");
    const seed = await (await bench.fetch(`http://bench.invalid/seed?days=${DAYS}&total=${TOTAL}&codes=${CODES}`)).json();
    const seedMs = Date.now() - seedStart;
    const admin = await mf.getWorker("admin");
    /** @param {string} path @param {string} accept */
    const timed = async (path, accept) => {
      Object.assign(ops, { get: 0, getKeys: 0, list: 0 });
      const t = performance.now();
      const res = await admin.fetch(`http://site.invalid/__errors${path}`, { headers: { authorization: `Bearer ${TOKEN}`, accept } });
      const body = await res.text();
      return { status: res.status, ms: Math.round(performance.now() - t), kv_bulk_gets: ops.get, keys_read: ops.getKeys, kv_lists: ops.list, body };
    };
    // Exactly the seeded minutes, so the total must be every seeded failure.
    const range = `since=${new Date(seed.first_minute).toISOString()}&until=${new Date(seed.last_minute + 59_999).toISOString()}`;
    await timed(`/api/stats?${range}`, "application/json"); // warm the isolate
    const stats = await timed(`/api/stats?${range}`, "application/json");
    const view = await timed(`/?${range}`, "text/html");
    const parsed = JSON.parse(stats.body);
    return {
      seeded: seed,
      seed_ms: seedMs,
      stats_call: { status: stats.status, ms: stats.ms, kv_operations: stats.kv_bulk_gets + stats.kv_lists, bulk_gets: stats.kv_bulk_gets, keys_read: stats.keys_read, lists: stats.kv_lists, total: parsed.total, truncated: parsed.truncated, bucket: parsed.bucket },
      dashboard_view: { status: view.status, ms: view.ms, kv_operations: view.kv_bulk_gets + view.kv_lists, bulk_gets: view.kv_bulk_gets, keys_read: view.keys_read, lists: view.kv_lists, bytes: view.body.length },
    };
  } finally {
    await mf.dispose();
  }
}
