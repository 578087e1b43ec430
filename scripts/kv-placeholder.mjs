// @ts-check
/**
 * Before `npm run build` and `npm run deploy`: says when a wrangler config still has the all-zero
 * KV namespace id it ships with. A dry-run (build) works with it and only gets a note; a deploy
 * would fail at Cloudflare with an unhelpful error, so it stops here with what to do instead.
 *
 *   node scripts/kv-placeholder.mjs            a note, exit 0
 *   node scripts/kv-placeholder.mjs --deploy   an error, exit 1
 *
 * Reads wrangler.toml and wrangler.admin.toml in the current directory.
 */
import { existsSync, readFileSync } from "node:fs";

const CONFIGS = ["wrangler.toml", "wrangler.admin.toml"];
const PLACEHOLDER = /^\s*id\s*=\s*"0{32}"/m;

const deploying = process.argv.includes("--deploy");
const found = CONFIGS.filter((file) => existsSync(file) && PLACEHOLDER.test(readFileSync(file, "utf8")));

if (found.length > 0) {
  const where = found.join(" and ");
  /** @param {string} lead */
  const fix = (lead) => `${lead} it with \`npx wrangler kv namespace create INCIDENTS\` and put the id it prints in place of the zeros in ${CONFIGS.join(" and ")} (the same id in both).`;
  if (deploying) {
    console.error(`✘ The INCIDENTS KV namespace id in ${where} is the all-zero placeholder, not a namespace of yours. ${fix("Create")}`);
    process.exit(1);
  }
  console.error(`Note: the INCIDENTS KV namespace id in ${where} is the all-zero placeholder. That is fine for this dry-run and for \`npm start\` (local KV); before deploying, ${fix("create")}`);
}
