/**
 * The admin app on its own (Hono's app.request, in Node) with an in-memory or a failing KV:
 * what the integration tests cannot produce for real.
 */
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { niceCeil } from "../../src/admin/dashboard/chart";
import { h } from "../../src/admin/dashboard/html";
import { adminRoutes } from "../../src/admin/routes";
import { FakeKv, record, store } from "./fake-kv";

const TOKEN = "unit-test-token-0123456789";
const BASE = "https://shop.example.com/__errors";
const auth = { authorization: `Bearer ${TOKEN}` };

function app() {
  const a = new Hono();
  a.route("/__errors", adminRoutes({ path: "/__errors", token: TOKEN, binding: "INCIDENTS", defaultLocale: "en" }) as never);
  a.all("*", (c) => c.text("origin", 200));
  return a;
}

describe("an unreadable store", () => {
  it.each(["/api/incidents", "/api/incidents/8f2c1a9b3d4e5f60", "/api/stats"])("%s → 503 JSON when KV throws", async (path) => {
    const kv = new FakeKv();
    kv.broken = true;
    const res = await app().request(BASE + path, { headers: auth }, { INCIDENTS: kv });
    expect(res.status).toBe(503);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toMatchObject({ error: "store_unavailable", detail: expect.stringContaining("KV") });
  });

  it("→ 503 JSON when the binding is missing, and a 503 page for the dashboard", async () => {
    const api = await app().request(`${BASE}/api/stats`, { headers: auth }, {});
    expect(api.status).toBe(503);
    expect((await api.json()).detail).toContain("INCIDENTS");
    const kv = new FakeKv();
    kv.broken = true;
    const page = await app().request(`${BASE}/`, { headers: { ...auth, accept: "text/html" } }, { INCIDENTS: kv });
    expect(page.status).toBe(503);
    expect(await page.text()).toContain("cannot be read");
  });

  it("bad parameters are still a 400: they are checked before KV is touched", async () => {
    const kv = new FakeKv();
    kv.broken = true;
    const res = await app().request(`${BASE}/api/incidents?limit=-1`, { headers: auth }, { INCIDENTS: kv });
    expect(res.status).toBe(400);
    expect(kv.listCalls).toBe(0);
  });
});

describe("repeated query parameters", () => {
  it("two different values are a 400 naming the parameter, before KV is touched; the same value twice is fine", async () => {
    const kv = new FakeKv();
    const res = await app().request(`${BASE}/api/incidents?code=502&code=503`, { headers: auth }, { INCIDENTS: kv });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "repeated_parameter", detail: expect.stringContaining("code") });
    expect(kv.listCalls).toBe(0);
    const same = await app().request(`${BASE}/api/incidents?code=502&code=502&code=`, { headers: auth }, { INCIDENTS: kv });
    expect(same.status).toBe(200);
  });

  it("the dashboard answers them with a 400 page", async () => {
    const res = await app().request(`${BASE}/?since=1h&since=2h`, { headers: { ...auth, accept: "text/html" } }, { INCIDENTS: new FakeKv() });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toContain("text/html");
  });
});

describe("a bad filter on the dashboard", () => {
  it("is explained in Korean on the Korean dashboard, and with the API's own detail in English", async () => {
    const html = { ...auth, accept: "text/html" };
    const ko = await app().request(`${BASE}/?code=999&lang=ko`, { headers: html }, { INCIDENTS: new FakeKv() });
    expect(ko.status).toBe(400);
    const koPage = await ko.text();
    expect(koPage).toContain("오류 코드는 500부터 599 사이의 HTTP 상태 코드여야 합니다(Cloudflare의 코드와 원본 서버가 보낸 그 밖의 5XX).");
    expect(koPage).not.toContain("code must be an HTTP status");
    const en = await app().request(`${BASE}/?code=999&lang=en`, { headers: html }, { INCIDENTS: new FakeKv() });
    expect(en.status).toBe(400);
    expect(await en.text()).toContain("code must be an HTTP status from 500 to 599");
  });
});

describe("the dashboard", () => {
  it("escapes every stored value", async () => {
    const kv = new FakeKv();
    const evil = "<script>alert(1)</script>";
    store(kv, record(Date.now() - 1000, { ray_id: "00000000000000aa", host: `x"><img src=x>`, path: `/${evil}`, error_name: evil, evidence: { source: "fault", errorName: evil, errorMessage: evil } }));
    const res = await app().request(`${BASE}/`, { headers: { ...auth, accept: "text/html" } }, { INCIDENTS: kv });
    const page = await res.text();
    expect(res.status).toBe(200);
    expect(page).not.toContain("<script>");
    expect(page).not.toContain("<img");
    expect(page).toContain("&lt;script&gt;");
    const one = await (await app().request(`${BASE}/incidents/00000000000000aa`, { headers: auth }, { INCIDENTS: kv })).text();
    expect(one).not.toContain("<script>");
    expect(one).not.toContain("<img");
  });

  it("h`` escapes values and keeps nested markup", () => {
    expect(h`<p title="${`"x"`}">${"<b>"}${h`<i>${"&"}</i>`}${[1, "<", null]}</p>`.value).toBe('<p title="&quot;x&quot;">&lt;b&gt;<i>&amp;</i>1&lt;</p>');
  });

  it("chart axes use round numbers", () => {
    expect([0, 1, 3, 7, 10, 11, 260, 999].map(niceCeil)).toEqual([1, 1, 5, 10, 10, 20, 500, 1000]);
  });
});

describe("routing", () => {
  it("never forwards an admin path to the origin, whatever the method", async () => {
    for (const [method, path] of [
      ["GET", "/nope"],
      ["POST", "/api/incidents"],
      ["DELETE", "/api/incidents/8f2c1a9b3d4e5f60"],
      ["GET", "/api"],
    ] as const) {
      const res = await app().request(BASE + path, { method, headers: auth }, { INCIDENTS: new FakeKv() });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(await res.json()).toMatchObject({ error: "not_found" });
    }
  });
});
