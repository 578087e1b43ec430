/**
 * The recommended setup in workerd: the admin Worker on a hostname of its own (ADMIN_HOST) behind
 * Cloudflare Access. Access is played by a key endpoint on loopback with keys made by the test,
 * and by the test signing the `Cf-Access-Jwt-Assertion` tokens Access would send (or forged ones).
 * The site's ADMIN_PATH, still bound, is refused; the bearer token keeps working for the CLI.
 */
import { Miniflare } from "../support/miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOrigins } from "../../demo/origin.mjs";
import { accessClaims, hs256Jwt, type KeyServer, makeKey, signJwt, startKeyServer, unsignedJwt } from "../admin/access-keys";
import { adminWorker, browserRequest, SITE_SCRIPT } from "../support/admin-worker";

const TOKEN = "access-test-token-0123456789";
const AUD = "9f3b0c8e4a7d4c1e8b2f6a5d3c1e0b9a8f7e6d5c4b3a29180716253443526170";
const ADMIN = "http://errors.example.com/__errors";
const SHOP = "http://shop.example.com";
const key = makeKey("kid-2026-1");
const otherKey = makeKey("kid-2026-1");

let keys: KeyServer;
let origins: Awaited<ReturnType<typeof startOrigins>>;
let mf: Miniflare;
let entry: string;

const send = (url: string, headers: Record<string, string> = {}, method = "GET") => browserRequest(entry, url, { method, headers: { accept: "application/json", ...headers } });
const claims = () => accessClaims(keys.origin, AUD);
const jwt = (token: string) => ({ "cf-access-jwt-assertion": token });

beforeAll(async () => {
  keys = await startKeyServer([key]);
  origins = await startOrigins({ backlog: false });
  mf = new Miniflare({
    handleRuntimeStdio(stdout, stderr) {
      stdout.resume();
      stderr.resume();
    },
    workers: [
      {
        name: "site",
        ...SITE_SCRIPT,
        routes: ["shop.example.com/*"],
        bindings: { ORIGIN_URL: origins.http },
        kvNamespaces: { INCIDENTS: "incidents" },
        serviceBindings: { ADMIN: "admin" },
      },
      {
        ...adminWorker("admin", { ADMIN_TOKEN: TOKEN, ADMIN_HOST: "errors.example.com", ACCESS_TEAM_DOMAIN: keys.origin, ACCESS_AUD: AUD }),
        routes: ["errors.example.com/*"],
      },
      // Same-site mode with Access on the site's ADMIN_PATH.
      {
        name: "blog",
        ...SITE_SCRIPT,
        routes: ["blog.example.com/*"],
        bindings: { ORIGIN_URL: origins.http },
        kvNamespaces: { INCIDENTS: "incidents" },
        serviceBindings: { ADMIN: "blog-admin" },
      },
      adminWorker("blog-admin", { ADMIN_TOKEN: TOKEN, ACCESS_TEAM_DOMAIN: keys.origin, ACCESS_AUD: AUD }),
      // What `npm start` runs: loopback Host values only.
      adminWorker("local-admin", { ADMIN_TOKEN: TOKEN, ADMIN_LOCAL_ONLY: "true" }),
    ],
  });
  entry = (await mf.ready).href;
  const res = await send(`${SHOP}/status/502`, { "cf-ray": "d000000000000001-ICN" });
  await res.arrayBuffer();
});
afterAll(async () => {
  await mf?.dispose();
  await origins?.close();
  await keys?.close();
});

describe("Cloudflare Access", () => {
  it("a token Access signed for this application opens the API and the dashboard", async () => {
    const token = signJwt(key, claims());
    const api = await send(`${ADMIN}/api/stats`, jwt(token));
    expect(api.status).toBe(200);
    expect(await api.json()).toMatchObject({ total: expect.any(Number) });
    const page = await send(`${ADMIN}/`, { ...jwt(token), accept: "text/html" });
    expect(page.status).toBe(200);
    const text = await page.text();
    // Own-host mode: no same-site warning, and the sign-out goes through Access's own logout.
    expect(text).not.toContain("Same-site mode.");
    expect(text).toContain('action="/__errors/logout?lang=en"');
    const out = await send(`${ADMIN}/logout`, { ...jwt(token), origin: "http://errors.example.com", "content-type": "application/x-www-form-urlencoded" }, "POST");
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/cdn-cgi/access/logout");
  });

  it.each([
    ["another application's aud", () => signJwt(key, { ...claims(), aud: ["0".repeat(64)] }), "audience"],
    ["another team's iss", () => signJwt(key, { ...claims(), iss: "https://evil.cloudflareaccess.com" }), "issuer"],
    ["an expired token", () => signJwt(key, { ...claims(), exp: Math.floor(Date.now() / 1000) - 120 }), "expired"],
    ["a token signed by another key under the same kid", () => signJwt(otherKey, claims()), "signature"],
    ["an unknown kid", () => signJwt({ ...key, kid: "kid-unknown" }, claims()), "unknown_key"],
    ['alg "none"', () => unsignedJwt(key.kid, claims()), "algorithm"],
    ["HS256 keyed with the public key", () => hs256Jwt(key, claims()), "algorithm"],
    ["junk", () => "junk", "malformed"],
  ])("refuses %s with a 401 naming why", async (_, token, failure) => {
    const res = await send(`${ADMIN}/api/incidents`, jwt(token()));
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: string; detail: string };
    expect(body).toEqual({ error: "unauthorized", detail: expect.stringContaining(`(${failure})`) });
    expect(JSON.stringify(body)).not.toContain("d000000000000001");
    const page = await send(`${ADMIN}/`, { ...jwt(token()), accept: "text/html" });
    expect(page.status).toBe(401);
    expect(await page.text()).toContain("Cloudflare Access sent a sign-in this Worker could not verify");
  });

  it("fetches the team's keys once and keeps them (forged kids do not refetch within the minimum interval)", async () => {
    const before = keys.hits();
    for (let i = 0; i < 5; i++) expect((await send(`${ADMIN}/api/stats`, jwt(signJwt(key, claims())))).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await send(`${ADMIN}/api/stats`, jwt(signJwt({ ...key, kid: `forged-${i}` }, claims())))).status).toBe(401);
    expect(keys.hits()).toBe(before);
    expect(before).toBeGreaterThanOrEqual(1);
    expect(before).toBeLessThanOrEqual(2);
  });

  it("the bearer token stays for the API and the CLI", async () => {
    expect((await send(`${ADMIN}/api/incidents/d000000000000001-ICN`, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await send(`${ADMIN}/api/stats`, { authorization: "Bearer wrong-token-0123456789", ...jwt(signJwt(key, claims())) })).status).toBe(401);
  });
});

describe("Access in same-site mode", () => {
  it("a valid Access token opens pages and the API, but not from a script of the site (Sec-Fetch-Mode: cors)", async () => {
    const token = jwt(signJwt(key, claims()));
    expect((await send("http://blog.example.com/__errors/api/stats", token)).status).toBe(200);
    expect((await send("http://blog.example.com/__errors/", { ...token, accept: "text/html", "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" })).status).toBe(200);
    const scripted = await send("http://blog.example.com/__errors/api/incidents", { ...token, "sec-fetch-mode": "cors", "sec-fetch-dest": "empty", "sec-fetch-site": "same-origin" });
    expect(scripted.status).toBe(401);
    expect(await scripted.text()).not.toContain("d000000000000001");
  });
});

describe("a hostname of its own", () => {
  it("the site's ADMIN_PATH, still bound, is refused with 421 that does not name the admin host, and never reaches the origin", async () => {
    for (const path of ["/__errors", "/__errors/api/stats", "/__errors/login"]) {
      const res = await send(SHOP + path, { authorization: `Bearer ${TOKEN}`, ...jwt(signJwt(key, claims())) });
      expect(res.status, path).toBe(421);
      const text = await res.text();
      expect(JSON.parse(text)).toMatchObject({ error: "misdirected_request" });
      expect(text).not.toContain("errors.example.com");
      expect(res.headers.get("cache-control")).toBe("no-store");
    }
    // Visitors of the site are not affected.
    expect((await send(`${SHOP}/ok`, { accept: "text/html" })).status).toBe(200);
  });

  it("a request naming another host (a rebinding name, a spoofed Host) is refused", async () => {
    const res = await browserRequest(entry, `${ADMIN}/api/stats`, { headers: { host: "errors.example.com.evil.example", authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(421);
    await res.arrayBuffer();
  });

  it("the bare host opens the dashboard; the cookie works there for the API too (no page of the site shares the origin)", async () => {
    const root = await send("http://errors.example.com/?lang=ko", { accept: "text/html" });
    expect(root.status).toBe(302);
    expect(root.headers.get("location")).toBe("/__errors/?lang=ko");
    await root.arrayBuffer();
    const login = await browserRequest(entry, `${ADMIN}/login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://errors.example.com", "cf-connecting-ip": "192.0.2.10" },
      body: new URLSearchParams({ token: TOKEN }).toString(),
    });
    expect(login.status).toBe(303);
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0]!;
    expect((await send(`${ADMIN}/api/stats`, { cookie, "sec-fetch-mode": "cors", "sec-fetch-site": "same-origin" })).status).toBe(200);
    const page = await send(`${ADMIN}/`, { cookie, accept: "text/html" });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("/__errors/api/incidents?");
  });

  it("with ADMIN_LOCAL_ONLY (npm start), a name resolving to 127.0.0.1 (DNS rebinding) gets 421, loopback names the log", async () => {
    const local = await mf.getWorker("local-admin");
    const get = async (url: string) => (await local.fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } })) as unknown as Response;
    for (const url of ["http://rebind.example:8789/__errors/api/stats", "http://localhost.example:8789/__errors/api/stats"]) {
      const res = await get(url);
      expect(res.status, url).toBe(421);
      expect(await res.json()).toMatchObject({ error: "misdirected_request", detail: expect.stringContaining("ADMIN_LOCAL_ONLY") });
    }
    for (const url of ["http://localhost:8789/__errors/api/stats", "http://127.0.0.1:8789/__errors/api/stats"]) {
      const res = await get(url);
      expect(res.status, url).toBe(200);
      await res.arrayBuffer();
    }
  });

  it("sets no Strict-Transport-Security on its answers", async () => {
    for (const res of [await send(`${ADMIN}/`, { accept: "text/html" }), await send(`${ADMIN}/api/stats`, jwt(signJwt(key, claims())))]) {
      expect(res.headers.get("strict-transport-security")).toBeNull();
      await res.arrayBuffer();
    }
  });
});
