// @ts-check
/**
 * A CPU profile of the Worker's isolate in workerd, taken through Miniflare's inspector with
 * the DevTools protocol while load runs, and summed up per function. Used by `--profile` to find
 * where the time of a request goes; the raw profile is saved for DevTools ("Load profile").
 */
import { createRequire } from "node:module";

// `ws` comes with Miniflare (Node 20 has no WebSocket client without a flag).
const WebSocket = createRequire(import.meta.resolve("miniflare"))("ws");

/**
 * @typedef {object} ProfileNode
 * @property {number} id
 * @property {{ functionName: string, url: string, lineNumber: number, columnNumber: number }} callFrame
 * @property {number[]} [children]
 */
/** @typedef {{ nodes: ProfileNode[], samples: number[], timeDeltas: number[], startTime: number, endTime: number }} Profile */

/**
 * Profiles the isolate behind `inspectorUrl` while `during()` runs.
 * @template T
 * @param {string} inspectorUrl
 * @param {() => Promise<T>} during
 * @param {number} [intervalUs]
 * @returns {Promise<{ profile: Profile, result: T }>}
 */
export async function profileWhile(inspectorUrl, during, intervalUs = 100) {
  const ws = new WebSocket(inspectorUrl);
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  let nextId = 1;
  /** @type {Map<number, { resolve: (v: any) => void, reject: (e: Error) => void }>} */
  const pending = new Map();
  ws.on("message", (/** @type {Buffer} */ data) => {
    const msg = JSON.parse(String(data));
    const waiter = msg.id !== undefined ? pending.get(msg.id) : undefined;
    if (!waiter) return;
    pending.delete(msg.id);
    if (msg.error) waiter.reject(new Error(`${msg.error.message}`));
    else waiter.resolve(msg.result);
  });
  /** @param {string} method @param {object} [params] @returns {Promise<any>} */
  const send = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      ws.send(JSON.stringify({ id, method, params }));
    });
  try {
    await send("Profiler.enable");
    await send("Profiler.setSamplingInterval", { interval: intervalUs });
    await send("Profiler.start");
    const result = await during();
    const { profile } = await send("Profiler.stop");
    return { profile, result };
  } finally {
    ws.close();
  }
}

/**
 * @typedef {object} ProfileSummary
 * @property {number} totalMs   sampled wall time
 * @property {number} busyMs    time not idle
 * @property {{ name: string, selfMs: number, totalMs: number }[]} top  by self time, then inclusive
 * @property {{ name: string, totalMs: number }[]} topInclusive
 * @property {{ module: string, ms: number }[]} byModule  time per source module of the bundle,
 *   native calls (fetch, new Request, setTimeout…) charged to the module that made them
 */

/**
 * Where each module of an unminified esbuild bundle starts: esbuild writes a `// path` comment
 * line before every module's code.
 * @param {string} bundle
 * @returns {(line: number) => string} 1-based line → module path
 */
export function moduleLocator(bundle) {
  /** @type {[number, string][]} */
  const starts = [];
  bundle.split("\n").forEach((text, i) => {
    const m = /^\/\/ ((?:src|node_modules|templates|bench)\/\S+)$/.exec(text);
    if (m?.[1]) starts.push([i + 1, m[1].replace(/^node_modules\/(hono)\/dist\//, "$1/")]);
  });
  return (line) => {
    let lo = 0;
    let hi = starts.length - 1;
    let found = "(bundle prelude)";
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [start, name] = /** @type {[number, string]} */ (starts[mid]);
      if (start <= line) {
        found = name;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
}

/**
 * Self and inclusive time per function (recursion counted once per sample).
 * @param {Profile} profile
 * @param {number} intervalUs the sampling interval the profile was taken with
 * @param {number} [limit]
 * @param {(line: number) => string} [locate] line of the bundle → module (see moduleLocator)
 * @returns {ProfileSummary}
 */
export function summarizeProfile(profile, intervalUs, limit = 25, locate = () => "(bundle)") {
  /** @type {Map<number, ProfileNode>} */
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  /** @type {Map<number, number>} */
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  /** @param {ProfileNode} n */
  const key = (n) => {
    const f = n.callFrame;
    const where = f.url ? ` ${f.url.replace(/^.*\//, "")}:${f.lineNumber + 1}` : "";
    return `${f.functionName || "(anonymous)"}${where}`;
  };
  /** @type {Map<string, number>} */
  const modules = new Map();
  /** @param {ProfileNode} leaf */
  const moduleOf = (leaf) => {
    for (let id = /** @type {number | undefined} */ (leaf.id); id !== undefined; id = parent.get(id)) {
      const f = /** @type {ProfileNode} */ (byId.get(id)).callFrame;
      if (f.url && f.lineNumber >= 0) return locate(f.lineNumber + 1);
    }
    const name = leaf.callFrame.functionName;
    // A native with no JavaScript caller: the runtime resolving promises and firing timers.
    if (!name) return "(native, no JS caller)";
    return name.startsWith("(") ? name : `(native: ${name})`;
  };
  /** @type {Map<string, number>} */
  const self = new Map();
  /** @type {Map<string, number>} */
  const total = new Map();
  let totalUs = 0;
  let idleUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    // Each sample counts as one sampling interval. (Weighting by the gap to the next sample, as
    // DevTools does, lets one late sample on a busy machine take tens of ms of blame.)
    const us = intervalUs;
    const node = byId.get(/** @type {number} */ (profile.samples[i]));
    if (!node) continue;
    totalUs += us;
    const k = key(node);
    if (node.callFrame.functionName === "(idle)") {
      idleUs += us;
      continue;
    }
    self.set(k, (self.get(k) ?? 0) + us);
    const mod = moduleOf(node);
    modules.set(mod, (modules.get(mod) ?? 0) + us);
    const seen = new Set();
    for (let id = /** @type {number | undefined} */ (node.id); id !== undefined; id = parent.get(id)) {
      const n = /** @type {ProfileNode} */ (byId.get(id));
      const nk = key(n);
      if (seen.has(nk) || nk === "(root)") continue;
      seen.add(nk);
      total.set(nk, (total.get(nk) ?? 0) + us);
    }
  }
  const top = [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, us]) => ({ name, selfMs: us / 1000, totalMs: (total.get(name) ?? us) / 1000 }));
  const topInclusive = [...total]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, us]) => ({ name, totalMs: us / 1000 }));
  const byModule = [...modules].sort((a, b) => b[1] - a[1]).map(([module, us]) => ({ module, ms: us / 1000 }));
  return { totalMs: totalUs / 1000, busyMs: (totalUs - idleUs) / 1000, top, topInclusive, byModule };
}
