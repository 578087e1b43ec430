/**
 * The Worker never makes the site worse than it would be without it, in workerd with the built
 * bundle: a wrong optional var falls back (healthy pages untouched, a loud log line), an unusable
 * config passes requests through, and on a zone route a fault of the Worker's own hands the request
 * to the origin and is recorded. Zone-route requests are sent straight to a Worker with the
 * origin's own URL, as the platform does on a route.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IncidentRecord } from "../../src/core/incident";
import { SITE_SCRIPT } from "../support/admin-worker";
import { BUNDLE_DIR } from "../support/build";
import type { WorkerOptions } from "../support/miniflare";
import { type Harness, loggedJson, startHarness } from "../support/harness";
import { allRecords } from "../support/incidents";
import { type RecordingOrigin, startRecordingOrigin } from "../support/recording-origin";
import { eventually } from "../support/worker";

const TOKEN = "fail-open-owner-token-0123456789";
const BAD_VARS = { PROBE_TIMEOUT_MS: "abc", DEFAULT_LOCALE: "fr", INCIDENT_WINDOW_S: "25" };

/**
 * The site bundle behind a shim that, for requests carrying `x-inject-fault`, hands it a request
 * whose body cannot be read: the Worker's own code then throws before anything reaches the origin.
 */
const FAULT_SHIM = `
import site from "./index.js";
class Unreadable extends Request {
  get body() { throw new Error("injected fault: the request body cannot be read"); }
}
export default {
  fetch(request, env, ctx) {
    return site.fetch(request.headers.has("x-inject-fault") ? new Unreadable(request) : request, env, ctx);
  },
};`;

let origin: RecordingOrigin;
let w: Harness;

beforeAll(async () => {
  origin = await startRecordingOrigin();
  // The shim first, then the bundle's own modules, listed as the test Miniflare lists a bundle's.
  const bundle = readdirSync(BUNDLE_DIR).filter((f) => f.endsWith(".js") || f.endsWith(".html"));
  const shim = {
    name: "zone-shim",
    compatibilityDate: SITE_SCRIPT.compatibilityDate,
    modulesRoot: BUNDLE_DIR,
    modules: [
      { type: "ESModule", path: join(BUNDLE_DIR, "fault-shim.mjs"), contents: FAULT_SHIM },
      ...bundle.map((f) => ({ type: f.endsWith(".js") ? "ESModule" : "Text", path: join(BUNDLE_DIR, f) })),
    ],
    kvNamespaces: { INCIDENTS: "incidents" },
    routes: ["zone-shim.test/*"],
  } as WorkerOptions;
  w = await startHarness(
    [
      { name: "bad-vars", host: "bad-vars.test", vars: { ...BAD_VARS, ORIGIN_URL: origin.url } },
      { name: "bad-vars-zone", host: "bad-vars-zone.test", vars: BAD_VARS },
      { name: "bad-origin", host: "bad-origin.test", vars: { ORIGIN_URL: "ftp://config-secret.internal/x", ORIGIN_TIMEOUT_MS: "soon", ADMIN_TOKEN: TOKEN } },
    ],
    [shim],
  );
});
afterAll(async () => {
  await w?.close();
  await origin?.close();
});

async function send(worker: string, url: string, init?: RequestInit): Promise<Response> {
  return (await (await w.mf.getWorker(worker)).fetch(url, init as never)) as unknown as Response;
}

const seenPath = (path: string) => origin.seen.filter((r) => r.url === path);

describe("a bad optional var", () => {
  it("healthy pages still pass through untouched, with ORIGIN_URL and on a zone route", async () => {
    for (const [worker, base] of [["bad-vars", "http://bad-vars.test"], ["bad-vars-zone", origin.url]] as const) {
      const res = await send(worker, `${base}/shop/item?id=7`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("healthy /shop/item?id=7");
    }
  });

  it("failures still get their page, in the default language the bad value fell back to", async () => {
    const res = await send("bad-vars", "http://bad-vars.test/status/502", { headers: { accept: "application/json", "accept-language": "fr" } });
    expect(res.status).toBe(502);
    expect(res.headers.get("content-language")).toBe("en");
    expect(await res.json()).toMatchObject({ error_code: 502 });
  });

  it("is logged loudly, naming each var and the default used instead", async () => {
    const lines = await eventually(async () => {
      const found = loggedJson(w.logs()).filter((l) => l.msg === "edge-error-pages invalid var, using its default");
      return found.length >= 3 ? found : undefined;
    }, "the invalid-var log lines");
    const problems = lines.map((l) => String(l.problem));
    expect(problems).toContain('PROBE_TIMEOUT_MS must be a number from 1 to 30000, got "abc"; using the default 1500 instead');
    expect(problems).toContain('DEFAULT_LOCALE must be "en" or "ko", got "fr"; using the default "en" instead');
    expect(problems).toContain('INCIDENT_WINDOW_S must be a number from 1 to 20, got "25"; using the default 10 instead');
  });
});

describe("an unparsable ORIGIN_URL", () => {
  it("a zone-route request passes through to the zone's origin, as if the Worker were not there", async () => {
    const res = await send("bad-origin", `${origin.url}/degraded/page?x=1`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("healthy /degraded/page?x=1");
    expect(seenPath("/degraded/page?x=1")).toHaveLength(1);
  });

  it("the origin's own failure passes through too: no page, since nothing can be classified", async () => {
    const res = await send("bad-origin", `${origin.url}/status/503`);
    expect(res.status).toBe(503);
    expect(await res.text()).toBe("<h1>Error 503</h1>");
  });

  it("the origin's redirects reach the visitor as they are, not followed", async () => {
    const res = await send("bad-origin", `${origin.url}/redirect`, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/elsewhere");
    expect(seenPath("/elsewhere")).toHaveLength(0);
  });

  it("the owner's requests still go to the admin Worker, never to the origin", async () => {
    const res = await send("bad-origin", `${origin.url}/__errors/api/incidents?limit=1`, { headers: { authorization: `Bearer ${TOKEN}`, accept: "application/json" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ incidents: expect.any(Array) });
    expect(origin.seen.some((r) => r.url.includes("__errors"))).toBe(false);
  });

  it("a request that comes back to the Worker (no route: its URL is the Worker itself) gets the minimal 500, not a loop", async () => {
    const res = await send("bad-origin", "http://bad-origin.test/", { headers: { "x-edge-error-pages-pass-through": "1", accept: "text/html" } });
    expect(res.status).toBe(500);
    const body = await res.text();
    expect(body).toContain("<h1>Error 500</h1>");
    expect(body).not.toMatch(/config-secret|ftp:|ORIGIN_|soon/);
  });

  it("says why in the log, on every request", async () => {
    const log = await eventually(async () => loggedJson(w.logs()).find((l) => l.msg === "edge-error-pages cannot start"), "the config error log line");
    expect(String(log.error)).toMatch(/ORIGIN_URL must be an absolute http\(s\) URL.*ORIGIN_TIMEOUT_MS/);
  });
});

describe("on a zone route, a fault of the Worker's own", () => {
  it("lets the request through to the origin (passThroughOnException) and is recorded", async () => {
    const res = await send("zone-shim", `${origin.url}/fault/here`, { headers: { "x-inject-fault": "1", "cf-ray": "fa17000000000001" } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("healthy /fault/here");
    expect(seenPath("/fault/here")).toHaveLength(1);
    const kv = await w.kv();
    const record = await eventually(async () => (await allRecords(kv)).find((r: IncidentRecord) => r.ray_id === "fa17000000000001"), "the fault's record");
    expect(record).toMatchObject({ kind: "worker_fault", error_code: 500, format: "passthrough", path: "/fault/here" });
    expect(record.evidence).toMatchObject({ source: "fault", errorMessage: "injected fault: the request body cannot be read" });
  });

  it("the origin's own failures still get their pages", async () => {
    const res = await send("zone-shim", `${origin.url}/status/502`, { headers: { accept: "application/json" } });
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ error_code: 502, error_name: "bad_gateway" });
  });
});
