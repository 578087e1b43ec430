/**
 * `npm run incidents` (scripts/incidents.mjs) as a real process against the real Worker,
 * served by Miniflare on a loopback port, with real local KV.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOrigins } from "../../demo/origin.mjs";
import { runIncidents as run } from "../support/run-process";
import { eventually, type RunningWorkers, startWorkers } from "../support/worker";

const TOKEN = "cli-test-token-0123456789";
const SEEDS = [
  ["c000000000000001-ICN", "/status/502"],
  ["c000000000000002-ICN", "/status/503"],
  ["c000000000000003-NRT", "/status/502"],
] as const;

let origins: Awaited<ReturnType<typeof startOrigins>>;
let w: RunningWorkers;
let url: string;

beforeAll(async () => {
  origins = await startOrigins({ backlog: false });
  w = await startWorkers([{ name: "main", vars: { ORIGIN_URL: origins.http, ADMIN_TOKEN: TOKEN } }]);
  url = (await w.mf.ready).origin;
  expect(new URL(url).hostname).toBe("127.0.0.1");
  for (const [ray, path] of SEEDS) {
    const res = await fetch(url + path, { headers: { "cf-ray": ray } });
    expect(res.status).toBeGreaterThanOrEqual(500);
    await res.arrayBuffer();
  }
  const kv = await w.kv();
  await eventually(async () => ((await kv.list({ prefix: "t:" })).keys.length === SEEDS.length ? true : undefined), "the seeded incidents");
});
afterAll(async () => {
  await w?.close();
  await origins?.close();
});

describe("npm run incidents", () => {
  it("prints recent incidents as a table", async () => {
    const r = await run(["--url", url, "--token", TOKEN]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^RAY ID\s+TIME \(UTC\)\s+CODE\s+HOST\s+PATH\s+WEIGHT$/);
    for (const [ray, path] of SEEDS) expect(r.stdout).toMatch(new RegExp(`${ray}\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\s+50[23]\\s+127\\.0\\.0\\.1\\s+${path}\\s+1`));
    // Newest first.
    expect(lines.slice(1, 4).map((l) => l.split(/\s+/)[0])).toEqual(SEEDS.map(([ray]) => ray).reverse());
    expect(r.stdout).toContain("3 incident record(s) standing for 3 failure(s).");
  });

  it("filters and prints JSON", async () => {
    const r = await run(["--url", url, "--token", TOKEN, "--code", "502", "--since", "1h", "--json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { incidents: { ray_id: string; error_code: number }[]; cursor: string | null };
    expect(out.incidents.map((i) => i.ray_id).sort()).toEqual(["c000000000000001-ICN", "c000000000000003-NRT"]);
    expect(out.cursor).toBeNull();
  });

  it("--limit stops early and says more are available", async () => {
    const r = await run(["--url", url, "--token", TOKEN, "--limit", "1"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("c000000000000003-NRT");
    expect(r.stdout).not.toContain("c000000000000001-ICN");
    expect(r.stdout).toContain("More are available");
  });

  it("--ray prints one record with its evidence, as text or JSON", async () => {
    const text = await run(["--url", url, "--token", TOKEN, "--ray", "c000000000000002-icn"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Ray ID\s+c000000000000002-ICN$/m);
    expect(text.stdout).toMatch(/^Error\s+503 service_unavailable/m);
    expect(text.stdout).toContain("Evidence:");
    expect(text.stdout).toContain('"status": 503');
    const json = await run(["--url", url, "--token", TOKEN, "--ray", "c000000000000002-ICN", "--json"]);
    expect(JSON.parse(json.stdout)).toMatchObject({ ray_id: "c000000000000002-ICN", evidence: { source: "response", status: 503 } });
  });

  it("takes the token from EDGE_ERRORS_TOKEN", async () => {
    const r = await run(["--url", url, "--limit", "1"], { EDGE_ERRORS_TOKEN: TOKEN });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("RAY ID");
  });

  it.each([
    ["a wrong token → 3", ["--token", "wrong-token-0123456789"], 3, /^Unauthorized: .*Check --token or EDGE_ERRORS_TOKEN/],
    ["no token at all → 2", [], 2, /No token: pass --token or set EDGE_ERRORS_TOKEN/],
    ["a parameter the API rejects → 2 with its message", ["--token", TOKEN, "--since", "whenever"], 2, /^Bad request: since must be ISO 8601/],
    ["an unknown code → 2", ["--token", TOKEN, "--code", "404"], 2, /^Bad request: code must be an HTTP status from 500 to 599/],
    ["an unknown Ray ID → 4", ["--token", TOKEN, "--ray", "ffffffffffffffff"], 4, /^Not found: no incident with Ray ID ffffffffffffffff/],
    ["a malformed Ray ID → 2", ["--token", TOKEN, "--ray", "nope"], 2, /^Bad request: ray_id must be/],
    ["a bad --limit → 2", ["--token", TOKEN, "--limit=-3"], 2, /--limit must be a whole number/],
  ])("%s", async (_, args, code, message) => {
    const r = await run(["--url", url, ...args]);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe("");
  });

  it("network failures and non-API answers are clear errors", async () => {
    const refused = await run(["--url", `http://127.0.0.1:${origins.refusedPort}`, "--token", TOKEN]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^Cannot reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
    const notApi = await run(["--url", origins.http, "--token", TOKEN]);
    expect(notApi.code).toBe(1);
    expect(notApi.stderr).toMatch(/did not answer with the owner API \(HTTP 404/);
  });

  it("--help explains the options and the token variable", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("EDGE_ERRORS_TOKEN");
    expect(r.stdout).toContain("--ray");
    const missing = await run([]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--url is required");
  });
});
