/**
 * The Worker's own faults and the slowest origins.
 *
 * Faults inside classification, rendering and recording cannot be provoked in the built bundle
 * on demand, so they run in Node through the real app (`createApp`, Hono's `app.request`) with a
 * fake origin fetch and a runtime function made to fail once; nothing in src/ exists for tests.
 * Huge and stalled bodies, hung origins and broken config run in workerd over real HTTP.
 */
import { Hono } from "hono";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startOrigins } from "../../demo/origin.mjs";
import { errorPages } from "../../src/site/error-pages";
import type { IncidentRecord } from "../../src/core/incident";
import { createApp } from "../../src/site/index";
import { type Harness, loggedJson, startHarness } from "../support/harness";
import { httpRequest } from "../support/http";
import { startStallingOrigin, startSilentOrigin, startTap, type Tap } from "../support/tap";
import { eventually } from "../support/worker";

// Node has no raw sockets API; the probe is switched off in these Node-side tests anyway.
vi.mock("cloudflare:sockets", () => ({
  connect: () => {
    throw new Error("cloudflare:sockets is not available in Node");
  },
}));

afterEach(() => {
  vi.restoreAllMocks();
});

const MIB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// In Node: the real app, with faults injected into the runtime it relies on
// ---------------------------------------------------------------------------------------------

type Origin = (request: Request) => Promise<Response>;

function nodeApp(origin: Origin, env: Record<string, unknown> | "default" = "default") {
  const records: IncidentRecord[] = [];
  const pending: Promise<unknown>[] = [];
  const kv = {
    async put(key: string, value: string) {
      if (key.startsWith("r:")) records.push(JSON.parse(value) as IncidentRecord);
    },
  };
  const app = createApp({
    proxy: { originUrl: new URL("http://origin.test"), timeoutMs: 5000, fetch: ((input: string | URL, init: RequestInit) => origin(new Request(input, init))) as typeof fetch },
    errorPages: { probe: false },
    admin: null,
    resilience: { stale: null, retry: { retry: false, delayMs: 0, connectTimeoutMs: 0 }, maintenanceCheckMs: 0, maintenanceAllowIps: [] },
  } as Parameters<typeof createApp>[0]);
  const ctx = { waitUntil: (p: Promise<unknown>) => void pending.push(p), passThroughOnException() {}, props: {} };
  return {
    request: (path: string, init: RequestInit = {}) =>
      app.request(`https://shop.test${path}`, init, env === "default" ? { INCIDENTS: kv } : env, ctx as unknown as ExecutionContext),
    async records() {
      await Promise.all(pending);
      return records;
    },
  };
}

const status = (code: number) => async () => new Response(`<h1>origin says ${code}</h1>`, { status: code, headers: { "content-type": "text/html" } });

/** The fallback page: status, Ray ID, nothing else from the request. */
async function expectFallback(res: Response, code: number): Promise<string> {
  expect(res.status).toBe(code);
  expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
  expect(res.headers.get("cache-control")).toBe("no-store");
  const body = await res.text();
  expect(body).toContain(`<h1>Error ${code}</h1>`);
  const ray = /Ray ID: ([0-9a-f]{16})/.exec(body)?.[1];
  expect(ray).toBeDefined();
  return ray!;
}

describe("a fault of the Worker itself", () => {
  it("while classifying an origin 5XX: the minimal page with the origin's status, recorded as a worker fault", async () => {
    const app = nodeApp(async () => {
      const res = new Response("broken", { status: 503 });
      Object.defineProperty(res, "body", {
        get() {
          throw new TypeError("body stream is in an impossible state");
        },
      });
      return res;
    });
    const res = await app.request("/status/503", { headers: { accept: "text/html" } });
    const ray = await expectFallback(res, 503);
    const [record] = await app.records();
    expect(record).toMatchObject({ ray_id: ray, kind: "worker_fault", format: "fallback", error_code: 500 });
    expect(JSON.stringify(record?.evidence)).toContain("impossible state");
  });

  it("while rendering the HTML page: the minimal page with the classified status, and the next request renders normally", async () => {
    const app = nodeApp(status(502));
    vi.spyOn(crypto.subtle, "digest").mockRejectedValueOnce(new Error("digest unavailable"));
    const failed = await app.request("/x", { headers: { accept: "text/html" } });
    const ray = await expectFallback(failed, 502);
    // A one-off failure must not stick: the page's CSP is cached per template.
    const next = await app.request("/x", { headers: { accept: "text/html" } });
    expect(next.status).toBe(502);
    expect(next.headers.get("content-security-policy")).toMatch(/script-src 'sha256-/);
    expect(await next.text()).toContain("| 502: ");
    const records = await app.records();
    expect(records.find((r) => r.ray_id === ray)).toMatchObject({ kind: "worker_fault", format: "fallback" });
  });

  it("while building the view for a JSON client: still the right status", async () => {
    const app = nodeApp(status(504));
    vi.spyOn(Date.prototype, "toISOString").mockImplementationOnce(() => {
      throw new RangeError("Invalid time value");
    });
    const res = await app.request("/api", { headers: { accept: "application/json" } });
    await expectFallback(res, 504);
  });

  it("after a failed origin fetch, a fault while rendering keeps the classified status", async () => {
    const app = nodeApp(async () => {
      throw new TypeError("Network connection lost.");
    });
    vi.spyOn(Date.prototype, "toISOString").mockImplementationOnce(() => {
      throw new RangeError("Invalid time value");
    });
    const res = await app.request("/", { headers: { accept: "text/plain" } });
    // Classified as 520 before the fault, so the fallback keeps 520.
    await expectFallback(res, 520);
  });

  it("for HEAD: the status without a body", async () => {
    const app = nodeApp(status(500));
    vi.spyOn(crypto.subtle, "digest").mockRejectedValueOnce(new Error("digest unavailable"));
    const res = await app.request("/", { method: "HEAD" });
    expect(res.status).toBe(500);
    expect(await res.text()).toBe("");
  });

  it("never echoes the request: a hostile path and a forged Ray ID stay out of the fallback", async () => {
    const app = nodeApp(status(502));
    vi.spyOn(crypto.subtle, "digest").mockRejectedValueOnce(new Error("digest unavailable"));
    const res = await app.request("/<script>alert(1)</script>", { headers: { accept: "text/html", "cf-ray": "<img src=x onerror=alert(1)>" } });
    const body = await res.text();
    expect(res.status).toBe(502);
    expect(body).not.toContain("<script>alert");
    expect(body).not.toContain("onerror");
  });

  it("while recording: the visitor's page is unchanged and the failure is logged", async () => {
    const logged: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: unknown) => void logged.push(String(line)));
    const env = {
      get INCIDENTS(): never {
        throw new Error("binding is broken");
      },
    };
    const app = nodeApp(status(502), env);
    const res = await app.request("/", { headers: { accept: "application/json" } });
    expect(res.status).toBe(502);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const problem = (await res.json()) as { ray_id: string; error_code: number };
    expect(problem.error_code).toBe(502);
    expect(logged.join("\n")).toContain(problem.ray_id);
    expect(logged.join("\n")).toContain("binding is broken");
  });
});

describe("errorPages inside another Hono app", () => {
  function hostApp(handler: () => unknown) {
    const app = new Hono();
    app.use(errorPages({ probe: false, incidents: false }));
    app.get("*", handler as never);
    return app;
  }

  it.each([
    ["a string", () => "boom"],
    ["undefined", () => undefined],
    ["an object without a prototype", () => Object.create(null) as object],
    ["an object whose toString throws", () => ({ toString: () => { throw new Error("no"); } })],
  ])("a handler throwing %s gets a 500 page, not an unhandled rejection", async (_what, value) => {
    const app = hostApp(() => {
      throw value();
    });
    const res = await app.request("https://app.test/", { headers: { accept: "application/json" } });
    expect(res.status).toBe(500);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.text()).toMatch(/"error_code":500|Error 500/);
  });

  it("refuses a default language it has no texts for when created, not on every failure", () => {
    expect(() => errorPages({ defaultLocale: "fr" as never })).toThrow(/defaultLocale/);
  });

  it("a client error the app raised on purpose (HTTPException 401) passes through", async () => {
    const { HTTPException } = await import("hono/http-exception");
    const app = hostApp(() => {
      throw new HTTPException(401, { message: "sign in first" });
    });
    const res = await app.request("https://app.test/private");
    expect(res.status).toBe(401);
    expect(await res.text()).toBe("sign in first");
  });
});

// ---------------------------------------------------------------------------------------------
// In workerd: the built bundle over real HTTP
// ---------------------------------------------------------------------------------------------

let origins: Awaited<ReturnType<typeof startOrigins>>;
let tap: Tap;
let stalling: Awaited<ReturnType<typeof startStallingOrigin>>;
let silent: Awaited<ReturnType<typeof startSilentOrigin>>;
let w: Harness;
const TIMEOUTS = { ORIGIN_TIMEOUT_MS: "1500", PROBE_TIMEOUT_MS: "1000" };
/** Ten times what the slowest case here should need (timeout + probe), so only a hang fails it. */
const CAP_MS = 25_000;

beforeAll(async () => {
  origins = await startOrigins();
  tap = await startTap(origins.port);
  stalling = await startStallingOrigin(502);
  silent = await startSilentOrigin();
  const workers = [
    { name: "tapped", host: "tapped.test", vars: { ...TIMEOUTS, ORIGIN_URL: tap.url } },
    { name: "shop", host: "shop.test", vars: { ...TIMEOUTS, ORIGIN_URL: origins.http } },
    { name: "stalling", host: "stalling.test", vars: { ...TIMEOUTS, ORIGIN_URL: stalling.url } },
    { name: "silent-tls", host: "silent-tls.test", vars: { ...TIMEOUTS, ORIGIN_URL: `https://127.0.0.1:${silent.port}` } },
    { name: "broken-config", host: "broken.test", vars: { ORIGIN_URL: "ftp://config-secret.internal/x", ORIGIN_TIMEOUT_MS: "soon" } },
  ];
  if (origins.backlogPort) workers.push({ name: "backlog", host: "backlog.test", vars: { ...TIMEOUTS, ORIGIN_URL: `http://127.0.0.1:${origins.backlogPort}` } });
  w = await startHarness(workers);
});
afterAll(async () => {
  await w?.close();
  await Promise.all([tap?.close(), stalling?.close(), silent?.close(), origins?.close()]);
});

const get = (host: string, path: string, accept = "application/json") => httpRequest(w.url, path, { headers: { host, accept }, capMs: CAP_MS });

describe("in workerd", () => {
  it("an unusable config with no origin to pass to gives the minimal page, never a platform error page, and leaks no config", async () => {
    // broken.test resolves nowhere: the pass-through (see fail-open.test.ts) cannot reach an origin.
    const res = await get("broken.test", "/", "text/html");
    expect(res.status).toBe(502);
    const body = res.body.toString();
    expect(body).toContain("<h1>Error 502</h1>");
    expect(body).toMatch(/Ray ID: [0-9a-f]{16}/);
    expect(body).not.toMatch(/config-secret|ftp:|ORIGIN_|soon|1101|threw exception/i);
    // workerd's output reaches Node a little after the answer does.
    const log = await eventually(async () => loggedJson(w.logs()).find((l) => l.msg === "edge-error-pages cannot start"), "the config error log line");
    expect(String(log.error)).toContain("ORIGIN_TIMEOUT_MS");
  });

  it("a 50 MiB 5XX body: the page arrives after only a small part was read, and the rest is cancelled", async () => {
    const before = tap.connections.length;
    const res = await get("tapped.test", "/huge-error/50", "text/html");
    expect(res.status).toBe(502);
    expect(res.body.toString()).toContain("| 502: ");
    const conn = tap.connections[before];
    expect(conn).toBeDefined();
    // Socket buffers on both sides hold a few MiB at most; reading the whole body would be 50.
    expect(conn!.downstream).toBeLessThan(16 * MIB);
    await expect.poll(() => conn!.clientClosed, { timeout: CAP_MS }).toBe(true);
    expect(conn!.downstream).toBeLessThan(16 * MIB);
    console.log(`50 MiB error body: ${(conn!.downstream / MIB).toFixed(2)} MiB left the origin before the Worker hung up`);
  });

  it("a 5XX whose body stalls: answered although the body never ends, and the origin connection is closed", async () => {
    const res = await get("stalling.test", "/");
    expect(res.status).toBe(502);
    expect(JSON.parse(res.body.toString())).toMatchObject({ error_code: 502 });
    await expect.poll(() => stalling.open(), { timeout: CAP_MS }).toBe(0);
  });

  it("an origin that never answers: 524 after ORIGIN_TIMEOUT_MS, well before the cap", async () => {
    const res = await get("shop.test", "/hang");
    expect(res.status).toBe(524);
  });

  it("an https origin that accepts and then says nothing: the timeout and the probe are both bounded", async () => {
    const res = await get("silent-tls.test", "/");
    expect(res.status).toBe(524);
  });

  it("a connect that never completes: 522, bounded by the timeout and the probe", async (ctx) => {
    if (!origins.backlogPort) return ctx.skip();
    const res = await get("backlog.test", "/");
    expect(res.status).toBe(522);
  });
});
