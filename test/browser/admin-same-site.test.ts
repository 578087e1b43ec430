/**
 * The attack same-site mode invites, in Debian's Chromium: the owner signs in to the dashboard
 * under ADMIN_PATH on the site, then opens an ordinary page of the same site whose script (the
 * origin's own, or an XSS anywhere on the site) tries to read the incident log with `fetch()`.
 * The browser attaches the owner's cookie, and says it is a script's request (`Sec-Fetch-Mode:
 * cors`); the admin Worker refuses it. Opening the dashboard itself still works.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningWorkers, startWorkers } from "../support/worker";
import { CHROMIUM, LAUNCH_ARGS } from "./chromium";

const TOKEN = "browser-same-site-token-0123456789";
const RAY = "e000000000000001-ICN";

/** A page of the site that tries to read the owner side and shows what it got. */
const THIEF = `<!doctype html><html><head><title>shop</title></head><body><pre id="out">waiting</pre><script>
(async () => {
  const read = async (path, init) => { try { const r = await fetch(path, { credentials: "include", ...init }); return { status: r.status, body: await r.text() }; } catch (e) { return { status: 0, body: String(e) }; } };
  const results = {
    api: await read("/__errors/api/incidents"),
    one: await read("/__errors/api/incidents/${RAY}"),
    page: await read("/__errors/", { headers: { accept: "text/html" } }),
  };
  document.getElementById("out").textContent = JSON.stringify(results);
})();
</script></body></html>`;

let origin: http.Server;
let w: RunningWorkers;
let browser: Browser;

beforeAll(async () => {
  origin = http.createServer((req, res) => {
    if (req.url === "/shop") res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(THIEF);
    else res.writeHead(502, { "content-type": "text/plain" }).end("bad gateway");
  });
  await new Promise<void>((resolve) => origin.listen(0, "127.0.0.1", resolve));
  const originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
  w = await startWorkers([{ name: "main", vars: { ORIGIN_URL: originUrl, ADMIN_TOKEN: TOKEN } }], { cf: { colo: "ICN" } });
  const failed = await fetch(`${w.url}status/502`, { headers: { "cf-ray": RAY } });
  expect(failed.status).toBe(502);
  await failed.arrayBuffer();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: [...LAUNCH_ARGS] });
});
afterAll(async () => {
  await browser?.close();
  await w?.close();
  await new Promise((resolve) => origin?.close(resolve));
});

describe("same-site mode in Chromium", () => {
  it("a page of the site cannot read the incident log with the signed-in owner's cookie", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // The owner signs in through the form and sees the log.
    await page.goto(`${w.url}__errors/login`);
    await page.fill('input[name="token"]', TOKEN);
    await Promise.all([page.waitForURL(/\/__errors\?lang=en$/), page.click('button[type="submit"]')]);
    await expect.poll(() => page.locator("body").textContent()).toContain(RAY.slice(0, 16));
    expect(await page.locator("aside.note").textContent()).toContain("Same-site mode.");
    const cookies = await context.cookies();
    expect(cookies.map((c) => c.name)).toContain("eep_admin");

    // Then opens an ordinary page of the same origin, whose script tries to read the log.
    await page.goto(`${w.url}shop`);
    await expect.poll(() => page.locator("#out").textContent()).not.toBe("waiting");
    const got = JSON.parse((await page.locator("#out").textContent()) ?? "{}") as Record<string, { status: number; body: string }>;
    for (const [what, result] of Object.entries(got)) {
      expect(result.status, what).toBe(401);
      expect(result.body, what).not.toContain(RAY.slice(0, 16));
    }
    // The cookie was sent (the refusal is the one for a cookie used outside a navigation).
    expect(got.api?.body).toContain("same-site mode");

    // The owner can still open the dashboard itself.
    await page.goto(`${w.url}__errors/`);
    expect(await page.locator("body").textContent()).toContain(RAY.slice(0, 16));
    await context.close();
  });
});
