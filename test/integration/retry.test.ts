/**
 * One safe retry and the backup origin, against real loopback origins: one that resets its first
 * connection, one that is closed and reopened on the same port, ports that refuse, a port whose
 * connects hang (its accept queue full) and an origin that answers late.
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOrigins } from "../../demo/origin.mjs";
import { escapeHtml } from "../../src/core/html";
import { RESILIENCE_TEXT } from "../../src/core/i18n/resilience";
import type { IncidentRecord } from "../../src/core/incident";
import { type FlakyOrigin, startFlakyOrigin } from "../support/flaky-origin";
import { recordOf } from "../support/incidents";
import { eventually, type RunningWorkers, startWorkers } from "../support/worker";

let flaky: FlakyOrigin;
let backup: FlakyOrigin;
let refusedPort: number;
let origins: Awaited<ReturnType<typeof startOrigins>>;
let w: RunningWorkers;
const BASE = "https://shop.example.com";
const common = { ORIGIN_TIMEOUT_MS: "5000", PROBE_TIMEOUT_MS: "1000", ORIGIN_RETRY_DELAY_MS: "20" };

/** A port nothing listens on: bound, then released. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

beforeAll(async () => {
  flaky = await startFlakyOrigin();
  backup = await startFlakyOrigin();
  refusedPort = await freePort();
  const refused = `http://127.0.0.1:${refusedPort}`;
  origins = await startOrigins();
  // A connect to it hangs; without python3 there is none and those tests are skipped.
  const hung = `http://127.0.0.1:${origins.backlogPort ?? refusedPort}`;
  const connectCheck = { ORIGIN_CONNECT_TIMEOUT_MS: "400", ORIGIN_TIMEOUT_MS: "8000" };
  w = await startWorkers([
    { name: "retry", vars: { ...common, ORIGIN_URL: flaky.url } },
    { name: "no-retry", vars: { ...common, ORIGIN_URL: flaky.url, ORIGIN_RETRY: "false" } },
    { name: "down", vars: { ...common, ORIGIN_URL: refused } },
    { name: "backup", vars: { ...common, ORIGIN_URL: refused, BACKUP_ORIGIN_URL: backup.url } },
    { name: "both-down", vars: { ...common, ORIGIN_URL: refused, BACKUP_ORIGIN_URL: refused } },
    { name: "hung", vars: { ...common, ...connectCheck, ORIGIN_URL: hung } },
    { name: "hung-backup", vars: { ...common, ...connectCheck, ORIGIN_URL: hung, BACKUP_ORIGIN_URL: backup.url } },
    { name: "hung-post", vars: { ...common, ORIGIN_CONNECT_TIMEOUT_MS: "400", ORIGIN_TIMEOUT_MS: "2000", ORIGIN_URL: hung, BACKUP_ORIGIN_URL: backup.url } },
    { name: "slow", vars: { ...common, ...connectCheck, ORIGIN_URL: origins.http } },
  ]);
});
afterAll(async () => {
  await w?.close();
  await origins?.close();
  await flaky?.close().catch(() => undefined);
  await backup?.close().catch(() => undefined);
});

async function record(ray: string): Promise<IncidentRecord> {
  const kv = await w.kv();
  const raw = await eventually(async () => await recordOf(kv, ray), `incident ${ray}`);
  return JSON.parse(raw) as IncidentRecord;
}

describe("one safe retry", () => {
  it("a GET whose first connection is reset is sent once more and succeeds", async () => {
    const before = flaky.connections();
    flaky.resetNext(1);
    const res = await w.fetch("retry", `${BASE}/reset-once`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("/reset-once");
    expect(flaky.connections() - before).toBe(2);
    expect(flaky.hits.get("/reset-once")).toBe(1);
  });

  it("a GET to an origin closed and reopened on the same port gets the page", async () => {
    // The reset above is the deterministic case; here the first attempt meets the closed port
    // unless the reopen wins the race, and the visitor gets the page either way.
    await flaky.close();
    const pending = w.fetch("retry", `${BASE}/reopened`);
    await flaky.reopen();
    const res = await pending;
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("/reopened");
  });

  it("without ORIGIN_RETRY a reset first connection is the visitor's error", async () => {
    flaky.resetNext(1);
    const once = /^GET \/once /;
    const before = flaky.requests(once);
    const res = await w.fetch("no-retry", `${BASE}/once`, { headers: { accept: "application/json" } });
    expect(res.status).toBe(520);
    await res.arrayBuffer();
    expect(flaky.requests(once) - before).toBe(1);
    flaky.resetNext(0);
  });

  it("a POST is never retried, even with its first connection reset", async () => {
    flaky.resetNext(1);
    const post = /^POST \/echo-method /;
    const before = flaky.requests(post);
    const res = await w.fetch("retry", `${BASE}/echo-method`, { method: "POST", body: "a=1", headers: { accept: "application/json" } });
    expect(res.status).toBe(520);
    await res.arrayBuffer();
    expect(flaky.requests(post) - before).toBe(1);
    flaky.resetNext(0);
  });

  it("a request with a body is not retried even with an Idempotency-Key; one without a body is", async () => {
    flaky.resetNext(1);
    const put = /^PUT \/echo-method /;
    const before = flaky.requests(put);
    const withBody = await w.fetch("retry", `${BASE}/echo-method`, { method: "PUT", body: "x", headers: { "idempotency-key": "k1", accept: "application/json" } });
    expect(withBody.status).toBe(520);
    await withBody.arrayBuffer();
    expect(flaky.requests(put) - before).toBe(1);
    flaky.resetNext(1);
    const del = /^DELETE \/echo-method /;
    const beforeDelete = flaky.requests(del);
    const keyed = await w.fetch("retry", `${BASE}/echo-method`, { method: "DELETE", headers: { "idempotency-key": "k2" } });
    expect(keyed.status).toBe(200);
    expect(await keyed.text()).toBe("DELETE");
    expect(flaky.requests(del) - beforeDelete).toBe(2);
  });

  it("when the retry fails too, the incident records both attempts", async () => {
    const ray = "2e7a000000000002-ICN";
    const res = await w.fetch("down", `${BASE}/`, { headers: { accept: "application/json", "cf-ray": ray } });
    expect(res.status).toBe(521);
    await res.arrayBuffer();
    const stored = await record(ray);
    expect(stored.attempts).toHaveLength(2);
    expect(stored.attempts?.map((a) => [a.origin, a.outcome])).toEqual([
      ["primary", "connect_failed"],
      ["primary", "connect_failed"],
    ]);
    expect(stored.attempts?.[1]?.delay_ms).toBeGreaterThanOrEqual(10);
    expect(stored.attempts?.[1]?.delay_ms).toBeLessThanOrEqual(30);
  });
});

describe("the backup origin", () => {
  it("answers when the primary refuses, and the answer says so", async () => {
    const res = await w.fetch("backup", `${BASE}/from-backup`);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-served-from")).toBe("backup-origin");
    expect(await res.text()).toContain("/from-backup");
    expect(backup.hits.get("/from-backup")).toBe(1);
  });

  it("is not used for a POST", async () => {
    const res = await w.fetch("backup", `${BASE}/echo-method`, { method: "POST", body: "x", headers: { accept: "application/json" } });
    expect(res.status).toBe(521);
    await res.arrayBuffer();
    expect(backup.hits.get("/echo-method")).toBeUndefined();
  });

  it("with both down, the page says both failed and the incident has all three attempts", async () => {
    const ray = "2e7a000000000003-ICN";
    const res = await w.fetch("both-down", `${BASE}/`, { headers: { accept: "text/html", "cf-ray": ray } });
    expect(res.status).toBe(521);
    expect(await res.text()).toContain(escapeHtml(RESILIENCE_TEXT.en.bothFailed));
    const stored = await record(ray);
    expect(stored.attempts?.map((a) => a.origin)).toEqual(["primary", "primary", "backup"]);
  });

  it("a single failure says nothing about a backup", async () => {
    const res = await w.fetch("down", `${BASE}/`, { headers: { accept: "text/html" } });
    expect(await res.text()).not.toContain(escapeHtml(RESILIENCE_TEXT.en.bothFailed));
  });
});

describe("a connect that hangs (ORIGIN_CONNECT_TIMEOUT_MS)", () => {
  it("is ended at the connect check and retried once; the incident says why", async (ctx) => {
    if (!origins.backlogPort) return ctx.skip();
    const ray = "2e7a000000000004-ICN";
    const res = await w.fetch("hung", `${BASE}/`, { headers: { accept: "application/json", "cf-ray": ray } });
    expect(res.status).toBe(522);
    await res.arrayBuffer();
    const stored = await record(ray);
    expect(stored.rule).toBe("connect_check");
    expect(stored.attempts?.map((a) => [a.origin, a.outcome])).toEqual([
      ["primary", "connect_failed"],
      ["primary", "connect_failed"],
    ]);
    expect(stored.attempts?.[0]?.error).toMatch(/accepted no connection/);
  });

  it("sends the request on to the backup origin, which answers", async (ctx) => {
    if (!origins.backlogPort) return ctx.skip();
    const res = await w.fetch("hung-backup", `${BASE}/from-backup-after-hang`);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-served-from")).toBe("backup-origin");
    expect(await res.text()).toContain("/from-backup-after-hang");
    expect(backup.hits.get("/from-backup-after-hang")).toBe(1);
  });

  it("never ends a POST's wait early or sends it to the backup: it gets the header timeout", async (ctx) => {
    if (!origins.backlogPort) return ctx.skip();
    const ray = "2e7a000000000005-ICN";
    const res = await w.fetch("hung-post", `${BASE}/posted`, { method: "POST", body: "x", headers: { accept: "application/json", "cf-ray": ray } });
    expect(res.status).toBe(522);
    await res.arrayBuffer();
    expect(backup.hits.get("/posted")).toBeUndefined();
    const stored = await record(ray);
    expect(stored.rule).toBe("connect_timeout");
    expect(stored.evidence).toMatchObject({ source: "exception", timedOut: true });
    expect(stored.attempts).toBeUndefined();
  });

  it("leaves an origin that accepted the connection and answers late alone", async () => {
    const res = await w.fetch("slow", `${BASE}/slow-headers/1500`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("slow");
  });
});
