#!/usr/bin/env node
// @ts-check
/**
 * `node scripts/check-config.mjs [config …]`: checks every var of the wrangler configs (default:
 * wrangler.toml and wrangler.admin.toml, their `[vars]` and every `[env.*.vars]`) with the
 * Workers' own loaders, before `npm run build` and `npm run deploy` hand them to wrangler. Exits 1
 * naming each invalid var, so a value the site Worker would replace by its default, or one the
 * admin Worker would refuse to start with, never ships.
 *
 * The loaders are TypeScript: esbuild (which wrangler itself uses) bundles scripts/check-vars.ts
 * in memory. Wrangler's own reader parses the configs, so they are read exactly as deployed.
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(fileURLToPath(import.meta.url), "../..");
const DEFAULT_CONFIGS = ["wrangler.toml", "wrangler.admin.toml"];

/** @returns {Promise<typeof import("./check-vars")>} */
async function loadChecker() {
  const { build } = await import("esbuild");
  const out = await build({
    entryPoints: [resolve(ROOT, "scripts/check-vars.ts")],
    bundle: true,
    format: "esm",
    platform: "neutral",
    write: false,
    logLevel: "silent",
    // As wrangler.toml's Text rule: templates reachable from the loaders are plain text.
    loader: { ".html": "text", ".css": "text", ".txt": "text" },
  });
  const code = out.outputFiles[0]?.text ?? "";
  return import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`);
}

/**
 * The `[vars]` tables of one config: the top level and each environment (wrangler does not
 * inherit vars into environments, so each is checked as it stands).
 * @param {Record<string, any>} raw
 * @returns {[string, Record<string, unknown>][]}
 */
function varTables(raw) {
  /** @type {[string, Record<string, unknown>][]} */
  const tables = [["[vars]", raw.vars ?? {}]];
  for (const [name, env] of Object.entries(raw.env ?? {})) tables.push([`[env.${name}.vars]`, env?.vars ?? {}]);
  return tables;
}

/** The admin Worker is the one whose entry lives in src/admin. @param {Record<string, any>} raw */
const kindOf = (raw) => (/(^|\/)src\/admin\//.test(String(raw.main ?? "")) ? "admin" : "site");

async function main() {
  const files = process.argv.slice(2);
  const configs = (files.length > 0 ? files : DEFAULT_CONFIGS).map((f) => resolve(process.cwd(), f));
  const [{ checkVars }, { experimental_readRawConfig }] = await Promise.all([loadChecker(), import("wrangler")]);
  let errors = 0;
  for (const path of configs) {
    const { rawConfig } = experimental_readRawConfig({ config: path });
    const raw = /** @type {Record<string, any>} */ (rawConfig);
    const kind = kindOf(raw);
    const name = path.startsWith(process.cwd()) ? path.slice(process.cwd().length + 1) : path;
    for (const [table, vars] of varTables(raw)) {
      const result = checkVars(kind, vars);
      for (const e of result.errors) console.error(`${name} ${table}: ${e}`);
      for (const w of result.warnings) console.warn(`${name} ${table}: warning: ${w}`);
      errors += result.errors.length;
    }
  }
  if (errors > 0) {
    console.error(`\n${errors} invalid var(s): fix them before building or deploying (see README.md, "Configuration").`);
    process.exitCode = 1;
  }
}

main().catch((err) => {
  console.error(`check-config: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
