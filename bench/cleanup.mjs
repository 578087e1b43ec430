// @ts-check
/**
 * Every process the bench starts is stopped when it ends, fails, is interrupted (Ctrl-C,
 * SIGTERM) or overruns its deadline. Each start registers its own stop here, by pid; and a small
 * reaper process (bench/reaper.mjs) kills the pids still registered if this process dies
 * without running its handlers (SIGKILL, OOM).
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** @type {Map<number, { what: string, stop: () => Promise<void> | void }>} */
const tasks = new Map();
let nextId = 1;
let running = false;

/** @type {import("node:child_process").ChildProcess | undefined} */
let reaper;

/** Starts the reaper. Call once, before starting anything else. */
export function startReaper() {
  reaper = spawn(process.execPath, [fileURLToPath(new URL("./reaper.mjs", import.meta.url))], {
    stdio: ["pipe", "ignore", "inherit"],
    detached: true, // its own process group: a Ctrl-C meant for the bench does not end it first
  });
  reaper.stdin?.on("error", () => undefined);
  reaper.unref();
}

/**
 * Tells the reaper about a process to kill if the bench dies; returns the function that takes it back.
 * @param {number | undefined} pid
 * @param {string} comm the process's name in /proc/PID/stat, checked before killing
 */
export function guardPid(pid, comm) {
  if (!pid) return () => undefined;
  reaper?.stdin?.write(`+${pid} ${comm}\n`);
  return () => void reaper?.stdin?.write(`-${pid}\n`);
}

/**
 * Registers a stop function; returns the function that unregisters it (call it after a normal stop).
 * @param {string} what
 * @param {() => Promise<void> | void} stop
 */
export function onCleanup(what, stop) {
  const id = nextId++;
  tasks.set(id, { what, stop });
  return () => void tasks.delete(id);
}

/** @template T @param {Promise<T>} p @param {number} ms */
const bounded = (p, ms) =>
  Promise.race([p, new Promise((resolve) => setTimeout(resolve, ms).unref())]);

/** Runs every registered stop, newest first, each bounded to 15 s. */
export async function cleanup() {
  if (running) return;
  running = true;
  for (const [id, task] of [...tasks].reverse()) {
    tasks.delete(id);
    try {
      await bounded(Promise.resolve(task.stop()), 15_000);
    } catch (err) {
      console.error(`cleanup: ${task.what}: ${err instanceof Error ? err.message : err}`);
    }
  }
  reaper?.stdin?.end();
  running = false;
}

/**
 * Stops everything on SIGINT/SIGTERM/SIGHUP and when `deadlineMs` passes, then exits.
 * @param {number} deadlineMs
 */
export function installHandlers(deadlineMs) {
  let stopping = false;
  /** @param {string} why @param {number} code */
  const stop = (why, code) => {
    if (stopping) return;
    stopping = true;
    console.error(`\n${why}: stopping every process the bench started…`);
    // A second signal, or a stop that hangs, still ends the bench.
    setTimeout(() => process.exit(code), 30_000).unref();
    cleanup().finally(() => process.exit(code));
  };
  for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM", "SIGHUP"])) {
    process.on(signal, () => (stopping ? process.exit(130) : stop(signal, 130)));
  }
  setTimeout(() => stop(`deadline of ${Math.round(deadlineMs / 1000)} s passed`, 1), deadlineMs).unref();
}
