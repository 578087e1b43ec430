/**
 * The automatic retry, with Playwright's clock instead of real waits: the countdown starts from
 * the origin's Retry-After, goes down each second, loads the page again at zero and then backs
 * off; nothing of the sort for a code that retrying cannot fix (525).
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { DEVICE, fill, type Lang, LOCALE, MESSAGES, Session, useStack } from "./harness";

const suite = useStack();

async function open(lang: Lang): Promise<{ s: Session; page: Page }> {
  const s = await Session.open(suite.stack, { ...LOCALE[lang], ...DEVICE.desktop });
  suite.sessions.push(s);
  const page = await s.newPage();
  await page.clock.install();
  return { s, page };
}

/** How many times the browser asked the Worker for `path` (document requests). */
const hits = (path: string) => suite.stack.served.filter((r) => r.path === path).length;

/** Advances the page's clock one second at a time: each tick schedules the next. */
async function seconds(page: Page, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await page.clock.fastForward(1000);
}

const countdown = (page: Page) => page.getByRole("timer");

describe.each(["en", "ko"] as const)("retry (%s)", (lang) => {
  const m = MESSAGES[lang];

  it("counts down from the origin's Retry-After: 5, loads the page again at zero, then backs off", async () => {
    const path = `/retry-after/502/5?${lang}`;
    const { s, page } = await open(lang);
    const { response } = await s.visit(path, page);
    expect(response.status()).toBe(502);
    expect(response.headers()["retry-after"]).toBe("5");

    // A timer role: assistive technology does not announce every second (a polite live region would).
    expect(await countdown(page).isVisible()).toBe(true);
    expect(await countdown(page).innerText()).toBe(fill(m.ui.retryIn, 5));
    for (const left of [4, 3, 2, 1]) {
      await seconds(page, 1);
      expect(await countdown(page).innerText()).toBe(fill(m.ui.retryIn, left));
    }
    expect(hits(path)).toBe(1);

    const loaded = page.waitForEvent("load");
    await seconds(page, 1);
    await loaded;
    expect(hits(path)).toBe(2);
    expect(suite.stack.served.filter((r) => r.path === path).map((r) => r.method)).toEqual(["GET", "GET"]);

    // Second attempt: twice the wait, and the attempt is remembered for this URL.
    expect(await countdown(page).innerText()).toBe(fill(m.ui.retryIn, 10));
    const stored = await page.evaluate((k) => sessionStorage.getItem(k), `edge-error-retry:${new URL(page.url()).pathname}${new URL(page.url()).search}`);
    expect(stored).toMatch(/^1:\d+$/);
    await seconds(page, 1);
    expect(await countdown(page).innerText()).toBe(fill(m.ui.retryIn, 9));
    expect(s.problems).toEqual([]);
    expect(s.outside).toEqual([]);
  });
});

describe("retry", () => {
  const m = MESSAGES.en;

  it("is absent for 525: no countdown, the owner-must-fix note, and no reload even after ten minutes", async () => {
    const { s, page } = await open("en");
    const { response } = await s.visit("/status/525", page);
    expect(response.status()).toBe(525);
    expect(response.headers()["retry-after"]).toBeUndefined();
    expect(await countdown(page).count()).toBe(0);
    expect(await page.locator("#retry").count()).toBe(0);
    expect(await page.getByRole("link", { name: m.ui.tryNow }).count()).toBe(0);
    expect(await page.locator(".note").first().innerText()).toBe(m.ui.noRetry);
    await page.clock.fastForward("10:00");
    await seconds(page, 3);
    expect(hits("/status/525")).toBe(1);
    expect(s.problems).toEqual([]);
  });

  it("stops after five automatic retries and says so", async () => {
    const path = "/retry-after/503/5?gave-up";
    const { s, page } = await open("en");
    await s.visit(path, page);
    await page.evaluate(() => sessionStorage.setItem(`edge-error-retry:${location.pathname}${location.search}`, `5:${Date.now()}`));
    await page.reload();
    expect(await countdown(page).innerText()).toBe(m.ui.retryGaveUp);
    expect(await countdown(page).getAttribute("class")).not.toContain("on");
    await page.clock.fastForward("10:00");
    await seconds(page, 3);
    expect(hits(path)).toBe(2);
    expect(s.problems).toEqual([]);
  });

  it("waits while the tab is hidden and retries once it is visible again", async () => {
    const path = "/retry-after/504/5?hidden";
    const { s, page } = await open("en");
    await s.visit(path, page);
    await page.evaluate(() => Object.defineProperty(document, "hidden", { configurable: true, get: () => true }));
    await seconds(page, 5);
    expect(await countdown(page).innerText()).toBe(fill(m.ui.retryIn, 1));
    await seconds(page, 30);
    expect(hits(path)).toBe(1);
    const loaded = page.waitForEvent("load");
    await page.evaluate(() => {
      Object.defineProperty(document, "hidden", { configurable: true, get: () => false });
      document.dispatchEvent(new Event("visibilitychange"));
    });
    await loaded;
    expect(hits(path)).toBe(2);
    expect(s.problems).toEqual([]);
  });

  it("after a failed form POST, retries with a GET and never re-sends the form", async () => {
    const path = "/retry-after/502/5?form";
    const { s, page } = await open("en");
    // A form on a blank page posts to the site; the origin answers 502.
    await page.setContent(`<form method="post" action="${suite.stack.base}${path}"><input name="order" value="1"></form>`);
    await Promise.all([page.waitForEvent("load"), page.evaluate(() => document.querySelector("form")?.submit())]);
    expect(await countdown(page).innerText()).toBe(fill(m.ui.retryIn, 5));
    const loaded = page.waitForEvent("load");
    await seconds(page, 5);
    await loaded;
    expect(suite.stack.served.filter((r) => r.path === path).map((r) => r.method)).toEqual(["POST", "GET"]);
    // Reloading would have re-sent the POST, which the page's `form-action 'none'` blocks: a CSP error.
    expect(s.problems).toEqual([]);
  });

  it("with a #fragment in the URL, still loads the page again", async () => {
    const path = "/retry-after/502/5?fragment";
    const { s, page } = await open("en");
    await s.visit(`${path}#details`, page);
    const loaded = page.waitForEvent("load");
    await seconds(page, 5);
    await loaded;
    expect(hits(path)).toBe(2);
    expect(new URL(page.url()).hash).toBe("#details");
    expect(s.problems).toEqual([]);
  });

  it("“Try now” loads the page again at once", async () => {
    const path = "/status/522?try-now";
    const { s, page } = await open("en");
    await s.visit(path, page);
    await Promise.all([page.waitForEvent("load"), page.getByRole("link", { name: m.ui.tryNow }).click()]);
    expect(hits(path)).toBe(2);
    expect(s.problems).toEqual([]);
  });
});
