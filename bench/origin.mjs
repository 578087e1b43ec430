// @ts-check
/** Starts and stops bench/origin-server.mjs, the loopback origin every target is measured against. */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { guardPid, onCleanup } from "./cleanup.mjs";

/**
 * @typedef {object} Origin
 * @property {string} http  "http://127.0.0.1:PORT"
 * @property {number} pid
 * @property {() => Promise<void>} close
 */

/**
 * @param {number} lifetimeS the origin exits by itself after this long
 * @returns {Promise<Origin>}
 */
export async function startOrigin(lifetimeS) {
  const child = spawn(process.execPath, [fileURLToPath(new URL("./origin-server.mjs", import.meta.url)), String(lifetimeS)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const pid = /** @type {number} */ (child.pid);
  const comm = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  const unguard = guardPid(pid, comm);
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const close = async () => {
    child.stdin?.end();
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    if (child.exitCode === null && child.signalCode === null) await exited;
    clearTimeout(timer);
    unguard();
    forget();
  };
  const forget = onCleanup("origin", close);
  /** @type {{ http: string }} */
  const info = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("the origin did not start within 10 s")), 10_000);
    child.stdout?.setEncoding("utf8");
    child.stdout?.on("data", (d) => {
      out += d;
      const nl = out.indexOf("\n");
      if (nl === -1) return;
      clearTimeout(timer);
      try {
        resolve(JSON.parse(out.slice(0, nl)));
      } catch (err) {
        reject(err);
      }
    });
    child.once("exit", (code) => reject(new Error(`the origin exited early (${code})`)));
  }).catch(async (err) => {
    await close();
    throw err;
  });
  return { http: info.http, pid, close };
}
