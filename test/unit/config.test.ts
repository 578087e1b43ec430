import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config";

describe("loadConfig", () => {
  it("uses the documented defaults", () => {
    const c = loadConfig({});
    expect(c.proxy.timeoutMs).toBe(100_000);
    expect(c.proxy.originUrl).toBeUndefined();
    expect(c.errorPages).toMatchObject({ defaultLocale: "en", probe: false, probeTimeoutMs: 1500 });
    expect(c.errorPages.incidents).toMatchObject({ ttlDays: 30, storeQuery: false, storeClientIp: false, budget: { perWindow: 25, windowMs: 10_000, sampleRate: 1 } });
    expect(c.admin).toBeNull();
  });
  it("reads every var", () => {
    const c = loadConfig({
      ORIGIN_URL: "http://127.0.0.1:8788",
      ORIGIN_TIMEOUT_MS: "5000",
      DEFAULT_LOCALE: "ko",
      ADMIN_TOKEN: "a-very-long-admin-token",
      ADMIN_PATH: "/ops/errors/",
      INCIDENT_SAMPLE_RATE: "0.5",
      INCIDENT_BUDGET: "10",
      INCIDENT_TTL_DAYS: "7",
      STORE_QUERY: "true",
    });
    expect(c.proxy.originUrl?.href).toBe("http://127.0.0.1:8788/");
    expect(c.errorPages).toMatchObject({ defaultLocale: "ko", probe: true });
    expect(c.admin).toMatchObject({ path: "/ops/errors", token: "a-very-long-admin-token" });
  });
  it("reports every problem at once, by name", () => {
    expect(() =>
      loadConfig({ ORIGIN_URL: "ftp://x", ORIGIN_TIMEOUT_MS: "soon", DEFAULT_LOCALE: "fr", ADMIN_TOKEN: "short", INCIDENT_SAMPLE_RATE: "2", STORE_QUERY: "maybe" }),
    ).toThrow(/ORIGIN_URL.*ORIGIN_TIMEOUT_MS.*DEFAULT_LOCALE.*ADMIN_TOKEN.*STORE_QUERY.*INCIDENT_SAMPLE_RATE/);
  });
});
