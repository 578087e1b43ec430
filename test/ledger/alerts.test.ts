import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { afterAttempt, BACKOFF_MS, buildRequest, MAX_ATTEMPTS, newPlan } from "../../src/ledger/alerts/delivery";
import { type AlertObservation, type AlertTrack, step } from "../../src/ledger/alerts/machine";
import { composeMessage, discordBody, slackBody, testMessage, webhookBody } from "../../src/ledger/alerts/payload";
import { DEFAULT_ALERT_POLICY, subjectOf } from "../../src/ledger/alerts/policy";

const policy = { ...DEFAULT_ALERT_POLICY, threshold: 10, downThreshold: 3, windowMs: 60_000, quietMs: 120_000, minIntervalMs: 30_000, escalateFactor: 4 };
let ids = 0;
const newId = () => `inc-${++ids}`;

function seen(windowCount: number, at: number, extra: Partial<AlertObservation> = {}): AlertObservation {
  return { host: "shop.example.com", subject: "code_502", windowCount, newFailures: windowCount, lastFailureAt: at, code: 502, rayId: "0123456789abcdef-ICN", colos: { ICN: windowCount }, ...extra };
}

/** Runs observations through the machine, collecting the events. */
function run(steps: readonly [number, AlertObservation | undefined][]): { events: string[]; track: AlertTrack | undefined } {
  let track: AlertTrack | undefined;
  const events: string[] = [];
  for (const [now, o] of steps) {
    const s = step(track, o, policy, now, newId);
    track = s.track;
    if (s.transition) events.push(`${s.transition.event}@${now}`);
  }
  return { events, track };
}

describe("alert state machine", () => {
  it("groups the codes that mean the origin is down", () => {
    expect([521, 522, 523, 525, 526].map((c) => subjectOf(c as 521))).toEqual(Array(5).fill("origin_down"));
    expect(subjectOf(502)).toBe("code_502");
    expect(subjectOf(524)).toBe("code_524");
  });

  it("opens once at the threshold, not below it, and keeps counting", () => {
    const { events, track } = run([
      [0, seen(9, 0)],
      [10_000, seen(10, 10_000, { newFailures: 1 })],
      [20_000, seen(15, 20_000, { newFailures: 5 })],
    ]);
    expect(events).toEqual(["opened@10000"]);
    expect(track?.phase === "open" && track.count).toBe(15);
  });

  it("opens origin_down at its lower threshold", () => {
    const s = step(undefined, seen(3, 0, { subject: "origin_down", code: 522 }), policy, 0, newId);
    expect(s.transition?.event).toBe("opened");
    expect(s.transition?.incident.code).toBe(522);
  });

  it("escalates once when the rate grows by the factor, not before the minimum interval", () => {
    const { events } = run([
      [0, seen(10, 0)],
      [10_000, seen(60, 10_000, { newFailures: 50 })], // 6× but within 30 s of the opening message
      [40_000, seen(60, 40_000, { newFailures: 10 })],
      [80_000, seen(500, 80_000, { newFailures: 440 })],
    ]);
    expect(events).toEqual(["opened@0", "escalated@40000"]);
  });

  it("resolves after the quiet time, then waits the minimum interval before reopening", () => {
    const { events } = run([
      [0, seen(10, 0)],
      [60_000, undefined],
      [120_000, undefined],
      [130_000, seen(20, 130_000)], // within 30 s of the resolve: held back
      [170_000, seen(20, 170_000)],
    ]);
    expect(events).toEqual(["opened@0", "resolved@120000", "opened@170000"]);
  });

  it("a storm of evaluations yields at most one message per minimum interval", () => {
    const steps: [number, AlertObservation][] = [];
    for (let t = 0; t < 600_000; t += 1000) steps.push([t, seen((t / 1000) % 2 ? 1000 : 10, t, { newFailures: 5 })]);
    const { events } = run(steps);
    const times = events.map((e) => Number(e.split("@")[1]));
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(policy.minIntervalMs);
    expect(events.filter((e) => e.startsWith("opened"))).toHaveLength(1);
    expect(events.filter((e) => e.startsWith("escalated"))).toHaveLength(1);
  });
});

describe("alert messages", () => {
  const opened = step(undefined, seen(12, Date.UTC(2026, 11, 1, 9), { colos: { ICN: 9, NRT: 3 } }), policy, Date.UTC(2026, 11, 1, 9), () => "inc-x").transition!;

  it("the webhook body carries the contract fields", () => {
    const m = composeMessage("opened", opened.incident, opened.at, policy, "https://errors.example.com/__errors");
    const body = JSON.parse(webhookBody(m));
    expect(body).toMatchObject({ event: "opened", incident_id: "inc-x", error_code: 502, host: "shop.example.com", count: 12, since: "2026-12-01T09:00:00.000Z", ray_id: "0123456789abcdef-ICN" });
    expect(body.dashboard_url).toBe("https://errors.example.com/__errors/?code=502&host=shop.example.com&since=2026-12-01T09%3A00%3A00.000Z&lang=en");
    expect(body.colos).toEqual({ ICN: 9, NRT: 3 });
    expect(body.remediation).toMatch(/502/);
  });

  it("Slack and Discord say what, since when, how many, where, a Ray ID and what to check, in Korean too", () => {
    const m = composeMessage("opened", opened.incident, opened.at, { ...policy, locale: "ko" }, "https://h/__errors");
    const slack = JSON.parse(slackBody(m)).text as string;
    expect(slack).toContain("장애 시작");
    expect(slack).toContain("2026-12-01 09:00:00 UTC");
    expect(slack).toContain("ICN 9, NRT 3");
    expect(slack).toContain("`0123456789abcdef-ICN`");
    expect(slack).toContain("<https://h/__errors/?code=502");
    const discord = JSON.parse(discordBody(m));
    expect(discord.allowed_mentions).toEqual({ parse: [] });
    expect(discord.embeds[0].description).toContain("**실패한 요청:** 12");
  });

  it("escapes what could form links or mentions", () => {
    const m = { ...testMessage("a<b>&c", 0, policy, "https://h"), headline: "<!channel> *x* [y](z)" };
    expect(JSON.parse(slackBody(m)).text).toContain("&lt;!channel&gt;");
    expect(JSON.parse(discordBody(m)).embeds[0].title).toBe("<!channel> *x* [y](z)".slice(0, 256));
  });
});

describe("delivery", () => {
  it("signs the exact body with the timestamp, as the docs' verification snippet checks it", async () => {
    const m = testMessage("shop.example.com", 1_700_000_000_000, policy, "https://h/__errors");
    const req = await buildRequest({ channel: "webhook", url: "http://127.0.0.1:9/hook", secret: "s3cret-s3cret" }, m, 1_700_000_000_000);
    const body = await req.text();
    expect(req.headers.get("x-timestamp")).toBe("1700000000");
    const expected = createHmac("sha256", "s3cret-s3cret").update(`1700000000.${body}`).digest("hex");
    expect(req.headers.get("x-signature")).toBe(`sha256=${expected}`);
    expect(JSON.parse(body).event).toBe("test");
  });

  it("backs off, then gives up after the last attempt; a success is final", () => {
    let plan = newPlan(0);
    const waits: number[] = [];
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      const now = plan.nextAt;
      plan = afterAttempt(plan, { ok: false, error: "HTTP 500" }, now, 0);
      if (plan.state === "pending") waits.push(plan.nextAt - now);
    }
    expect(waits).toEqual(BACKOFF_MS);
    expect(plan.state).toBe("failed");
    expect(plan.lastError).toBe("HTTP 500");
    expect(afterAttempt(newPlan(0), { ok: true }, 5, 0).state).toBe("delivered");
  });
});

describe("after a resolve", () => {
  it("keeps the resolve until the window has passed, so the ledger can keep counting only failures after it", () => {
    const resolved: AlertTrack = { phase: "resolved", host: "shop.example.com", subject: "code_502", resolvedAt: 0 };
    // Settled (past minIntervalMs) but within the window: still remembered.
    expect(step(resolved, seen(1, 40_000), policy, 40_000, newId).track).toEqual(resolved);
    expect(step(resolved, undefined, policy, 59_999, newId).track).toEqual(resolved);
    expect(step(resolved, undefined, policy, 60_000, newId).track).toBeUndefined();
  });
});
