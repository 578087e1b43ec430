// @ts-check
/**
 * Builds the deployable bundle exactly as a deploy does (`wrangler deploy --dry-run --outdir`)
 * and measures it the way wrangler does: every uploaded module (the entry plus the text
 * modules, no source map) concatenated, then gzipped.
 */
import { execFile } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { ROOT } from "./workers.mjs";

/**
 * @typedef {object} Bundle
 * @property {string} dir
 * @property {string} entry        path of index.js
 * @property {{ name: string, bytes: number }[]} modules
 * @property {number} bytes        all modules, uncompressed
 * @property {number} gzipBytes    all modules concatenated and gzipped (wrangler's "gzip:" figure)
 * @property {string | undefined} wranglerReport  wrangler's own "Total Upload" line
 * @property {number} ms           how long the build took
 * @property {{ group: string, bytes: number }[]} composition  what the entry module is made of,
 *   by source group (bytes in the minified output)
 */

/** The source group a bundled module belongs to, for the composition table. @param {string} path */
function groupOf(path) {
  if (path.startsWith("node_modules/hono/")) return "hono";
  if (path.startsWith("node_modules/")) return path.split("/").slice(0, 2).join("/");
  const m = /^src\/(admin|core|site\/render|site\/record|site|ledger)\//.exec(path);
  if (m) return `src/${m[1]}/`;
  if (path.startsWith("src/")) return "src/ (other)";
  return path.split("/")[0] ?? path;
}

/**
 * What the entry module is made of, from esbuild's metafile: the bytes each source group
 * contributes to the (minified) output.
 * @param {string} metafile @param {string} entryName
 * @returns {{ group: string, bytes: number }[]}
 */
function composition(metafile, entryName) {
  /** @type {{ outputs: Record<string, { inputs?: Record<string, { bytesInOutput: number }> }> }} */
  const meta = JSON.parse(readFileSync(metafile, "utf8"));
  const entry = Object.entries(meta.outputs).find(([name]) => name.endsWith(`/${entryName}`) || name === entryName)?.[1];
  /** @type {Map<string, number>} */
  const groups = new Map();
  for (const [path, input] of Object.entries(entry?.inputs ?? {})) {
    const group = groupOf(path);
    groups.set(group, (groups.get(group) ?? 0) + input.bytesInOutput);
  }
  return [...groups].map(([group, bytes]) => ({ group, bytes })).sort((a, b) => b.bytes - a.bytes);
}

/**
 * @param {string} outdir
 * @param {{ config?: string, minify?: boolean }} [o]  config: the wrangler config to build (default
 *   wrangler.toml); minify: false for readable function and module names in CPU profiles (default:
 *   as the config says)
 * @returns {Promise<Bundle>}
 */
export async function buildBundle(outdir, o = {}) {
  rmSync(outdir, { recursive: true, force: true }); // wrangler never removes old modules
  const wrangler = resolve(ROOT, "node_modules/.bin/wrangler");
  // Beside the output, not in it: everything in outdir counts as uploaded.
  const metafile = `${outdir}.meta.json`;
  const started = Date.now();
  const output = await new Promise((resolvePromise, reject) => {
    execFile(
      wrangler,
      ["deploy", "--dry-run", "--outdir", outdir, "--metafile", metafile, ...(o.config ? ["-c", o.config] : []), ...(o.minify === false ? ["--minify=false"] : [])],
      { cwd: ROOT, env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1", FORCE_COLOR: "0" }, timeout: 120_000 },
      (err, stdout, stderr) => (err ? reject(new Error(`wrangler build failed: ${stderr || err.message}`)) : resolvePromise(stdout + stderr)),
    );
  });
  const ms = Date.now() - started;
  // wrangler names the entry after the config's `main` (src/site/index.ts → index.js).
  const entryName = readdirSync(outdir).find((n) => n.endsWith(".js"));
  if (!entryName) throw new Error(`wrangler produced no entry module in ${outdir}`);
  const entry = resolve(outdir, entryName);
  // Uploaded: the entry and every module it imports (text modules sit beside it); not maps or READMEs.
  const names = readdirSync(outdir).filter((n) => !n.endsWith(".map") && n !== "README.md");
  const ordered = [...names.filter((n) => n !== entryName), entryName]; // wrangler's order: modules, then main
  const contents = ordered.map((n) => readFileSync(resolve(outdir, n)));
  const all = Buffer.concat(contents);
  return {
    dir: outdir,
    entry,
    modules: ordered.map((name, i) => ({ name, bytes: /** @type {Buffer} */ (contents[i]).length })),
    bytes: all.length,
    gzipBytes: gzipSync(all).length,
    wranglerReport: /Total Upload:[^\n]*/.exec(String(output).replace(/\x1b\[[0-9;]*m/g, ""))?.[0],
    ms,
    composition: composition(metafile, entryName),
  };
}
