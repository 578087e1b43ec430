/**
 * Same-site mode (ADMIN_PATH on the site, through the ADMIN binding), the configs' default, in
 * workerd: the session cookie opens dashboard pages on a top-level navigation and nothing else,
 * so a page of the site cannot read the log with the owner's cookie; sign-out ends the session on
 * the server; sign-in attempts are rate-limited by the Rate Limiting binding; every page says the
 * mode is weaker; no answer sets site-wide HTTPS policy.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOrigins } from "../../demo/origin.mjs";
import { browserRequest } from "../support/admin-worker";
import { type RunningWorkers, startWorkers } from "../support/worker";

const TOKEN = "session-test-token-0123456789";
// Over plain HTTP the URL's scheme is http: the raw socket keeps the headers a browser sends.
const SHOP = "http://shop.example.com";
const ADMIN = `${SHOP}/__errors`;
const html = { accept: "text/html,application/xhtml+xml" };
/** What Chromium sends when the owner opens a dashboard page. */
const NAVIGATE = { ...html, "sec-fetch-mode": "navigate", "sec-fetch-dest": "document", "sec-fetch-site": "same-origin", "sec-fetch-user": "?1" };
/** What Chromium sends for `fetch("/__errors/…", { credentials: "include" })` from a page of the site. */
const SCRIPT = { accept: "*/*", "sec-fetch-mode": "cors", "sec-fetch-dest": "empty", "sec-fetch-site": "same-origin" };

let origins: Awaited<ReturnType<typeof startOrigins>>;
let w: RunningWorkers;

const send = (url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) => browserRequest(w.url, url, init);

function login(token: string, ip: string) {
  return send(`${ADMIN}/login?lang=en`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: SHOP, "cf-connecting-ip": ip },
    body: new URLSearchParams({ token }).toString(),
  });
}

async function signIn(ip: string): Promise<string> {
  const res = await login(TOKEN, ip);
  expect(res.status).toBe(303);
  return (res.headers.get("set-cookie") ?? "").split(";")[0]!;
}

beforeAll(async () => {
  origins = await startOrigins({ backlog: false });
  w = await startWorkers([{ name: "main", vars: { ORIGIN_URL: origins.http, ADMIN_TOKEN: TOKEN } }]);
  const res = await w.fetch("main", `${SHOP}/status/502`, { headers: { "cf-ray": "c000000000000001-ICN" } });
  await res.arrayBuffer();
});
afterAll(async () => {
  await w?.close();
  await origins?.close();
});

describe("the cookie in same-site mode", () => {
  it("a page of the site cannot read the API or the dashboard with the owner's cookie", async () => {
    const cookie = await signIn("198.51.100.1");
    for (const path of ["/api/incidents", "/api/stats", "/api/incidents/c000000000000001-ICN"]) {
      const res = await send(ADMIN + path, { headers: { ...SCRIPT, cookie } });
      expect(res.status, path).toBe(401);
      const body = (await res.json()) as { error: string; detail: string };
      expect(body.error).toBe("unauthorized");
      expect(body.detail).toContain("same-site mode");
      expect(JSON.stringify(body)).not.toContain("c000000000000001");
    }
    // The dashboard's HTML fetched by a script, or framed, gets the sign-in form, not the log.
    for (const headers of [
      { ...SCRIPT, accept: "text/html" },
      { ...NAVIGATE, "sec-fetch-dest": "iframe" },
      { ...html }, // no Sec-Fetch-* at all: not a navigation the browser vouches for
    ]) {
      const res = await send(`${ADMIN}/`, { headers: { ...headers, cookie } });
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(await res.text()).not.toContain("c000000000000001");
    }
    // Opened by the owner, the same cookie works.
    const page = await send(`${ADMIN}/`, { headers: { ...NAVIGATE, cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("c000000000000001-ICN");
    // The bearer token is never attached by the browser; it keeps working for the API and the CLI.
    expect((await send(`${ADMIN}/api/stats`, { headers: { ...SCRIPT, authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });

  it("the dashboard hides its JSON links when only the cookie opened it (they would be refused)", async () => {
    const cookie = await signIn("198.51.100.2");
    expect(await (await send(`${ADMIN}/`, { headers: { ...NAVIGATE, cookie } })).text()).not.toContain("/__errors/api/incidents?");
    expect(await (await send(`${ADMIN}/`, { headers: { ...html, authorization: `Bearer ${TOKEN}` } })).text()).toContain("/__errors/api/incidents?");
  });

  it("every page says that same-site mode is weaker, and why", async () => {
    const cookie = await signIn("198.51.100.3");
    const pages = [
      send(`${ADMIN}/`, { headers: html }), // the sign-in form
      send(`${ADMIN}/?lang=ko`, { headers: html }),
      send(`${ADMIN}/`, { headers: { ...NAVIGATE, cookie } }),
      send(`${ADMIN}/incidents/c000000000000001-ICN`, { headers: { ...NAVIGATE, cookie } }),
      send(`${ADMIN}/incidents/ffffffffffffffff`, { headers: { ...NAVIGATE, cookie } }),
      send(`${ADMIN}/?since=whenever`, { headers: { ...NAVIGATE, cookie } }),
    ];
    for (const res of await Promise.all(pages)) {
      const text = await res.text();
      expect(text).toMatch(/Same-site mode\.|같은 사이트 모드입니다\./);
      expect(text).toMatch(/ADMIN_HOST/);
    }
  });
});

describe("signing out", () => {
  it("ends the session on the server: the same cookie is refused afterwards, before it expires", async () => {
    const cookie = await signIn("198.51.100.4");
    expect((await send(`${ADMIN}/`, { headers: { ...NAVIGATE, cookie } })).status).toBe(200);
    const out = await send(`${ADMIN}/logout?lang=en`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", origin: SHOP, cookie }, body: "" });
    expect(out.status).toBe(303);
    expect(out.headers.get("set-cookie")).toMatch(/^eep_admin=;.*Max-Age=0/);
    // The revocation is in KV under the admin's own prefix, expiring with the session.
    const [exp, id] = cookie.replace("eep_admin=", "").split(".") as [string, string];
    const kv = await w.kv();
    const listed = await kv.list({ prefix: "admin:revoked:" });
    const entry = listed.keys.find((k) => k.name === `admin:revoked:${id}`);
    expect(entry).toBeDefined();
    expect(Math.abs((entry!.expiration ?? 0) - Number(exp))).toBeLessThanOrEqual(2);
    // A copy of the cookie kept elsewhere is refused now.
    const again = await send(`${ADMIN}/`, { headers: { ...NAVIGATE, cookie } });
    expect(again.status).toBe(401);
    expect(await again.text()).toContain("Your session has ended.");
    // Another session is not affected.
    const other = await signIn("198.51.100.4");
    expect((await send(`${ADMIN}/`, { headers: { ...NAVIGATE, cookie: other } })).status).toBe(200);
  });
});

describe("sign-in attempts", () => {
  it("are rate-limited per client address by the Rate Limiting binding: 429 with Retry-After", async () => {
    const ip = "203.0.113.77";
    for (let i = 0; i < 10; i++) expect((await login(`wrong-token-${i}-0123456789`, ip)).status).toBe(401);
    const limited = await login(TOKEN, ip);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("60");
    expect(limited.headers.get("set-cookie")).toBeNull();
    expect(await limited.text()).toContain("Too many sign-in attempts.");
    // Someone else is not locked out by the guesser.
    expect((await login(TOKEN, "203.0.113.78")).status).toBe(303);
  });
});

describe("site-wide policy", () => {
  it("no admin answer sets Strict-Transport-Security (least of all with includeSubDomains)", async () => {
    for (const res of await Promise.all([
      send(`${ADMIN}/`, { headers: html }),
      send(`${ADMIN}/api/stats`),
      send(`${ADMIN}/login`, { headers: html }),
      send(`${ADMIN}/api/stats`, { headers: { authorization: `Bearer ${TOKEN}` } }),
      send(`${ADMIN}/nope`, { headers: { authorization: `Bearer ${TOKEN}` } }),
    ])) {
      expect(res.headers.get("strict-transport-security")).toBeNull();
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      await res.arrayBuffer();
    }
  });
});
