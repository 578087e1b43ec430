/**
 * scripts/kv-placeholder.mjs: a dry-run with the all-zero KV id gets a note saying it is a
 * placeholder; a deploy with it stops with what to do; a real id passes silently.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const SCRIPT = resolve(import.meta.dirname, "../../scripts/kv-placeholder.mjs");
const ZEROS = "0".repeat(32);
const dirs: string[] = [];

function withConfigs(siteId: string, adminId: string): string {
  const dir = mkdtempSync(join(tmpdir(), "eep-kv-"));
  dirs.push(dir);
  const toml = (name: string, id: string) => `name = "${name}"\n\n[[kv_namespaces]]\nbinding = "INCIDENTS"\nid = "${id}"\n`;
  writeFileSync(join(dir, "wrangler.toml"), toml("site", siteId));
  writeFileSync(join(dir, "wrangler.admin.toml"), toml("admin", adminId));
  return dir;
}

const run = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [SCRIPT, ...args], { cwd, encoding: "utf8" });

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("the KV id placeholder check", () => {
  it("a dry-run with the all-zero id gets a note naming the placeholder and the fix, and goes on", () => {
    const r = run(withConfigs(ZEROS, ZEROS));
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("all-zero placeholder");
    expect(r.stderr).toContain("wrangler.toml and wrangler.admin.toml");
    expect(r.stderr).toContain("npx wrangler kv namespace create INCIDENTS");
  });

  it("a deploy with it stops, naming the config that still has it", () => {
    const r = run(withConfigs("a".repeat(32), ZEROS), "--deploy");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("in wrangler.admin.toml is the all-zero placeholder");
  });

  it("real ids pass without a word", () => {
    const r = run(withConfigs("a".repeat(32), "a".repeat(32)), "--deploy");
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
  });
});
