// @ts-check
/**
 * `npm run bench:outage -- --history`: 30 days holding 10,000,000 counted failures, seeded
 * through the real ledger into KV, then one stats call and one dashboard view over the 30 days
 * through the real admin Worker, counting every KV operation it makes (a counting wrapper around
 * its KV binding) and the local time each takes.
 */
import { resolve } from "node:path";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { compatibilityDate, ROOT } from "./workers.mjs";

const TOKEN = "bench-history-token-0123456789";
const DAYS = 30;
const TOTAL = 10_000_000;
const CODES = 5;

const COUNTING_KV = `
export default function (env) {
  const count = (op, n) => env.CONTROL.fetch("http://count/" + op + "/" + n);
  return {
    async get(key, o) { await count("get", Array.isArray(key) ? key.length : 1); return env.INNER.get(key, o); },
    async getWithMetadata(key, o) { await count("get", 1); return env.INNER.getWithMetadata(key, o); },
    async list(o) { await count("list", 1); return env.INNER.list(o); },
    async put() { throw new Error("read-only in this benchmark"); },
    async delete() { throw new Error("read-only in this benchmark"); },
  };
}`;

/** @param {string} benchScript */
export async function history(benchScript) {
  const adminScript = resolve(ROOT, "dist/bench-outage/admin.js");
  await build({ entryPoints: [resolve(ROOT, "src/admin/worker.ts")], outfile: adminScript, bundle: true, format: "esm", platform: "neutral", target: "es2022", external: ["cloudflare:workers"], logLevel: "error" });
  /** @type {{ get: number, getKeys: number, list: number }} */
  const ops = { get: 0, getKeys: 0, list: 0 };
  const mf = new Miniflare({
    workers: [
      { name: "bench", modules: true, scriptPath: benchScript, compatibilityDate: compatibilityDate(), kvNamespaces: { INCIDENTS: "incidents" }, durableObjects: { INCIDENT_LEDGER: { className: "IncidentLedger", useSQLite: true } } },
      { name: "admin", modules: true, scriptPath: adminScript, compatibilityDate: compatibilityDate(), bindings: { ADMIN_TOKEN: TOKEN }, wrappedBindings: { INCIDENTS: { scriptName: "counting-kv" } } },
      {
        name: "counting-kv",
        modules: true,
        script: COUNTING_KV,
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
    handleRuntimeStdio(stdout, stderr) {
      stdout.resume();
      stderr.resume();
    },
  });
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
    await timed("/api/stats?since=30d", "application/json"); // warm the isolate
    const stats = await timed("/api/stats?since=30d", "application/json");
    const view = await timed("/?since=30d", "text/html");
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
