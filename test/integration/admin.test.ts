/**
 * The owner API through the real Worker (built by wrangler, run in workerd) with real local KV:
 * listing, filters, paging, lookup by Ray ID, stats, authentication and every bad parameter.
 */
import { Miniflare } from "../support/miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOrigins } from "../../demo/origin.mjs";
import { adminWorker, SITE_SCRIPT } from "../support/admin-worker";
import { eventually, type RunningWorkers, startWorkers } from "../support/worker";

const TOKEN = "admin-test-token-0123456789";
const SHOP = "https://shop.example.com";
const API = `${SHOP}/__errors/api`;
const auth = { authorization: `Bearer ${TOKEN}` };

interface Entry {
  ray_id: string;
  timestamp: string;
  error_code: number;
  error_name: string;
  error_category: string;
  method: string;
  host: string;
  path: string;
  weight: number;
  colo?: string;
  summary?: string;
}
interface Page {
  incidents: Entry[];
  cursor: string | null;
}

/** What the tests send: one failure each, with a known Ray ID and data centre. */
const SEEDS = [
  { ray: "a000000000000001-ICN", url: `${SHOP}/status/502`, code: 502, colo: "ICN" },
  { ray: "a000000000000002-ICN", url: `${SHOP}/status/503`, code: 503, colo: "ICN" },
  { ray: "a000000000000003-NRT", url: "https://api.example.com/status/502", code: 502, colo: "NRT" },
  { ray: "a000000000000004", url: `${SHOP}/garbage`, code: 520, colo: "ICN" },
  { ray: "a000000000000005-ICN", url: `${SHOP}/status/500`, code: 500, colo: "ICN" },
  { ray: "a000000000000006-ICN", url: `${SHOP}/status/502`, code: 502, colo: "ICN" },
  // The origin's own 507 keeps its status, and is a code to filter by like any other.
  { ray: "a000000000000007-ICN", url: `${SHOP}/status/507`, code: 507, colo: "ICN" },
  { ray: "a000000000000008-NRT", url: "https://api.example.com/status/507", code: 507, colo: "NRT" },
] as const;

let origins: Awaited<ReturnType<typeof startOrigins>>;
let w: RunningWorkers;
let beforeSeeding: string;

async function get(url: string, headers: Record<string, string> = auth) {
  const res = await w.fetch("main", url, { headers });
  const body = (await res.json()) as Record<string, unknown>;
  return { res, body };
}

async function list(query = ""): Promise<Page> {
  const { res, body } = await get(`${API}/incidents${query}`);
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body as unknown as Page;
}

beforeAll(async () => {
  origins = await startOrigins({ backlog: false });
  w = await startWorkers([
    { name: "main", vars: { ORIGIN_URL: origins.http, ADMIN_TOKEN: TOKEN, PROBE_TIMEOUT_MS: "500" } },
    { name: "no-admin", vars: { ORIGIN_URL: origins.http } },
  ]);
  beforeSeeding = new Date(Date.now() - 1000).toISOString();
  for (const s of SEEDS) {
    const res = await w.fetch("main", s.url, { headers: { "cf-ray": s.ray, accept: "text/html" }, cf: { colo: s.colo } });
    expect(res.status).toBe(s.code);
    await res.arrayBuffer();
  }
  await eventually(async () => ((await list()).incidents.length === SEEDS.length ? true : undefined), "every seeded incident in the index");
});
afterAll(async () => {
  await w?.close();
  await origins?.close();
});

describe("GET /api/incidents", () => {
  it("lists every incident newest first, built from the index", async () => {
    const { incidents, cursor } = await list();
    expect(cursor).toBeNull();
    expect(new Set(incidents.map((i) => i.ray_id))).toEqual(new Set(SEEDS.map((s) => s.ray)));
    const times = incidents.map((i) => Date.parse(i.timestamp));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const nrt = incidents.find((i) => i.ray_id === "a000000000000003-NRT");
    expect(nrt).toMatchObject({ error_code: 502, error_name: "bad_gateway", error_category: "origin", method: "GET", host: "api.example.com", path: "/status/502", weight: 1, colo: "NRT" });
    expect(nrt?.summary).toMatch(/^HTTP 502/);
  });

  it("filters by code, host, path prefix and time", async () => {
    const rays = async (q: string) => (await list(q)).incidents.map((i) => i.ray_id).sort();
    expect(await rays("?code=502")).toEqual(["a000000000000001-ICN", "a000000000000003-NRT", "a000000000000006-ICN"]);
    expect(await rays("?code=502&host=api.example.com")).toEqual(["a000000000000003-NRT"]);
    expect(await rays("?code=507")).toEqual(["a000000000000007-ICN", "a000000000000008-NRT"]);
    expect(await rays("?code=507&host=api.example.com")).toEqual(["a000000000000008-NRT"]);
    expect(await rays("?code=501")).toEqual([]);
    expect(await rays("?host=SHOP.example.com&path=/status/50")).toEqual(["a000000000000001-ICN", "a000000000000002-ICN", "a000000000000005-ICN", "a000000000000006-ICN", "a000000000000007-ICN"]);
    expect(await rays("?path=/garbage")).toEqual(["a000000000000004"]);
    expect(await rays("?since=1h")).toHaveLength(SEEDS.length);
    expect(await rays(`?since=${beforeSeeding}`)).toHaveLength(SEEDS.length);
    expect(await rays(`?until=${beforeSeeding}`)).toEqual([]);
    expect(await rays("?code=&host=&path=")).toHaveLength(SEEDS.length);
  });

  it("pages with an opaque cursor until it is null, without gaps or repeats", async () => {
    const all = (await list()).incidents.map((i) => i.ray_id);
    for (const [limit, query] of [
      [2, ""],
      [1, "&code=502"],
      [1, "&code=507"],
    ] as const) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: Page = await list(`?limit=${limit}${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
        expect(page.incidents.length).toBeLessThanOrEqual(limit);
        seen.push(...page.incidents.map((i) => i.ray_id));
        cursor = page.cursor;
        pages++;
      } while (cursor && pages < 20);
      expect(cursor).toBeNull();
      const code = Number(query.replace("&code=", ""));
      expect(seen).toEqual(query ? all.filter((r) => SEEDS.find((s) => s.ray === r)?.code === code) : all);
    }
  });

  it("a cursor only continues its own listing", async () => {
    const first = await list("?limit=1&code=502");
    expect(first.cursor).toEqual(expect.any(String));
    const other = await get(`${API}/incidents?limit=1&code=503&cursor=${encodeURIComponent(first.cursor!)}`);
    expect(other.res.status).toBe(400);
    expect(other.body.error).toBe("cursor_mismatch");
  });
});

describe("GET /api/incidents/{ray_id}", () => {
  it("returns the full record with its evidence", async () => {
    const { res, body } = await get(`${API}/incidents/a000000000000002-ICN`);
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ ray_id: "a000000000000002-ICN", error_code: 503, host: "shop.example.com", path: "/status/503", colo: "ICN", weight: 1 });
    expect(body.evidence).toMatchObject({ source: "response", status: 503 });
    const garbage = await get(`${API}/incidents/a000000000000004`);
    expect(garbage.body.evidence).toMatchObject({ source: "exception" });
  });

  it("accepts the Ray ID as people paste it: any case, with or without the data centre", async () => {
    expect((await get(`${API}/incidents/A000000000000001-icn`)).body.ray_id).toBe("a000000000000001-ICN");
    expect((await get(`${API}/incidents/a000000000000003`)).body.ray_id).toBe("a000000000000003-NRT");
  });

  it("unknown → 404 JSON; malformed → 400 JSON", async () => {
    const unknown = await get(`${API}/incidents/ffffffffffffffff-ICN`);
    expect(unknown.res.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: "not_found", detail: expect.any(String) });
    for (const bad of ["nope", "a000000000000001-ICN-x", "r%3Aa000000000000001-ICN", "..%2F..%2Fr%3Ax", "t:0"]) {
      const { res, body } = await get(`${API}/incidents/${bad}`);
      expect(res.status, bad).toBe(400);
      expect(body.error).toBe("invalid_ray_id");
    }
  });
});

describe("GET /api/stats", () => {
  it("counts failures by code and over time", async () => {
    const { res, body } = await get(`${API}/stats?since=1h&bucket=5m`);
    expect(res.status).toBe(200);
    const stats = body as { total: number; by_code: Record<string, number>; series: { start: string; total: number; by_code: Record<string, number> }[]; bucket: string; truncated: boolean };
    expect(stats.total).toBe(SEEDS.length);
    expect(stats.by_code).toEqual({ "500": 1, "502": 3, "503": 1, "507": 2, "520": 1 });
    expect(stats.bucket).toBe("5m");
    expect(stats.series.length).toBeGreaterThanOrEqual(12);
    expect(stats.series.length).toBeLessThanOrEqual(13);
    expect(stats.series.reduce((n, p) => n + p.total, 0)).toBe(SEEDS.length);
    expect(stats.truncated).toBe(false);
    expect(Date.parse(stats.series[1]!.start) - Date.parse(stats.series[0]!.start)).toBe(300_000);
  });

  it("defaults to the last 24 hours with a bucket that suits the range, and takes filters", async () => {
    const { body } = await get(`${API}/stats`);
    expect(body.total).toBe(SEEDS.length);
    expect(body.bucket).toBe("15m");
    expect((await get(`${API}/stats?code=502&host=shop.example.com`)).body.total).toBe(2);
    expect((await get(`${API}/stats?code=507`)).body).toMatchObject({ total: 2, by_code: { "507": 2 } });
  });
});

describe("authentication", () => {
  const url = `${API}/incidents`;

  it.each([
    ["no Authorization header", {}],
    ["a wrong token", { authorization: "Bearer wrong-token-0123456789" }],
    ["a token differing in the last character", { authorization: `Bearer ${TOKEN.slice(0, -1)}x` }],
    ["another scheme", { authorization: `Basic ${btoa(`owner:${TOKEN}`)}` }],
    ["the bare token", { authorization: TOKEN }],
    ["a forged session cookie", { cookie: "eep_admin=9999999999.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }],
  ])("%s → 401 JSON", async (_, headers) => {
    const { res, body } = await get(url, headers as Record<string, string>);
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer realm=/);
    expect(body).toMatchObject({ error: "unauthorized", detail: expect.any(String) });
  });

  it("a token in the query string is refused, even next to a good header", async () => {
    for (const q of [`?token=${TOKEN}`, `?access_token=${TOKEN}`]) {
      expect((await get(url + q, {})).res.status).toBe(401);
      const both = await get(url + q);
      expect(both.res.status).toBe(401);
      expect(both.body.detail).toMatch(/query string/);
    }
  });

  it("the scheme is case-insensitive (RFC 9110): `bearer` works", async () => {
    expect((await get(url, { authorization: `bearer ${TOKEN}` })).res.status).toBe(200);
    expect((await get(url, { authorization: `BEARER ${TOKEN}` })).res.status).toBe(200);
  });
});

describe("bad parameters → 400 JSON, never 500", () => {
  it.each([
    ["/incidents?limit=-1", "invalid_limit"],
    ["/incidents?limit=abc", "invalid_limit"],
    ["/incidents?limit=0", "invalid_limit"],
    ["/incidents?limit=1001", "invalid_limit"],
    ["/incidents?code=404", "invalid_code"],
    ["/incidents?code=abc", "invalid_code"],
    ["/incidents?code=99", "invalid_code"],
    ["/incidents?code=600", "invalid_code"],
    ["/stats?code=600", "invalid_code"],
    ["/incidents?since=yesterday", "invalid_time"],
    ["/incidents?until=2026-02-30T00:00:00Z", "invalid_time"],
    ["/incidents?since=1h&until=2h", "invalid_range"],
    ["/incidents?host=a%20b", "invalid_host"],
    ["/incidents?path=nope", "invalid_path"],
    ["/incidents?cursor=forged", "invalid_cursor"],
    ["/incidents?cursor=eyJ2IjoxLCJzIjowLCJ1IjoxLCJiIjowLCJrIjpudWxsLCJhIjpudWxsfQ.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "invalid_cursor"],
    ["/stats?bucket=2h", "invalid_bucket"],
    ["/stats?bucket=1m&since=30d", "too_many_buckets"],
    ["/stats?since=soon", "invalid_time"],
    ["/incidents/not-a-ray", "invalid_ray_id"],
  ])("%s → %s", async (path, error) => {
    const { res, body } = await get(API + path);
    expect(res.status).toBe(400);
    expect(body).toEqual({ error, detail: expect.any(String) });
  });
});

describe("the admin path belongs to the owner", () => {
  it("every answer is private: no-store, noindex, no CORS", async () => {
    for (const [path, headers] of [
      ["/incidents", auth],
      ["/incidents", {}],
      ["/stats?bucket=2h", auth],
      ["/nope", auth],
    ] as const) {
      // dispatchFetch: Miniflare's getWorker() proxy itself refuses foreign Origin headers.
      const res = (await w.mf.dispatchFetch(API + path, { headers: { ...headers, origin: "https://evil.example" } })) as unknown as Response;
      expect(res.headers.get("cache-control"), path).toBe("no-store");
      expect(res.headers.get("x-robots-tag")).toBe("noindex");
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      await res.arrayBuffer();
    }
  });

  it("unknown admin paths are a 404 JSON, not the origin, and nothing admin is recorded", async () => {
    const kv = await w.kv();
    const before = (await kv.list({ prefix: "t:" })).keys.length;
    for (const path of ["/__errors/nope", "/__errors/api", "/__errors/api/incidents/x/y", "/__errors/status/502"]) {
      const res = await w.fetch("main", SHOP + path, { headers: auth });
      expect(res.status, path).toBe(404);
      expect(await res.json()).toMatchObject({ error: "not_found" });
    }
    for (const path of ["/__errors/status/502", "/__errors/api/incidents?limit=-5", "/__errors/api/stats"]) {
      await (await w.fetch("main", SHOP + path, { headers: { authorization: "Bearer wrong-token-0123456789" } })).arrayBuffer();
    }
    // Writes happen in waitUntil: give any stray one time to land before counting again.
    await (await w.fetch("main", `${SHOP}/ok`)).arrayBuffer();
    await new Promise((r) => setTimeout(r, 300));
    expect((await kv.list({ prefix: "t:" })).keys.length).toBe(before);
  });

  it("without the admin Worker nothing is served there: requests go to the origin as usual", async () => {
    const res = await w.fetch("no-admin", `${API}/incidents`, { headers: auth });
    expect(res.status).toBe(404);
    expect(await res.text()).toBe("not found\n");
  });
});

describe("an unreadable KV namespace, for real", () => {
  it("list/get throwing → 503 JSON", async () => {
    // The same bundles, with INCIDENTS bound to a wrapped binding whose every method throws.
    const broken = { wrappedBindings: { INCIDENTS: { scriptName: "broken-kv" } } };
    const mf = new Miniflare({
      handleRuntimeStdio: (out, err) => {
        out.resume();
        err.resume();
      },
      workers: [
        { name: "main", ...SITE_SCRIPT, bindings: { ORIGIN_URL: origins.http }, serviceBindings: { ADMIN: "main-admin" }, ...broken },
        adminWorker("main-admin", { ADMIN_TOKEN: TOKEN }, broken),
        {
          name: "broken-kv",
          modules: true,
          script: `export default function () {
            const down = async () => { throw new Error("KV is unavailable (simulated)"); };
            return { list: down, get: down, getWithMetadata: down, put: down, delete: down };
          }`,
        },
      ],
    });
    try {
      const worker = await mf.getWorker("main");
      for (const path of ["/incidents", "/incidents/a000000000000001-ICN", "/stats"]) {
        const res = (await worker.fetch(API + path, { headers: auth })) as unknown as Response;
        expect(res.status, path).toBe(503);
        expect(await res.json()).toMatchObject({ error: "store_unavailable", detail: expect.stringContaining("simulated") });
      }
      const bad = (await worker.fetch(`${API}/incidents?limit=0`, { headers: auth })) as unknown as Response;
      expect(bad.status).toBe(400);
      await bad.arrayBuffer();
    } finally {
      await mf.dispose();
    }
  });
});
