#!/usr/bin/env node
// @ts-check
/**
 * `npm run bench`: what edge-error-pages costs per request, next to a bare pass-through Worker
 * and the origin alone, all on 127.0.0.1.
 *
 *   1. builds the deployable bundle with `wrangler deploy --dry-run --outdir bench/out/build`;
 *   2. starts the demo origin (its own process), the bundle in workerd through Miniflare (with
 *      ORIGIN_URL set, the rest of wrangler.toml's vars as they are, a local KV for incidents),
 *      and bench/bare-worker.js in a second workerd: same runtime, same compatibility date;
 *   3. streams 100 MiB through each fresh Worker while sampling workerd's RSS; then drives them
 *      with wrk in alternating rounds (the order rotates each round): healthy pass-through at
 *      saturation, then with one connection for unloaded latency, then a 502 storm; and counts
 *      the KV writes the storm caused once the budget's roll-ups are in;
 *   4. prints medians, ratios and PASS/MISS against the budgets, and writes BENCHMARKS.md
 *      (the full run by default; `--quick` only with `--write`).
 *
 * Options:
 *   --quick      a few seconds per phase, one round (a smoke check: CI runs this); ≈ 50 s
 *   --write      write BENCHMARKS.md (default for the full run)
 *   --no-write   do not write BENCHMARKS.md
 *   --strict     exit 1 when a budget is missed (default: exit 0 whenever figures were produced)
 *   --profile    also take CPU profiles of workerd (inspector) for /ok and the 502 storm (this
 *                Worker from an unminified build of the same sources, the floor and the bare
 *                Worker beside it) and print where the time goes; saved in bench/out/*.cpuprofile
 *   --rounds N, --seconds S   override the rounds and the seconds per throughput run
 *   --pin        wrk, the origin and the bench on CPU 0, each workerd on the other CPUs, so a
 *                Worker's throughput follows its own CPU time per request (bench/pin.mjs);
 *                default: every process on every CPU, as the figures in BENCHMARKS.md were taken
 *
 * Every process it starts (origin, workerd ×2, wrk) is stopped at the end, on an error, on
 * Ctrl-C, and at a hard deadline; bench/reaper.mjs kills them if this process dies regardless.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { buildBundle } from "./build.mjs";
import { cleanup, installHandlers, startReaper } from "./cleanup.mjs";
import { settledIncidents } from "./incidents.mjs";
import { BROWSER_HEADERS, runWrk, wrkVersion } from "./load.mjs";
import { machineInfo } from "./machine.mjs";
import { streamThrough } from "./memory.mjs";
import { startOrigin } from "./origin.mjs";
import { measurePages } from "./pages.mjs";
import { moduleLocator, profileWhile, summarizeProfile } from "./profile.mjs";
import { BENCHMARKS_MD, evaluate, incidentBudget, printSummary, writeBenchmarks } from "./report.mjs";
import { median } from "./stats.mjs";
import { resilienceFigures, resilienceMarkdown, startResilienceWorkers } from "./resilience.mjs";
import { startPinning } from "./pin.mjs";
import { ROOT, startWorker, wranglerVars } from "./workers.mjs";

const OUT = resolve(ROOT, "bench/out");
const MIB = 1024 * 1024;

const { values: opts } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    write: { type: "boolean" },
    "no-write": { type: "boolean", default: false },
    strict: { type: "boolean", default: false },
    profile: { type: "boolean", default: false },
    rounds: { type: "string" },
    seconds: { type: "string" },
    pin: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
  strict: true,
});

if (opts.help) {
  console.log("usage: npm run bench [-- --quick] [--write | --no-write] [--strict] [--profile] [--rounds N] [--seconds S] [--pin]");
  process.exit(0);
}

/**
 * @typedef {object} Plan
 * @property {number} rounds
 * @property {number} throughputS  seconds per run, pass-through and storm
 * @property {number} latencyS     seconds per run with one connection
 * @property {number} warmupS
 * @property {number} connections
 * @property {boolean} slowStream  also stream with a slow client (backpressure)
 * @property {number} deadlineS    everything is stopped after this long
 */

/** @type {Plan} */
const plan = opts.quick
  ? { rounds: 1, throughputS: 2, latencyS: 1, warmupS: 1, connections: 32, slowStream: false, deadlineS: 170 }
  : { rounds: 7, throughputS: 6, latencyS: 3, warmupS: 2, connections: 32, slowStream: true, deadlineS: 1500 };
if (opts.rounds) plan.rounds = Math.max(1, Math.min(20, Number(opts.rounds) || plan.rounds));
if (opts.seconds) plan.throughputS = Math.max(1, Math.min(60, Number(opts.seconds) || plan.throughputS));
// The hard deadline grows with the work asked for: more or longer rounds must not be cut off.
if (!opts.quick) plan.deadlineS = Math.ceil(plan.deadlineS * Math.max(1, plan.rounds / 7) * Math.max(1, plan.throughputS / 6));
if (opts.profile) plan.deadlineS += 180;
const write = opts["no-write"] ? false : (opts.write ?? !opts.quick);
const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;

const t0 = Date.now();
/** @param {string} msg */
const log = (msg) => console.log(`[bench ${((Date.now() - t0) / 1000).toFixed(0).padStart(3)}s] ${msg}`);
const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

/** @template T @param {T[]} xs @param {number} by */
const rotate = (xs, by) => xs.map((_, i) => /** @type {T} */ (xs[(i + by) % xs.length]));

/**
 * @typedef {object} Target
 * @property {string} label
 * @property {string} url
 * @property {number | undefined} workerd  the workerd pid (none for the origin alone)
 * @property {string | undefined} host     the Host header to send; undefined: the target's own address
 */

/** @param {Target} t @param {string[] | undefined} headers */
const headersFor = (t, headers = BROWSER_HEADERS) => (t.host ? [...headers, `Host: ${t.host}`] : headers);

/**
 * One phase: a warm-up per target, then `plan.rounds` rounds, each running every target once in
 * a rotating order, so slow drifts of a shared machine hit every target alike.
 * @param {string} name
 * @param {Record<string, Target>} targets
 * @param {string} path
 * @param {{ connections: number, seconds: number, headers?: string[], originPid: number }} o
 */
async function phase(name, targets, path, o) {
  const keys = Object.keys(targets);
  /** @type {Record<string, number>} */
  const requests = Object.fromEntries(keys.map((k) => [k, 0]));
  for (const k of keys) {
    const t = /** @type {Target} */ (targets[k]);
    const w = await runWrk({ url: t.url + path, connections: o.connections, seconds: plan.warmupS, headers: headersFor(t, o.headers) });
    requests[k] += w.requests;
  }
  /** @type {Record<string, import("./load.mjs").LoadResult>[]} */
  const rounds = [];
  for (let r = 0; r < plan.rounds; r++) {
    /** @type {Record<string, import("./load.mjs").LoadResult>} */
    const row = {};
    for (const k of rotate(keys, r)) {
      const t = /** @type {Target} */ (targets[k]);
      /** @type {Record<string, number>} */
      const watch = { origin: o.originPid };
      if (t.workerd) watch.workerd = t.workerd;
      const res = await runWrk({ url: t.url + path, connections: o.connections, seconds: o.seconds, headers: headersFor(t, o.headers), watch });
      row[k] = res;
      requests[k] += res.requests;
    }
    rounds.push(row);
    log(
      `${name} round ${r + 1}/${plan.rounds}: ` +
        keys.map((k) => `${k} ${Math.round(row[k]?.rps ?? NaN)} req/s p50 ${(row[k]?.p50Ms ?? NaN).toFixed(2)} ms`).join(", "),
    );
  }
  return { path, connections: o.connections, seconds: o.seconds, rounds, requests };
}

/**
 * The vars of bench/floor-worker.js: it answers failures with this Worker's own English 502 page
 * and headers, so both send the same bytes and differ only in the work done to produce them.
 * @param {string} originUrl @param {string} edgeUrl
 */
async function floorWorkerVars(originUrl, edgeUrl) {
  const res = await fetch(`${edgeUrl}/status/502`, { headers: { accept: "text/html", "accept-language": "en" }, signal: AbortSignal.timeout(15_000) });
  const page = await res.text();
  const headers = Object.fromEntries([...res.headers].filter(([name]) => !["content-length", "date", "connection", "keep-alive"].includes(name)));
  return { ORIGIN_URL: originUrl, PAGE: page, PAGE_HEADERS: JSON.stringify(headers) };
}

/**
 * Checks that the setup measures what it claims: every Worker passes /ok through byte for byte,
 * the bare Worker relays the origin's 502, this Worker and the floor answer it with the page.
 * @param {string} originUrl @param {Target} edge @param {Target} bare @param {Target} floor
 */
async function sanityCheck(originUrl, edge, bare, floor) {
  const get = async (/** @type {string} */ url) => {
    const res = await fetch(url, { headers: { accept: "text/html", "accept-language": "en" }, signal: AbortSignal.timeout(15_000) });
    return { status: res.status, type: res.headers.get("content-type") ?? "", body: await res.text() };
  };
  const ok = await get(`${originUrl}/ok`);
  for (const t of [edge, bare, floor]) {
    const r = await get(`${t.url}/ok`);
    if (r.status !== 200 || r.body !== ok.body) throw new Error(`${t.label} does not pass /ok through (status ${r.status})`);
  }
  const originError = await get(`${originUrl}/status/502`);
  const relayed = await get(`${bare.url}/status/502`);
  if (relayed.status !== 502 || relayed.body !== originError.body) throw new Error("the bare Worker does not relay the origin's 502");
  const page = await get(`${edge.url}/status/502`);
  if (page.status !== 502 || !page.type.startsWith("text/html") || page.body === originError.body || !/Ray ID/i.test(page.body)) {
    throw new Error(`this Worker did not answer the origin's 502 with its error page (status ${page.status}, ${page.type})`);
  }
  const floorPage = await get(`${floor.url}/status/502`);
  if (floorPage.status !== 502 || floorPage.body.length !== page.body.length) throw new Error(`the floor Worker does not answer with a page of the same size (${floorPage.body.length} vs ${page.body.length} B)`);
}

/**
 * `--profile`: fresh copies of the Workers with the inspector open (so the measured instances
 * never had a debugger attached), profiled under the same load and Host as the phases. This
 * Worker is profiled from an unminified build of the same sources, so functions and modules keep
 * their names; the floor Worker's storm is profiled too, to set this Worker's error path beside
 * the least the job needs.
 * @param {Record<string, string>} vars @param {string} barePath @param {Record<string, string>} floorVars @param {string} site
 */
async function profiles(vars, barePath, floorVars, site) {
  const interval = 200;
  const out = [];
  const readable = await buildBundle(resolve(OUT, "build-profile"), { minify: false });
  const edge = await startWorker({ name: "edge-profile", scriptPath: readable.entry, vars, kv: true, inspect: true });
  const bare = await startWorker({ name: "bare-profile", scriptPath: barePath, vars: { ORIGIN_URL: vars.ORIGIN_URL ?? "" }, inspect: true });
  const floor = await startWorker({ name: "floor-profile", scriptPath: resolve(ROOT, "bench/floor-worker.js"), vars: floorVars, inspect: true });
  const headers = [...BROWSER_HEADERS, `Host: ${site}`];
  try {
    const inBundle = moduleLocator(readFileSync(readable.entry, "utf8"));
    const inFile = (/** @type {string} */ name) => () => name;
    for (const [label, w, path, locate] of /** @type {const} */ ([
      ["this Worker /ok", edge, "/ok", inBundle],
      ["bare Worker /ok", bare, "/ok", inFile("bench/bare-worker.js")],
      ["this Worker 502 storm", edge, "/status/502", inBundle],
      ["floor Worker 502 storm", floor, "/status/502", inFile("bench/floor-worker.js")],
      ["bare Worker 502 relay", bare, "/status/502", inFile("bench/bare-worker.js")],
    ])) {
      const load = () => runWrk({ url: w.url + path, connections: plan.connections, seconds: Math.max(3, plan.throughputS), headers, watch: { workerd: w.pid } });
      await runWrk({ url: w.url + path, connections: plan.connections, seconds: plan.warmupS, headers });
      const { profile, result } = await profileWhile(/** @type {string} */ (w.inspectorUrl), load, interval);
      const file = resolve(OUT, `${label.replace(/\W+/g, "-").toLowerCase()}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      const s = summarizeProfile(profile, interval, 20, locate);
      const perReq = (/** @type {number} */ ms) => (ms * 1000) / Math.max(1, result.requests);
      out.push({
        label,
        file,
        requests: result.requests,
        cpuUsPerReq: result.cpuUsPerReq.workerd ?? NaN,
        sampledUsPerReq: perReq(s.busyMs),
        top: s.top.map((f) => ({ name: f.name, selfUs: perReq(f.selfMs), totalUs: perReq(f.totalMs) })),
        inclusive: s.topInclusive.map((f) => ({ name: f.name, totalUs: perReq(f.totalMs) })),
        byModule: s.byModule.map((m) => ({ module: m.module, us: perReq(m.ms), share: m.ms / Math.max(1e-9, s.busyMs) })),
      });
      log(`profile ${label}: ${file}`);
    }
  } finally {
    await edge.close();
    await bare.close();
    await floor.close();
  }
  return out;
}

async function main() {
  startReaper();
  installHandlers(plan.deadlineS * 1000);
  mkdirSync(OUT, { recursive: true });
  wrkVersion(); // fails early, with the install command, when wrk is missing
  // Before any process is started: each inherits this one's CPUs.
  const pinning = opts.pin ? startPinning() : undefined;
  if (opts.pin && !pinning) log("--pin: not pinned (one CPU, or taskset could not run)");
  const machine = { ...machineInfo(), pinning: pinning ?? "none: every process on every CPU" };
  log(`${opts.quick ? "quick" : "full"} run: ${plan.rounds} round(s), ${plan.throughputS} s per throughput run, ${plan.connections} connections; ${machine.nproc} cores, load ${machine.loadAtStart}`);

  log("building the deployable bundle (wrangler deploy --dry-run)…");
  const bundle = await buildBundle(resolve(OUT, "build"));
  log(`bundle: ${bundle.wranglerReport ?? `${bundle.bytes} bytes`}`);
  // The owner's Worker is uploaded on its own and runs only for owner requests: reported, not budgeted.
  const admin = existsSync(resolve(ROOT, "wrangler.admin.toml")) ? await buildBundle(resolve(OUT, "build-admin"), { config: "wrangler.admin.toml" }) : undefined;
  if (admin) log(`admin Worker bundle: ${admin.wranglerReport ?? `${admin.bytes} bytes`}`);

  const origin = await startOrigin(plan.deadlineS + 60);
  const vars = { ...wranglerVars(), ORIGIN_URL: origin.http };
  const barePath = resolve(ROOT, "bench/bare-worker.js");
  const edgeW = await startWorker({ name: "edge-error-pages", scriptPath: bundle.entry, vars, kv: true });
  const bareW = await startWorker({ name: "bare", scriptPath: barePath, vars: { ORIGIN_URL: origin.http } });
  // The same bare Worker once more, in its own workerd: two identical Workers measured the same
  // way differ only by the machine's noise, which is how far any ratio of this run can be trusted.
  const controlW = await startWorker({ name: "bare-control", scriptPath: barePath, vars: { ORIGIN_URL: origin.http } });
  log(`origin ${origin.http}, this Worker ${edgeW.url} (workerd ${edgeW.pid}), bare Worker ${bareW.url} (workerd ${bareW.pid})`);

  const floorVars = await floorWorkerVars(origin.http, edgeW.url);
  const floorW = await startWorker({ name: "floor", scriptPath: resolve(ROOT, "bench/floor-worker.js"), vars: floorVars });
  log(`origin ${origin.http}, floor Worker ${floorW.url} (workerd ${floorW.pid})`);

  // Every Worker is sent the origin's own Host, as on a zone route, where the site's host is the
  // origin's and the Worker forwards the request as it came. One extra target sends this Worker
  // its own address instead: an origin on another host, for which it adds X-Forwarded-Host/-Proto.
  const site = new URL(origin.http).host;
  /** @type {Record<string, Target>} */
  const targets = {
    origin: { label: "origin alone", url: origin.http, workerd: undefined, host: undefined },
    bare: { label: "bare Worker", url: bareW.url, workerd: bareW.pid, host: site },
    floor: { label: "floor Worker", url: floorW.url, workerd: floorW.pid, host: site },
    edge: { label: "this Worker", url: edgeW.url, workerd: edgeW.pid, host: site },
  };
  const resilient = await startResilienceWorkers(bundle, vars, Number(new URL(origin.http).port));
  log(`resilience: copying ${resilient.copying.url}, stale ${resilient.stale.url} (copy of /ok served, origin refusing)`);
  const withElsewhere = {
    ...targets,
    elsewhere: { label: "this Worker, origin on another host", url: edgeW.url, workerd: edgeW.pid, host: undefined },
    copying: { label: "this Worker, last good copies on", url: resilient.copying.url, workerd: resilient.copying.pid, host: site },
    copyingOften: { label: "this Worker, copies refreshed every second", url: resilient.copyingOften.url, workerd: resilient.copyingOften.pid, host: site },
    control: { label: "a second bare Worker (A/A control)", url: controlW.url, workerd: controlW.pid, host: site },
  };
  await sanityCheck(origin.http, /** @type {Target} */ (targets.edge), /** @type {Target} */ (targets.bare), /** @type {Target} */ (targets.floor));
  log("sanity: all three Workers pass /ok through unchanged; bare relays the 502, the floor and this Worker answer with the page");

  const pages = await measurePages(edgeW.url);
  log(`error pages: largest ${Math.max(...pages.map((p) => p.bytes))} bytes of HTML`);

  // Memory first, on fresh workerd processes: after the load phases their heaps hold enough freed
  // memory to absorb a buffered body without the RSS moving, which would hide the very thing looked for.
  /** @type {{ worker: string, client: string, result: import("./memory.mjs").StreamResult }[]} */
  const memory = [];
  for (const [worker, w] of /** @type {const} */ ([["edge", edgeW], ["bare", bareW]])) {
    const fast = await streamThrough({ url: `${w.url}/stream/100`, pid: w.pid });
    memory.push({ worker, client: "fast client", result: fast });
    if (plan.slowStream) {
      const slow = await streamThrough({ url: `${w.url}/stream/100`, pid: w.pid, bytesPerSecond: 25 * MIB });
      memory.push({ worker, client: "client reading 25 MiB/s", result: slow });
    }
  }
  log(`memory: ${memory.map((m) => `${m.worker} (${m.client}) +${(m.result.growth / MIB).toFixed(1)} MiB`).join(", ")}`);
  // A 502 with a 64 MiB body: only its first 8 KiB are read as evidence, the rest is dropped.
  const hugeError = await streamThrough({ url: `${edgeW.url}/huge-error/64`, pid: edgeW.pid, status: 502 });

  const common = { originPid: origin.pid };
  const passThrough = await phase("pass-through", withElsewhere, "/ok", { ...common, connections: plan.connections, seconds: plan.throughputS });
  const latency = await phase("unloaded latency", targets, "/ok", { ...common, connections: 1, seconds: plan.latencyS });
  // The storm's incidents are told from earlier ones (sanity check, page sizes) by counting before.
  const stormHost = new URL(origin.http).hostname;
  const kvBefore = await settledIncidents(edgeW.mf, stormHost, 1000, 15_000);
  const stormStarted = Date.now();
  const storm = await phase("502 storm", targets, "/status/502", { ...common, connections: plan.connections, seconds: plan.throughputS });
  const stormEnded = Date.now();
  // Targets carry their path: both answer the same refused origin, one from its copy.
  const staleW = resilient.stale;
  const serving = await phase("copy vs error page", {
    copy: { label: "last good copy", url: `${staleW.url}/ok`, workerd: staleW.pid, host: undefined },
    page: { label: "521 error page", url: `${staleW.url}/nocopy`, workerd: staleW.pid, host: undefined },
  }, "", { ...common, connections: plan.connections, seconds: plan.throughputS });
  const resilience = resilienceFigures(passThrough, serving, resilient.sizes);
  log(`resilience: pass-through with copies ÷ bare ${resilience.copyingVsBare.toFixed(2)}, copy vs page ${resilience.copyVsPage.toFixed(2)}`);

  // Roll-ups are written when a budget window closes, up to one window after the last failure.
  const budget = incidentBudget();
  const rollupsDue = stormEnded + budget.windowMs + 1000;
  if (Date.now() < rollupsDue) {
    log(`waiting ${((rollupsDue - Date.now()) / 1000).toFixed(0)} s for the incident budget's roll-ups…`);
    await sleep(rollupsDue - Date.now());
  }
  const kvAfter = await settledIncidents(edgeW.mf, stormHost, 1000, 15_000);
  const kv = {
    records: kvAfter.records - kvBefore.records,
    rollups: kvAfter.rollups - kvBefore.rollups,
    puts: kvAfter.puts - kvBefore.puts,
    weight: kvAfter.weight - kvBefore.weight,
  };
  log(`KV: ${kv.puts} puts for ${storm.requests.edge} failures (${kv.records} records, ${kv.rollups} roll-ups, weights ${kv.weight})`);

  const profiled = opts.profile ? await profiles(vars, barePath, floorVars, site) : undefined;

  const results = {
    date: new Date().toISOString(),
    command,
    quick: opts.quick,
    plan,
    machine,
    loadAtEnd: loadavg().map((l) => l.toFixed(2)).join(" / "),
    durationS: (Date.now() - t0) / 1000,
    bundle,
    admin: admin && { bytes: admin.bytes, gzipBytes: admin.gzipBytes, wranglerReport: admin.wranglerReport, composition: admin.composition },
    pages,
    passThrough,
    latency,
    storm: { ...storm, host: site, wallSeconds: (stormEnded - stormStarted) / 1000 },
    memory,
    hugeError,
    kv,
    budget,
    profiles: profiled,
    resilience: { ...resilience, serving, markdown: resilienceMarkdown(resilience) },
  };
  const verdicts = evaluate(results);
  writeFileSync(resolve(OUT, "results.json"), JSON.stringify({ ...results, verdicts }, null, 2));
  printSummary(results, verdicts);
  if (write) {
    writeBenchmarks(results, verdicts);
    log(`wrote ${BENCHMARKS_MD}`);
  } else {
    log(`BENCHMARKS.md not written (${opts.quick ? "quick run: add --write to write it" : "--no-write"}); figures in bench/out/results.json`);
  }
  const produced = Number.isFinite(median(passThrough.rounds.map((r) => r.edge?.rps ?? NaN))) && Number.isFinite(median(storm.rounds.map((r) => r.edge?.rps ?? NaN)));
  if (!produced) throw new Error("no figures were produced");
  return opts.strict && verdicts.some((v) => v.ok === false) ? 1 : 0;
}

let code = 1;
try {
  code = await main();
} catch (err) {
  console.error(`\nbench failed: ${err instanceof Error ? (err.stack ?? err.message) : err}`);
  code = 1;
} finally {
  await cleanup();
}
log(`done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
process.exit(code);
