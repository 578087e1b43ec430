import { describe, expect, it } from "vitest";
import { loadAdminConfig } from "../../src/admin/config";
import { ConfigError, loadConfig } from "../../src/site/config";

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
  it("checks ADMIN_PATH even without the binding, as the admin Worker does", () => {
    expect(() => loadConfig({ ADMIN_PATH: "no-slash" })).toThrow(/ADMIN_PATH/);
    expect(() => loadConfig({ ADMIN_PATH: "/a b", ADMIN })).toThrow(/ADMIN_PATH/);
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
    expect(() => loadConfig({ PASS_THROUGH_JSON: "sometimes" })).toThrow(/PASS_THROUGH_JSON must be true or false, got "sometimes"/);
  });

  it("reports every problem at once, by name", () => {
    expect(() =>
      loadConfig({ ORIGIN_URL: "ftp://x", ORIGIN_TIMEOUT_MS: "soon", DEFAULT_LOCALE: "fr", ADMIN_PATH: "x", INCIDENT_SAMPLE_RATE: "2", STORE_QUERY: "maybe" }),
    ).toThrow(/ORIGIN_URL.*ORIGIN_TIMEOUT_MS.*DEFAULT_LOCALE.*ADMIN_PATH.*STORE_QUERY.*INCIDENT_SAMPLE_RATE/);
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
