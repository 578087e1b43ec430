/**
 * Both halves of the owner side in Node: the site Worker's app handing requests to a stand-in
 * ADMIN binding (what arrives there, and what happens when it throws), and the admin Worker's
 * app outside its path and in the configured language.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadAdminConfig } from "../../src/admin/config";
import { createAdminApp } from "../../src/admin/worker";
import { loadConfig } from "../../src/site/config";
import { createApp } from "../../src/site/index";
import { FakeKv } from "./fake-kv";

// Node has no raw sockets API; the probe is off here anyway (no ORIGIN_URL probe on a fake fetch).
vi.mock("cloudflare:sockets", () => ({
  connect: () => {
    throw new Error("cloudflare:sockets is not available in Node");
  },
}));

afterEach(() => {
  vi.restoreAllMocks();
});

const TOKEN = "unit-test-token-0123456789";

/** The site app with a fake origin and, when `admin` is given, a stand-in for the ADMIN binding. */
function siteApp(admin?: (request: Request) => Promise<Response>, vars: Record<string, string> = {}) {
  const toOrigin: string[] = [];
  const puts: string[] = [];
  const ADMIN = admin ? { fetch: admin } : undefined;
  const config = loadConfig({ ...vars, ADMIN });
  const app = createApp({
    ...config,
    proxy: {
      ...config.proxy,
      originUrl: new URL("http://origin.test"),
      fetch: (async (input: string | URL) => {
        const { pathname } = new URL(input);
        toOrigin.push(pathname);
        return new Response("from the origin", { status: pathname.endsWith("/boom") ? 502 : 200 });
      }) as typeof fetch,
    },
    errorPages: { ...config.errorPages, probe: false },
  });
  const pending: Promise<unknown>[] = [];
  const ctx = { waitUntil: (p: Promise<unknown>) => void pending.push(p), passThroughOnException() {}, props: {} };
  const env = { ADMIN, INCIDENTS: { put: async (key: string) => void puts.push(key) } };
  return {
    toOrigin,
    request: (path: string, init: RequestInit = {}) => app.request(`https://shop.test${path}`, init, env, ctx as unknown as ExecutionContext),
    async puts() {
      await Promise.all(pending);
      return puts;
    },
  };
}

describe("the site Worker with ADMIN bound", () => {
  it("hands ADMIN_PATH and everything under it to the admin Worker, request untouched", async () => {
    const seen: { method: string; url: string; auth: string | null; body: string }[] = [];
    const site = siteApp(async (req) => {
      seen.push({ method: req.method, url: req.url, auth: req.headers.get("authorization"), body: await req.text() });
      return Response.json({ from: "admin" }, { headers: { "set-cookie": "eep_admin=x; Path=/__errors" } });
    });
    const login = await site.request("/__errors/login?lang=ko", { method: "POST", headers: { authorization: "Bearer t" }, body: "token=abc" });
    expect(await login.json()).toEqual({ from: "admin" });
    expect(login.headers.get("set-cookie")).toContain("eep_admin=x");
    for (const path of ["/__errors", "/__errors/", "/__errors/api/stats?since=1h"]) await site.request(path);
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      "POST https://shop.test/__errors/login?lang=ko",
      "GET https://shop.test/__errors",
      "GET https://shop.test/__errors/",
      "GET https://shop.test/__errors/api/stats?since=1h",
    ]);
    expect(seen[0]).toMatchObject({ auth: "Bearer t", body: "token=abc" });
    expect(site.toOrigin).toEqual([]);
  });

  it("keeps every other path, lookalikes included, for the origin", async () => {
    const admin = vi.fn(async () => new Response("admin"));
    const site = siteApp(admin, { ADMIN_PATH: "/ops/errors" });
    for (const path of ["/__errors", "/ops/errorsX", "/ops", "/x/ops/errors"]) expect(await (await site.request(path)).text()).toBe("from the origin");
    expect(await (await site.request("/ops/errors/api/stats")).text()).toBe("admin");
    expect(admin).toHaveBeenCalledTimes(1);
  });

  it("answers the owner 502 admin_unavailable when the admin Worker cannot be reached, and records nothing", async () => {
    const logged: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: unknown) => void logged.push(String(line)));
    const site = siteApp(async () => {
      throw new Error("service unavailable");
    });
    const res = await site.request("/__errors/api/stats", { headers: { accept: "text/html" } });
    expect(res.status).toBe(502);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("x-robots-tag")).toBe("noindex");
    expect(await res.json()).toEqual({ error: "admin_unavailable", detail: expect.any(String) });
    expect(logged.join("\n")).toContain("service unavailable");
    expect(site.toOrigin).toEqual([]);
    // A visitor's failure next to it is still recorded: the binding's trouble is not the site's.
    expect((await site.request("/boom")).status).toBe(502);
    expect((await site.puts()).filter((k) => k.startsWith("r:"))).toHaveLength(1);
  });
});

describe("the site Worker without ADMIN", () => {
  it("sends ADMIN_PATH to the origin like any other path", async () => {
    const site = siteApp(undefined);
    expect(await (await site.request("/__errors/api/stats")).text()).toBe("from the origin");
    expect(site.toOrigin).toEqual(["/__errors/api/stats"]);
  });
});

describe("the admin Worker's app", () => {
  const app = (vars: Record<string, string> = {}) => createAdminApp(loadAdminConfig({ ADMIN_TOKEN: TOKEN, ...vars }));
  const auth = { authorization: `Bearer ${TOKEN}` };

  it("outside ADMIN_PATH: a private 404 that names both paths and says to make them the same", async () => {
    const res = await app({ ADMIN_PATH: "/ops/errors" }).request("https://shop.test/__errors/api/stats", { headers: auth }, { INCIDENTS: new FakeKv() });
    expect(res.status).toBe(404);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = (await res.json()) as { error: string; detail: string };
    expect(body.error).toBe("not_found");
    expect(body.detail).toContain('"/ops/errors"');
    expect(body.detail).toContain("/__errors/api/stats");
    expect(body.detail).toContain("same ADMIN_PATH on both Workers");
  });

  it("inside it: the owner's routes, in DEFAULT_LOCALE unless the request names a language", async () => {
    const kv = new FakeKv();
    const ko = app({ DEFAULT_LOCALE: "ko" });
    const page = await ko.request("https://shop.test/__errors/", { headers: { ...auth, accept: "text/html" } }, { INCIDENTS: kv });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html lang="ko">');
    const en = await ko.request("https://shop.test/__errors/?lang=en", { headers: { ...auth, accept: "text/html" } }, { INCIDENTS: kv });
    expect(await en.text()).toContain('<html lang="en">');
    expect((await ko.request("https://shop.test/__errors/api/stats", { headers: auth }, { INCIDENTS: kv })).status).toBe(200);
  });
});
