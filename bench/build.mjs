// @ts-check
/**
 * Builds the deployable bundle exactly as a deploy does (`wrangler deploy --dry-run --outdir`)
 * and measures it the way wrangler does: every uploaded module (the entry plus the text
 * modules, no source map) concatenated, then gzipped.
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
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
 * @property {{ group: string, bytes: number, gzipBytes: number }[]} composition  what the entry
 *   module is made of, by source group; gzipBytes gzips each group on its own (so they add up to
 *   a little more than the whole)
 */

/** The source group a bundled module belongs to, for the composition table. @param {string} path */
function groupOf(path) {
  if (path.startsWith("node_modules/hono/")) return "hono";
  if (path.startsWith("node_modules/")) return path.split("/").slice(0, 2).join("/");
  const m = /^src\/(admin|i18n|render|incidents)\//.exec(path);
  if (m) return `src/${m[1]}/`;
  if (path.startsWith("src/")) return "src/ (other)";
  return path.split("/")[0] ?? path;
}

/**
 * Splits an unminified esbuild bundle at its `// path` module comments.
 * @param {string} code
 * @returns {{ group: string, bytes: number, gzipBytes: number }[]}
 */
function composition(code) {
  /** @type {Map<string, string[]>} */
  const groups = new Map();
  let current = "(bundle prelude)";
  for (const line of code.split("\n")) {
    const m = /^\/\/ ((?:src|node_modules|templates)\/\S+)$/.exec(line);
    if (m?.[1]) current = groupOf(m[1]);
    const list = groups.get(current) ?? [];
    list.push(line);
    groups.set(current, list);
  }
  return [...groups]
    .map(([group, lines]) => {
      const text = Buffer.from(lines.join("\n"));
      return { group, bytes: text.length, gzipBytes: gzipSync(text).length };
    })
    .sort((a, b) => b.bytes - a.bytes);
}

/**
 * @param {string} outdir
 * @param {{ minify?: boolean }} [o]  minify: what `minify = true` in wrangler.toml would give
 * @returns {Promise<Bundle>}
 */
export async function buildBundle(outdir, o = {}) {
  rmSync(outdir, { recursive: true, force: true }); // wrangler never removes old modules
  const wrangler = resolve(ROOT, "node_modules/.bin/wrangler");
  const started = Date.now();
  const output = await new Promise((resolvePromise, reject) => {
    execFile(
      wrangler,
      ["deploy", "--dry-run", "--outdir", outdir, ...(o.minify ? ["--minify"] : [])],
      { cwd: ROOT, env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1", FORCE_COLOR: "0" }, timeout: 120_000 },
      (err, stdout, stderr) => (err ? reject(new Error(`wrangler build failed: ${stderr || err.message}`)) : resolvePromise(stdout + stderr)),
    );
  });
  const ms = Date.now() - started;
  const entry = resolve(outdir, "index.js");
  if (!existsSync(entry)) throw new Error(`wrangler produced no ${entry}`);
  // Uploaded: the entry and every module it imports (text modules sit beside it); not maps or READMEs.
  const names = readdirSync(outdir).filter((n) => !n.endsWith(".map") && n !== "README.md");
  const ordered = [...names.filter((n) => n !== "index.js"), "index.js"]; // wrangler's order: modules, then main
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
    composition: o.minify ? [] : composition(readFileSync(entry, "utf8")),
  };
}
