// @ts-check
/**
 * The bench's last line of cleanup. It reads "+PID COMM" and "-PID" lines on stdin from
 * bench/run.mjs; when stdin closes (the bench exited, however it exited) it sends SIGTERM, then
 * SIGKILL, to the pids still listed, each only while /proc says it still has the same name.
 */
import { readFileSync } from "node:fs";

/** @type {Map<number, string>} */
const pids = new Map();
let buffered = "";

/** @param {number} pid */
const nameOf = (pid) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
  } catch {
    return undefined;
  }
};

/** @param {number} pid @param {NodeJS.Signals} signal */
const signalIfOurs = (pid, signal) => {
  if (nameOf(pid) !== pids.get(pid)) return false;
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
};

process.on("SIGINT", () => undefined); // Ctrl-C is the bench's to handle; stdin closing is ours
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  buffered += chunk;
  let nl;
  while ((nl = buffered.indexOf("\n")) !== -1) {
    const line = buffered.slice(0, nl).trim();
    buffered = buffered.slice(nl + 1);
    const add = /^\+(\d+) (\S+)$/.exec(line);
    const remove = /^-(\d+)$/.exec(line);
    if (add) pids.set(Number(add[1]), /** @type {string} */ (add[2]));
    else if (remove) pids.delete(Number(remove[1]));
  }
});
process.stdin.on("close", () => {
  const left = [...pids.keys()].filter((pid) => signalIfOurs(pid, "SIGTERM"));
  if (left.length === 0) process.exit(0);
  setTimeout(() => {
    for (const pid of left) signalIfOurs(pid, "SIGKILL");
    process.exit(0);
  }, 3000);
});
