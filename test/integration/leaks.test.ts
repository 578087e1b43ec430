/**
 * Small leaks, in workerd with the built bundle: what the owner chose not to keep stays out of
 * the store even when the origin echoes it, the owner's requests never reach the origin however
 * their path is spelled, and the Retry-After visitors get is a sane number of seconds.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IncidentRecord } from "../../src/core/incident";
import { type Harness, startHarness } from "../support/harness";
import { rawBody, rawRequest } from "../support/http";
import { allRecords, dumpAll } from "../support/incidents";
import { type RecordingOrigin, startRecordingOrigin } from "../support/recording-origin";
import { eventually } from "../support/worker";

const TOKEN = "leaks-owner-token-0123456789abcdef";
const SECRET = "s3cr3t-reset-token-4242";

let origin: RecordingOrigin;
let w: Harness;

beforeAll(async () => {
  origin = await startRecordingOrigin();
  w = await startHarness([
    { name: "private", host: "private.test", vars: { ORIGIN_URL: origin.url, ADMIN_TOKEN: TOKEN } },
    { name: "keeps-query", host: "keeps-query.test", vars: { ORIGIN_URL: origin.url, STORE_QUERY: "true" } },
  ]);
});
afterAll(async () => {
  await w?.close();
  await origin?.close();
});

async function send(worker: string, url: string, init?: RequestInit): Promise<Response> {
  return (await (await w.mf.getWorker(worker)).fetch(url, init as never)) as unknown as Response;
}

async function recordOf(ray: string): Promise<IncidentRecord> {
  const kv = await w.kv();
  return eventually(async () => (await allRecords(kv)).find((r) => r.ray_id === ray), `the record of ${ray}`);
}

describe("STORE_QUERY off: the query is scrubbed from the evidence too", () => {
  const query = `?reset=${SECRET}&email=ann%40example.com`;

  it("an origin that echoes the URL into its error body stores none of it", async () => {
    const res = await send("private", `http://private.test/echo/502${query}`, { headers: { "cf-ray": "9e0c000000000001" } });
    expect(res.status).toBe(502);
    const record = await recordOf("9e0c000000000001");
    expect(record.query).toBeUndefined();
    expect(record.evidence.source === "response" && record.evidence.bodyPrefix).toContain("While serving /echo/502?[query removed]");
    const everything = await dumpAll(await w.kv());
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toMatch(/ann(%40|@)example\.com/);
  });

  it("with STORE_QUERY=true the owner asked to keep it, and it is kept", async () => {
    const res = await send("keeps-query", `http://keeps-query.test/echo/502${query}`, { headers: { "cf-ray": "9e0c000000000002" } });
    expect(res.status).toBe(502);
    const record = await recordOf("9e0c000000000002");
    expect(record.query).toBe(query);
    expect(record.evidence.source === "response" && record.evidence.bodyPrefix).toContain(SECRET);
  });
});

describe("the admin path, however many slashes lead it", () => {
  const owner = { authorization: `Bearer ${TOKEN}`, accept: "application/json" };

  it.each(["//__errors/api/incidents?limit=1", "///__errors/api/incidents?limit=1"])("%s reaches the admin Worker, not the origin", async (path) => {
    const res = await send("private", `http://private.test${path}`, { headers: owner });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ incidents: expect.any(Array) });
  });

  it.each(["//__errors/api/incidents", "/\\__errors/api/incidents", "////__errors/"])("%s sent byte for byte: the admin Worker answers", async (path) => {
    const res = await rawRequest(w.port, `GET ${path} HTTP/1.1\r\nHost: private.test\r\nAuthorization: Bearer ${TOKEN}\r\nAccept: application/json\r\nConnection: close\r\n\r\n`);
    expect(res.status).toBe(200);
    expect(rawBody(res.text)).not.toContain("healthy");
  });

  it("the origin never saw the owner's token, nor any admin path", () => {
    expect(origin.seen.some((r) => JSON.stringify(r.headers).includes(TOKEN))).toBe(false);
    expect(origin.seen.some((r) => r.url.includes("__errors"))).toBe(false);
  });

  it("a path that only looks alike still goes to the origin", async () => {
    const res = await send("private", "http://private.test/x//__errors");
    expect(await res.text()).toBe("healthy /x//__errors");
  });
});

describe("Retry-After reaching visitors", () => {
  it.each([
    ["Fri, 31 Dec 2999 23:59:59 GMT", "86400"],
    ["1.5", "2"],
    ["0", "1"],
    ["99999999999", "86400"],
    ["17", "17"],
    ["whenever", "30"], // unusable: the code's own default for 503
  ])("the origin's %j becomes %s, in the header and the JSON", async (after, expected) => {
    const res = await send("private", `http://private.test/retry/503?after=${encodeURIComponent(after)}`, { headers: { accept: "application/json" } });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe(expected);
    expect(await res.json()).toMatchObject({ retry_after: Number(expected) });
  });
});
