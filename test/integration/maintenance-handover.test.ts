/**
 * The owner through maintenance when the owner side has a hostname of its own (ADMIN_HOST), in
 * workerd with real KV and a loopback origin: the dashboard's cookie never reaches the site, so
 * the dashboard hands over with a link signed for the site's host, and that host's answer sets the
 * owner's pass there. Requests go over Miniflare's HTTP socket with their own Host, as a browser's.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminWorker, browserRequest, SITE_SCRIPT } from "../support/admin-worker";
import { type FlakyOrigin, startFlakyOrigin } from "../support/flaky-origin";
import { Miniflare } from "../support/miniflare";
import { eventually } from "../support/worker";

const TOKEN = "maintenance-handover-token-0123456789";
const ADMIN = "http://errors.example.com/__errors";
const owner = { authorization: `Bearer ${TOKEN}` };

let origin: FlakyOrigin;
let mf: Miniflare;
let entry: string;

const send = (url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) => browserRequest(entry, url, init);
const form = (fields: Record<string, string>) =>
  send(`${ADMIN}/maintenance?lang=en`, {
    method: "POST",
    headers: { ...owner, origin: "http://errors.example.com", "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
const passCookie = (res: Response) => res.headers.getSetCookie().find((c) => c.startsWith("eep_owner="));

async function handover(host: string): Promise<URL> {
  const res = await form({ action: "handover", host });
  expect(res.status).toBe(303);
  return new URL(res.headers.get("location") ?? "");
}

beforeAll(async () => {
  origin = await startFlakyOrigin();
  const site = (name: string) => ({
    name,
    ...SITE_SCRIPT,
    routes: [`${name}.example.com/*`],
    bindings: { ORIGIN_URL: origin.url, MAINTENANCE_CHECK_S: "0.2" },
    kvNamespaces: { INCIDENTS: "incidents" },
    serviceBindings: { ADMIN: "admin" },
  });
  mf = new Miniflare({
    handleRuntimeStdio(stdout, stderr) {
      stdout.resume();
      stderr.resume();
    },
    workers: [site("shop"), site("blog"), { ...adminWorker("admin", { ADMIN_TOKEN: TOKEN, ADMIN_HOST: "errors.example.com" }), routes: ["errors.example.com/*"] }],
  });
  entry = (await mf.ready).href;
  const on = await send(`${ADMIN}/api/maintenance`, {
    method: "PUT",
    headers: { ...owner, "content-type": "application/json" },
    body: JSON.stringify({ until: "1h", message: { en: "Moving to a new server." } }),
  });
  expect(on.status).toBe(200);
  await eventually(async () => ((await send("http://shop.example.com/warm", { headers: { accept: "text/html" } })).status === 503 ? true : undefined), "maintenance to start");
}, 60_000);

afterAll(async () => {
  await mf?.dispose();
  await origin?.close().catch(() => undefined);
});

describe("maintenance on, the owner side on its own hostname: the dashboard's hand-over link", () => {
  it("the page offers it instead of a pass on the admin hostname, which could not reach the site", async () => {
    const page = await (await send(`${ADMIN}/maintenance?lang=en`, { headers: owner })).text();
    expect(page).toContain('name="action" value="handover"');
    expect(page).toContain('name="host"');
    expect(page).not.toContain('value="pass"');
  });

  it("leads to the site's host, where it sets the owner's pass for that host and lets the browser reach the origin", async () => {
    const link = await handover("Shop.Example.com");
    expect(`${link.origin}${link.pathname}`).toBe("http://shop.example.com/__errors/pass");
    const res = await send(link.href);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    const cookie = passCookie(res);
    expect(cookie).toMatch(/^eep_owner=[^;]+; Max-Age=\d+; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    const pass = (cookie ?? "").split(";")[0] ?? "";
    const through = await send("http://shop.example.com/after-handover", { headers: { accept: "text/html", cookie: pass } });
    expect(through.status).toBe(200);
    expect(await through.text()).toContain("<h1>/after-handover</h1>");
    expect(origin.hits.get("/after-handover")).toBe(1);
    const without = await send("http://shop.example.com/after-handover", { headers: { accept: "text/html" } });
    expect(without.status).toBe(503);
    expect(origin.hits.get("/after-handover")).toBe(1);
  });

  it("is refused, with no pass set, on another host, altered, or without a token", async () => {
    const token = (await handover("shop.example.com")).searchParams.get("t") ?? "";
    const [exp, sig] = token.split(".") as [string, string];
    for (const url of [`http://blog.example.com/__errors/pass?t=${token}`, `http://shop.example.com/__errors/pass?t=${Number(exp) + 60}.${sig}`, "http://shop.example.com/__errors/pass"]) {
      const res = await send(url);
      expect(res.status, url).toBe(403);
      expect(passCookie(res), url).toBeUndefined();
      expect(await res.json()).toMatchObject({ error: "handover_invalid" });
    }
  });

  it("takes a hostname only: a URL, a path or credentials in the field get the form back with a 400", async () => {
    for (const host of ["http://evil.example", "evil.example/x", "evil.example@shop.example.com"]) {
      const res = await form({ action: "handover", host });
      expect(res.status, host).toBe(400);
      expect(res.headers.get("location")).toBeNull();
      expect(await res.text()).toContain("hostname, e.g. www.example.com");
    }
  });

  it("needs the owner: without credentials the form is refused and no link is made", async () => {
    const res = await send(`${ADMIN}/maintenance?lang=en`, {
      method: "POST",
      headers: { origin: "http://errors.example.com", "content-type": "application/x-www-form-urlencoded", accept: "text/html" },
      body: "action=handover&host=shop.example.com",
    });
    expect(res.status).toBe(401);
    expect(res.headers.get("location")).toBeNull();
    expect(await res.text()).not.toContain("/__errors/pass");
  });
});
