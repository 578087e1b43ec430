/**
 * Maintenance mode end to end: the owner turns it on through the admin Worker (API, dashboard),
 * visitors get the 503 maintenance answer in their language and format without the origin being
 * asked, the owner's credentials and listed IPs pass, and it ends by itself at `until`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RESILIENCE_TEXT } from "../../src/core/i18n/resilience";
import { MAINTENANCE_KEY } from "../../src/core/maintenance";
import { type FlakyOrigin, startFlakyOrigin } from "../support/flaky-origin";
import { eventually, type RunningWorkers, startWorkers } from "../support/worker";

const TOKEN = "maintenance-test-token-0123456789";
const BASE = "https://shop.example.com";
const API = `${BASE}/__errors/api/maintenance`;
const owner = { authorization: `Bearer ${TOKEN}` };
let origin: FlakyOrigin;
let w: RunningWorkers;

beforeAll(async () => {
  origin = await startFlakyOrigin();
  w = await startWorkers([
    {
      name: "site",
      vars: {
        ORIGIN_URL: origin.url,
        ADMIN_TOKEN: TOKEN,
        MAINTENANCE_CHECK_S: "0.2",
        MAINTENANCE_ALLOW_IPS: "203.0.113.7,198.51.100.0/24",
        STATUS_PAGE_URL: "https://status.example.com/",
      },
    },
  ]);
});
afterAll(async () => {
  await w?.close();
  await origin?.close().catch(() => undefined);
});

const visit = (path: string, headers: Record<string, string> = {}) => w.fetch("site", BASE + path, { headers: { accept: "text/html", ...headers } });

async function turnOn(body: unknown): Promise<Response> {
  return w.fetch("site", API, { method: "PUT", headers: { ...owner, "content-type": "application/json" }, body: JSON.stringify(body) });
}

/** Waits until visitors see maintenance (or no longer do): the flag is cached in the isolate for 0.2 s. */
const until503 = (path: string, want: boolean) =>
  eventually(async () => {
    const res = await visit(path);
    await res.arrayBuffer();
    return (res.status === 503) === want ? true : undefined;
  }, want ? "maintenance to start" : "maintenance to end");

describe("the owner API", () => {
  it("refuses without the token, and explains a bad body", async () => {
    const anon = await w.fetch("site", API, { method: "PUT", body: "{}" });
    expect(anon.status).toBe(401);
    await anon.arrayBuffer();
    for (const [body, error] of [
      [{}, "invalid_until"],
      [{ until: "yesterday" }, "invalid_until"],
      [{ until: "2000-01-01T00:00:00Z" }, "until_in_past"],
      [{ until: "90d" }, "until_too_far"],
      [{ until: "2h", message: { fr: "x" } }, "invalid_message"],
    ] as const) {
      const res = await turnOn(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBe(error);
    }
    const notJson = await w.fetch("site", API, { method: "PUT", headers: owner, body: "until=2h" });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: string }).error).toBe("invalid_body");
  });

  it("says it is off", async () => {
    const res = await w.fetch("site", API, { headers: owner });
    expect(await res.json()).toEqual({ active: false });
  });
});

describe("maintenance on", () => {
  beforeAll(async () => {
    const res = await turnOn({ until: "1h", message: { en: "Moving to a new server.", ko: "새 서버로 옮기는 중입니다." } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ active: true, message: { en: "Moving to a new server.", ko: "새 서버로 옮기는 중입니다." } });
    await until503("/", true);
  });

  it("stores the record under its key, expiring at the end", async () => {
    const kv = await w.kv();
    const stored = JSON.parse((await kv.get(MAINTENANCE_KEY)) ?? "{}") as { until: string };
    const left = Date.parse(stored.until) - Date.now();
    expect(left).toBeGreaterThan(3_500_000);
    expect(left).toBeLessThanOrEqual(3_600_000);
  });

  it("gives visitors the maintenance page with the owner's message, Retry-After up to the end, and no origin request", async () => {
    const before = origin.hits.get("/shop") ?? 0;
    const res = await visit("/shop", { "cf-ray": "3a1e000000000001-ICN" });
    expect(res.status).toBe(503);
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(3500);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("content-security-policy")).toContain("script-src 'none'");
    const page = await res.text();
    expect(page).toContain(RESILIENCE_TEXT.en.maintenanceTitle);
    expect(page).toContain("Moving to a new server.");
    expect(page).toContain("3a1e000000000001-ICN");
    expect(page).toMatch(/<time datetime="\d{4}-\d\d-\d\dT[\d:.]+Z">/);
    expect(page).toContain('href="https://status.example.com/"');
    expect(origin.hits.get("/shop") ?? 0).toBe(before);
  });

  it("speaks Korean to Korean visitors", async () => {
    const res = await visit("/", { "accept-language": "ko-KR,ko;q=0.9" });
    const page = await res.text();
    expect(page).toContain(RESILIENCE_TEXT.ko.maintenanceTitle);
    expect(page).toContain("새 서버로 옮기는 중입니다.");
    expect(page).toContain('<html lang="ko">');
  });

  it("gives JSON clients problem details (in the media type they asked for), agents Markdown and text clients text", async () => {
    const problem = await visit("/api/items", { accept: "application/problem+json" });
    expect(problem.headers.get("content-type")).toBe("application/problem+json; charset=utf-8");
    expect(await problem.json()).toMatchObject({ status: 503, error_name: "maintenance" });
    const md = await visit("/", { accept: "text/markdown" });
    expect(md.status).toBe(503);
    expect(md.headers.get("content-type")).toBe("text/markdown; charset=utf-8");
    const doc = await md.text();
    expect(doc).toMatch(/^---\nerror_code: 503\nerror_name: "maintenance"\n/);
    expect(doc).toContain("## What Happened\n\nMoving to a new server.");
    const json = await visit("/api/items", { accept: "application/json" });
    expect(json.status).toBe(503);
    expect(json.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await json.json()).toMatchObject({ status: 503, error_code: 503, error_name: "maintenance", retryable: true, detail: "Moving to a new server.", status_page_url: "https://status.example.com/" });
    const text = await visit("/", { accept: "text/plain" });
    expect(text.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await text.text()).toContain("Moving to a new server.");
  });

  it("lets the owner's token and the listed IPs through to the origin", async () => {
    const byToken = await visit("/owner-view", owner);
    expect(byToken.status).toBe(200);
    expect(await byToken.text()).toContain("<h1>/owner-view</h1>");
    const byIp = await visit("/ip-view", { "cf-connecting-ip": "203.0.113.7" });
    expect(byIp.status).toBe(200);
    await byIp.arrayBuffer();
    const byRange = await visit("/ip-view", { "cf-connecting-ip": "198.51.100.42" });
    expect(byRange.status).toBe(200);
    await byRange.arrayBuffer();
  });

  it("does not let a wrong token or another IP through", async () => {
    const wrong = await visit("/", { authorization: "Bearer not-the-token-at-all" });
    expect(wrong.status).toBe(503);
    await wrong.arrayBuffer();
    const other = await visit("/", { "cf-connecting-ip": "203.0.113.8" });
    expect(other.status).toBe(503);
    await other.arrayBuffer();
    const forged = await visit("/", { cookie: "eep_owner=9999999999.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" });
    expect(forged.status).toBe(503);
    await forged.arrayBuffer();
  });

  it("lets the browser that turned it on in the dashboard through with its pass", async () => {
    const form = new URLSearchParams({ action: "pass", lang: "en" });
    // Through Miniflare's entry, which passes an Origin naming the request's own host (the CSRF check wants one).
    const res = await w.mf.dispatchFetch(`${BASE}/__errors/maintenance`, {
      method: "POST",
      headers: { ...owner, origin: BASE, "content-type": "application/x-www-form-urlencoded" },
      body: form.toString(),
      redirect: "manual",
    } as never);
    expect(res.status).toBe(303);
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^eep_owner=\d+\.[A-Za-z0-9_-]{43}; Max-Age=\d+; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    const pass = cookie.split(";")[0] ?? "";
    const through = await visit("/with-pass", { cookie: `theme=dark; ${pass}` });
    expect(through.status).toBe(200);
    await through.arrayBuffer();
  });

  it("the admin path itself keeps working", async () => {
    const res = await w.fetch("site", API, { headers: owner });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ active: true });
  });
});

describe("maintenance off", () => {
  it("DELETE ends it for visitors", async () => {
    const res = await w.fetch("site", API, { method: "DELETE", headers: owner });
    expect(await res.json()).toEqual({ active: false });
    await until503("/", false);
    const page = await visit("/back");
    expect(page.status).toBe(200);
    await page.arrayBuffer();
  });

  it("ends by itself at `until`", async () => {
    const until = new Date(Date.now() + 3000).toISOString();
    expect((await turnOn({ until })).status).toBe(200);
    await until503("/", true);
    await until503("/", false);
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(until));
  });
});
