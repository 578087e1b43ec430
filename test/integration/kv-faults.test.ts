/**
 * KV failing inside workerd (a wrapped INCIDENTS binding that rejects, hangs or is missing):
 * visitors still get the right page at once, the failure is logged and counted, never thrown at
 * the visitor, and a failed write's weight is carried by the next record once KV is back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOrigins } from "../../demo/origin.mjs";
import { faultyKv } from "../support/faulty-kv";
import { type Harness, loggedJson, startHarness } from "../support/harness";
import { httpRequest } from "../support/http";
import { allRecords } from "../support/incidents";
import { eventually } from "../support/worker";

let origins: Awaited<ReturnType<typeof startOrigins>>;
let w: Harness;
const kv = faultyKv();
const SHOP = "shop.test";
const DOWN = "down.test";
const BARE = "bare.test";
const OWNER = "owner.test";
const ADMIN_TOKEN = "kv-faults-admin-token-0123456789";
/** The recorder's own limit on one KV write (DEFAULT_INCIDENTS.writeTimeoutMs). */
const WRITE_TIMEOUT_MS = 5_000;

beforeAll(async () => {
  origins = await startOrigins({ backlog: false });
  const vars = { ORIGIN_TIMEOUT_MS: "5000", PROBE_TIMEOUT_MS: "1000" };
  w = await startHarness(
    [
      { name: "shop", host: SHOP, vars: { ...vars, ORIGIN_URL: origins.http }, incidents: kv.binding("shop") },
      { name: "down", host: DOWN, vars: { ...vars, ORIGIN_URL: `http://127.0.0.1:${origins.refusedPort}` }, incidents: kv.binding("down") },
      { name: "bare", host: BARE, vars: { ...vars, ORIGIN_URL: origins.http }, incidents: false },
      { name: "owner", host: OWNER, vars: { ...vars, ORIGIN_URL: origins.http, ADMIN_TOKEN }, incidents: kv.binding("owner") },
    ],
    [kv.helper],
  );
});
afterAll(async () => {
  kv.releaseAll();
  await w?.close();
  await origins?.close();
});

interface Answer {
  status: number;
  rayId: string;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

async function problem(host: string, path: string, capMs = 20_000): Promise<Answer> {
  const res = await httpRequest(w.url, path, { headers: { host, accept: "application/json" }, capMs });
  const body = res.body.toString("utf8");
  const rayId = (JSON.parse(body) as { ray_id: string }).ray_id;
  return { status: res.status, rayId, body, headers: res.headers };
}

const writeFailures = () => loggedJson(w.logs()).filter((l) => l.msg === "incident write failed");
const failureFor = (rayId: string) => writeFailures().find((l) => l.ray_id === rayId);

describe("KV put rejected", () => {
  it("with 429: the page is right, the failure is logged, and its weight rides on the next record", async () => {
    kv.set("shop", "put", "reject-429");
    const failed: Answer[] = [];
    for (let i = 0; i < 3; i++) failed.push(await problem(SHOP, "/status/503"));
    for (const a of failed) expect(a.status).toBe(503);
    // HTML and HEAD visitors are not affected either.
    const page = await httpRequest(w.url, "/status/503", { headers: { host: SHOP, accept: "text/html" } });
    expect(page.status).toBe(503);
    expect(page.body.toString()).toContain("| 503: ");
    const head = await httpRequest(w.url, "/status/503", { method: "HEAD", headers: { host: SHOP } });
    expect(head.status).toBe(503);
    expect(head.body.length).toBe(0);

    for (const a of failed) {
      const line = await eventually(async () => failureFor(a.rayId), `write failure logged for ${a.rayId}`);
      expect(String(line.error)).toContain("429");
    }
    await eventually(async () => (writeFailures().length >= 5 ? true : undefined), "all five write failures logged");
    expect(kv.stats("shop", "put").rejected).toBeGreaterThanOrEqual(5);
    const records = await allRecords(await w.kv());
    expect(records.filter((r) => r.error_code === 503)).toEqual([]);

    kv.set("shop", "put", "ok");
    const recovered = await problem(SHOP, "/status/503");
    expect(recovered.status).toBe(503);
    const stored = await eventually(
      async () => (await allRecords(await w.kv())).find((r) => r.ray_id === recovered.rayId),
      "the record written after recovery",
    );
    // 1 for itself + 5 whose writes failed: no failure is lost from the counts.
    expect(stored.weight).toBe(6);
  });

  it("with an outage: every kind of failure still gets its page", async () => {
    kv.set("shop", "put", "reject-outage");
    kv.set("down", "put", "reject-outage");
    const answers = await Promise.all([
      problem(SHOP, "/status/500"),
      problem(SHOP, "/garbage"),
      problem(SHOP, "/empty"),
      problem(DOWN, "/"),
    ]);
    expect(answers.map((a) => a.status)).toEqual([500, 520, 520, 521]);
    for (const a of answers) {
      const line = await eventually(async () => failureFor(a.rayId), `write failure logged for ${a.rayId}`);
      expect(String(line.error)).toContain("503 Service Unavailable");
    }
    kv.set("shop", "put", "ok");
    kv.set("down", "put", "ok");
  });
});

describe("KV put hanging", () => {
  it("answers before the write gives up, then logs the write as failed", async () => {
    kv.set("shop", "put", "hang");
    const first = await problem(SHOP, "/status/504");
    expect(first.status).toBe(504);
    // Had the answer waited for KV, the write would have timed out (and been logged) first.
    expect(failureFor(first.rayId)).toBeUndefined();
    await eventually(async () => (kv.stats("shop", "put").hanging >= 1 ? true : undefined), "the put to hang");

    // While that write hangs, more visitors are answered as usual.
    const more = await Promise.all([problem(SHOP, "/status/504"), problem(SHOP, "/status/502")]);
    expect(more.map((a) => a.status)).toEqual([504, 502]);
    expect(kv.stats("shop", "put").hanging).toBeGreaterThanOrEqual(1);
    expect(failureFor(first.rayId)).toBeUndefined();

    const line = await eventually(async () => failureFor(first.rayId), "the hung write to be logged as failed", WRITE_TIMEOUT_MS * 3);
    expect(String(line.error)).toContain(`took longer than ${WRITE_TIMEOUT_MS} ms`);
    kv.set("shop", "put", "ok");
    kv.releaseAll();
  });
});

describe("no KV binding at all", () => {
  it("still answers with the right page and says why nothing was recorded", async () => {
    const a = await problem(BARE, "/status/502");
    expect(a.status).toBe(502);
    await eventually(
      async () => loggedJson(w.logs()).find((l) => l.ray_id === a.rayId && String(l.msg).includes("KV binding INCIDENTS missing")),
      "the missing-binding log line",
    );
  });
});

describe("the owner API when KV cannot be read", () => {
  const owner = (path: string, accept = "application/json") =>
    httpRequest(w.url, `/__errors${path}`, { headers: { host: OWNER, accept, authorization: `Bearer ${ADMIN_TOKEN}` }, capMs: 20_000 });

  it.each([
    ["list", "reject-outage", "/api/incidents"],
    ["list", "reject-429", "/api/stats?since=1h"],
    // A lookup lists the Ray ID's records first (two failures can share one), then reads them.
    ["list", "reject-outage", "/api/incidents/0123456789abcdef-ICN"],
    ["list", "reject-429", "/api/incidents/0123456789abcdef"],
  ] as const)("%s failing (%s): %s answers 503 with a JSON error", async (op, fault, path) => {
    kv.set("owner", op, fault);
    try {
      const res = await owner(path);
      expect(res.status).toBe(503);
      expect(res.headers["content-type"]).toMatch(/^application\/json/);
      expect(res.headers["cache-control"]).toBe("no-store");
      const body = JSON.parse(res.body.toString()) as { error: string; detail: string };
      expect(body.error).toBe("store_unavailable");
      expect(body.detail).toContain(fault === "reject-429" ? "429" : "503");
      expect(res.body.toString()).not.toContain(ADMIN_TOKEN);
    } finally {
      kv.set("owner", op, "ok");
    }
  });

  it("the dashboard says so with a 503 page", async () => {
    kv.set("owner", "list", "reject-outage");
    try {
      const res = await owner("/", "text/html");
      expect(res.status).toBe(503);
      expect(res.headers["content-type"]).toMatch(/^text\/html/);
      expect(res.headers["cache-control"]).toBe("no-store");
    } finally {
      kv.set("owner", "list", "ok");
    }
  });

  it("answers again once KV is back", async () => {
    const res = await owner("/api/incidents");
    expect(res.status).toBe(200);
  });
});
