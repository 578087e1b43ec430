/**
 * The last-good-copy banner and the maintenance page in Chromium, in both languages, at desktop
 * and phone widths: visible, readable, no console or CSP errors, no sideways scroll, and
 * screenshots in test-results/resilience/ to look at.
 */
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import type { Browser, BrowserContextOptions } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RESILIENCE_TEXT } from "../../src/core/i18n/resilience";
import { copyKey } from "../../src/site/stale/policy";
import { type FlakyOrigin, startFlakyOrigin } from "../support/flaky-origin";
import { eventually, type RunningWorkers, startWorkers } from "../support/worker";
import { DEVICE, launchChromium, LOCALE, SITE, type Width } from "./harness";

const OUT = resolve(import.meta.dirname, "../../test-results/resilience");
const TOKEN = "browser-maintenance-token-0123456789";
const CF = { colo: "ICN", country: "KR", city: "Seoul", timezone: "Asia/Seoul", httpProtocol: "HTTP/1.1" };
type Lang = "en" | "ko";

let origin: FlakyOrigin;
let w: RunningWorkers;
let browser: Browser;
let base: string;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  origin = await startFlakyOrigin();
  w = await startWorkers(
    [
      {
        name: "site",
        vars: { ORIGIN_URL: origin.url, STALE_PATHS: "/*", ADMIN_TOKEN: TOKEN, MAINTENANCE_CHECK_S: "0.2", STATUS_PAGE_URL: "https://status.example.com/", BRAND_NAME: "Example Shop" },
      },
    ],
    { host: "127.0.0.1", port: 0, upstream: `https://${SITE}`, cf: CF },
  );
  base = w.url.replace(/\/$/, "");
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await w?.close();
  await origin?.close().catch(() => undefined);
});

/** Opens `path`, collecting console errors (CSP violations included) and page errors. */
async function open(path: string, lang: Lang, width: Width, extra: BrowserContextOptions = {}) {
  const context = await browser.newContext({ ...LOCALE[lang], ...DEVICE[width], ...extra });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (m) => {
    // The document's own 503, and the favicon the test page does not declare (521 while its origin is down).
    if (m.type() === "error" && !/status of 5\d\d/.test(m.text())) problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(e.message));
  const response = await page.goto(base + path);
  return { context, page, problems, response };
}

async function noSidewaysScroll(page: Awaited<ReturnType<typeof open>>["page"]) {
  const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  expect(scroll).toBeLessThanOrEqual(client);
}

describe("the last good copy", () => {
  beforeAll(async () => {
    const res = await fetch(`${base}/article`);
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    const caches = await w.mf.getCaches();
    await eventually(async () => ((await caches.default.match(copyKey(new URL(`https://${SITE}/article`)))) ? true : undefined), "the copy");
    await origin.close();
  });

  for (const lang of ["en", "ko"] as const) {
    for (const width of ["desktop", "phone"] as const) {
      it(`shows the banner over the saved page (${lang}, ${width})`, async () => {
        const { context, page, problems, response } = await open("/article", lang, width);
        try {
          expect(response?.status()).toBe(200);
          const banner = page.locator("#eep-stale");
          await expect.poll(() => banner.isVisible()).toBe(true);
          expect(await banner.getAttribute("lang")).toBe(lang);
          expect(await banner.locator("strong").textContent()).toBe(RESILIENCE_TEXT[lang].staleTitle);
          expect(await banner.textContent()).toContain("521");
          // The saved page itself is there, under the banner.
          expect(await page.locator("h1").textContent()).toBe("/article");
          // First in the body, above the page's own content.
          expect(await page.evaluate(() => [...document.body.children].slice(0, 2).map((e) => e.id || e.tagName))).toEqual(["STYLE", "eep-stale"]);
          const [box, heading] = [await banner.boundingBox(), await page.locator("h1").boundingBox()];
          expect((box?.y ?? Infinity) + (box?.height ?? 0)).toBeLessThanOrEqual(heading?.y ?? 0);
          // Its own CSS applied: the banner's background is not the page's.
          expect(await banner.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe("rgb(255, 244, 214)");
          await noSidewaysScroll(page);
          expect(problems).toEqual([]);
          await page.screenshot({ path: resolve(OUT, `stale-${lang}-${width}.png`) });
        } finally {
          await context.close();
        }
      });
    }
  }
});

describe("the maintenance page", () => {
  beforeAll(async () => {
    await origin.reopen();
    const res = await fetch(`${base}/__errors/api/maintenance`, {
      method: "PUT",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ until: "2h", message: { en: "We are moving the shop to a faster server. Orders placed before the break are safe.", ko: "더 빠른 서버로 상점을 옮기고 있습니다. 점검 전에 받은 주문은 안전합니다." } }),
    });
    expect(res.status).toBe(200);
    await eventually(async () => ((await fetch(`${base}/`)).status === 503 ? true : undefined), "maintenance to start");
  });

  for (const lang of ["en", "ko"] as const) {
    for (const width of ["desktop", "phone"] as const) {
      it(`shows the owner's message and the end in local time (${lang}, ${width})`, async () => {
        const { context, page, problems, response } = await open("/", lang, width);
        try {
          expect(response?.status()).toBe(503);
          expect(await page.locator("h1").textContent()).toBe(RESILIENCE_TEXT[lang].maintenanceTitle);
          expect(await page.locator(".msg").textContent()).toContain(lang === "en" ? "faster server" : "더 빠른 서버");
          const until = await page.locator("time").textContent();
          // The zone the visitor's request came from (request.cf.timezone), without a script.
          expect(until).toMatch(lang === "en" ? /GMT\+9|KST/ : /GMT\+9|KST|한국/);
          expect(await page.locator('a[href="https://status.example.com/"]').isVisible()).toBe(true);
          await noSidewaysScroll(page);
          expect(problems).toEqual([]);
          await page.screenshot({ path: resolve(OUT, `maintenance-${lang}-${width}.png`), fullPage: true });
        } finally {
          await context.close();
        }
      });
    }
  }
});
