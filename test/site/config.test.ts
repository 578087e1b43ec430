import { describe, expect, it } from "vitest";
import { loadAdminConfig } from "../../src/admin/config";
import { adminRouteOf, type Config, ConfigError, loadConfig } from "../../src/site/config";

const incidentsOf = (c: Config) => {
  const i = c.errorPages.incidents;
  if (!i) throw new Error("incidents off");
  return i;
};

/** What a service binding looks like to the config: something with a fetch method. */
const ADMIN = { fetch: async () => new Response(null) };

describe("loadConfig (the site Worker)", () => {
  it("uses the documented defaults", () => {
    const c = loadConfig({});
    expect(c.proxy.timeoutMs).toBe(100_000);
    expect(c.proxy.originUrl).toBeUndefined();
    expect(c.errorPages).toMatchObject({ defaultLocale: "en", probe: false, probeTimeoutMs: 1500 });
    expect(c.errorPages.incidents).toMatchObject({ ttlDays: 30, storeQuery: false, storeClientIp: false, budget: { perWindow: 25, windowMs: 10_000, sampleRate: 1 } });
    expect(c.admin).toBeNull();
    expect(c.warnings).toEqual([]);
    expect(c.problems).toEqual([]);
  });
  it("reads every var", () => {
    const c = loadConfig({
      ORIGIN_URL: "http://127.0.0.1:8788",
      ORIGIN_TIMEOUT_MS: "5000",
      DEFAULT_LOCALE: "ko",
      ADMIN_PATH: "/ops/errors/",
      ADMIN,
      INCIDENT_SAMPLE_RATE: "0.5",
      INCIDENT_BUDGET: "10",
      INCIDENT_TTL_DAYS: "7",
      STORE_QUERY: "true",
    });
    expect(c.proxy.originUrl?.href).toBe("http://127.0.0.1:8788/");
    expect(c.errorPages).toMatchObject({ defaultLocale: "ko", probe: true });
    expect(c.admin).toEqual({ path: "/ops/errors" });
  });
  it("hands ADMIN_PATH to the admin Worker only when the ADMIN service binding is there", () => {
    expect(loadConfig({ ADMIN }).admin).toEqual({ path: "/__errors" });
    expect(loadConfig({ ADMIN_PATH: "/ops" }).admin).toBeNull();
    for (const notAService of ["edge-error-pages-admin", {}, { fetch: "no" }, null]) expect(loadConfig({ ADMIN: notAService }).admin).toBeNull();
  });
  it("checks ADMIN_PATH even without the binding, as the admin Worker does, and falls back to the default", () => {
    expect(loadConfig({ ADMIN_PATH: "no-slash" }).problems).toEqual([expect.stringMatching(/^ADMIN_PATH must be a plain absolute path .*got "no-slash"; using the default "\/__errors" instead$/)]);
    expect(loadConfig({ ADMIN_PATH: "/a b", ADMIN }).admin).toEqual({ path: "/__errors" });
  });
  it.each(["//ops", "//", "/", "/ops//errors", "/a b", "/ops/../x", "/.", "/%2e%2e", "/ops?x", "/ops#x", "\\ops", "/ops\\x", "https://evil.example/x", "ops"])(
    "ADMIN_PATH %j is not a plain absolute path",
    (value) => {
      const c = loadConfig({ ADMIN_PATH: value, ADMIN });
      expect(c.admin).toEqual({ path: "/__errors" });
      expect(c.problems.join()).toContain("ADMIN_PATH must be a plain absolute path");
    },
  );
  it.each([["/__errors"], ["/ops/errors/", "/ops/errors"], ["/a.b~c-d_e"], ["/x"]])("ADMIN_PATH %j is accepted", (value, expected = value) => {
    const c = loadConfig({ ADMIN_PATH: value, ADMIN });
    expect(c.problems).toEqual([]);
    expect(c.admin).toEqual({ path: expected });
  });
  it("adminRouteOf reads only the owner's path, so it works when the rest of the config does not", () => {
    expect(adminRouteOf({ ORIGIN_URL: "not a url", ADMIN_PATH: "/ops", ADMIN })).toEqual({ path: "/ops" });
    expect(adminRouteOf({ ADMIN_PATH: "//ops", ADMIN })).toEqual({ path: "/__errors" });
    expect(adminRouteOf({ ADMIN_PATH: "/ops" })).toBeNull();
  });
  it("an ADMIN_TOKEN left on the site Worker is a warning, never a failure, and its value is not repeated", () => {
    for (const env of [{ ADMIN_TOKEN: "short" }, { ADMIN_TOKEN: "a-very-long-admin-token", ADMIN }]) {
      const c = loadConfig(env);
      expect(c.warnings).toHaveLength(1);
      expect(c.warnings[0]).toMatch(/ADMIN_TOKEN is set on the site Worker/);
      expect(c.warnings[0]).not.toContain(env.ADMIN_TOKEN);
    }
    expect(loadConfig({ ADMIN_TOKEN: "x" }).warnings[0]).toMatch(/ADMIN service binding is not set/);
    expect(loadConfig({ ADMIN_TOKEN: "a-very-long-admin-token", ADMIN }).warnings[0]).toMatch(/wrangler\.admin\.toml/);
  });
  it("passes an origin's JSON errors through unless PASS_THROUGH_JSON turns it off", () => {
    expect(loadConfig({}).errorPages.passThroughJson).toBe(true);
    expect(loadConfig({ PASS_THROUGH_JSON: "true" }).errorPages.passThroughJson).toBe(true);
    expect(loadConfig({ PASS_THROUGH_JSON: "false" }).errorPages.passThroughJson).toBe(false);
    expect(loadConfig({ PASS_THROUGH_JSON: " FALSE " }).errorPages.passThroughJson).toBe(false);
    // A TOML `PASS_THROUGH_JSON = false` under [vars] arrives as a boolean.
    expect(loadConfig({ PASS_THROUGH_JSON: false }).errorPages.passThroughJson).toBe(false);
    const bad = loadConfig({ PASS_THROUGH_JSON: "sometimes" });
    expect(bad.errorPages.passThroughJson).toBe(true);
    expect(bad.problems[0]).toMatch(/^PASS_THROUGH_JSON must be true or false, got "sometimes"; using the default true instead$/);
  });

  it.each([
    ["PROBE_TIMEOUT_MS", "abc", (c: Config) => c.errorPages.probeTimeoutMs, 1500, /^PROBE_TIMEOUT_MS must be a number from 1 to 30000, got "abc"; using the default 1500 instead$/],
    ["DEFAULT_LOCALE", "fr", (c: Config) => c.errorPages.defaultLocale, "en", /^DEFAULT_LOCALE must be "en" or "ko", got "fr"; using the default "en" instead$/],
    ["INCIDENT_WINDOW_S", "25", (c: Config) => incidentsOf(c).budget?.windowMs, 10_000, /^INCIDENT_WINDOW_S must be a number from 1 to 20, got "25"; using the default 10 instead$/],
    ["ORIGIN_TIMEOUT_MS", "0", (c: Config) => c.proxy.timeoutMs, 100_000, /^ORIGIN_TIMEOUT_MS must be a number from 1 to 6000000/],
    ["INCIDENT_BUDGET", "-1", (c: Config) => incidentsOf(c).budget?.perWindow, 25, /^INCIDENT_BUDGET must be/],
    ["INCIDENT_BUDGET", "2.5", (c: Config) => incidentsOf(c).budget?.perWindow, 25, /^INCIDENT_BUDGET must be a whole number from 0 to 1000, got 2.5; using the default 25 instead$/],
    ["INCIDENT_SAMPLE_RATE", "2", (c: Config) => incidentsOf(c).budget?.sampleRate, 1, /^INCIDENT_SAMPLE_RATE must be/],
    ["INCIDENT_TTL_DAYS", "NaN", (c: Config) => incidentsOf(c).ttlDays, 30, /^INCIDENT_TTL_DAYS must be/],
    ["STORE_QUERY", "maybe", (c: Config) => incidentsOf(c).storeQuery, false, /^STORE_QUERY must be true or false, got "maybe"; using the default false instead$/],
    ["STORE_CLIENT_IP", "on", (c: Config) => incidentsOf(c).storeClientIp, false, /^STORE_CLIENT_IP must be true or false/],
    ["BRAND_NAME", 42, (c: Config) => c.errorPages.brand, undefined, /^BRAND_NAME must be a string, got 42; using the request.s host instead$/],
  ] as const)("a bad %s (%j) falls back to its default and is reported by name, without throwing", (name, value, read, fallback, message) => {
    const c = loadConfig({ ORIGIN_URL: "http://127.0.0.1:8788", [name]: value });
    expect(read(c)).toBe(fallback);
    expect(c.problems).toHaveLength(1);
    expect(c.problems[0]).toMatch(message);
  });
  it("takes TOML numbers and booleans as they are (wrangler hands them over as JSON values)", () => {
    const c = loadConfig({ PROBE_TIMEOUT_MS: 2500, INCIDENT_WINDOW_S: 20, STORE_QUERY: true });
    expect(c.problems).toEqual([]);
    expect(c.errorPages.probeTimeoutMs).toBe(2500);
    expect(incidentsOf(c)).toMatchObject({ storeQuery: true, budget: { windowMs: 20_000 } });
  });
  it("throws only for an unparsable ORIGIN_URL, and then names every problem at once", () => {
    let err: unknown;
    try {
      loadConfig({ ORIGIN_URL: "ftp://x", ORIGIN_TIMEOUT_MS: "soon", DEFAULT_LOCALE: "fr", ADMIN_PATH: "x", INCIDENT_SAMPLE_RATE: "2", STORE_QUERY: "maybe" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/ORIGIN_URL.*ORIGIN_TIMEOUT_MS.*DEFAULT_LOCALE.*ADMIN_PATH.*STORE_QUERY.*INCIDENT_SAMPLE_RATE/);
    expect((err as ConfigError).problems).toHaveLength(6);
    for (const bad of ["not a url", "ftp://x", "//host/x", 8788]) expect(() => loadConfig({ ORIGIN_URL: bad })).toThrow(/ORIGIN_URL must be an absolute http\(s\) URL/);
  });
  it("several bad optional vars: every one falls back and is reported", () => {
    const c = loadConfig({ PROBE_TIMEOUT_MS: "abc", DEFAULT_LOCALE: "fr", INCIDENT_WINDOW_S: "25" });
    expect(c.problems.map((p) => p.split(" ")[0])).toEqual(["PROBE_TIMEOUT_MS", "DEFAULT_LOCALE", "INCIDENT_WINDOW_S"]);
    expect(c.errorPages).toMatchObject({ defaultLocale: "en", probeTimeoutMs: 1500 });
  });
});

describe("loadAdminConfig (the admin Worker)", () => {
  it("needs only the token; the path and language default as on the site Worker", () => {
    expect(loadAdminConfig({ ADMIN_TOKEN: "a-very-long-admin-token" })).toEqual({
      path: "/__errors",
      token: "a-very-long-admin-token",
      binding: "INCIDENTS",
      defaultLocale: "en",
      mode: "same-site",
      hosts: [],
      localOnly: false,
      access: null,
      loginLimit: "LOGIN_RATE_LIMIT",
    });
  });
  it("reads ADMIN_PATH and DEFAULT_LOCALE exactly as the site Worker does", () => {
    const env = { ADMIN_TOKEN: "a-very-long-admin-token", ADMIN_PATH: "/ops/errors/", DEFAULT_LOCALE: "ko" };
    const admin = loadAdminConfig(env);
    expect(admin).toMatchObject({ path: "/ops/errors", defaultLocale: "ko" });
    expect(admin.path).toBe(loadConfig({ ...env, ADMIN }).admin?.path);
  });
  it("refuses a missing or short token, naming every problem, without repeating the token", () => {
    expect(() => loadAdminConfig({})).toThrow(/ADMIN_TOKEN is not set/);
    let err: unknown;
    try {
      loadAdminConfig({ ADMIN_TOKEN: "short-tok", ADMIN_PATH: "nope", DEFAULT_LOCALE: "fr" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message).toMatch(/ADMIN_PATH.*DEFAULT_LOCALE.*ADMIN_TOKEN must be at least 16 characters/);
    expect(message).not.toContain("short-tok");
  });
});
