/**
 * API clients and agents, over real HTTP through the built Worker in workerd: an origin's JSON
 * 5XX reaches every client that did not ask for HTML first (with the headers a cache needs), and
 * the Worker's own answers come as JSON, problem+json, Markdown or the page, by Accept.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOrigins } from "../../demo/origin.mjs";
import { en } from "../../src/core/i18n/en";
import { ko } from "../../src/core/i18n/ko";
import { type Harness, startHarness } from "../support/harness";
import { httpRequest } from "../support/http";

const CAP_MS = 20_000;
let origins: Awaited<ReturnType<typeof startOrigins>>;
let cachingApi: { url: string; close(): Promise<void> };
let w: Harness;

/** An API whose JSON errors say they may be cached, the way a misconfigured framework does. */
async function startCachingApi(): Promise<typeof cachingApi> {
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(503, {
      "content-type": "application/problem+json",
      "cache-control": "public, max-age=600",
      "cdn-cache-control": "max-age=600",
      "cloudflare-cdn-cache-control": "max-age=600",
      expires: "Thu, 01 Jan 2037 00:00:00 GMT",
      vary: "Origin",
      "x-request-id": "api-123",
    });
    res.end(JSON.stringify({ title: "maintenance", status: 503 }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

beforeAll(async () => {
  origins = await startOrigins({ backlog: false, log: () => undefined });
  cachingApi = await startCachingApi();
  const common = { ORIGIN_TIMEOUT_MS: "1500", PROBE_TIMEOUT_MS: "1000" };
  w = await startHarness([
    { name: "shop", host: "shop.test", vars: { ...common, ORIGIN_URL: origins.http } },
    { name: "nopass", host: "nopass.test", vars: { ...common, ORIGIN_URL: origins.http, PASS_THROUGH_JSON: "false" } },
    { name: "caching", host: "api.test", vars: { ...common, ORIGIN_URL: cachingApi.url } },
  ]);
});
afterAll(async () => {
  await w?.close();
  await cachingApi?.close();
  await origins?.close();
});

/** Exactly these headers go on the wire: no client library adds an Accept of its own. */
const get = (host: string, path: string, headers: Record<string, string> = {}) => httpRequest(w.url, path, { headers: { host, ...headers }, capMs: CAP_MS });
const varyNames = (v: string | string[] | undefined) => String(v ?? "").split(",").map((s) => s.trim().toLowerCase());

const ORIGIN_JSON = { error: "database down", code: 500 };

describe("an origin's own JSON 5XX", () => {
  it.each([
    ["no Accept (Go's net/http)", {}],
    ["*/* (fetch(), curl, Python requests)", { accept: "*/*" }],
    ["axios", { accept: "application/json, text/plain, */*" }],
    ["application/json", { accept: "application/json" }],
    ["application/json after text/html", { accept: "text/html, application/json;q=0.5" }],
    ["an agent asking for Markdown", { accept: "text/markdown" }],
  ])("reaches a client that did not ask for HTML first: %s", async (_name, headers) => {
    const res = await get("shop.test", "/json/500", headers);
    expect(res.status).toBe(500);
    expect(String(res.headers["content-type"])).toMatch(/^application\/json/);
    expect(JSON.parse(res.body.toString())).toEqual(ORIGIN_JSON);
    expect(varyNames(res.headers.vary)).toContain("accept");
    expect(res.headers["cache-control"]).toBe("no-store");
  });

  it("does not reach a browser navigation: that gets the page, which varies on Accept too", async () => {
    const res = await get("shop.test", "/json/500", { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" });
    expect(res.status).toBe(500);
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(res.body.toString()).toContain(en.codes[500].title);
    expect(res.body.toString()).not.toContain("database down");
    expect(varyNames(res.headers.vary)).toEqual(["accept", "accept-language"]);
  });

  it("is passed on with its own headers, but never cacheable and always varying on Accept", async () => {
    const res = await get("api.test", "/orders", { accept: "*/*" });
    expect(res.status).toBe(503);
    expect(res.headers["content-type"]).toBe("application/problem+json");
    expect(JSON.parse(res.body.toString())).toEqual({ title: "maintenance", status: 503 });
    expect(res.headers["x-request-id"]).toBe("api-123");
    expect(res.headers["cache-control"]).toBe("no-store");
    for (const name of ["expires", "cdn-cache-control", "cloudflare-cdn-cache-control"]) expect(res.headers[name], name).toBeUndefined();
    expect(varyNames(res.headers.vary)).toEqual(["origin", "accept"]);
  });

  it("is replaced when PASS_THROUGH_JSON=false: a JSON client gets this Worker's JSON, */* and no Accept get the page", async () => {
    const json = await get("nopass.test", "/json/500", { accept: "application/json" });
    expect(json.status).toBe(500);
    expect(json.headers["content-type"]).toBe("application/json; charset=utf-8");
    const body = JSON.parse(json.body.toString());
    expect(body).toMatchObject({ status: 500, error_code: 500, error_category: "origin", zone: "nopass.test" });
    expect(json.body.toString()).not.toContain("database down");
    for (const headers of [{ accept: "*/*" }, {}]) {
      const page = await get("nopass.test", "/json/500", headers);
      expect(page.status).toBe(500);
      expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
      expect(page.body.toString()).not.toContain("database down");
    }
  });
});

describe("the Worker's own answers, by Accept", () => {
  const RAY = "8f1b2c3d4e5f6a7b-ICN";

  it("application/json and application/problem+json: the same body, the Content-Type mirrored", async () => {
    const a = await get("shop.test", "/status/522", { accept: "application/json", "cf-ray": RAY });
    const b = await get("shop.test", "/status/522", { accept: "application/problem+json", "cf-ray": RAY });
    expect(a.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(b.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
    const [ja, jb] = [JSON.parse(a.body.toString()), JSON.parse(b.body.toString())];
    expect({ ...ja, timestamp: "" }).toEqual({ ...jb, timestamp: "" });
    expect(ja).toMatchObject({
      type: "https://developers.cloudflare.com/support/troubleshooting/http-status-codes/cloudflare-5xx-errors/error-522/",
      title: `Error 522: ${en.codes[522].title}`,
      status: 522,
      detail: expect.stringContaining(en.codes[522].happened),
      instance: RAY,
      error_code: 522,
      error_name: "connection_timeout",
      error_category: "origin",
      ray_id: RAY,
      zone: "shop.test",
      cloudflare_error: true,
      retryable: true,
      retry_after: 120,
      owner_action_required: true,
      what_you_should_do: en.codes[522].visitor,
      footer: en.ui.machineFooter,
    });
    expect(a.headers["retry-after"]).toBe("120");
  });

  it("text/markdown: Cloudflare's layout with the same facts as the JSON", async () => {
    const md = await get("shop.test", "/status/525", { accept: "text/markdown", "cf-ray": RAY });
    const json = JSON.parse((await get("shop.test", "/status/525", { accept: "application/json", "cf-ray": RAY })).body.toString());
    expect(md.status).toBe(525);
    expect(md.headers["content-type"]).toBe("text/markdown; charset=utf-8");
    const text = md.body.toString();
    const [, front = "", prose = ""] = /^---\n([\s\S]*?)\n---\n\n([\s\S]*)$/.exec(text) ?? [];
    const fields = Object.fromEntries(front.split("\n").map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 2)]));
    expect(fields).toMatchObject({
      error_code: "525",
      error_name: json.error_name,
      error_category: "ssl",
      status: "525",
      ray_id: JSON.stringify(RAY),
      zone: "shop.test",
      cloudflare_error: "true",
      retryable: "false",
      retry_after: "null",
      owner_action_required: "true",
    });
    expect(new Date(JSON.parse(fields.timestamp ?? '""')).toISOString()).toBe(fields.timestamp && JSON.parse(fields.timestamp));
    expect(prose).toContain(`# ${json.title}\n\n## What Happened\n\n${json.detail}\n\n## What You Should Do\n\n${json.what_you_should_do}\n`);
    for (const check of json.owner_checks as string[]) expect(prose).toContain(`- ${check}\n`);
    expect(prose.trimEnd().endsWith(json.footer)).toBe(true);
    expect(md.headers["retry-after"]).toBeUndefined();
  });

  it("text/* gets Markdown too, and the first listed wins a tie", async () => {
    expect((await get("shop.test", "/status/502", { accept: "text/*" })).headers["content-type"]).toBe("text/markdown; charset=utf-8");
    expect((await get("shop.test", "/status/502", { accept: "text/markdown, application/json" })).headers["content-type"]).toBe("text/markdown; charset=utf-8");
    expect((await get("shop.test", "/status/502", { accept: "application/json, text/markdown" })).headers["content-type"]).toBe("application/json; charset=utf-8");
    expect((await get("shop.test", "/status/502", { accept: "application/json;q=0.8, text/markdown" })).headers["content-type"]).toBe("text/markdown; charset=utf-8");
  });

  it("Korean Markdown keeps Cloudflare's headings and says the rest in Korean", async () => {
    const md = (await get("shop.test", "/status/523", { accept: "text/markdown", "accept-language": "ko" })).body.toString();
    expect(md).toContain(`# 오류 523: ${ko.codes[523].title}\n\n## What Happened\n\n${ko.codes[523].happened}`);
  });

  it("varies on Accept-Language only when the language came from it", async () => {
    const byHeader = await get("shop.test", "/status/502", { accept: "application/json", "accept-language": "ko" });
    expect(varyNames(byHeader.headers.vary)).toEqual(["accept", "accept-language"]);
    const byQuery = await get("shop.test", "/status/502?lang=ko", { accept: "application/json", "accept-language": "en" });
    expect(JSON.parse(byQuery.body.toString()).title).toContain(ko.codes[502].title);
    expect(varyNames(byQuery.headers.vary)).toEqual(["accept"]);
  });
});
