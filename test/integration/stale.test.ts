/**
 * The last good copy against a real origin that stops answering: pages copied while it is
 * healthy, served with the banner and headers once its port refuses, and everything that must
 * never get a copy (private pages, session cookies, HEAD, POST, copies that are too old).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyKey } from "../../src/site/stale/policy";
import { RESILIENCE_TEXT } from "../../src/core/i18n/resilience";
import type { IncidentRecord } from "../../src/core/incident";
import { type FlakyOrigin, startFlakyOrigin } from "../support/flaky-origin";
import { recordOf } from "../support/incidents";
import { eventually, type RunningWorkers, startWorkers } from "../support/worker";

let origin: FlakyOrigin;
let w: RunningWorkers;
const BASE = "https://shop.example.com";
const common = { ORIGIN_TIMEOUT_MS: "3000", PROBE_TIMEOUT_MS: "1000", ORIGIN_RETRY: "false" };

beforeAll(async () => {
  origin = await startFlakyOrigin();
  w = await startWorkers([
    { name: "stale", vars: { ...common, ORIGIN_URL: origin.url, STALE_PATHS: "/*", STALE_BYPASS_COOKIES: "session", STATUS_PAGE_URL: "https://status.example.com/" } },
    { name: "plain", vars: { ...common, ORIGIN_URL: origin.url } },
  ]);
});
afterAll(async () => {
  await w?.close();
  await origin?.close().catch(() => undefined);
});

async function cached(path: string): Promise<Response | undefined> {
  const caches = await w.mf.getCaches();
  const hit = await caches.default.match(copyKey(new URL(BASE + path)));
  return (hit as unknown as Response | undefined) ?? undefined;
}

const storedCopy = (path: string) => eventually(() => cached(path), `a copy of ${path}`);

async function record(kv: Awaited<ReturnType<RunningWorkers["kv"]>>, ray: string): Promise<IncidentRecord> {
  const raw = await eventually(async () => await recordOf(kv, ray), `incident ${ray}`);
  return JSON.parse(raw) as IncidentRecord;
}

describe("while the origin is healthy", () => {
  it("streams the page to the visitor byte for byte while a copy is taken", async () => {
    const res = await w.fetch("stale", `${BASE}/stream`, { headers: { accept: "text/html" } });
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    // The origin holds the rest back until told: the first part arriving proves nothing waits for the whole body.
    const chunks: Uint8Array[] = [];
    let got = 0;
    while (got < origin.streamHead.length) {
      const next = await reader.read();
      if (next.done) throw new Error("body ended early");
      chunks.push(next.value);
      got += next.value.byteLength;
    }
    expect(Buffer.concat(chunks).equals(origin.streamHead)).toBe(true);
    origin.releaseStream();
    for (;;) {
      const next = await reader.read();
      if (next.done) break;
      chunks.push(next.value);
    }
    expect(Buffer.concat(chunks).equals(Buffer.concat([origin.streamHead, origin.streamTail]))).toBe(true);
    const copy = await storedCopy("/stream");
    expect(Buffer.from(await copy.arrayBuffer()).equals(Buffer.concat([origin.streamHead, origin.streamTail]))).toBe(true);
  });

  it("passes a large page through unchanged, and its copy is the same bytes", async () => {
    const res = await w.fetch("stale", `${BASE}/big`, { headers: { accept: "text/html" } });
    expect(Buffer.from(await res.arrayBuffer()).equals(origin.big)).toBe(true);
    const copy = await storedCopy("/big");
    expect(Buffer.from(await copy.arrayBuffer()).equals(origin.big)).toBe(true);
  });

  it("keeps shareable HTML pages, and nothing private, cookie-setting, non-HTML or asked for with a session", async () => {
    for (const path of ["/page", "/csp"]) await (await w.fetch("stale", BASE + path, { headers: { accept: "text/html" } })).arrayBuffer();
    for (const path of ["/private", "/cookie", "/json"]) await (await w.fetch("stale", BASE + path)).arrayBuffer();
    await (await w.fetch("stale", `${BASE}/session-page`, { headers: { cookie: "theme=dark; session=abc" } })).arrayBuffer();
    await (await w.fetch("stale", `${BASE}/authorized`, { headers: { authorization: "Bearer x" } })).arrayBuffer();
    await storedCopy("/page");
    await storedCopy("/csp");
    for (const path of ["/private", "/cookie", "/json", "/session-page", "/authorized"]) expect(await cached(path), path).toBeUndefined();
  });
});

describe("once the origin refuses", () => {
  beforeAll(async () => {
    await origin.close();
  });

  it("serves the copy with status 200, the banner, Cache-Status and no-store, and records the incident as served stale", async () => {
    const ray = "5a1e000000000001-ICN";
    const res = await w.fetch("stale", `${BASE}/page`, { headers: { accept: "text/html", "cf-ray": ray } });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-status")).toMatch(/^edge-error-pages; fwd=stale; fwd-status=521; ttl=-?\d+; detail=last-good-copy$/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = await res.text();
    expect(body).toContain('<aside id="eep-stale"');
    expect(body).toContain(RESILIENCE_TEXT.en.staleTitle);
    expect(body).toContain(ray);
    expect(body).toContain("521");
    expect(body).toContain('href="https://status.example.com/"');
    // The banner comes first in the body, and the page itself follows unchanged.
    expect(body.indexOf('<aside id="eep-stale"')).toBeGreaterThan(body.indexOf("<body>"));
    expect(body.indexOf('<aside id="eep-stale"')).toBeLessThan(body.indexOf("<h1>/page</h1>"));
    const stored = await record(await w.kv(), ray);
    expect(stored).toMatchObject({ error_code: 521, served: "stale", format: "stale", path: "/page" });
  });

  it("speaks the visitor's language", async () => {
    const res = await w.fetch("stale", `${BASE}/page`, { headers: { accept: "text/html", "accept-language": "ko-KR" } });
    const body = await res.text();
    expect(res.status).toBe(200);
    expect(body).toContain(RESILIENCE_TEXT.ko.staleTitle);
    expect(body).toContain('lang="ko"');
  });

  it("admits the banner's style in the page's own CSP, changing nothing else", async () => {
    const res = await w.fetch("stale", `${BASE}/csp`, { headers: { accept: "text/html" } });
    await res.arrayBuffer();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toMatch(/^default-src 'self'; style-src 'self' 'sha256-[A-Za-z0-9+/=]+'$/);
  });

  it("gives no copy of a private page: it was never kept", async () => {
    const res = await w.fetch("stale", `${BASE}/private`, { headers: { accept: "text/html" } });
    expect(res.status).toBe(521);
    expect(res.headers.get("cache-status")).toBeNull();
    expect(await res.text()).not.toContain("eep-stale");
  });

  it("gives no copy to a request with a session cookie, with credentials, to HEAD or to POST", async () => {
    const withCookie = await w.fetch("stale", `${BASE}/page`, { headers: { accept: "text/html", cookie: "session=abc" } });
    expect(withCookie.status).toBe(521);
    expect(await withCookie.text()).not.toContain("eep-stale");
    const withAuth = await w.fetch("stale", `${BASE}/page`, { headers: { accept: "text/html", authorization: "Bearer x" } });
    expect(withAuth.status).toBe(521);
    await withAuth.arrayBuffer();
    const head = await w.fetch("stale", `${BASE}/page`, { method: "HEAD" });
    expect(head.status).toBe(521);
    const post = await w.fetch("stale", `${BASE}/page`, { method: "POST", body: "x=1", headers: { accept: "text/html" } });
    expect(post.status).toBe(521);
    await post.arrayBuffer();
  });

  it("another cookie does not stop the copy", async () => {
    const res = await w.fetch("stale", `${BASE}/page`, { headers: { accept: "text/html", cookie: "theme=dark" } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("eep-stale");
  });

  it("a Worker without STALE_PATHS serves the error page", async () => {
    const res = await w.fetch("plain", `${BASE}/page`, { headers: { accept: "text/html" } });
    expect(res.status).toBe(521);
    await res.arrayBuffer();
  });
});
