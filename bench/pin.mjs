// @ts-check
/**
 * CPU pinning for every figure of a run. On a machine with few cores, wrk, the origin and workerd
 * otherwise share them, and where the scheduler happens to put each moves a Worker's throughput
 * by more than the differences measured (a second, identical bare Worker read 0.88–1.08 of the
 * first). With the bench process, and so wrk and the origin it spawns, on CPU 0 and every workerd
 * on the other CPUs, the Worker under load has its cores to itself, as an isolate on Cloudflare
 * does, and its throughput follows its own CPU time per request. On with `--pin`; left off by
 * itself on one core or without `taskset` (util-linux).
 */
import { spawnSync } from "node:child_process";
import os from "node:os";

/** @type {{ self: string, workers: string } | undefined} */
let active;

/** Runs taskset on every thread of `pid`; false when it could not. @param {number} pid @param {string} cpus */
function taskset(pid, cpus) {
  const r = spawnSync("taskset", ["-a", "-p", "-c", cpus, String(pid)], { stdio: "ignore", timeout: 10_000 });
  return !r.error && r.status === 0;
}

/**
 * Pins this process (and what it starts from now on) to CPU 0 and has {@link pinWorker} put
 * each workerd on the rest. Returns what was done, for the report: undefined when not pinned.
 * @returns {string | undefined}
 */
export function startPinning() {
  const cpus = os.availableParallelism();
  if (cpus < 2) return undefined;
  const workers = cpus === 2 ? "1" : `1-${cpus - 1}`;
  if (!taskset(process.pid, "0")) return undefined;
  active = { self: "0", workers };
  return `wrk, the origin and the bench on CPU 0; each workerd on CPU ${workers}`;
}

/** Puts a workerd process on the Workers' CPUs, when pinning is on. @param {number} pid */
export function pinWorker(pid) {
  if (active && !taskset(pid, active.workers)) throw new Error(`taskset could not pin workerd ${pid} to CPU ${active.workers}`);
}
