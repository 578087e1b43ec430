import { afterEach, describe, expect, it, vi } from "vitest";
import { loadAlertConfig, dashboardFor } from "../../src/ledger/alerts/config";
import { afterAttempt, BACKOFF_MS, newPlan } from "../../src/ledger/alerts/delivery";
import { DEFAULT_ALERT_POLICY } from "../../src/ledger/alerts/policy";
import { noticeFor, parseOutage } from "../../src/core/outage";

afterEach(() => vi.restoreAllMocks());

describe("alert config", () => {
  it("defaults: no channel, the documented policy, the dashboard on the incident's host", () => {
    const c = loadAlertConfig({});
    expect(c.targets).toEqual([]);
    expect(c.policy).toEqual(DEFAULT_ALERT_POLICY);
    expect(dashboardFor(c, "shop.example.com")).toBe("https://shop.example.com/__errors");
    expect(c.retryScale).toBe(1);
  });

  it("reads every var; ALERT_LOCALE falls back to DEFAULT_LOCALE", () => {
    const c = loadAlertConfig({
      ALERT_THRESHOLD: "7", ALERT_DOWN_THRESHOLD: "2", ALERT_WINDOW_S: "60", ALERT_QUIET_S: "90", ALERT_ESCALATE_FACTOR: "3", ALERT_MIN_INTERVAL_S: "15",
      ALERT_WEBHOOK_URL: "https://hooks.example.com/x", ALERT_WEBHOOK_SECRET: "s3cret", ALERT_SLACK_URL: "https://hooks.slack.com/services/T/B/X", ALERT_DISCORD_URL: "https://discord.com/api/webhooks/1/x",
      ALERT_DASHBOARD_URL: "https://errors.example.com/__errors/", ALERT_RETRY_S: "3", DEFAULT_LOCALE: "ko", ADMIN_PATH: "/ops",
    });
    expect(c.policy).toEqual({ threshold: 7, downThreshold: 2, windowMs: 60_000, quietMs: 90_000, escalateFactor: 3, minIntervalMs: 15_000, locale: "ko" });
    expect(c.targets).toEqual([
      { channel: "webhook", url: "https://hooks.example.com/x", secret: "s3cret" },
      { channel: "slack", url: "https://hooks.slack.com/services/T/B/X" },
      { channel: "discord", url: "https://discord.com/api/webhooks/1/x" },
    ]);
    expect(dashboardFor(c, "a.test")).toBe("https://errors.example.com/__errors");
    expect(c.retryScale).toBe(0.1);
    expect(loadAlertConfig({ ALERT_LOCALE: "en", DEFAULT_LOCALE: "ko" }).policy.locale).toBe("en");
    expect(dashboardFor(loadAlertConfig({ ADMIN_PATH: "/ops" }), "a.test")).toBe("https://a.test/ops");
  });

  it("a bad value falls back to its default with a log line, never a throw", () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const c = loadAlertConfig({ ALERT_THRESHOLD: "zero", ALERT_WINDOW_S: "5", ALERT_LOCALE: "fr", ALERT_SLACK_URL: "not a url", ALERT_WEBHOOK_URL: "https://h.example/x" });
    expect(c.policy.threshold).toBe(20);
    expect(c.policy.windowMs).toBe(120_000);
    expect(c.policy.locale).toBe("en");
    expect(c.targets.map((t) => t.channel)).toEqual(["webhook"]);
    const problems = log.mock.calls.map((args) => String(args[0]));
    expect(problems.some((p) => p.includes("ALERT_THRESHOLD"))).toBe(true);
    expect(problems.some((p) => p.includes("ALERT_LOCALE"))).toBe(true);
    expect(problems.some((p) => p.includes("ALERT_SLACK_URL"))).toBe(true);
    expect(problems.some((p) => p.includes("without ALERT_WEBHOOK_SECRET"))).toBe(true);
  });

  it("ALERT_RETRY_S scales every wait of the backoff", () => {
    const failed = { ok: false as const, error: "HTTP 500" };
    expect(afterAttempt(newPlan(0), failed, 1000, 0, 0.1).nextAt).toBe(1000 + BACKOFF_MS[0]! * 0.1);
    expect(afterAttempt(newPlan(0), failed, 1000, 0).nextAt).toBe(1000 + BACKOFF_MS[0]!);
  });
});

describe("the known-outage notice", () => {
  it("reads the earliest open incident of the host and whether any was notified", () => {
    const n = parseOutage({ v: 1, hosts: { "a.test": [{ since: "2026-12-01T10:05:00.000Z", code: 502, notified: false }, { since: "2026-12-01T10:00:00.000Z", code: 522, notified: true }] } });
    expect(noticeFor(n, "a.test")).toEqual({ since: new Date("2026-12-01T10:00:00.000Z"), notified: true });
    expect(noticeFor(n, "b.test")).toBeUndefined();
    expect(noticeFor(n, "constructor")).toBeUndefined();
  });

  it("treats anything that is not a notice as no outage", () => {
    for (const raw of [null, "x", { v: 2, hosts: {} }, { v: 1, hosts: { "a.test": [{ since: "never", code: 502, notified: true }] } }, { v: 1, hosts: { "a.test": "x" } }]) {
      expect(noticeFor(parseOutage(raw), "a.test")).toBeUndefined();
    }
  });
});
