/**
 * Builds the deployable bundle once per test run with wrangler itself, so integration tests
 * run exactly what `wrangler deploy` would upload.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";

export const BUNDLE_DIR = resolve(import.meta.dirname, "../../dist/test-build");

export default function setup(): void {
  const wrangler = resolve(import.meta.dirname, "../../node_modules/.bin/wrangler");
  execFileSync(wrangler, ["deploy", "--dry-run", "--outdir", BUNDLE_DIR], {
    cwd: resolve(import.meta.dirname, "../.."),
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" },
  });
  if (!existsSync(resolve(BUNDLE_DIR, "index.js"))) throw new Error(`wrangler build produced no ${BUNDLE_DIR}/index.js`);
}
