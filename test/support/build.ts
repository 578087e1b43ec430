/**
 * Builds both deployable bundles once per test run with wrangler itself, so integration tests
 * run exactly what `wrangler deploy` would upload: the site Worker and the admin Worker.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");

/** The site Worker (wrangler.toml): `index.js` and its page template. */
export const BUNDLE_DIR = resolve(ROOT, "dist/test-build");
/** The admin Worker (wrangler.admin.toml): `worker.js`. */
export const ADMIN_BUNDLE_DIR = resolve(ROOT, "dist/test-build-admin");

function build(configArgs: readonly string[], outdir: string, entry: string): void {
  const wrangler = resolve(ROOT, "node_modules/.bin/wrangler");
  execFileSync(wrangler, ["deploy", "--dry-run", ...configArgs, "--outdir", outdir], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" },
  });
  if (!existsSync(resolve(outdir, entry))) throw new Error(`wrangler build produced no ${outdir}/${entry}`);
}

export default function setup(): void {
  build([], BUNDLE_DIR, "index.js");
  build(["-c", "wrangler.admin.toml"], ADMIN_BUNDLE_DIR, "worker.js");
}
