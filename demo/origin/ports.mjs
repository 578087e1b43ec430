// @ts-check
/**
 * Ports that fail before any HTTP: one that refuses connections (the Worker's "origin down"), and
 * one whose accept queue is full so that connects hang in SYN (its "connect timeout").
 */
import { spawn } from "node:child_process";
import net from "node:net";
import { closeServer, HOST, listen } from "./loopback.mjs";

/** @typedef {import("node:child_process").ChildProcessWithoutNullStreams} Child */

/**
 * @typedef {object} BacklogHolder
 * @property {number} port
 * @property {() => Promise<void>} close
 */

/** A port that refuses connections: bound on 127.0.0.1, noted, closed. */
export async function refusedPort() {
  const server = net.createServer();
  const port = await listen(server, 0);
  await closeServer(server);
  return port;
}

/**
 * Whether a connect to `port` does NOT complete within `ms`.
 * @param {number} port
 * @param {number} ms
 * @returns {Promise<{ ok: boolean, why?: string }>}
 */
export function staysUnconnected(port, ms = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: HOST, port });
    const finish = /** @param {{ ok: boolean, why?: string }} r */ (r) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => finish({ ok: true }), ms);
    socket.once("connect", () => finish({ ok: false, why: "a connect completed" }));
    socket.once("error", (err) => finish({ ok: false, why: `connect failed: ${err.message}` }));
  });
}

/**
 * Node cannot listen without accepting, so a python3 child holds the port: listen(0), then
 * connects that fill the queue. It prints the port, then sleeps until its stdin closes (so it
 * dies with its parent), or 10 minutes at most.
 */
const BACKLOG_PY = String.raw`
import os, select, socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
s.listen(0)
port = s.getsockname()[1]
fillers = []
for _ in range(3):
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.setblocking(False)
    try:
        c.connect(("127.0.0.1", port))
    except (BlockingIOError, InterruptedError):
        pass
    fillers.append(c)
time.sleep(0.05)
sys.stdout.write("%d\n" % port)
sys.stdout.flush()
deadline = time.monotonic() + 600
while True:
    left = deadline - time.monotonic()
    if left <= 0:
        break
    r, _, _ = select.select([sys.stdin], [], [], left)
    if r and not os.read(sys.stdin.fileno(), 4096):
        break
`;

/**
 * @param {(msg: string) => void} log  Told why, when the port is unavailable.
 * @param {boolean} verify  Check that a connect really hangs (costs 1 s).
 * @returns {Promise<BacklogHolder | null>}
 */
export async function startBacklog(log, verify) {
  /** @type {Child} */
  let child;
  try {
    child = spawn("python3", ["-c", BACKLOG_PY], { stdio: ["pipe", "pipe", "pipe"], windowsHide: true });
  } catch (err) {
    log(`backlog port unavailable: cannot start python3 (${/** @type {Error} */ (err).message})`);
    return null;
  }
  const kill = stopper(child);
  const stderr = tail(child);
  const port = await readPort(child, stderr);
  const problem = typeof port === "string" ? port : verify ? await hangProblem(port) : undefined;
  if (typeof port === "string" || problem !== undefined) {
    log(`backlog port unavailable: ${problem}`);
    await kill();
    return null;
  }
  return { port, close: kill };
}

/** @param {number} port @returns {Promise<string | undefined>} */
async function hangProblem(port) {
  const check = await staysUnconnected(port, 1000);
  return check.ok ? undefined : `port ${port} does not hang connects on this system (${check.why})`;
}

/**
 * Set up at once, before the child can exit unobserved.
 * @param {Child} child
 * @returns {() => Promise<void>}  Ends the child (SIGKILL if SIGTERM is not enough within 2 s).
 */
function stopper(child) {
  /** @type {Promise<void>} */
  const exited = new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    child.once("close", () => resolve());
    child.once("error", () => resolve());
  });
  child.stdin.on("error", () => undefined);
  return async () => {
    if (!child.stdin.destroyed) child.stdin.end();
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 2000);
    await exited;
    clearTimeout(timer);
    child.stdout.destroy();
    child.stderr.destroy();
  };
}

/** The end of the child's stderr, to explain an early exit. @param {Child} child */
function tail(child) {
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (d) => (stderr = (stderr + d).slice(-2000)));
  return () => stderr;
}

/**
 * @param {Child} child
 * @param {() => string} stderr
 * @returns {Promise<number | string>}  The port, or why there is none.
 */
function readPort(child, stderr) {
  return new Promise((resolve) => {
    let out = "";
    const timer = setTimeout(() => done("python3 did not print a port within 5 s"), 5000);
    /** @param {number | string} r */
    const done = (r) => {
      clearTimeout(timer);
      child.stdout.off("data", onData);
      resolve(r);
    };
    const onData = /** @param {Buffer} d */ (d) => {
      out += d.toString("utf8");
      const m = /^(\d+)\n/.exec(out);
      if (m) done(Number(m[1]));
    };
    child.stdout.on("data", onData);
    child.once("error", (err) =>
      done(/** @type {NodeJS.ErrnoException} */ (err).code === "ENOENT" ? "python3 is not installed (not on PATH)" : `python3 failed: ${err.message}`),
    );
    child.once("exit", (code, signal) => {
      const err = stderr();
      done(`python3 exited early (${signal ?? code})${err ? `: ${err.trim()}` : ""}`);
    });
  });
}
