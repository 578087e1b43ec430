/**
 * `npm run build` and `npm run deploy` check every var of both configs before wrangler runs. The
 * real npm scripts run in a copy of the project whose configs the test edits; only wrangler is
 * replaced (by a stub on the PATH npm builds, which notes its arguments), so nothing is built or
 * deployed, and the stub's log shows whether wrangler was reached at all.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runProcess } from "../support/run-process";

const ROOT = resolve(import.meta.dirname, "../..");
const projects: string[] = [];

/** A copy of the project (configs and package.json copied, the rest linked) with wrangler stubbed. */
function project(edit: { site?: (toml: string) => string; admin?: (toml: string) => string } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "check-config-"));
  projects.push(dir);
  copyFileSync(join(ROOT, "package.json"), join(dir, "package.json"));
  // A real-looking KV id: the placeholder check (its own test) would otherwise stop every deploy here.
  const withId = (toml: string) => toml.replaceAll('id = "00000000000000000000000000000000"', 'id = "0123456789abcdef0123456789abcdef"');
  writeFileSync(join(dir, "wrangler.toml"), (edit.site ?? String)(withId(readFileSync(join(ROOT, "wrangler.toml"), "utf8"))));
  writeFileSync(join(dir, "wrangler.admin.toml"), (edit.admin ?? String)(withId(readFileSync(join(ROOT, "wrangler.admin.toml"), "utf8"))));
  for (const linked of ["src", "scripts", "templates", "tsconfig.json"]) symlinkSync(join(ROOT, linked), join(dir, linked));
  mkdirSync(join(dir, "node_modules/.bin"), { recursive: true });
  for (const entry of readdirSync(join(ROOT, "node_modules"))) if (entry !== ".bin") symlinkSync(join(ROOT, "node_modules", entry), join(dir, "node_modules", entry));
  for (const bin of readdirSync(join(ROOT, "node_modules/.bin"))) if (bin !== "wrangler") symlinkSync(join(ROOT, "node_modules/.bin", bin), join(dir, "node_modules/.bin", bin));
  const stub = join(dir, "node_modules/.bin/wrangler");
  writeFileSync(stub, `#!/bin/sh\necho "wrangler $*" >> "${join(dir, "wrangler-calls.log")}"\n`);
  chmodSync(stub, 0o755);
  return dir;
}

const wranglerCalls = (dir: string): string[] => {
  const log = join(dir, "wrangler-calls.log");
  return existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : [];
};

const npmRun = (dir: string, script: string) =>
  runProcess("npm", ["run", "--silent", script], { cwd: dir, env: { ...process.env, CI: "true", npm_config_update_notifier: "false" }, killAfterMs: 60_000 });

/** Sets `lines` (`NAME = value`) in the `[vars]` table of a config, replacing a var already there. */
const withVars =
  (...lines: string[]) =>
  (toml: string) => {
    const names = lines.map((l) => l.split("=")[0]!.trim());
    const kept = toml.split("\n").filter((l) => !names.includes(l.split("=")[0]!.trim()));
    return kept.join("\n").replace(/^\[vars\]\n/m, `[vars]\n${lines.join("\n")}\n`);
  };

afterEach(() => {
  for (const dir of projects.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("npm run build / deploy check the vars first", () => {
  it("the configs as shipped pass, and wrangler then builds both Workers", async () => {
    const dir = project();
    const r = await npmRun(dir, "build");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(wranglerCalls(dir)).toEqual(["wrangler deploy --dry-run --outdir dist/site", "wrangler deploy --dry-run -c wrangler.admin.toml --outdir dist/admin"]);
  });

  it.each(["build", "deploy"])("npm run %s refuses the same bad vars the site Worker would fall back from, naming each, before wrangler runs", async (script) => {
    const dir = project({ site: withVars('PROBE_TIMEOUT_MS = "abc"', 'DEFAULT_LOCALE = "fr"', "INCIDENT_WINDOW_S = 25") });
    const r = await npmRun(dir, script);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('wrangler.toml [vars]: PROBE_TIMEOUT_MS must be a number from 1 to 30000, got "abc"');
    expect(r.stderr).toContain('wrangler.toml [vars]: DEFAULT_LOCALE must be "en" or "ko", got "fr"');
    expect(r.stderr).toContain('wrangler.toml [vars]: INCIDENT_WINDOW_S must be a number from 1 to 20, got "25"');
    expect(r.stderr).toContain("3 invalid var(s)");
    expect(wranglerCalls(dir)).toEqual([]);
  });

  it("the admin Worker's config and every environment are checked too", async () => {
    const dir = project({
      site: (toml) => `${toml}\n[env.staging.vars]\nADMIN_PATH = "//ops"\n`,
      admin: withVars('DEFAULT_LOCALE = "de"'),
    });
    const r = await npmRun(dir, "deploy");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/^wrangler\.toml \[env\.staging\.vars\]: ADMIN_PATH must be a plain absolute path .*got "\/\/ops"/m);
    expect(r.stderr).toMatch(/^wrangler\.admin\.toml \[vars\]: DEFAULT_LOCALE must be "en" or "ko", got "de"/m);
    expect(wranglerCalls(dir)).toEqual([]);
  });

  it("an unparsable ORIGIN_URL and a token among the vars are refused", async () => {
    const dir = project({ site: withVars('ORIGIN_URL = "origin.example.com"'), admin: withVars('ADMIN_TOKEN = "a-token-in-plain-text-0123456789"') });
    const r = await npmRun(dir, "build");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('wrangler.toml [vars]: ORIGIN_URL must be an absolute http(s) URL, got "origin.example.com"');
    expect(r.stderr).toMatch(/^wrangler\.admin\.toml \[vars\]: ADMIN_TOKEN is a secret: remove it from \[vars\]/m);
    expect(r.stderr).not.toContain("a-token-in-plain-text");
    expect(wranglerCalls(dir)).toEqual([]);
  });

  it("a var no Worker reads is a warning, not a stop; valid TOML numbers pass", async () => {
    const dir = project({ site: withVars('PROBE_TIMEOUT_M = "100"', "PROBE_TIMEOUT_MS = 2000", "STORE_QUERY = false") });
    const r = await npmRun(dir, "deploy");
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("wrangler.toml [vars]: warning: PROBE_TIMEOUT_M is not a var the site Worker reads");
    // The admin Worker first: the site Worker's service binding needs it.
    expect(wranglerCalls(dir)).toEqual(["wrangler deploy -c wrangler.admin.toml", "wrangler deploy"]);
  });
});
