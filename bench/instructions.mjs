#!/usr/bin/env node
// @ts-check
/**
 * `npm run bench:instructions`: CPU instructions a pass-through request costs in workerd, counted
 * by valgrind's callgrind, for the bare Worker, a second bare Worker, the floor Worker, this
 * Worker and this Worker with last good copies on.
 *
 * Throughput on a shared machine moves by more than the few per cent this budget is about (a
 * second, identical bare Worker reads 0.76–1.15 of the first in single rounds); an instruction
 * count does not (the same Worker three times: ±0.2 %). Each Worker runs alone in workerd under
 * callgrind, started by Miniflare as the throughput bench starts it (same bindings, same
 * compatibility date and flags), behind a loopback origin answering 880 B with a Content-Length.
 * `ab -k` sends the origin's own Host, as on a zone route; the counters are zeroed after the
 * warm-up and read after exactly `--requests` more, so no request is counted in part.
 *
 * Kernel time is not counted: a request's CPU is about half user space (BENCHMARKS.md), so a
 * ratio of instructions overstates the Worker's share of the throughput.
 *
 * Options: --requests N (default 3000), --warmup N (2000), --concurrency C (32), --json.
 * Needs valgrind and ab (Debian: valgrind, apache2-utils).
 */
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { buildBundle } from "./build.mjs";
import { BROWSER_HEADERS } from "./load.mjs";
import { ROOT, workerOptions, wranglerVars } from "./workers.mjs";

const OUT = resolve(ROOT, "bench/out/instructions");
const BODY = Buffer.alloc(880, "x");

const { values: opts } = parseArgs({
  options: {
    requests: { type: "string", default: "3000" },
    warmup: { type: "string", default: "2000" },
    concurrency: { type: "string", default: "32" },
    json: { type: "boolean", default: false },
    only: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
  strict: true,
});
if (opts.help) {
  console.log("usage: npm run bench:instructions [-- --requests N] [--warmup N] [--concurrency C] [--only name,name] [--json]");
  process.exit(0);
}
const count = (name) => {
  const n = Number(opts[name]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${opts[name]}`);
  return n;
};
const plan = { requests: count("requests"), warmup: count("warmup"), concurrency: count("concurrency") };

for (const tool of ["valgrind", "callgrind_control", "ab"]) {
  if (spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0) {
    console.error(`${tool} is not installed (Debian: apt-get install -y valgrind apache2-utils)`);
    process.exit(2);
  }
}

/** A loopback origin: 880 B with a Content-Length (ab's keep-alive needs one), nothing else. */
async function startOrigin() {
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-length": BODY.length, "cache-control": "no-store" });
    res.end(BODY);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(undefined)));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("origin has no port");
  return { url: `http://127.0.0.1:${address.port}`, host: `127.0.0.1:${address.port}`, close: () => server.close() };
}

/** A workerd that runs under callgrind and writes its pid where this script can find it. */
function callgrindWorkerd(name) {
  const workerd = resolve(ROOT, "node_modules/@cloudflare/workerd-linux-64/bin/workerd");
  if (!existsSync(workerd)) throw new Error(`no workerd binary at ${workerd}`);
  const dir = join(OUT, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const wrapper = join(dir, "workerd.sh");
  writeFileSync(
    wrapper,
    `#!/bin/sh\necho $$ > '${dir}/pid'\nexec valgrind --tool=callgrind --smc-check=all-non-file --dump-instr=no --collect-jumps=no --callgrind-out-file='${dir}/callgrind.%p' '${workerd}' "$@" 2>>'${dir}/valgrind.log'\n`,
  );
  chmodSync(wrapper, 0o755);
  return { dir, wrapper };
}

/**
 * Runs ab to completion. Asynchronous: the origin answers on this process's event loop.
 * @param {string} url @param {string} host @param {number} requests
 */
async function ab(url, host, requests) {
  const headers = BROWSER_HEADERS.flatMap((h) => ["-H", h]);
  const args = ["-q", "-k", "-s", "120", "-c", String(plan.concurrency), "-n", String(requests), "-H", `Host: ${host}`, ...headers, `${url}/ok`];
  const child = spawn("ab", args, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const timer = setTimeout(() => child.kill("SIGKILL"), 30 * 60_000);
  await new Promise((ok) => child.on("close", ok));
  clearTimeout(timer);
  const complete = Number(/Complete requests:\s+(\d+)/.exec(out)?.[1]);
  const failed = Number(/Failed requests:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const non2xx = Number(/Non-2xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  if (complete !== requests || failed || non2xx) throw new Error(`ab: ${complete} complete, ${failed} failed, ${non2xx} non-2xx\n${out}`);
}

/** The instructions counted since the last zeroing, read from a fresh dump. */
function dumpTotal(pid, dir) {
  const before = new Set(readdirSync(dir));
  spawnSync("callgrind_control", ["-d", String(pid)], { stdio: "ignore", timeout: 120_000 });
  const dump = readdirSync(dir).find((n) => n.startsWith("callgrind.") && !before.has(n));
  if (!dump) throw new Error(`callgrind wrote no dump in ${dir}`);
  const text = readFileSync(join(dir, dump), "utf8");
  const total = Number(/^(?:totals|summary):\s+(\d+)/m.exec(text)?.[1]);
  if (!Number.isFinite(total)) throw new Error(`no totals in ${dump}`);
  return total;
}

/** Instructions a request for one Worker. */
async function measure(target, origin) {
  const { Miniflare, convertV4MiniflareOptions } = await import("miniflare");
  const { dir, wrapper } = callgrindWorkerd(target.name);
  process.env.MINIFLARE_WORKERD_PATH = wrapper;
  const mf = new Miniflare(convertV4MiniflareOptions({ workers: [workerOptions({ name: target.name, scriptPath: target.script, vars: target.vars, kv: target.kv })] }));
  try {
    await mf.ready;
    const url = (await mf.unsafeGetDirectURL(target.name)).href.replace(/\/$/, "");
    const pid = Number(readFileSync(join(dir, "pid"), "utf8"));
    await ab(url, origin.host, plan.warmup);
    spawnSync("callgrind_control", ["-z", String(pid)], { stdio: "ignore", timeout: 120_000 });
    await ab(url, origin.host, plan.requests);
    return dumpTotal(pid, dir) / plan.requests;
  } finally {
    await mf.dispose();
    delete process.env.MINIFLARE_WORKERD_PATH;
  }
}

const origin = await startOrigin();
try {
  const bundle = await buildBundle(resolve(ROOT, "bench/out/build-instructions"));
  const bare = resolve(ROOT, "bench/bare-worker.js");
  const vars = { ...wranglerVars(), ORIGIN_URL: origin.url };
  const targets = [
    { name: "bare", script: bare, vars: { ORIGIN_URL: origin.url } },
    { name: "bare-control", script: bare, vars: { ORIGIN_URL: origin.url } },
    { name: "floor", script: resolve(ROOT, "bench/floor-worker.js"), vars: { ORIGIN_URL: origin.url, PAGE: "", PAGE_HEADERS: "{}" } },
    { name: "edge-error-pages", script: bundle.entry, vars, kv: true },
    { name: "edge-error-pages-copies", script: bundle.entry, vars: { ...vars, STALE_PATHS: "/*" }, kv: true },
  ].filter((t) => !opts.only || opts.only.split(",").includes(t.name));
  /** @type {Record<string, number>} */
  const perRequest = {};
  for (const t of targets) {
    perRequest[t.name] = await measure(t, origin);
    if (!opts.json) console.error(`${t.name}: ${Math.round(perRequest[t.name])} instructions / request`);
  }
  const base = perRequest.bare;
  const ratios = Object.fromEntries(Object.entries(perRequest).map(([k, v]) => [k, base ? v / base : NaN]));
  if (opts.json) console.log(JSON.stringify({ ...plan, instructions_per_request: perRequest, ratio_to_bare: ratios }));
  else {
    console.log(`\n| Worker | instructions / request | ÷ bare |\n|---|---:|---:|`);
    for (const [k, v] of Object.entries(perRequest)) console.log(`| ${k} | ${(v / 1000).toFixed(1)}k | ${ratios[k]?.toFixed(3)} |`);
  }
} finally {
  origin.close();
}
