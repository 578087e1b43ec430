// @ts-check
/**
 * Runs a Worker in workerd through Miniflare, one workerd process per Worker, each on a direct
 * socket on 127.0.0.1 (straight to the Worker, not through Miniflare's entry Worker), so the
 * load generator talks to the Worker exactly as an HTTP client would.
 */
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { guardPid, onCleanup } from "./cleanup.mjs";
import { pinWorker } from "./pin.mjs";
import { childrenNamed, isAlive } from "./proc.mjs";

export const ROOT = resolve(import.meta.dirname, "..");

/** The compatibility date the project deploys with, from wrangler.toml. */
export function compatibilityDate() {
  const toml = readFileSync(resolve(ROOT, "wrangler.toml"), "utf8");
  const m = /^\s*compatibility_date\s*=\s*"([\d-]+)"/m.exec(toml);
  if (!m?.[1]) throw new Error("wrangler.toml has no compatibility_date");
  return m[1];
}

/** The compatibility flags the project deploys with, from wrangler.toml (none when it sets none). */
export function compatibilityFlags() {
  const toml = readFileSync(resolve(ROOT, "wrangler.toml"), "utf8");
  const list = /^\s*compatibility_flags\s*=\s*\[([^\]]*)\]/m.exec(toml)?.[1] ?? "";
  return [...list.matchAll(/"([^"]+)"/g)].map((m) => /** @type {string} */ (m[1]));
}

/** The [vars] of wrangler.toml (string values only), as the deployed Worker gets them. */
export function wranglerVars() {
  const toml = readFileSync(resolve(ROOT, "wrangler.toml"), "utf8");
  const section = /^\[vars\]\s*$([\s\S]*?)(?=^\s*\[|(?![\s\S]))/m.exec(toml)?.[1] ?? "";
  /** @type {Record<string, string>} */
  const vars = {};
  for (const m of section.matchAll(/^\s*([A-Z_][A-Z0-9_]*)\s*=\s*"([^"]*)"/gm)) vars[/** @type {string} */ (m[1])] = /** @type {string} */ (m[2]);
  return vars;
}

/**
 * A wrangler-built bundle's modules, listed (Miniflare's bridge from its earlier options does not
 * locate them): the entry, then the page templates beside it as text, as wrangler's Text rule has them.
 * @param {string} scriptPath
 * @returns {{ type: "ESModule" | "Text", path: string }[]}
 */
function bundleModules(scriptPath) {
  const dir = dirname(scriptPath);
  const texts = readdirSync(dir).filter((name) => name.endsWith(".html"));
  return [{ type: "ESModule", path: scriptPath }, ...texts.map((name) => ({ type: /** @type {const} */ ("Text"), path: join(dir, name) }))];
}

/**
 * @typedef {object} WorkerSpec
 * @property {string} name
 * @property {string} scriptPath
 * @property {Record<string, string>} vars
 * @property {boolean} [kv]            bind an INCIDENTS KV namespace and the INCIDENT_LEDGER Durable Object
 * @property {boolean} [inspect]     open workerd's inspector on a loopback port (for --profile)
 * @property {string[]} [flags]      compatibility flags; default: wrangler.toml's, as deployed
 */

/**
 * @typedef {object} RunningWorker
 * @property {string} name
 * @property {string} url      "http://127.0.0.1:PORT", no trailing slash
 * @property {number} pid      the workerd process
 * @property {Miniflare} mf
 * @property {string | undefined} inspectorUrl  the Worker's DevTools WebSocket, when `inspect` was set
 * @property {() => string} logTail  the last lines workerd printed
 * @property {() => Promise<void>} close
 */

/**
 * The Miniflare options of one Worker as deployed, on a direct socket on 127.0.0.1.
 * @param {WorkerSpec} spec
 */
export function workerOptions(spec) {
  return {
    name: spec.name,
    modules: bundleModules(spec.scriptPath),
    modulesRoot: dirname(spec.scriptPath),
    compatibilityDate: compatibilityDate(),
    compatibilityFlags: spec.flags ?? compatibilityFlags(),
    bindings: { ...spec.vars },
    // The incident log as deployed: KV and the zone's ledger (wrangler.toml binds both).
    ...(spec.kv ? { kvNamespaces: { INCIDENTS: `${spec.name}-incidents` }, durableObjects: { INCIDENT_LEDGER: { className: "IncidentLedger", useSQLite: true } } } : {}),
    unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
  };
}

/**
 * @param {WorkerSpec} spec
 * @returns {Promise<RunningWorker>}
 */
export async function startWorker(spec) {
  const before = childrenNamed("workerd");
  let log = "";
  const mf = new Miniflare(convertV4MiniflareOptions({
    // workerd's output, kept for the error message when the Worker fails to start.
    handleStructuredLogs: ({ message }) => (log = `${log}${message}\n`.slice(-4000)),
    ...(spec.inspect ? { inspectorPort: 0 } : {}),
    workers: [workerOptions(spec)],
  }));
  let unguard = () => undefined;
  const close = async () => {
    await mf.dispose().catch(() => undefined);
    unguard();
    forget();
  };
  const forget = onCleanup(`workerd (${spec.name})`, close);
  try {
    await mf.ready;
    const pids = [...childrenNamed("workerd")].filter((pid) => !before.has(pid));
    if (pids.length !== 1) throw new Error(`expected one new workerd process, found ${pids.length}`);
    const pid = /** @type {number} */ (pids[0]);
    unguard = guardPid(pid, "workerd");
    pinWorker(pid);
    const url = (await mf.unsafeGetDirectURL(spec.name)).href.replace(/\/$/, "");
    const inspectorUrl = spec.inspect ? `${(await mf.getInspectorURL()).href.replace(/\/$/, "")}/core:user:${spec.name}` : undefined;
    return {
      inspectorUrl,
      name: spec.name,
      url,
      pid,
      mf,
      logTail: () => log,
      close: async () => {
        await close();
        if (isAlive(pid, "workerd")) throw new Error(`workerd ${pid} (${spec.name}) outlived dispose()`);
      },
    };
  } catch (err) {
    await close();
    const tail = log.trim().split("\n").slice(-15).join("\n");
    throw new Error(`cannot start ${spec.name} in workerd: ${err instanceof Error ? err.message : err}${tail ? `\n${tail}` : ""}`);
  }
}
