// @ts-check
/**
 * What the bench reads from /proc (Linux only): CPU time and memory of the processes it started,
 * and which workerd belongs to which Miniflare instance.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";

let clockTicks = 100;
try {
  clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
} catch {
  // 100 on every Linux this runs on
}

/** @param {number} pid */
function statFields(pid) {
  const text = readFileSync(`/proc/${pid}/stat`, "utf8");
  // comm may contain spaces and parentheses: split after the last ")".
  const close = text.lastIndexOf(")");
  return { comm: text.slice(text.indexOf("(") + 1, close), rest: text.slice(close + 2).split(" ") };
}

/**
 * CPU time (user + system, all threads) a process has used, in ms; NaN when it is gone.
 * @param {number | undefined} pid
 */
export function cpuMs(pid) {
  if (!pid) return NaN;
  try {
    const { rest } = statFields(pid);
    // rest[0] is field 3 (state); utime and stime are fields 14 and 15.
    return ((Number(rest[11]) + Number(rest[12])) * 1000) / clockTicks;
  } catch {
    return NaN;
  }
}

/**
 * @param {number} pid
 * @returns {{ rss: number, hwm: number }} resident set size and its high-water mark, in bytes
 */
export function memory(pid) {
  const text = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (/** @type {string} */ name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? NaN) * 1024;
  return { rss: kib("VmRSS"), hwm: kib("VmHWM") };
}

/**
 * Resets a process's RSS high-water mark (Linux ≥ 4.0, own processes). False when not allowed.
 * @param {number} pid
 */
export function resetPeak(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

/**
 * The pids of this process's direct children named `comm` (e.g. the workerd Miniflare spawned).
 * @param {string} comm
 * @returns {Set<number>}
 */
export function childrenNamed(comm) {
  const found = new Set();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const { comm: name, rest } = statFields(Number(entry));
      if (name === comm && Number(rest[1]) === process.pid) found.add(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return found;
}

/** True while `pid` is alive and still named `comm` (guards against a reused pid). */
export function isAlive(/** @type {number} */ pid, /** @type {string} */ comm) {
  try {
    return statFields(pid).comm === comm;
  } catch {
    return false;
  }
}

/**
 * CPU time the whole machine has spent busy (everything but idle and iowait), in ms summed over
 * cores, from /proc/stat; with its own process figures this tells how much other work shared
 * the machine during a run.
 */
export function machineBusyMs() {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
    const [, ...fields] = line.trim().split(/\s+/);
    const n = fields.map(Number);
    const total = n.slice(0, 8).reduce((a, b) => a + b, 0); // user … steal (guest is inside user)
    const idle = (n[3] ?? 0) + (n[4] ?? 0);
    return ((total - idle) * 1000) / clockTicks;
  } catch {
    return NaN;
  }
}
