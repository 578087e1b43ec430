/**
 * The fixture set of real-world error pages, served by a loopback origin with the headers each is
 * sent with (some gzip, br or deflate), through the built Worker in workerd: the status the visitor
 * gets, who must fix it, and the rule recorded in KV.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordOf } from "../support/incidents";
import { en } from "../../src/core/i18n/en";
import { fixtureBytes, PAGE_FIXTURES, type PageFixture } from "../fixtures/pages";
import { eventually, type RunningWorkers, startWorkers } from "../support/worker";

type Encoding = "identity" | "gzip" | "br" | "deflate" | "deflate-raw";
const ENCODINGS: readonly Encoding[] = ["identity", "gzip", "br", "deflate", "deflate-raw"];

function encode(body: Buffer, encoding: Encoding): Buffer {
  switch (encoding) {
    case "identity":
      return body;
    case "gzip":
      return zlib.gzipSync(body);
    case "br":
      return zlib.brotliCompressSync(body);
    case "deflate":
      return zlib.deflateSync(body);
    case "deflate-raw":
      return zlib.deflateRawSync(body);
  }
}

/** `/<fixture index>/<encoding>`: the fixture's status, headers and body, encoded as asked. */
function startFixtureOrigin(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const [, index, encoding] = (req.url ?? "").split("/");
    const f = PAGE_FIXTURES[Number(index)];
    if (!f || !ENCODINGS.includes(encoding as Encoding)) return void res.writeHead(404).end();
    const headers: Record<string, string> = { ...f.headers };
    // "deflate-raw" is what some servers send as "deflate": the same header, no zlib wrapper.
    if (encoding !== "identity") headers["content-encoding"] = encoding === "deflate-raw" ? "deflate" : (encoding as string);
    res.writeHead(f.status, headers);
    res.end(encode(fixtureBytes(f.file), encoding as Encoding));
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise<void>((r) => server.close(() => r())),
      }),
    ),
  );
}

let origin: Awaited<ReturnType<typeof startFixtureOrigin>>;
let w: RunningWorkers;
const BASE = "https://shop.example.com";
let rays = 0;
const nextRay = () => `${(0xabc0000000000000n + BigInt(++rays)).toString(16)}-ICN`;

beforeAll(async () => {
  origin = await startFixtureOrigin();
  w = await startWorkers([{ name: "pages", vars: { ORIGIN_URL: origin.url, ORIGIN_TIMEOUT_MS: "3000", PROBE_TIMEOUT_MS: "1500" } }]);
});
afterAll(async () => {
  await w?.close();
  await origin?.close();
});

async function record(ray: string): Promise<Record<string, unknown> & { evidence: Record<string, unknown> }> {
  const kv = await w.kv();
  return JSON.parse(await eventually(() => recordOf(kv, ray), `record ${ray}`));
}

/** One page request for fixture `i` in `encoding`: the visitor's answer and the incident record. */
async function served(i: number, encoding: Encoding) {
  const ray = nextRay();
  const res = await w.fetch("pages", `${BASE}/${i}/${encoding}`, { headers: { accept: "text/html", "accept-encoding": "gzip, br", "cf-ray": ray } });
  const page = await res.text();
  return { res, page, record: await record(ray) };
}

const expectClassified = (f: PageFixture, got: Awaited<ReturnType<typeof served>>) => {
  expect(got.res.status).toBe(f.expected.status);
  expect(got.record).toMatchObject({ error_code: f.expected.status, error_category: f.expected.category, rule: f.expected.rule });
  if (f.expected.subCode !== undefined) expect(got.record.sub_code).toBe(f.expected.subCode);
  // The origin's page never reaches the visitor: only ours.
  expect(got.page).toContain(`<title>shop.example.com | ${f.expected.status}: `);
  expect(got.page).not.toContain("cf-error-details");
};

describe("each fixture through the Worker", () => {
  it.each(PAGE_FIXTURES.map((f, i) => [f.file, f.status, ENCODINGS[i % ENCODINGS.length]!, i] as const))(
    "%s (%i, %s)",
    async (_file, _status, encoding, i) => {
      const f = PAGE_FIXTURES[i]!;
      expectClassified(f, await served(i, encoding));
    },
  );
});

describe("compressed bodies", () => {
  const edgePage = PAGE_FIXTURES.findIndex((f) => f.file === "cf-full-502-cloudflare.html");
  const originPage = PAGE_FIXTURES.findIndex((f) => f.file === "cf-full-502-host.html");

  it.each(ENCODINGS)("%s: Cloudflare's page is read through the encoding, both ways round", async (encoding) => {
    const edge = await served(edgePage, encoding);
    expectClassified(PAGE_FIXTURES[edgePage]!, edge);
    const host = await served(originPage, encoding);
    expectClassified(PAGE_FIXTURES[originPage]!, host);
    // The runtime decodes gzip and br itself; deflate (zlib or raw) is decoded by the Worker.
    const decoding = { identity: "none", gzip: "none", br: "none", deflate: "deflate", "deflate-raw": "deflate-raw" }[encoding];
    expect(host.record.evidence).toMatchObject({ bodyDecoding: decoding, server: "cloudflare", cfRay: PAGE_FIXTURES[originPage]!.headers["cf-ray"] });
    expect(String(host.record.evidence.bodyPrefix)).toContain('<div id="cf-wrapper">');
  });
});

describe("what the visitor and the owner are told", () => {
  const json = (i: number) => w.fetch("pages", `${BASE}/${i}/gzip`, { headers: { accept: "application/problem+json" } });
  const index = (file: string) => PAGE_FIXTURES.findIndex((f) => f.file === file);

  it("Cloudflare's own 502 needs no owner action; the origin's 502 behind Cloudflare's branded page does", async () => {
    const edge = (await (await json(index("cf-full-502-cloudflare.html"))).json()) as Record<string, unknown>;
    expect(edge).toMatchObject({ error_code: 502, error_category: "cloudflare", hop: "edge", owner_action_required: false });
    const host = (await (await json(index("cf-full-502-host.html"))).json()) as Record<string, unknown>;
    expect(host).toMatchObject({ error_code: 502, error_category: "origin", hop: "origin", owner_action_required: true });
    expect(host.owner_checks).toEqual(en.codes[502].owner);
  });

  it("an origin page loading cdnjs, the beacon, Turnstile or the email-protection script is never blamed on the edge", async () => {
    for (const file of ["origin-cdnjs-500.html", "origin-insights-502.html", "origin-turnstile-503.html", "origin-email-protection-500.html", "origin-wordpress-500.html"]) {
      const body = (await (await json(index(file))).json()) as Record<string, unknown>;
      expect(body, file).toMatchObject({ error_category: "origin", hop: "origin", owner_action_required: true });
    }
  });
});
