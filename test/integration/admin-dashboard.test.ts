/**
 * The dashboard through the real Worker and real KV: the page itself (chart, table by code,
 * incident page, languages, CSP), and signing in and out with the session cookie.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOrigins } from "../../demo/origin.mjs";
import { browserRequest } from "../support/admin-worker";
import { eventually, type RunningWorkers, startWorkers } from "../support/worker";

const TOKEN = "dashboard-test-token-0123456789";
const SHOP = "https://shop.example.com";
const ADMIN = `${SHOP}/__errors`;
const html = { accept: "text/html,application/xhtml+xml" };
const auth = { authorization: `Bearer ${TOKEN}` };
const RAY = "b000000000000003-ICN";

let origins: Awaited<ReturnType<typeof startOrigins>>;
let w: RunningWorkers;

/** Straight to the entry socket, not following redirects: Set-Cookie and Location stay visible. */
async function send(url: string, init: RequestInit = {}): Promise<Response> {
  return (await w.mf.dispatchFetch(url, { redirect: "manual", ...init } as never)) as unknown as Response;
}

async function page(url: string, headers: Record<string, string> = auth) {
  const res = await send(url, { headers: { ...html, ...headers } });
  return { res, text: await res.text() };
}

function login(token: string, headers: Record<string, string> = { origin: SHOP }) {
  return send(`${ADMIN}/login?lang=en`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams({ token }).toString(),
  });
}

beforeAll(async () => {
  origins = await startOrigins({ backlog: false });
  w = await startWorkers([{ name: "main", vars: { ORIGIN_URL: origins.http, ADMIN_TOKEN: TOKEN } }]);
  const seeds = [
    ["b000000000000001-ICN", "/status/502"],
    ["b000000000000002-ICN", "/status/502"],
    [RAY, "/status/503"],
    ["b000000000000004-NRT", "/garbage"],
    ["b000000000000005-ICN", "/status/507"],
  ];
  for (const [ray, path] of seeds) {
    const res = await w.fetch("main", SHOP + path!, { headers: { "cf-ray": ray!, ...html }, cf: { colo: ray!.slice(-3) } });
    await res.arrayBuffer();
  }
  const kv = await w.kv();
  await eventually(async () => ((await kv.list({ prefix: "t:" })).keys.length === seeds.length ? true : undefined), "the seeded incidents");
});
afterAll(async () => {
  await w?.close();
  await origins?.close();
});

describe("the overview", () => {
  it("unasked, shows the last hour when every failure of the day is in it (a fresh site), not one sliver of a day", async () => {
    const { text } = await page(`${ADMIN}/?lang=en`);
    expect(text).toMatch(/<option value="1h" selected>/);
    expect(text).not.toMatch(/<option value="24h" selected>/);
    // Asked for, the day stays the day.
    const day = await page(`${ADMIN}/?lang=en&since=24h`);
    expect(day.text).toMatch(/<option value="24h" selected>/);
  });

  it("shows errors over time as inline SVG and a table by code that opens into incidents", async () => {
    const { res, text } = await page(`${ADMIN}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(text).toMatch(/<svg class="chart"[^>]*role="img"/);
    expect(text).toContain("<rect");
    expect(text).toMatch(/<details class="code"><summary>.*?<span class="badge">502<\/span>/s);
    expect(text).toContain("<table>");
    for (const shown of [RAY, "shop.example.com/status/503", "HTTP 503", "ICN", "NRT", "Bad gateway", "Errors over time"]) expect(text).toContain(shown);
    expect(text).toContain(`href="/__errors/incidents/${RAY}?lang=en"`);
  });

  it("is self-contained under a strict CSP: one nonce'd style, no script, no handlers, no external URL", async () => {
    const { res, text } = await page(ADMIN);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    const nonce = /style-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(text).toContain(`<style nonce="${nonce}">`);
    expect(text).not.toMatch(/<script/i);
    expect(text).not.toMatch(/\son[a-z]+=/i);
    expect(text).not.toMatch(/\sstyle=/i);
    expect(text.replace('xmlns="http://www.w3.org/2000/svg"', "")).not.toMatch(/(src|href|action)="(https?:)?\/\//i);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
  });

  it("speaks Korean via ?lang=ko or Accept-Language", async () => {
    for (const [url, headers] of [
      [`${ADMIN}/?lang=ko`, auth],
      [ADMIN, { ...auth, "accept-language": "ko-KR,ko;q=0.9,en;q=0.5" }],
    ] as const) {
      const { text } = await page(url, headers);
      expect(text).toContain('<html lang="ko">');
      expect(text).toContain("시간대별 오류");
      expect(text).toContain("상태 코드별 현황");
      expect(text).toContain('name="lang" value="ko"');
    }
  });

  it("filters by code and time range with a GET form", async () => {
    const { text } = await page(`${ADMIN}/?code=503&since=1h`);
    expect(text).toContain('<option value="503" selected>');
    expect(text).toContain('<option value="1h" selected>');
    expect(text).toContain('<span class="badge">503</span>');
    expect(text).not.toContain('<span class="badge">502</span>');
    const none = await page(`${ADMIN}/?host=nobody.example`);
    expect(none.text).toContain("No incidents match these filters.");
  });

  it("filters by an origin's own 5XX (507), which stays chosen in the form", async () => {
    const { res, text } = await page(`${ADMIN}/?code=507&since=1h&lang=en`);
    expect(res.status).toBe(200);
    expect(text).toContain('<option value="507" selected>507 Server error</option>');
    expect(text).toContain('<span class="badge">507</span>');
    expect(text).toContain("b000000000000005-ICN");
    expect(text).not.toContain('<span class="badge">502</span>');
    const ko = await page(`${ADMIN}/?code=507&since=1h&lang=ko`);
    expect(ko.text).toContain('<option value="507" selected>507 서버 오류</option>');
    // Unfiltered, the form lists the table's codes only.
    expect((await page(`${ADMIN}/?since=1h&lang=en`)).text).not.toContain('<option value="507"');
  });

  it("a bad filter is a 400 page, not a 500", async () => {
    const { res, text } = await page(`${ADMIN}/?since=whenever`);
    expect(res.status).toBe(400);
    expect(text).toContain("since must be ISO 8601");
  });
});

describe("one incident", () => {
  it("the Ray ID search opens the incident page with its evidence", async () => {
    const search = await send(`${ADMIN}/incidents?ray=${RAY.toLowerCase()}&lang=en`, { headers: { ...html, ...auth } });
    expect(search.status).toBe(303);
    expect(search.headers.get("location")).toBe(`/__errors/incidents/${RAY}?lang=en`);
    const { res, text } = await page(`${ADMIN}/incidents/${RAY}`);
    expect(res.status).toBe(200);
    expect(text).toContain(RAY);
    expect(text).toContain("shop.example.com/status/503");
    expect(text).toContain("Evidence");
    expect(text).toContain("&quot;status&quot;: 503");
    expect(text).toContain("What to check");
  });

  it("unknown → 404 page; malformed → 400 page", async () => {
    expect((await page(`${ADMIN}/incidents/ffffffffffffffff`)).res.status).toBe(404);
    expect((await page(`${ADMIN}/incidents/<script>`)).res.status).toBe(400);
    expect((await send(`${ADMIN}/incidents?ray=nope`, { headers: { ...html, ...auth } })).status).toBe(400);
  });
});

describe("signing in", () => {
  it("a browser without credentials gets the sign-in form (401)", async () => {
    const { res, text } = await page(ADMIN, {});
    expect(res.status).toBe(401);
    expect(text).toContain('<form class="row" method="post" action="/__errors/login?lang=en">');
    expect(text).toContain('type="password" name="token"');
    const api = await send(`${ADMIN}/api/stats`, { headers: html });
    expect(api.status).toBe(401);
    expect(api.headers.get("content-type")).toMatch(/json/);
  });

  it("the right token sets a Secure, HttpOnly, SameSite=Strict cookie for the admin path only, holding no token", async () => {
    const res = await login(TOKEN);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/__errors?lang=en");
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^eep_admin=\d+\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; Secure/i);
    expect(cookie).toMatch(/; SameSite=Strict/i);
    expect(cookie).toMatch(/; Path=\/__errors(;|$)/);
    expect(cookie).toMatch(/; Max-Age=43200/);
    expect(cookie).not.toContain(TOKEN);

    // Same-site mode: the cookie opens pages on a top-level navigation, and nothing else.
    const session = { cookie: cookie.split(";")[0]! };
    const navigation = { ...html, ...session, "sec-fetch-mode": "navigate", "sec-fetch-dest": "document", "sec-fetch-site": "same-origin" };
    const browser = (path: string, headers: Record<string, string>) => browserRequest(w.url, `${ADMIN}${path}`, { headers });
    expect((await browser("/", navigation)).status).toBe(200);
    expect((await page(ADMIN, session)).res.status).toBe(401);
    const api = await browser("/api/incidents?limit=1", navigation);
    expect(api.status).toBe(401);
    expect(await api.json()).toMatchObject({ error: "unauthorized", detail: expect.stringContaining("same-site mode") });
    expect((await browser("/login", navigation)).status).toBe(303);
  });

  it("a wrong token gets the form again (401) and no cookie", async () => {
    const res = await login("not-the-token-0123456789");
    expect(res.status).toBe(401);
    expect(res.headers.get("set-cookie")).toBeNull();
    expect(await res.text()).toContain("That token is not right.");
  });

  it("cross-site posts are refused (CSRF)", async () => {
    for (const headers of [{ origin: "https://evil.example" }, { "sec-fetch-site": "cross-site" }, {}]) {
      const res = await login(TOKEN, headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.headers.get("set-cookie")).toBeNull();
      expect(await res.json()).toMatchObject({ error: "forbidden" });
    }
    const logout = await send(`${ADMIN}/logout`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example" }, body: "" });
    expect(logout.status).toBe(403);
    await logout.arrayBuffer();
  });

  it("signing out clears the cookie", async () => {
    const res = await send(`${ADMIN}/logout?lang=ko`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", origin: SHOP }, body: "" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/__errors/login?lang=ko");
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^eep_admin=;/);
    expect(cookie).toMatch(/Max-Age=0/);
    expect(cookie).toMatch(/Path=\/__errors/);
  });
});
