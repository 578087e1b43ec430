// @ts-check
/**
 * The load generator: wrk (Debian's package), closed-loop, keep-alive, a fixed number of
 * connections, for a fixed time. Around each run it reads the CPU time of the processes under
 * test from /proc, so every figure comes with what it cost and a check that wrk itself was not
 * the bottleneck.
 */
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { guardPid, onCleanup } from "./cleanup.mjs";
import { cpuMs, machineBusyMs } from "./proc.mjs";

const LUA = fileURLToPath(new URL("./wrk-report.lua", import.meta.url));

/** What a browser sends, so Accept/Accept-Language handling is exercised as in production. */
export const BROWSER_HEADERS = [
  "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
  "Accept-Language: en-US,en;q=0.9",
  "User-Agent: edge-error-pages-bench/1 (wrk)",
];

/** wrk's version line, or throws with how to install it. */
export function wrkVersion() {
  const r = spawnSync("wrk", ["--version"], { encoding: "utf8", timeout: 10_000 });
  if (r.error) {
    const code = /** @type {NodeJS.ErrnoException} */ (r.error).code;
    throw new Error(code === "ENOENT" ? "wrk is not installed: apt-get update && apt-get install -y wrk" : `wrk: ${r.error.message}`);
  }
  // `wrk --version` prints its banner and exits 1.
  return (r.stdout || r.stderr).split("\n")[0]?.replace(/\s+Copyright.*$/, "").trim() || "wrk (unknown version)";
}

/**
 * @typedef {object} LoadResult
 * @property {number} requests      completed responses
 * @property {number} rps           responses per second
 * @property {number} p50Ms
 * @property {number} p99Ms
 * @property {number} errors        connect/read/write/timeout errors (not HTTP statuses)
 * @property {number} non2xx        responses that were not 2xx/3xx
 * @property {number} seconds
 * @property {Record<string, number>} cpuUsPerReq  CPU µs per response of each watched process, and of wrk
 * @property {Record<string, number>} cpuShare     CPU cores each used on average during the run;
 *   `others`: cores used by every other process on the machine meanwhile
 */

/**
 * Runs wrk against `url`.
 * @param {object} o
 * @param {string} o.url
 * @param {number} o.connections
 * @param {number} o.seconds
 * @param {number} [o.threads]
 * @param {string[]} [o.headers]
 * @param {Record<string, number>} [o.watch]  name → pid, whose CPU time is measured over the run
 * @returns {Promise<LoadResult>}
 */
export async function runWrk({ url, connections, seconds, threads = 1, headers = BROWSER_HEADERS, watch = {} }) {
  const args = ["-t", String(threads), "-c", String(connections), "-d", `${seconds}s`, "--timeout", "10s", "-s", LUA];
  for (const h of headers) args.push("-H", h);
  args.push(url);
  const cpuBefore = Object.fromEntries(Object.entries(watch).map(([k, pid]) => [k, cpuMs(pid)]));
  const machineBefore = machineBusyMs();
  const child = spawn("wrk", args, { stdio: ["ignore", "pipe", "pipe"], timeout: (seconds + 30) * 1000, killSignal: "SIGKILL" });
  const unguard = guardPid(child.pid, "wrk");
  const forget = onCleanup("wrk", () => {
    child.kill("SIGKILL");
  });
  let out = "";
  let err = "";
  let wrkCpu = NaN;
  child.stdout?.on("data", (d) => (out += d));
  child.stderr?.on("data", (d) => (err += d));
  // wrk's own CPU, read just before it exits (its /proc entry is gone after).
  const sampler = setInterval(() => {
    const v = cpuMs(child.pid);
    if (Number.isFinite(v)) wrkCpu = v;
  }, 100);
  const code = await new Promise((resolve) => child.once("close", resolve));
  clearInterval(sampler);
  unguard();
  forget();
  const cpuAfter = Object.fromEntries(Object.entries(watch).map(([k, pid]) => [k, cpuMs(pid)]));
  const machineMs = machineBusyMs() - machineBefore;
  const line = out.split("\n").find((l) => l.startsWith("WRK_JSON "));
  if (code !== 0 || !line) throw new Error(`wrk ${args.join(" ")} failed (${code}): ${(err || out).trim().slice(-500)}`);
  const r = JSON.parse(line.slice("WRK_JSON ".length));
  const secs = r.duration_us / 1e6;
  const e = r.errors;
  /** @type {Record<string, number>} */
  const cpuUsPerReq = {};
  /** @type {Record<string, number>} */
  const cpuShare = {};
  for (const k of Object.keys(watch)) {
    const ms = /** @type {number} */ (cpuAfter[k]) - /** @type {number} */ (cpuBefore[k]);
    cpuUsPerReq[k] = (ms * 1000) / Math.max(1, r.requests);
    cpuShare[k] = ms / 1000 / secs;
  }
  cpuUsPerReq.wrk = (wrkCpu * 1000) / Math.max(1, r.requests);
  cpuShare.wrk = wrkCpu / 1000 / secs;
  const ours = Object.values(cpuShare).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
  // The machine figure covers a little more than wrk's run (spawn, exit): clamp at 0.
  cpuShare.others = Math.max(0, machineMs / 1000 / secs - ours);
  return {
    requests: r.requests,
    rps: r.requests / secs,
    p50Ms: r.latency_us.p50 / 1000,
    p99Ms: r.latency_us.p99 / 1000,
    errors: e.connect + e.read + e.write + e.timeout,
    non2xx: e.status,
    seconds: secs,
    cpuUsPerReq,
    cpuShare,
  };
}
