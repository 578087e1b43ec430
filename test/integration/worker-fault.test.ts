/**
 * The Worker's own fault: a Hono app using the middleware, bundled with esbuild and run in workerd,
 * whose handler throws. Not Cloudflare's fault and not the origin's: category `worker`, the owner's
 * to fix, with its own text pointing at `wrangler tail` and the incident log.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordOf } from "../support/incidents";
import { en } from "../../src/core/i18n/en";
import { ko } from "../../src/core/i18n/ko";
import { escapeHtml } from "../../src/site/render/template";
import { COMPATIBILITY_DATE } from "../support/admin-worker";
import { Miniflare } from "../support/miniflare";
import { eventually } from "../support/worker";

let dir: string;
let mf: Miniflare;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "eep-app-"));
  await build({
    entryPoints: [resolve(import.meta.dirname, "../support/apps/throwing-app.ts")],
    outfile: join(dir, "app.js"),
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    external: ["cloudflare:sockets"],
    loader: { ".html": "text" },
    logLevel: "error",
  });
  mf = new Miniflare({
    modules: true,
    scriptPath: join(dir, "app.js"),
    compatibilityDate: COMPATIBILITY_DATE,
    kvNamespaces: { INCIDENTS: "incidents" },
    handleRuntimeStdio(stdout, stderr) {
      stdout.resume();
      stderr.resume();
    },
  });
  await mf.ready;
});
afterAll(async () => {
  await mf?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const get = (path: string, headers: Record<string, string>) => mf.dispatchFetch(`https://app.example.com${path}`, { headers }) as unknown as Promise<Response>;

async function record(ray: string): Promise<Record<string, unknown>> {
  const kv = await mf.getKVNamespace("INCIDENTS");
  return JSON.parse(await eventually(() => recordOf(kv, ray), `record ${ray}`));
}

describe("an exception in the app's handler", () => {
  it("rule worker_exception: JSON says category worker, the owner's to fix, on the edge hop", async () => {
    const ray = "0000000000000f01";
    const res = await get("/type-error", { accept: "application/json", "cf-ray": ray });
    expect(res.status).toBe(500);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ error_code: 500, error_category: "worker", hop: "edge", owner_action_required: true, owner_checks: en.workerFault.owner });
    expect(body.error_category).not.toBe("cloudflare");
    expect(JSON.stringify(body)).not.toContain("TypeError");
    const r = await record(ray);
    expect(r).toMatchObject({ error_code: 500, error_category: "worker", kind: "worker_fault", rule: "worker_exception", evidence: { source: "fault", errorName: "TypeError" } });
    expect(String((r.evidence as Record<string, unknown>).stack)).toContain("TypeError");
  });

  it.each([
    ["en", en],
    ["ko", ko],
  ] as const)("the page in %s says this site's Worker failed, and where to look", async (lang, m) => {
    const res = await get(`/type-error?lang=${lang}`, { accept: "text/html" });
    expect(res.status).toBe(500);
    const page = await res.text();
    expect(page).toContain(escapeHtml(m.workerFault.happened));
    for (const line of m.workerFault.owner) expect(page).toContain(escapeHtml(line));
    expect(page).toContain("wrangler tail");
    expect(page).not.toContain(escapeHtml(m.edgeVariants[500].happened));
  });

  it("a thrown non-Error value is the Worker's fault too", async () => {
    const ray = "0000000000000f02";
    const res = await get("/throw-string", { accept: "application/json", "cf-ray": ray });
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ error_category: "worker", owner_action_required: true });
    expect(await record(ray)).toMatchObject({ rule: "worker_exception", evidence: { errorMessage: "plain string" } });
  });

  it("a healthy handler is untouched", async () => {
    const res = await get("/ok", {});
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("fine");
  });
});
