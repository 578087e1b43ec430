/**
 * Every failure class against a real loopback origin that really fails, through the real Worker:
 * status, page content per code and language, headers, negotiation, and the KV record.
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOrigins } from "../../demo/origin.mjs";
import { CODES } from "../../src/core/codes";
import { en } from "../../src/core/i18n/en";
import { ko } from "../../src/core/i18n/ko";
import { escapeHtml } from "../../src/site/render/template";
import { fixtureBytes } from "../fixtures/pages";
import { eventually, type RunningWorkers, startWorkers } from "../support/worker";
import { recordOf } from "../support/incidents";

let origins: Awaited<ReturnType<typeof startOrigins>>;
let raw: net.Server;
let w: RunningWorkers;
const BASE = "https://shop.example.com";
const common = { ORIGIN_TIMEOUT_MS: "1500", PROBE_TIMEOUT_MS: "1000" };

/**
 * Answers `/status/<n>` with the status line `HTTP/1.1 <n> Odd`, which no other server here will
 * send, and `/html530/<form>` with one of Cloudflare's HTML 530 pages from the fixture set.
 */
function startRawOrigin(): Promise<number> {
  raw = net.createServer((socket) => {
    socket.on("error", () => undefined);
    socket.once("data", (chunk: Buffer) => {
      const path = chunk.toString("latin1").split(" ")[1] ?? "/";
      const [, kind, arg] = path.split("/");
      const page = kind === "html530" ? fixtureBytes(arg === "span" ? "cf-530-1033-span.html" : "cf-530-1033-title.html") : Buffer.from("odd");
      const status = kind === "html530" ? "530 " : `${arg} Odd`;
      socket.end(Buffer.concat([Buffer.from(`HTTP/1.1 ${status}\r\ncontent-type: text/html\r\nserver: cloudflare\r\ncontent-length: ${page.length}\r\nconnection: close\r\n\r\n`), page]));
    });
  });
  return new Promise((resolve) => raw.listen(0, "127.0.0.1", () => resolve((raw.address() as net.AddressInfo).port)));
}

beforeAll(async () => {
  origins = await startOrigins();
  const rawPort = await startRawOrigin();
  const specs = [
    { name: "main", vars: { ...common, ORIGIN_URL: origins.http } },
    { name: "refused", vars: { ...common, ORIGIN_URL: `http://127.0.0.1:${origins.refusedPort}` } },
    { name: "tls-plain", vars: { ...common, ORIGIN_URL: `https://127.0.0.1:${origins.port}` } },
    { name: "tls-invalid", vars: { ...common, ORIGIN_URL: `https://127.0.0.1:${origins.tlsPort}` } },
    { name: "korean", vars: { ...common, ORIGIN_URL: origins.http, DEFAULT_LOCALE: "ko" } },
    { name: "raw", vars: { ...common, ORIGIN_URL: `http://127.0.0.1:${rawPort}` } },
  ];
  if (origins.backlogPort) specs.push({ name: "backlog", vars: { ...common, ORIGIN_URL: `http://127.0.0.1:${origins.backlogPort}` } });
  w = await startWorkers(specs);
});
afterAll(async () => {
  await w?.close();
  await origins?.close();
  await new Promise((r) => (raw ? raw.close(r) : r(undefined)));
});

const html = { accept: "text/html" };
const json = { accept: "application/json" };

async function problem(worker: string, path: string, headers: Record<string, string> = {}) {
  const res = await w.fetch(worker, BASE + path, { headers: { ...json, ...headers } });
  return { res, body: (await res.json()) as Record<string, unknown> };
}

describe("origin status codes", () => {
  it.each([500, 502, 503, 504, 520, 521, 522, 523, 524, 525, 526, 527])("origin %i → an error page for that code", async (code) => {
    const res = await w.fetch("main", `${BASE}/status/${code}`, { headers: html });
    expect(res.status).toBe(code);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const page = await res.text();
    expect(page).toContain(en.codes[code as 500].title);
    expect(page).toContain(`<title>shop.example.com | ${code}: ${en.codes[code as 500].title}</title>`);
    // The origin's own error body never reaches the visitor.
    expect(page).not.toContain("X-Origin");
    expect(page).not.toMatch(/demo origin/i);
  });

  it("origin 500–504 are the origin's side; Cloudflare's short page (`<hr><center>cloudflare-nginx</center>`) is the edge's", async () => {
    expect((await problem("main", "/status/502")).body).toMatchObject({ error_code: 502, error_category: "origin", hop: "origin", owner_action_required: true });
    expect((await problem("main", "/branded/502")).body).toMatchObject({ error_code: 502, error_category: "cloudflare", hop: "edge", owner_action_required: false });
    const page = await (await w.fetch("main", `${BASE}/branded/503`, { headers: html })).text();
    expect(page).toContain(en.edgeVariants[503].happened);
  });

  it.each([
    [501, "Not Implemented", "not_implemented"],
    [505, "HTTP Version Not Supported", "http_version_not_supported"],
    [506, "Variant Also Negotiates", "variant_also_negotiates"],
    [507, "Insufficient Storage", "insufficient_storage"],
    [508, "Loop Detected", "loop_detected"],
    [510, "Not Extended", "not_extended"],
    [511, "Network Authentication Required", "network_authentication_required"],
    [599, en.originStatus.title, "server_error"],
  ])("origin %i keeps its status, with its own code and reason phrase on the page, in the copy block and in JSON", async (code, phrase, name) => {
    const res = await w.fetch("main", `${BASE}/status/${code}`, { headers: html });
    expect(res.status).toBe(code);
    const page = await res.text();
    expect(page).toContain(`<title>shop.example.com | ${code}: ${escapeHtml(phrase)}</title>`);
    expect(page).toContain(`${en.ui.errorCode}: ${code} ${escapeHtml(phrase)}`);
    expect(page).toContain(escapeHtml(en.originStatus.happened.replace("{status}", String(code))));
    expect(page).not.toMatch(/demo origin/i);
    const { res: jres, body } = await problem("main", `/status/${code}`);
    expect(jres.status).toBe(code);
    expect(body).toMatchObject({ status: code, error_code: code, title: `Error ${code}: ${phrase}`, error_name: name, error_category: "origin", owner_action_required: true });
  });

  it("530 shows its 1xxx code", async () => {
    const res = await w.fetch("main", `${BASE}/cf530/1016`, { headers: html });
    expect(res.status).toBe(530);
    const page = await res.text();
    expect(page).toContain("1016");
    expect(page).toContain(en.subCodes[1016].title);
    expect((await problem("main", "/cf530/1033")).body).toMatchObject({ error_code: 530, sub_code: 1033, error_name: "tunnel_error" });
  });

  it("Cloudflare's own 500 and 503 keep the 1xxx code of the Worker failure they name", async () => {
    const res = await w.fetch("main", `${BASE}/cf-edge/500/1101`, { headers: html });
    expect(res.status).toBe(500);
    const page = await res.text();
    expect(page).toContain(escapeHtml(en.subCodes[1101].title));
    expect(page).toContain(escapeHtml(en.subCodes[1101].owner[0] ?? ""));
    const threw = await problem("main", "/cf-edge/500/1101");
    expect(threw.res.status).toBe(500);
    expect(threw.body).toMatchObject({ error_code: 500, sub_code: 1101, error_name: "worker_threw_exception", error_category: "cloudflare", type: "https://developers.cloudflare.com/workers/observability/errors/" });
    expect((await problem("main", "/cf-edge/503/1102")).body).toMatchObject({ error_code: 503, sub_code: 1102, error_name: "worker_exceeded_resource_limits" });
  });
});

describe("statuses no response can carry, and Cloudflare's HTML 530 pages", () => {
  it("an interim 199 and then a closed connection → 520: the runtime waits for a final answer that never comes", async () => {
    const ray = "000000000000019a";
    const { res } = await problem("raw", "/status/199", { "cf-ray": ray });
    expect(res.status).toBe(520);
    const kv = await w.kv();
    const record = JSON.parse(await eventually(() => recordOf(kv, ray), "incident record"));
    expect(record).toMatchObject({ error_code: 520, rule: "lost_after_connect" });
  });

  it.each([600, 999])("an origin status line with %i → 520 (rule status_out_of_range), never the runtime's own failure", async (status) => {
    const ray = `00000000000${status.toString(16).padStart(5, "0")}`;
    const { res, body } = await problem("raw", `/status/${status}`, { "cf-ray": ray });
    expect(res.status).toBe(520);
    expect(body).toMatchObject({ error_code: 520, error_name: "unknown_error", error_category: "origin" });
    const kv = await w.kv();
    const record = JSON.parse(await eventually(() => recordOf(kv, ray), "incident record"));
    expect(record).toMatchObject({ error_code: 520, rule: "status_out_of_range", evidence: { status } });
  });

  it.each([
    ["/html530/span", 1033, "sub_code_span"],
    ["/html530/title", 1033, "sub_code_title"],
  ])("%s: a 530 page's 1xxx code is read from its HTML", async (path, sub, rule) => {
    const ray = path.endsWith("span") ? "00000000000530aa" : "00000000000530ab";
    const res = await w.fetch("raw", `${BASE}${path}`, { headers: { ...html, "cf-ray": ray } });
    expect(res.status).toBe(530);
    const page = await res.text();
    expect(page).toContain(en.subCodes[1033].title);
    const kv = await w.kv();
    const record = JSON.parse(await eventually(() => recordOf(kv, ray), "incident record"));
    expect(record).toMatchObject({ error_code: 530, sub_code: sub, error_name: "tunnel_error", rule });
  });
});

describe("origin failures the runtime throws on", () => {
  it.each([
    ["refused", "/", 521, "refused"],
    ["main", "/garbage", 520, "bad_reply"],
    ["main", "/empty", 520, "empty_reply"],
    ["main", "/reset", 520, "empty_reply"],
    ["main", "/hang", 524, "response_timeout"],
    ["tls-plain", "/ok", 525, "ssl_handshake_failed"],
    ["tls-invalid", "/ok", 526, "invalid_ssl_certificate"],
  ])("%s %s → %i", async (worker, path, code) => {
    const { res, body } = await problem(worker, path);
    expect(res.status).toBe(code);
    expect(body.error_code).toBe(code);
    expect(body.error_name).toBe(CODES[code as 520].name);
  });

  it("a connect that never completes → 522", async (ctx) => {
    if (!origins.backlogPort) return ctx.skip();
    const { res } = await problem("backlog", "/");
    expect(res.status).toBe(522);
  });
});

describe("the error answer", () => {
  it("carries the no-store, noindex, CSP and Retry-After headers", async () => {
    const res = await w.fetch("main", `${BASE}/status/502`, { headers: html });
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("x-robots-tag")).toBe("noindex");
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(res.headers.get("retry-after")).toBe("60");
    await res.text();
  });

  it("keeps the origin's Retry-After, and sends none for non-retryable codes", async () => {
    const kept = await w.fetch("main", `${BASE}/retry-after/503/17`, { headers: html });
    expect(kept.headers.get("retry-after")).toBe("17");
    await kept.text();
    const none = await w.fetch("main", `${BASE}/status/525`, { headers: html });
    expect(none.headers.get("retry-after")).toBeNull();
    await none.text();
  });

  it("answers HEAD with the status and no body", async () => {
    const res = await w.fetch("main", `${BASE}/status/502`, { method: "HEAD" });
    expect(res.status).toBe(502);
    expect(await res.text()).toBe("");
  });

  it("gives RFC 9457 problem details with Cloudflare's structured fields", async () => {
    const { res, body } = await problem("main", "/status/504", { "cf-ray": "8f1b2c3d4e5f6a7b-ICN" });
    // application/json asked, application/json answered (problem+json gets its own type: clients.test.ts)
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(body).toMatchObject({
      status: 504,
      title: `Error 504: ${en.codes[504].title}`,
      instance: "8f1b2c3d4e5f6a7b-ICN",
      error_code: 504,
      error_name: "gateway_timeout",
      error_category: "origin",
      ray_id: "8f1b2c3d4e5f6a7b-ICN",
      retryable: true,
      retry_after: 120,
      owner_action_required: true,
      what_you_should_do: en.codes[504].visitor,
    });
    // 502 and 504 share Cloudflare's page
    expect(body.type).toBe("https://developers.cloudflare.com/support/troubleshooting/http-status-codes/cloudflare-5xx-errors/error-502-504/");
    expect(typeof body.detail).toBe("string");
    expect(new Date(String(body.timestamp)).toISOString()).toBe(body.timestamp);
  });

  it("gives a short text to text/plain clients", async () => {
    const res = await w.fetch("main", `${BASE}/status/521`, { headers: { accept: "text/plain" } });
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await res.text()).toContain("521");
  });

  it("lets an API's own JSON error through to JSON clients", async () => {
    const res = await w.fetch("main", `${BASE}/json/500`, { headers: json });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: "database down", code: 500 });
    const browser = await w.fetch("main", `${BASE}/json/500`, { headers: html });
    expect(await browser.text()).toContain(en.codes[500].title);
  });

  it("never reflects what the visitor sent unescaped", async () => {
    const res = await w.fetch("main", `${BASE}/status/502?q=<script>alert(1)</script>&"onload="x`, {
      headers: { ...html, "cf-ray": "<img src=x onerror=alert(1)>" },
    });
    const page = await res.text();
    expect(page).not.toContain("<script>alert(1)");
    expect(page).not.toContain("<img src=x");
    expect(page).not.toContain('"onload="');
  });
});

describe("languages", () => {
  it.each([
    ["ko-KR,ko;q=0.9,en;q=0.8", "ko"],
    ["fr-FR, ko;q=0.5, en;q=0.4", "ko"],
    ["en-GB", "en"],
    ["de", "en"],
    ["ko;q=0.2, en;q=0.9", "en"],
  ])("Accept-Language %s → %s", async (header, lang) => {
    const res = await w.fetch("main", `${BASE}/status/522`, { headers: { ...html, "accept-language": header } });
    const page = await res.text();
    expect(page).toContain(`<html lang="${lang}"`);
    expect(page).toContain((lang === "ko" ? ko : en).codes[522].title);
    expect(res.headers.get("content-language")).toBe(lang);
  });

  it("falls back to DEFAULT_LOCALE and honours ?lang=", async () => {
    const page = await (await w.fetch("korean", `${BASE}/status/502`, { headers: { ...html, "accept-language": "de" } })).text();
    expect(page).toContain('<html lang="ko"');
    const switched = await (await w.fetch("korean", `${BASE}/status/502?lang=en`, { headers: html })).text();
    expect(switched).toContain('<html lang="en"');
  });

  it("links the other language keeping the query, never the path", async () => {
    const page = await (await w.fetch("main", `${BASE}/status/502?q=shoes&lang=en`, { headers: html })).text();
    expect(page).toContain('href="?q=shoes&amp;lang=ko"');
    const odd = await (await w.fetch("main", `${BASE}//evil.example/status/502`, { headers: html })).text();
    expect(odd).toContain('href="?lang=ko"');
  });

  it("localizes problem details", async () => {
    const { body } = await problem("main", "/status/523", { "accept-language": "ko" });
    expect(body.title).toBe(`오류 523: ${ko.codes[523].title}`);
  });
});

describe("incident records", () => {
  it("records each failure in KV with its evidence and without secrets", async () => {
    const ray = "0123456789abcdef-ICN";
    const res = await w.fetch("main", `${BASE}/status/502?token=secret-query`, {
      headers: { ...html, "cf-ray": ray, authorization: "Bearer top-secret-value", cookie: "session=cookie-secret", "user-agent": "itest" },
      cf: { colo: "ICN", country: "KR", city: "Seoul" },
    });
    expect(res.status).toBe(502);
    await res.text();
    const kv = await w.kv();
    const raw = await eventually(() => recordOf(kv, ray), "incident record");
    const record = JSON.parse(raw);
    expect(record).toMatchObject({
      ray_id: ray,
      error_code: 502,
      error_name: "bad_gateway",
      error_category: "origin",
      method: "GET",
      host: "shop.example.com",
      path: "/status/502",
      colo: "ICN",
      country: "KR",
      weight: 1,
      evidence: { source: "response", status: 502 },
    });
    expect(Date.parse(record.timestamp)).not.toBeNaN();
    expect(raw).not.toContain("top-secret-value");
    expect(raw).not.toContain("cookie-secret");
    expect(raw).not.toContain("secret-query");
    const index = await kv.list({ prefix: "t:" });
    const entry = index.keys.find((k) => k.name.includes(`:${ray}:`));
    expect(entry?.metadata).toMatchObject({ c: 502, h: "shop.example.com", p: "/status/502", w: 1 });
    expect(entry?.expiration).toBeGreaterThan(Date.now() / 1000 + 29 * 86_400);
  });

  it("keeps probe evidence for failures the runtime threw on", async () => {
    const ray = "fedcba9876543210-SEA";
    await (await w.fetch("refused", `${BASE}/x`, { headers: { ...html, "cf-ray": ray } })).text();
    const kv = await w.kv();
    const record = JSON.parse(await eventually(() => recordOf(kv, ray), "incident record"));
    expect(record).toMatchObject({ error_code: 521, kind: "refused", evidence: { source: "exception", probe: { tcp: "failed" } } });
    expect(typeof record.evidence.elapsedMs).toBe("number");
  });

  it("records JSON errors it passes through", async () => {
    const ray = "00000000000000aa";
    await (await w.fetch("main", `${BASE}/json/503`, { headers: { ...json, "cf-ray": ray } })).text();
    const kv = await w.kv();
    const record = JSON.parse(await eventually(() => recordOf(kv, ray), "incident record"));
    expect(record).toMatchObject({ error_code: 503, format: "passthrough" });
  });
});
