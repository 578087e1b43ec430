/**
 * `npm run incidents -- maintenance on|off|status` as a real process against the real Workers on
 * a loopback port: the site answers 503 while it is on, and the origin again once it is off.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FlakyOrigin, startFlakyOrigin } from "../support/flaky-origin";
import { runIncidents as run } from "../support/run-process";
import { eventually, type RunningWorkers, startWorkers } from "../support/worker";

const TOKEN = "cli-maintenance-token-0123456789";
let origin: FlakyOrigin;
let w: RunningWorkers;
let url: string;

beforeAll(async () => {
  origin = await startFlakyOrigin();
  w = await startWorkers([{ name: "main", vars: { ORIGIN_URL: origin.url, ADMIN_TOKEN: TOKEN, MAINTENANCE_CHECK_S: "0.2" } }]);
  url = (await w.mf.ready).origin;
});
afterAll(async () => {
  await w?.close();
  await origin?.close();
});

const status = async () => {
  const res = await fetch(`${url}/`);
  await res.arrayBuffer();
  return res.status;
};

describe("npm run incidents -- maintenance", () => {
  it("on --until 2h turns it on with the messages, status says so, off ends it", async () => {
    const on = await run(["maintenance", "on", "--until", "2h", "--message-en", "Back at six.", "--message-ko", "여섯 시에 돌아옵니다.", "--url", url, "--token", TOKEN]);
    expect(on.stderr).toBe("");
    expect(on.code).toBe(0);
    expect(on.stdout).toMatch(/^Maintenance mode is on until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    expect(on.stdout).toContain("message (en): Back at six.");
    await eventually(async () => ((await status()) === 503 ? true : undefined), "maintenance to start");
    const page = await (await fetch(`${url}/`, { headers: { "accept-language": "ko" } })).text();
    expect(page).toContain("여섯 시에 돌아옵니다.");

    const json = await run(["maintenance", "status", "--json", "--url", url, "--token", TOKEN]);
    expect(JSON.parse(json.stdout)).toMatchObject({ active: true, message: { en: "Back at six." } });

    const off = await run(["maintenance", "off", "--url", url, "--token", TOKEN]);
    expect(off.code).toBe(0);
    expect(off.stdout.trim()).toBe("Maintenance mode is off.");
    await eventually(async () => ((await status()) === 200 ? true : undefined), "maintenance to end");
  });

  it("explains bad usage and the API's 400", async () => {
    const missing = await run(["maintenance", "on", "--url", url, "--token", TOKEN]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("maintenance on needs --until");
    const bad = await run(["maintenance", "on", "--until", "yesterday", "--url", url, "--token", TOKEN]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Bad request: until must be an ISO 8601 time");
    const unknown = await run(["maintenance", "later", "--url", url, "--token", TOKEN]);
    expect(unknown.code).toBe(2);
    const wrong = await run(["maintenance", "status", "--url", url, "--token", "not-the-right-token-x"]);
    expect(wrong.code).toBe(3);
  });
});
