// @ts-check
/**
 * `npm run bench:outage -- --isolates N --rps R --seconds S --codes C [--window W] [--design ledger|today] [--json]`
 *
 * An outage in Miniflare: N recorders (the real isolate-side code, each its own instance) fail R
 * requests a second, spread over them, for S seconds, against the real `IncidentLedger` Durable
 * Object and KV; or, with `--design today`, the same failures through today's per-isolate
 * budgeted writes. Prints one JSON object (`--json`) or a line. `counted` is the sum over the
 * KV aggregates and must equal `failures`.
 *
 * `--matrix` runs N = 50, 500, 2,000 × R = 100, 1,000, 10,000 for both designs and prints a
 * Markdown table. `--history` seeds 30 days holding 10,000,000 failures and times a stats call
 * and a dashboard view over them (see bench/outage-history.mjs).
 */
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { compatibilityDate, ROOT } from "./workers.mjs";

const OUT = resolve(ROOT, "dist/bench-outage");

/** Bundles the benchmark's Worker (and with it the ledger and the recorders) once. */
export async function bundle() {
  mkdirSync(OUT, { recursive: true });
  await build({
    entryPoints: [resolve(ROOT, "bench/outage/worker.ts")],
    outfile: resolve(OUT, "worker.js"),
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    external: ["cloudflare:workers"],
    logLevel: "error",
  });
  return resolve(OUT, "worker.js");
}

/**
 * One run in a fresh workerd (fresh ledger, fresh KV).
 * @param {string} scriptPath
 * @param {{ isolates: number, rps: number, seconds: number, codes: number, window: number, design: string }} o
 */
export async function runOnce(scriptPath, o) {
  const mf = new Miniflare(convertV4MiniflareOptions({
    modules: [{ type: "ESModule", path: scriptPath }],
    compatibilityDate: compatibilityDate(),
    kvNamespaces: { INCIDENTS: "incidents" },
    durableObjects: { INCIDENT_LEDGER: { className: "IncidentLedger", useSQLite: true } },
    handleStructuredLogs: () => undefined,
  }));
  try {
    /** @param {number} isolates @param {number} rps */
    const call = async (isolates, rps) => {
      const q = new URLSearchParams({ isolates: String(isolates), rps: String(rps), seconds: String(o.seconds), codes: String(o.codes), window: String(o.window) });
      const res = await mf.dispatchFetch(`http://bench.invalid/${o.design === "today" ? "today" : "ledger"}?${q}`);
      if (res.status !== 200) throw new Error(`bench Worker answered ${res.status}: ${await res.text()}`);
      return /** @type {Record<string, number | string>} */ (await res.json());
    };
    if (o.design !== "today") return await call(o.isolates, o.rps);
    // Today's recorders each hold a roll-up timer per code: workerd allows 10,000 active timers per
    // request, so the isolates are split over concurrent requests (they share nothing anyway).
    const parts = Math.max(Math.ceil((o.isolates * o.codes) / 2000), Math.ceil(o.rps / 2000));
    const results = await Promise.all(Array.from({ length: parts }, (_, i) => call(Math.round(((i + 1) * o.isolates) / parts) - Math.round((i * o.isolates) / parts), o.rps / parts)));
    /** @type {Record<string, number | string>} */
    const sum = { ...results[0], isolates: o.isolates, rps: o.rps };
    for (const key of ["failures", "kv_writes", "kv_writes_per_s", "kv_writes_with_last_rollups", "samples", "records_written"]) sum[key] = results.reduce((n, r) => n + Number(r[key]), 0);
    return sum;
  } finally {
    await mf.dispose();
  }
}

const $ = (/** @type {number} */ n) => (n >= 100 ? Math.round(n).toLocaleString("en-US") : n.toFixed(1));

async function matrix(/** @type {string} */ script, /** @type {number} */ seconds) {
  const rows = [];
  for (const [isolates, rps, codes] of /** @type {const} */ ([[50, 100, 1], [500, 1000, 1], [2000, 10000, 5], [50, 1000, 1], [50, 10000, 1], [500, 100, 1], [500, 10000, 1], [2000, 100, 1], [2000, 1000, 1]])) {
    const today = await runOnce(script, { isolates, rps, seconds, codes, window: 10, design: "today" });
    const ledger = await runOnce(script, { isolates, rps, seconds, codes, window: 10, design: "ledger" });
    if (ledger.counted !== ledger.failures) throw new Error(`counted ${ledger.counted} ≠ failures ${ledger.failures} for N=${isolates} R=${rps}`);
    rows.push(`| ${isolates.toLocaleString("en-US")} | ${rps.toLocaleString("en-US")} | ${codes} | ${$(Number(today.kv_writes_per_s))} | ${$(Number(ledger.kv_writes_per_s))} | ${$(Number(ledger.ledger_requests_per_s))} | ${ledger.failures} = ${ledger.counted} | ${today.samples} / ${ledger.samples} |`);
    console.error(rows.at(-1));
  }
  console.log(`| isolates N | failing req/s R | codes | KV puts/s today | KV puts/s ledger | ledger calls/s | failures = counted (ledger) | records stored today / ledger |`);
  console.log(`|---:|---:|---:|---:|---:|---:|---|---|`);
  for (const r of rows) console.log(r);
}

async function main() {
  const { values } = parseArgs({
    options: {
      isolates: { type: "string", default: "50" },
      rps: { type: "string", default: "100" },
      seconds: { type: "string", default: "10" },
      codes: { type: "string", default: "1" },
      window: { type: "string", default: "10" },
      design: { type: "string", default: "ledger" },
      json: { type: "boolean", default: false },
      matrix: { type: "boolean", default: false },
      history: { type: "boolean", default: false },
    },
  });
  const script = await bundle();
  if (values.history) {
    const { history } = await import("./outage-history.mjs");
    return console.log(JSON.stringify(await history(script), null, values.json ? 0 : 2));
  }
  if (values.matrix) return matrix(script, Number(values.seconds));
  const o = { isolates: Number(values.isolates), rps: Number(values.rps), seconds: Number(values.seconds), codes: Number(values.codes), window: Number(values.window), design: String(values.design) };
  const result = await runOnce(script, o);
  if (values.json) console.log(JSON.stringify(result));
  else console.log(Object.entries(result).map(([k, v]) => `${k}=${v}`).join(" "));
  if (o.design === "ledger" && result.counted !== result.failures) process.exitCode = 1;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
