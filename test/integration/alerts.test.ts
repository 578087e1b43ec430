/**
 * Alerts for real: site Workers and the incident ledger in workerd, a real origin failing on
 * loopback, and real receivers (a signed JSON webhook, Slack- and Discord-shaped endpoints) on
 * loopback. A burst opens one incident, a bigger one escalates it once, silence resolves it; a
 * receiver that fails is retried until it takes the message, once; the visitor's page says the
 * outage is known while it is open and stops saying so after.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOrigins } from "../../demo/origin.mjs";
import { type Harness, startHarness } from "../support/harness";
import { browserRequest } from "../support/admin-worker";
import { AUTH, hit, isolates, pool } from "../support/ledger";
import { type ReceiverName, type Receivers, startReceivers } from "../support/receivers";
import { runIncidents } from "../support/run-process";
import { eventually } from "../support/worker";
import type { AlertsReport } from "../../src/core/alert-report";

const SECRET = "alert-test-secret-0123456789";
const HOST = "alert.test";
const CHANNELS: readonly ReceiverName[] = ["hook", "slack", "discord"];

let origins: Awaited<ReturnType<typeof startOrigins>>;
let rx: Receivers;
let w: Harness;

beforeAll(async () => {
  origins = await startOrigins({ backlog: false });
  rx = await startReceivers(SECRET);
  const vars = {
    ORIGIN_URL: origins.http,
    PROBE_TIMEOUT_MS: "500",
    INCIDENT_WINDOW_S: "1",
    INCIDENT_FLUSH_S: "1",
    SITE_HOSTS: `${HOST},quiet.test`,
    STATUS_PAGE_URL: "https://status.example.com/",
    ALERT_THRESHOLD: "10",
    ALERT_WINDOW_S: "30",
    ALERT_QUIET_S: "6",
    ALERT_MIN_INTERVAL_S: "1",
    ALERT_ESCALATE_FACTOR: "3",
    ALERT_RETRY_S: "0.5",
    ALERT_WEBHOOK_URL: `${rx.base}/hook`,
    ALERT_WEBHOOK_SECRET: SECRET,
    ALERT_SLACK_URL: `${rx.base}/slack`,
    ALERT_DISCORD_URL: `${rx.base}/discord`,
  };
  w = await startHarness(isolates(2, vars));
});
afterAll(async () => {
  await w?.close();
  await rx?.close();
  await origins?.close();
});

const fail = (n: number, host = HOST) =>
  pool(Array.from({ length: n }, (_, i) => () => hit(w, `iso-${i % 2}`, `http://${host}/status/502`, { headers: { accept: "application/json" } })), 6);

async function page(accept: string, host = HOST): Promise<{ status: number; text: string }> {
  const worker = await w.mf.getWorker("iso-0");
  const res = (await worker.fetch(`http://${host}/status/502`, { headers: { accept } })) as unknown as Response;
  return { status: res.status, text: await res.text() };
}

async function api<T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const worker = await w.mf.getWorker("iso-0");
  const res = (await worker.fetch(`http://${HOST}/__errors${path}`, { ...init, headers: { ...AUTH, ...init.headers } } as never)) as unknown as Response;
  return { status: res.status, body: (await res.json()) as T };
}

/** Waits until every channel accepted `event`, then returns how many each accepted. */
async function allGot(event: string): Promise<number[]> {
  await eventually(async () => (CHANNELS.every((c) => rx.accepted(c, event).length > 0) ? true : undefined), `${event} on every channel`, 30_000);
  return CHANNELS.map((c) => rx.accepted(c, event).length);
}

/** Polls slowly: every page asked for is one more failure, and a fast poll would be a burst of its own. */
async function slowly<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  return eventually(async () => {
    const v = await probe();
    if (v === undefined) await new Promise((r) => setTimeout(r, 1000));
    return v;
  }, what, 40_000);
}

describe("an outage, from the first burst to recovery", () => {
  it("opens one incident, escalates it once, retries a failing receiver without duplicates, tells visitors, and resolves", async () => {
    // Below the threshold: nothing.
    await fail(5, "quiet.test");
    // The webhook refuses the first delivery: it must be retried, and then taken once.
    rx.failNext("hook", 1);
    await fail(12);
    expect(await allGot("opened")).toEqual([1, 1, 1]);

    const hooks = rx.received.filter((r) => r.path === "hook" && r.body.event === "opened");
    expect(hooks.map((r) => r.status)).toEqual([500, 200]);
    expect(hooks.every((r) => r.signed)).toBe(true);
    // The retry carries the same message: same id for receivers that deduplicate, same facts.
    expect(hooks[0]!.headers["x-alert-id"]).toBe(hooks[1]!.headers["x-alert-id"]);
    expect(JSON.parse(hooks[0]!.raw)).toEqual(JSON.parse(hooks[1]!.raw));
    const opened = hooks[1]!.body;
    expect(opened).toMatchObject({ event: "opened", error_code: 502, host: HOST });
    expect(opened.count).toBeGreaterThanOrEqual(10);
    expect(Date.parse(String(opened.since))).toBeLessThanOrEqual(Date.now());
    expect(String(opened.ray_id)).toMatch(/^[0-9a-f]{16}/);
    expect(String(opened.dashboard_url)).toMatch(new RegExp(`^https://${HOST.replace(".", "\\.")}/__errors/\\?code=502&host=${HOST}`));
    expect(rx.accepted("slack", "opened")[0]!.body.text).toContain("502");

    // The visitor is told: problem+json, HTML and text.
    const problem = await slowly(async () => {
      const p = await page("application/problem+json");
      const body = JSON.parse(p.text) as { incident?: { since: string; notified: boolean } };
      return body.incident?.notified ? body : undefined;
    }, "the notice with notified=true");
    expect(problem.incident!.since).toBe(opened.since);
    expect(problem).toMatchObject({ status_page: "https://status.example.com/" });
    const html = await page("text/html");
    expect(html.text).toContain("the problem is known");
    expect(html.text).toContain("The site&#39;s owner has been notified.");
    expect(html.text).toContain('href="https://status.example.com/"');
    const text = await page("text/plain");
    expect(text.text).toContain("the problem is known");
    // Another host of the zone has no incident: its page says nothing of one.
    const other = JSON.parse((await page("application/json", "quiet.test")).text) as Record<string, unknown>;
    expect(other.incident).toBeUndefined();

    // A much bigger burst escalates, once, however long it goes on.
    await fail(50);
    expect(await allGot("escalated")).toEqual([1, 1, 1]);
    await fail(40);

    // Silence resolves it, once per channel.
    expect(await allGot("resolved")).toEqual([1, 1, 1]);
    expect(CHANNELS.map((c) => rx.accepted(c, "opened").length)).toEqual([1, 1, 1]);
    expect(CHANNELS.map((c) => rx.accepted(c, "escalated").length)).toEqual([1, 1, 1]);
    const ids = new Set(rx.accepted("hook").map((r) => r.body.incident_id));
    expect(ids.size).toBe(1);

    // And the page stops saying so.
    await slowly(async () => {
      const body = JSON.parse((await page("application/problem+json")).text) as Record<string, unknown>;
      return body.incident === undefined ? true : undefined;
    }, "the notice to go");
    expect((await page("text/html")).text).not.toContain("the problem is known");

    // The owner's view: the whole timeline, each attempt with its outcome.
    const { status, body } = await api<AlertsReport>("/api/alerts");
    expect(status).toBe(200);
    expect(body.open).toEqual([]);
    expect(body.recent).toHaveLength(1);
    const incident = body.recent[0]!;
    expect(incident).toMatchObject({ state: "resolved", host: HOST, error_code: 502, notified: true, incident_id: opened.incident_id });
    expect(incident.timeline.map((e) => e.event)).toEqual(["opened", "escalated", "resolved"]);
    const hook = incident.timeline[0]!.deliveries.find((d) => d.channel === "webhook")!;
    expect(hook).toMatchObject({ state: "delivered", attempts: 2 });
    expect(hook.tries.map((t) => [t.ok, t.error])).toEqual([[false, "HTTP 500"], [true, null]]);
    expect(body.channels.map((c) => [c.channel, c.configured, c.failing_streak])).toEqual([["webhook", true, 0], ["slack", true, 0], ["discord", true, 0]]);
  });

  it("sends a test alert to each channel on demand and reports each outcome", async () => {
    rx.failNext("discord", 1);
    const { status, body } = await api<{ results: { channel: string; ok: boolean; error: string | null }[] }>("/api/alerts/test", { method: "POST" });
    expect(status).toBe(200);
    expect(body.results).toEqual([
      { channel: "webhook", ok: true, error: null },
      { channel: "slack", ok: true, error: null },
      { channel: "discord", ok: false, error: "HTTP 500" },
    ]);
    const hook = rx.accepted("hook", "test");
    expect(hook).toHaveLength(1);
    expect(hook[0]!.body).toMatchObject({ event: "test", host: HOST, count: 0 });
    // A failing channel shows on the owner's side.
    const report = (await api<AlertsReport>("/api/alerts")).body;
    expect(report.channels.find((c) => c.channel === "discord")).toMatchObject({ failing_streak: 1, last_error: "HTTP 500" });
    expect(report.tests[0]!.deliveries.map((d) => [d.channel, d.state])).toEqual([["discord", "failed"], ["slack", "delivered"], ["webhook", "delivered"]]);
  });

  it("shows alerts on the dashboard in both languages, and its test action is refused cross-site", async () => {
    // Through the HTTP entry, as a browser's request: the URL keeps its https origin for the CSRF check.
    const send = async (path: string, init: RequestInit = {}) => (await w.mf.dispatchFetch(`https://${HOST}/__errors${path}`, { redirect: "manual", ...init } as never)) as unknown as Response;
    const login = await send("/login?lang=en", { method: "POST", headers: { origin: `https://${HOST}`, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ token: AUTH.authorization.slice(7) }).toString() });
    expect(login.status).toBe(303);
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0]!;
    // The session opens dashboard pages only on a browser's top-level navigation (a form post is one).
    const html = { accept: "text/html", cookie, "sec-fetch-mode": "navigate", "sec-fetch-dest": "document", "sec-fetch-site": "same-origin" };
    const browser = (path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) => browserRequest(w.url.href, `http://${HOST}/__errors${path}`, init);

    const en = await (await browser("/alerts?lang=en", { headers: html })).text();
    expect(en).toContain("<h1>Alerts</h1>");
    expect(en).toContain("Resolved in the last 7 days");
    expect(en).toMatch(/<span class="badge">502<\/span> alert\.test/);
    expect(en).toContain(`action="/__errors/alerts/test?lang=en"`);
    const ko = await (await browser("/alerts?lang=ko", { headers: html })).text();
    expect(ko).toContain("<h1>알림</h1>");
    expect(ko).toContain("테스트 알림 보내기");

    const form = { method: "POST", body: "lang=en" };
    const crossSite = await browser("/alerts/test?lang=en", { ...form, headers: { ...html, "sec-fetch-site": "cross-site", origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" } });
    expect(crossSite.status).toBe(403);
    expect(rx.accepted("hook", "test")).toHaveLength(1);
    const sameSite = await browser("/alerts/test?lang=en", { ...form, headers: { ...html, origin: `http://${HOST}`, "content-type": "application/x-www-form-urlencoded" } });
    expect(sameSite.status).toBe(200);
    // A script on the site cannot use the session for the API's test action.
    const scripted = await browser("/api/alerts/test", { method: "POST", headers: { cookie, "sec-fetch-mode": "cors", "sec-fetch-site": "same-origin", origin: `http://${HOST}`, "content-type": "application/json" }, body: "{}" });
    expect(scripted.status).toBe(401);
    expect(await sameSite.text()).toContain("Test sent. Results:");
    expect(rx.accepted("hook", "test")).toHaveLength(2);
  });

  it("npm run incidents -- alerts prints the timeline and channels, and --test sends a test alert", async () => {
    const run = (args: string[]) => runIncidents(["alerts", "--url", w.url.origin, ...args], { EDGE_ERRORS_TOKEN: AUTH.authorization.slice(7) });
    const listed = await run([]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain("No open incident.");
    expect(listed.stdout).toMatch(/RESOLVED {2}502 alert\.test/);
    expect(listed.stdout).toMatch(/opened \(\d+ failure\(s\)\)\n {6}discord +delivered after 1 attempt\(s\)/);
    expect(listed.stdout).toMatch(/webhook +delivered after 2 attempt\(s\) \[[^\]]+ HTTP 500; [^\]]+ ok\]/);
    expect(listed.stdout).toMatch(/Channels:\n {2}webhook +last attempt/);

    rx.failNext("slack", 1);
    const tested = await run(["--test"]);
    // A channel that failed the test makes the command fail, for scripts.
    expect(tested.code).toBe(1);
    expect(tested.stdout).toContain("Test alert to webhook: delivered");
    expect(tested.stdout).toContain("Test alert to slack: failed (HTTP 500)");
  });
});
