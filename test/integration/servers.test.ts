/**
 * Real server software as the origin: Debian's nginx, HAProxy and Apache on loopback, proxying to
 * dead, hanging and garbage-speaking upstreams so they send their own real 502/503/504 pages, and
 * answering 501/505/507 themselves. Through the built Worker in workerd: the status the visitor
 * gets, the category (who fixes it), `owner_action_required`, and the rule recorded in KV.
 */
import { resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordOf } from "../support/incidents";
import { en } from "../../src/core/i18n/en";
import { ko } from "../../src/core/i18n/ko";
import { escapeHtml } from "../../src/site/render/template";
import { fixtureBytes } from "../fixtures/pages";
import { brokenUpstream, freePort, type RunningServer, startApache, startHaproxy, startNginx } from "../support/servers";
import { eventually, type RunningWorkers, startWorkers } from "../support/worker";

const FIXTURES = resolve(import.meta.dirname, "../fixtures/pages");
const BASE = "https://shop.example.com";

let hang: Awaited<ReturnType<typeof brokenUpstream>>;
let garbage: Awaited<ReturnType<typeof brokenUpstream>>;
let nginx: RunningServer;
let haproxy: RunningServer;
let apache: RunningServer;
let w: RunningWorkers;

beforeAll(async () => {
  hang = await brokenUpstream("hang");
  garbage = await brokenUpstream("garbage");
  const dead = await freePort();
  // nginx never gzips a 5XX itself; gzip_static serves a page stored compressed, as many sites do.
  const insights = fixtureBytes("origin-insights-502.html");
  const files = { "origin-insights-502.html": insights, "origin-insights-502.html.gz": gzipSync(insights) };
  nginx = await startNginx(
    (www) => `
    location /dead { proxy_pass http://127.0.0.1:${dead}; }
    location /hang { proxy_pass http://127.0.0.1:${hang.port}; proxy_read_timeout 1s; }
    location /s501 { return 501; }
    location /s505 { return 505; }
    location /s507 { return 507; }
    location /s503 { return 503; }
    # An origin's own maintenance page that loads the Web Analytics beacon, on its 502.
    location /branded-origin { proxy_pass http://127.0.0.1:${dead}; error_page 502 /pages/origin-insights-502.html; }
    location /pages/ { internal; alias ${www}/; gzip_static on; }`,
    files,
  );
  haproxy = await startHaproxy(
    (port) => `
frontend site
  bind 127.0.0.1:${port}
  use_backend dead if { path_beg /dead }
  use_backend hang if { path_beg /hang }
  use_backend garbage if { path_beg /garbage }
  default_backend empty
backend dead
  server s1 127.0.0.1:${dead}
backend hang
  server s1 127.0.0.1:${hang.port}
backend garbage
  server s1 127.0.0.1:${garbage.port}
backend empty`,
  );
  apache = await startApache(
    () => `
DocumentRoot ${FIXTURES}
ProxyTimeout 1
ProxyPass /dead http://127.0.0.1:${dead}/ retry=0
ProxyPass /hang http://127.0.0.1:${hang.port}/ retry=0 timeout=1
ProxyPass /garbage http://127.0.0.1:${garbage.port}/ retry=0
ProxyPass /maintenance http://127.0.0.1:${dead}/ retry=0
<Location /maintenance>
  ErrorDocument 503 /origin-turnstile-503.html
</Location>`,
  );
  const common = { ORIGIN_TIMEOUT_MS: "8000", PROBE_TIMEOUT_MS: "1500" };
  w = await startWorkers([
    { name: "nginx", vars: { ...common, ORIGIN_URL: `http://127.0.0.1:${nginx.port}` } },
    { name: "haproxy", vars: { ...common, ORIGIN_URL: `http://127.0.0.1:${haproxy.port}` } },
    { name: "apache", vars: { ...common, ORIGIN_URL: `http://127.0.0.1:${apache.port}` } },
  ]);
});

afterAll(async () => {
  await w?.close();
  await Promise.all([nginx?.close(), haproxy?.close(), apache?.close(), hang?.close(), garbage?.close()]);
});

let rays = 0;
const nextRay = () => `${(0xbcd0000000000000n + BigInt(++rays)).toString(16)}-ICN`;

async function record(ray: string): Promise<Record<string, unknown>> {
  const kv = await w.kv();
  return JSON.parse(await eventually(() => recordOf(kv, ray), `record ${ray}`));
}

/** A JSON client's view of one request (the servers' pages are HTML, so nothing passes through). */
async function asJson(server: string, path: string) {
  const ray = nextRay();
  const res = await w.fetch(server, `${BASE}${path}`, { headers: { accept: "application/json", "accept-encoding": "gzip", "cf-ray": ray } });
  const body = (await res.json()) as Record<string, unknown>;
  return { res, body, record: await record(ray) };
}

const serverOutput = () => `nginx:\n${nginx.output()}\nhaproxy:\n${haproxy.output()}\napache:\n${apache.output()}`;

describe("what each server really sends, through the Worker", () => {
  it.each([
    ["nginx", "/dead", 502, "bad_gateway", "origin_page"],
    ["nginx", "/hang", 504, "gateway_timeout", "origin_page"],
    ["nginx", "/s503", 503, "service_unavailable", "origin_page"],
    ["nginx", "/branded-origin", 502, "bad_gateway", "origin_page"],
    ["nginx", "/s501", 501, "not_implemented", "origin_other_status"],
    ["nginx", "/s505", 505, "http_version_not_supported", "origin_other_status"],
    ["nginx", "/s507", 507, "insufficient_storage", "origin_other_status"],
    ["haproxy", "/dead", 503, "service_unavailable", "origin_page"],
    ["haproxy", "/hang", 504, "gateway_timeout", "origin_page"],
    ["haproxy", "/garbage", 502, "bad_gateway", "origin_page"],
    ["haproxy", "/none", 503, "service_unavailable", "origin_page"],
    ["apache", "/dead", 503, "service_unavailable", "origin_page"],
    // Apache's mod_proxy answers a backend that never replies with 502 Proxy Error, not 504.
    ["apache", "/hang", 502, "bad_gateway", "origin_page"],
    ["apache", "/garbage", 502, "bad_gateway", "origin_page"],
    ["apache", "/maintenance", 503, "service_unavailable", "origin_page"],
  ])("%s %s → %i %s, the origin's to fix (rule %s)", async (server, path, status, name, rule) => {
    const { res, body, record: r } = await asJson(server, path);
    expect(res.status, `${JSON.stringify(r.evidence)}\n${serverOutput()}`).toBe(status);
    expect(body).toMatchObject({ status, error_code: status, error_name: name, error_category: "origin", hop: "origin", owner_action_required: true });
    expect(r).toMatchObject({ error_code: status, error_category: "origin", rule, evidence: { source: "response", status } });
  });

  it("nginx's own 502 page (`<hr><center>nginx/…</center>`) is read as the origin's", async () => {
    const { record: r } = await asJson("nginx", "/dead");
    const evidence = r.evidence as Record<string, unknown>;
    expect(evidence.server).toMatch(/^nginx\//);
    expect(String(evidence.bodyPrefix)).toMatch(/<hr><center>nginx\/[\d.]+<\/center>/);
  });

  it("a gzip-stored origin page with the Web Analytics beacon, served by nginx on a 502, is read through its encoding", async () => {
    const { record: r } = await asJson("nginx", "/branded-origin");
    const evidence = r.evidence as Record<string, unknown>;
    expect(evidence.contentEncoding).toBe("gzip");
    expect(String(evidence.bodyPrefix)).toContain("static.cloudflareinsights.com/beacon.min.js");
  });

  it("the origin's maintenance page behind Apache mentions Cloudflare (Turnstile) and is still the origin's", async () => {
    const { record: r } = await asJson("apache", "/maintenance");
    expect(String((r.evidence as Record<string, unknown>).bodyPrefix)).toContain("challenges.cloudflare.com");
  });
});

describe("an origin's own 5XX keeps its status, code and reason phrase", () => {
  it("nginx 507: on the page, in the copy block and the title, in both languages", async () => {
    for (const [lang, m] of [["en", en], ["ko", ko]] as const) {
      const res = await w.fetch("nginx", `${BASE}/s507?lang=${lang}`, { headers: { accept: "text/html" } });
      expect(res.status).toBe(507);
      const page = await res.text();
      expect(page).toContain("<title>shop.example.com | 507: Insufficient Storage</title>");
      expect(page).toContain(`${m.ui.errorCode}: 507 Insufficient Storage`);
      expect(page).toContain(escapeHtml(m.originStatus.happened.replace("{status}", "507")));
      expect(page).not.toContain(m.codes[500].title);
    }
  });

  it("nginx 501 in JSON: its own code and phrase, no retry", async () => {
    const { res, body } = await asJson("nginx", "/s501");
    expect(res.headers.get("retry-after")).toBeNull();
    expect(body).toMatchObject({ status: 501, error_code: 501, title: "Error 501: Not Implemented", retryable: false, retry_after: null });
    expect(String(body.detail)).toContain("501");
  });
});
