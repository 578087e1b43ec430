// @ts-check
/**
 * `npm run build:lib`: the installable package in dist/lib, the same bytes on every run.
 *
 * - One ES module per entry in ENTRIES, bundled by esbuild with code-splitting, so what two
 *   entries share is one chunk and an app that imports only the middleware gets no dashboard.
 *   Hono stays an import (a peer dependency); the page templates and the texts are compiled in
 *   (`.html` as a string), so a consumer's plain wrangler build needs no Text rule.
 * - `.d.ts` from tsc beside them (dist/lib/types), named per entry in package.json "exports".
 * - A check that package.json "exports" names exactly these entries, so the two cannot drift.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { build } from "esbuild";

const ROOT = resolve(import.meta.dirname, "..");
const OUT = resolve(ROOT, "dist/lib");

/**
 * The package's entry points: export subpath → source. An entry whose source is not there yet is
 * skipped (and must then be absent from "exports"); adding its source and its "exports" line is
 * all it takes to ship it.
 */
const ENTRIES = {
  ".": "src/package/index.ts",
  "./proxy": "src/package/proxy.ts",
  "./classify": "src/package/classify.ts",
  "./worker": "src/package/worker.ts",
  "./admin": "src/package/admin.ts",
  // The incident ledger's Durable Object class, for the Worker's `[[durable_objects]]` binding.
  "./ledger": "src/package/ledger.ts",
};

const outName = (/** @type {string} */ subpath) => (subpath === "." ? "index" : subpath.slice(2));
const present = Object.entries(ENTRIES).filter(([, source]) => existsSync(resolve(ROOT, source)));

function checkExports() {
  const pkg = JSON.parse(readFileSync(resolve(ROOT, "package.json"), "utf8"));
  const listed = Object.keys(pkg.exports ?? {}).filter((key) => key !== "./package.json").sort();
  const built = present.map(([subpath]) => subpath).sort();
  for (const [subpath] of present) {
    const want = { types: `./dist/lib/types/${ENTRIES[/** @type {keyof ENTRIES} */ (subpath)].replace(/\.ts$/, ".d.ts")}`, default: `./dist/lib/${outName(subpath)}.js` };
    const got = pkg.exports?.[subpath];
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      throw new Error(`package.json "exports"["${subpath}"] must be ${JSON.stringify(want)}, is ${JSON.stringify(got)}`);
    }
  }
  if (listed.join() !== built.join()) throw new Error(`package.json "exports" lists ${listed.join(", ")}; the build makes ${built.join(", ")}`);
}

checkExports();
rmSync(OUT, { recursive: true, force: true });
await build({
  absWorkingDir: ROOT,
  entryPoints: present.map(([subpath, source]) => ({ in: source, out: outName(subpath) })),
  outdir: OUT,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  chunkNames: "chunks/[name]-[hash]",
  external: ["hono", "hono/*", "cloudflare:*"],
  loader: { ".html": "text" },
  // Readable output: the consumer's bundler minifies; names stay for stack traces.
  minify: false,
  legalComments: "none",
  logLevel: "warning",
});
execFileSync(resolve(ROOT, "node_modules/.bin/tsc"), ["-p", "tsconfig.lib.json"], { cwd: ROOT, stdio: "inherit" });
console.error(`dist/lib: ${present.map(([subpath]) => subpath).join(", ")}`);
