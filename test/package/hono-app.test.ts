/**
 * The package as another app gets it: `npm pack` makes the tarball, which is unpacked into a temp
 * copy of examples/hono-app the way npm installs it (hono and wrangler come from this repository's
 * node_modules: nothing is fetched), built by wrangler from its own plain config (no Text rule),
 * and run in workerd in front of real loopback upstreams.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOrigins } from "../../demo/origin.mjs";
import { COMPATIBILITY_DATE } from "../support/admin-worker";
import { Miniflare } from "../support/miniflare";
import { eventually } from "../support/worker";

const ROOT = resolve(import.meta.dirname, "../..");
const EXAMPLE = resolve(ROOT, "examples/hono-app");
const BASE = "https://shop.example.com";

let dir: string;
let bundle: string;
let packed: { name: string; version: string; files: { path: string }[] };
let origins: Awaited<ReturnType<typeof startOrigins>>;
let mf: Miniflare;

const run = (cmd: string, args: string[], cwd: string): string =>
  execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" } });

/** Unpacks the tarball into node_modules/<name>, as npm installs a `file:` tarball dependency. */
function install(tarball: string, into: string): void {
  const target = join(into, "node_modules", packed.name);
  mkdirSync(target, { recursive: true });
  run("tar", ["-xzf", tarball, "-C", target, "--strip-components=1"], into);
  for (const dep of ["hono", "@cloudflare/workers-types"]) {
    mkdirSync(dirname(join(into, "node_modules", dep)), { recursive: true });
    symlinkSync(resolve(ROOT, "node_modules", dep), join(into, "node_modules", dep), "dir");
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "eep-hono-app-"));
  // prepack (the library build) may print before npm's JSON report: read from where it starts.
  const out = run("npm", ["pack", "--json", "--pack-destination", dir], ROOT);
  const [info] = JSON.parse(out.slice(out.search(/^\[/m))) as [typeof packed & { filename: string }];
  packed = info;
  const app = join(dir, "app");
  cpSync(EXAMPLE, app, { recursive: true, filter: (src) => !/[/\\](node_modules|dist|\.wrangler)$/.test(src) });
  install(join(dir, info.filename), app);
  run(resolve(ROOT, "node_modules/.bin/wrangler"), ["deploy", "--dry-run", "--outdir", "dist"], app);
  bundle = join(app, "dist/index.js");
  origins = await startOrigins();
  mf = new Miniflare({
    handleRuntimeStdio: (out, err) => {
      out.resume();
      err.resume();
    },
    modules: true,
    scriptPath: bundle,
    compatibilityDate: COMPATIBILITY_DATE,
    bindings: { UPSTREAM_URL: origins.http },
    kvNamespaces: { INCIDENTS: "incidents" },
  });
  await mf.ready;
}, 180_000);

afterAll(async () => {
  await mf?.dispose();
  await origins?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let rays = 0;
/** A request with its own well-formed cf-ray, so the test knows the Ray ID the page and record carry. */
const get = (path: string, accept = "text/html") => {
  const ray = (0xeea0000000000000n + BigInt(++rays)).toString(16);
  return mf.dispatchFetch(BASE + path, { headers: { accept, "cf-ray": ray } });
};

async function incidentFor(rayId: string): Promise<Record<string, unknown>> {
  const kv = await mf.getKVNamespace("INCIDENTS");
  // Records are `r:<ray>:<uid>`: Ray IDs are not promised unique, so one may have several.
  return eventually(async () => {
    const { keys } = await kv.list({ prefix: `r:${rayId}:` });
    return keys[0] ? ((await kv.get(keys[0].name, "json")) as Record<string, unknown> | null) ?? undefined : undefined;
  }, `incident ${rayId}`);
}

/** The error page: our status, our headers, our markup, a Ray ID; returns the Ray ID. */
async function expectPage(res: Response, code: number): Promise<{ body: string; rayId: string }> {
  expect(res.status).toBe(code);
  expect(res.headers.get("cache-control")).toBe("no-store");
  expect(res.headers.get("content-type")).toMatch(/^text\/html/);
  const body = await res.text();
  expect(body).toContain("Example Shop");
  const rayId = (0xeea0000000000000n + BigInt(rays)).toString(16);
  expect(body).toContain(rayId);
  return { body, rayId };
}

describe("the packed package", () => {
  it("ships compiled ESM and .d.ts for each entry, the templates, and no TypeScript sources to run", () => {
    const files = packed.files.map((f) => f.path);
    for (const entry of ["index", "proxy", "classify", "worker", "admin"]) {
      expect(files).toContain(`dist/lib/${entry}.js`);
      expect(files).toContain(`dist/lib/types/src/package/${entry}.d.ts`);
    }
    expect(files).toContain("templates/page.html");
    expect(files.filter((f) => f.startsWith("src/"))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(dir, "app/node_modules", packed.name, "package.json"), "utf8"));
    expect(manifest.sideEffects).toBe(false);
    expect(manifest.peerDependencies).toHaveProperty("hono");
    expect(manifest.dependencies ?? {}).toEqual({});
  });

  it("its types check in the app: errorPages, its options and proxy as the app uses them", () => {
    // Throws with tsc's report when the shipped .d.ts do not resolve or do not fit.
    run(resolve(ROOT, "node_modules/.bin/tsc"), ["-p", "tsconfig.json"], join(dir, "app"));
  });

  it("every entry's .d.ts checks on its own (skipLibCheck off), with no global Env of the app's", () => {
    // The app declares no `Env`: types that lean on this repository's generated globals fail here.
    const app = join(dir, "app");
    writeFileSync(
      join(app, "entries.ts"),
      [
        'import { errorPages } from "edge-error-pages";',
        'import { fetchOrigin } from "edge-error-pages/proxy";',
        'import { classify } from "edge-error-pages/classify";',
        'import site, { createApp, IncidentLedger, loadConfig, type SiteBindings } from "edge-error-pages/worker";',
        'import admin, { createAdminApp, type AdminBindings } from "edge-error-pages/admin";',
        'import * as ledger from "edge-error-pages/ledger";',
        "declare const kv: KVNamespace;",
        "const bindings: SiteBindings = { INCIDENTS: kv };",
        'const adminBindings: AdminBindings = { INCIDENTS: kv, ADMIN_TOKEN: "t".repeat(32) };',
        "export const used = [errorPages, fetchOrigin, classify, site.fetch, createApp, IncidentLedger, loadConfig, admin, createAdminApp, ledger, bindings, adminBindings];",
        "",
      ].join("\n"),
    );
    writeFileSync(join(app, "tsconfig.entries.json"), JSON.stringify({ extends: "./tsconfig.json", compilerOptions: { skipLibCheck: false }, include: ["entries.ts"] }));
    run(resolve(ROOT, "node_modules/.bin/tsc"), ["-p", "tsconfig.entries.json"], app);
  });

  it("bundles only what the app imports: the middleware and proxy, not the owner's dashboard", () => {
    const code = readFileSync(bundle, "utf8");
    expect(code).toContain("Connection timed out"); // the page texts came along
    expect(code).not.toContain("createAdminApp");
    expect(code).not.toContain("admin_misconfigured");
  });
});

describe("examples/hono-app in workerd", () => {
  it("its own routes answer as before", async () => {
    const res = await get("/");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("Welcome to the example shop");
    const item = await get("/api/items/1", "application/json");
    expect(await item.json()).toEqual({ id: 1, name: "Teapot" });
  });

  it("keeps its own errors below 500: a 404 and 400 JSON, and an HTTPException 401", async () => {
    const missing = await get("/api/items/7", "application/json");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: "not_found", detail: "no item 7" });
    const bad = await get("/api/items/x");
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: "bad_id" });
    const account = await get("/account");
    expect(account.status).toBe(401);
    expect(await account.text()).toBe("sign in first");
  });

  it("a thrown error gets the 500 page; the message goes to the incident record only", async () => {
    const { body, rayId } = await expectPage(await get("/report"), 500);
    expect(body).not.toContain("division by zero");
    const record = await incidentFor(rayId);
    expect(record).toMatchObject({ ray_id: rayId, error_code: 500, path: "/report" });
    expect(JSON.stringify(record)).toContain("division by zero");
  });

  it("a failing upstream gets the page for its code, as problem+json for API clients too", async () => {
    await expectPage(await get("/status/502"), 502);
    const json = await get("/status/503", "application/problem+json");
    expect(json.status).toBe(503);
    expect(json.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(await json.json()).toMatchObject({ status: 503, error_code: 503 });
  });

  it("an upstream that sends garbage gets the 520 page and is recorded", async () => {
    const { rayId } = await expectPage(await get("/garbage"), 520);
    expect(await incidentFor(rayId)).toMatchObject({ ray_id: rayId, error_code: 520, path: "/garbage" });
  });

  it("a healthy upstream passes through unchanged, its own 404 included", async () => {
    const ok = await get("/ok");
    expect(ok.status).toBe(200);
    expect(ok.headers.get("cache-control")).not.toBe("no-store");
    const missing = await get("/not-found");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("x-origin")).toBe("demo");
    expect(await missing.text()).toContain("<h1>custom 404</h1>");
  });
});
