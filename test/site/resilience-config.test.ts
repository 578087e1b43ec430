import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/site/config";

describe("the resilience vars", () => {
  it("are safe by default: no copies, one retry, no backup, maintenance checked every 10 s", () => {
    const { resilience, errorPages } = loadConfig({});
    expect(resilience.stale).toBeNull();
    expect(errorPages.lastGoodCopy).toBeUndefined();
    expect(resilience.retry).toEqual({ retry: true, delayMs: 100, connectTimeoutMs: 19_000 });
    expect(resilience.maintenanceCheckMs).toBe(10_000);
    expect(resilience.maintenanceAllowIps).toEqual([]);
    expect(resilience.statusPageUrl).toBeUndefined();
  });

  it("are read as given", () => {
    const { resilience, errorPages } = loadConfig({
      STALE_PATHS: "/blog/*, /about",
      STALE_MAX_AGE_S: "3600",
      STALE_MAX_BYTES: "2048",
      STALE_REFRESH_S: "5",
      STALE_BYPASS_COOKIES: "session,wp_logged_in",
      STALE_ON_5XX: "true",
      ORIGIN_RETRY: "false",
      ORIGIN_RETRY_DELAY_MS: "250",
      ORIGIN_CONNECT_TIMEOUT_MS: "5000",
      BACKUP_ORIGIN_URL: "https://backup.example.com",
      MAINTENANCE_CHECK_S: "0",
      MAINTENANCE_ALLOW_IPS: "203.0.113.7, 198.51.100.0/24",
      STATUS_PAGE_URL: "https://status.example.com",
    });
    expect(resilience.stale).toEqual({ paths: ["/blog/*", "/about"], maxAgeS: 3600, maxBytes: 2048, refreshS: 5, bypassCookies: ["session", "wp_logged_in"], onOriginStatus: true });
    expect(errorPages.lastGoodCopy).toEqual(resilience.stale);
    expect(resilience.retry).toEqual({ retry: false, delayMs: 250, connectTimeoutMs: 5000, backupUrl: new URL("https://backup.example.com") });
    expect(resilience.maintenanceCheckMs).toBe(0);
    expect(resilience.maintenanceAllowIps).toEqual(["203.0.113.7", "198.51.100.0/24"]);
    expect(errorPages.statusPageUrl).toBe("https://status.example.com/");
  });

  it("name every bad value at once", () => {
    let message = "";
    try {
      loadConfig({ STALE_PATHS: "blog/*", STALE_MAX_AGE_S: "-1", ORIGIN_RETRY: "maybe", BACKUP_ORIGIN_URL: "ftp://x", STATUS_PAGE_URL: "status", MAINTENANCE_CHECK_S: "9999", MAINTENANCE_ALLOW_IPS: "office" });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    for (const name of ["STALE_PATHS", "STALE_MAX_AGE_S", "ORIGIN_RETRY", "BACKUP_ORIGIN_URL", "STATUS_PAGE_URL", "MAINTENANCE_CHECK_S", "MAINTENANCE_ALLOW_IPS"]) expect(message).toContain(name);
  });
});
