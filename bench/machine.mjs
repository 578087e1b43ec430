// @ts-check
/** What the bench ran on, for the report: a figure is only comparable on the same kind of machine. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import { resolve } from "node:path";
import { wrkVersion } from "./load.mjs";
import { ROOT } from "./workers.mjs";

/** @param {string} cmd @param {string[]} args */
function run(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 10_000 }).trim();
  } catch {
    return undefined;
  }
}

/** @param {string} pkg */
function packageVersion(pkg) {
  try {
    return JSON.parse(readFileSync(resolve(ROOT, "node_modules", pkg, "package.json"), "utf8")).version;
  } catch {
    return "unknown";
  }
}

/**
 * @typedef {object} Machine
 * @property {string} nproc
 * @property {string} cpu
 * @property {string} memory
 * @property {string} kernel
 * @property {string} node
 * @property {string} workerd
 * @property {string} wrangler
 * @property {string} miniflare
 * @property {string} hono
 * @property {string} wrk
 * @property {string} loadAtStart  1/5/15-minute load averages when the bench started
 * @property {string} [pinning]     which processes ran on which CPUs (bench/pin.mjs)
 */

/** @returns {Machine} */
export function machineInfo() {
  const cpuinfo = (() => {
    try {
      return readFileSync("/proc/cpuinfo", "utf8");
    } catch {
      return "";
    }
  })();
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? "unknown";
  const workerd = run(resolve(ROOT, "node_modules/.bin/workerd"), ["--version"]) ?? `unknown (npm workerd ${packageVersion("workerd")})`;
  return {
    // --all: the machine's cores, not the ones this process is pinned to (--pin).
    nproc: run("nproc", ["--all"]) ?? String(os.cpus().length),
    cpu: model,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    kernel: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    workerd: `${workerd} (npm workerd ${packageVersion("workerd")})`,
    wrangler: packageVersion("wrangler"),
    miniflare: packageVersion("miniflare"),
    hono: packageVersion("hono"),
    wrk: wrkVersion(),
    loadAtStart: os.loadavg().map((l) => l.toFixed(2)).join(" / "),
  };
}
