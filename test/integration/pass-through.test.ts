/**
 * A JSON 5XX passed on to a client that did not ask for HTML first, through the built Worker in
 * workerd: the client gets the origin's bytes as they arrive, while a teed prefix decides whose
 * error it was. Cloudflare's structured error (relayed by the origin's own Cloudflare zone, or by a
 * Cloudflare-fronted upstream) is the edge's, with its 1xxx code; the origin's own JSON is the origin's.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IncidentRecord } from "../../src/core/incident";
import { fixtureBytes } from "../fixtures/pages";
import { httpRequest } from "../support/http";
import { recordOf } from "../support/incidents";
import { eventually, type RunningWorkers, startWorkers } from "../support/worker";

/** What Cloudflare's edge puts on its own errors. */
const EDGE = { server: "cloudflare", "cf-ray": "8e7a4e8d2f3a4b51-ICN" };
const JSON_TYPE = { "content-type": "application/json" };
/** The Worker's default `prefixBytes`. */
const PREFIX_BYTES = 8192;

interface Served {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

const SERVED: Readonly<Record<string, Served>> = {
  "/cf/502": { status: 502, headers: { ...JSON_TYPE, ...EDGE }, body: fixtureBytes("cf-502-structured.json") },
  "/cf/530": { status: 530, headers: { ...JSON_TYPE, ...EDGE, "cf-ray": "8e7a4e7c0d1e2f31-ICN" }, body: fixtureBytes("cf-530-1016.json") },
  "/cf/504-origin": {
    status: 504,
    headers: { "content-type": "application/problem+json", ...EDGE },
    body: Buffer.from(JSON.stringify({ ...JSON.parse(fixtureBytes("cf-502-structured.json").toString()), status: 504, error_code: 504, error_category: "origin" })),
  },
  "/origin/500": { status: 500, headers: JSON_TYPE, body: fixtureBytes("origin-api-500.json") },
  "/origin/500-relayed": { status: 500, headers: { ...JSON_TYPE, ...EDGE }, body: fixtureBytes("origin-api-500.json") },
};

/** A JSON 500 far larger than the prefix, its head sent at once and its tail held back until released. */
const STREAM_HEAD = Buffer.from(`{"error":"overloaded","items":[${Array.from({ length: 4000 }, (_, i) => `{"id":${i},"state":"queued"}`).join(",")}`);
const STREAM_TAIL = Buffer.from(`,${Array.from({ length: 60_000 }, (_, i) => `{"id":${4000 + i},"state":"dropped"}`).join(",")}]}`);

let origin: { url: string; release(): void; close(): Promise<void> };
let w: RunningWorkers;
let rays = 0;
const nextRay = () => `${(0xbee0000000000000n + BigInt(++rays)).toString(16)}-ICN`;

function startOrigin(): Promise<typeof origin> {
  let release: () => void = () => undefined;
  const held = new Promise<void>((r) => (release = r));
  const server = http.createServer((req, res) => {
    req.resume();
    const path = req.url ?? "/";
    if (path === "/cf/502-gzip") {
      res.writeHead(502, { ...JSON_TYPE, ...EDGE, "content-encoding": "gzip" }).end(zlib.gzipSync(SERVED["/cf/502"]!.body));
      return;
    }
    if (path === "/stream") {
      res.writeHead(500, JSON_TYPE);
      res.write(STREAM_HEAD);
      void held.then(() => res.end(STREAM_TAIL));
      return;
    }
    const s = SERVED[path];
    if (!s) return void res.writeHead(404).end();
    res.writeHead(s.status, s.headers).end(s.body);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        release: () => release(),
        close: () => new Promise<void>((r) => server.close(() => r())),
      }),
    ),
  );
}

beforeAll(async () => {
  origin = await startOrigin();
  w = await startWorkers([{ name: "api", vars: { ORIGIN_URL: origin.url, ORIGIN_TIMEOUT_MS: "3000", PROBE_TIMEOUT_MS: "3000" } }]);
});
afterAll(async () => {
  origin?.release();
  await w?.close();
  await origin?.close();
});

async function stored(ray: string): Promise<IncidentRecord> {
  const kv = await w.kv();
  return JSON.parse(await eventually(() => recordOf(kv, ray), `incident ${ray}`)) as IncidentRecord;
}

/** Over real HTTP, so what is checked is what a client gets on the wire. */
async function passedOn(path: string) {
  const ray = nextRay();
  const res = await httpRequest(new URL(w.url), path, { headers: { accept: "application/json", "cf-ray": ray }, capMs: 20_000 });
  return { res, record: await stored(ray) };
}

const varyNames = (v: string | string[] | undefined) => String(v ?? "").split(",").map((s) => s.trim().toLowerCase());

function expectPassedOn(res: Awaited<ReturnType<typeof passedOn>>["res"], s: Served): void {
  expect(res.status).toBe(s.status);
  expect(res.body.equals(s.body)).toBe(true);
  expect(res.headers["content-type"]).toBe(s.headers["content-type"]);
  expect(res.headers.server).toBe(s.headers.server);
  expect(varyNames(res.headers.vary)).toContain("accept");
  expect(res.headers["cache-control"]).toBe("no-store");
}

describe("Cloudflare's structured JSON error, passed on", () => {
  it("a 502 with error_category cloudflare: the client gets it byte for byte; the incident is the edge's (rule cf_structured_edge)", async () => {
    const { res, record } = await passedOn("/cf/502");
    expectPassedOn(res, SERVED["/cf/502"]!);
    expect(record).toMatchObject({ error_code: 502, error_category: "cloudflare", hop: "edge", kind: "edge_status", rule: "cf_structured_edge", format: "passthrough" });
    expect(record.sub_code).toBeUndefined();
    expect(record.evidence).toMatchObject({ source: "response", server: "cloudflare", bodyBytesRead: SERVED["/cf/502"]!.body.length });
  });

  it("gzip-encoded, as Cloudflare sends it: read through the encoding, and the client still gets the same JSON", async () => {
    const ray = nextRay();
    const res = await httpRequest(new URL(w.url), "/cf/502-gzip", { headers: { accept: "application/json", "accept-encoding": "gzip", "cf-ray": ray }, capMs: 20_000 });
    expect(res.status).toBe(502);
    const body = res.headers["content-encoding"] === "gzip" ? zlib.gunzipSync(res.body) : res.body;
    expect(body.equals(SERVED["/cf/502"]!.body)).toBe(true);
    expect(await stored(ray)).toMatchObject({ hop: "edge", error_category: "cloudflare", rule: "cf_structured_edge", format: "passthrough", evidence: { contentEncoding: "gzip" } });
  });

  it("a 530 with error_code 1016: the client gets it byte for byte; the incident has hop edge and sub-code 1016 (rule sub_code_structured)", async () => {
    const { res, record } = await passedOn("/cf/530");
    expectPassedOn(res, SERVED["/cf/530"]!);
    expect(record).toMatchObject({ error_code: 530, sub_code: 1016, error_name: "origin_dns_error", error_category: "config", hop: "edge", kind: "reported", rule: "sub_code_structured", format: "passthrough" });
  });

  it("a structured error naming the origin's category stays the origin's (rule cf_structured_origin)", async () => {
    const { res, record } = await passedOn("/cf/504-origin");
    expectPassedOn(res, SERVED["/cf/504-origin"]!);
    expect(record).toMatchObject({ error_code: 504, error_category: "origin", hop: "origin", rule: "cf_structured_origin", format: "passthrough" });
  });
});

describe("the origin's own JSON error, passed on", () => {
  it("is recorded as the origin's (rule origin_page), with its body as evidence", async () => {
    const { res, record } = await passedOn("/origin/500");
    expectPassedOn(res, SERVED["/origin/500"]!);
    expect(record).toMatchObject({ error_code: 500, error_category: "origin", hop: "origin", kind: "origin_status", rule: "origin_page", format: "passthrough" });
    expect(record.evidence).toMatchObject({ bodyPrefix: SERVED["/origin/500"]!.body.toString() });
  });

  it("stays the origin's when relayed with Cloudflare's headers: the headers alone never blame the edge (rule cf_headers_only)", async () => {
    const { res, record } = await passedOn("/origin/500-relayed");
    expectPassedOn(res, SERVED["/origin/500-relayed"]!);
    expect(record).toMatchObject({ error_code: 500, error_category: "origin", hop: "origin", rule: "cf_headers_only", format: "passthrough" });
  });
});

describe("a large JSON error body", () => {
  it("streams to the client as it arrives; the incident is stored from a bounded prefix while the body is still open", async () => {
    const ray = nextRay();
    const res = await w.fetch("api", "https://api.example.com/stream", { headers: { accept: "*/*", "cf-ray": ray } });
    expect(res.status).toBe(500);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const chunks: Uint8Array[] = [];
    let got = 0;
    // The origin holds the tail back until told: the head arriving proves nothing waits for the whole body.
    while (got < STREAM_HEAD.length) {
      const next = await reader.read();
      if (next.done) throw new Error("body ended early");
      chunks.push(next.value);
      got += next.value.byteLength;
    }
    expect(Buffer.concat(chunks).equals(STREAM_HEAD)).toBe(true);
    const record = await stored(ray);
    expect(record).toMatchObject({ error_code: 500, hop: "origin", rule: "origin_page", format: "passthrough" });
    expect(record.evidence).toMatchObject({ bodyBytesRead: PREFIX_BYTES });
    origin.release();
    for (;;) {
      const next = await reader.read();
      if (next.done) break;
      chunks.push(next.value);
    }
    expect(Buffer.concat(chunks).equals(Buffer.concat([STREAM_HEAD, STREAM_TAIL]))).toBe(true);
  });
});
