/**
 * What a visitor must report is where they look first: for every code and 1xxx code, in both
 * languages, on a 1280×800 desktop and a 375×740 phone, the Ray ID and the UTC time are inside the
 * first screen without scrolling, as in Cloudflare's header line. The desktop page fits about one
 * screen with the owner's checks folded, and no Korean text runs past a phone's edge.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { koreanFontMissing } from "./chromium";
import { DEVICE, FIXED_RAY, type Lang, LANGS, LOCALE, Session, type Width, WIDTHS, useStack } from "./harness";

const suite = useStack();

/** Every page a visitor can get: each code from the origin, the edge's own, each 1xxx code (and an unknown one), a real refusal. */
const PATHS = [
  ...[500, 502, 503, 504, 520, 521, 522, 523, 524, 525, 526, 527].map((code) => `/status/${code}`),
  ...[500, 502, 503, 504].map((code) => `/branded/${code}`),
  ...[1000, 1001, 1002, 1003, 1004, 1014, 1016, 1018, 1019, 1033, 1099].map((sub) => `/cf530/${sub}`),
  "/down/",
];

/** "About one desktop screen": 800 px, with a little room for the longest Korean texts. */
const DESKTOP_PAGE_MAX = 960;

async function open(lang: Lang, width: Width): Promise<Session> {
  const s = await Session.open(suite.stack, { ...LOCALE[lang], ...DEVICE[width], extraHTTPHeaders: { "cf-ray": FIXED_RAY } });
  suite.sessions.push(s);
  return s;
}

/** Where an element is, for a message that says what went wrong. */
async function box(page: Page, selector: string) {
  const b = await page.locator(selector).boundingBox();
  if (!b) throw new Error(`${selector} is not rendered`);
  return b;
}

describe.each(LANGS.flatMap((lang) => WIDTHS.map((width) => [lang, width] as const)))("%s, %s", (lang, width) => {
  const viewport = DEVICE[width].viewport ?? { width: 0, height: 0 };

  it("shows the Ray ID and the UTC time without scrolling, for every code", async () => {
    const s = await open(lang, width);
    const page = await s.newPage();
    for (const path of PATHS) {
      const { response } = await s.visit(path, page);
      expect(response.status(), path).toBeGreaterThanOrEqual(500);
      expect(await page.evaluate(() => window.scrollY), path).toBe(0);
      for (const selector of ["#ray", "#utc"]) {
        const b = await box(page, selector);
        const where = `${path} ${selector} at ${Math.round(b.x)},${Math.round(b.y)} ${Math.round(b.width)}×${Math.round(b.height)}`;
        expect(b.y, where).toBeGreaterThanOrEqual(0);
        expect(b.y + b.height, where).toBeLessThanOrEqual(viewport.height);
        expect(b.x + b.width, where).toBeLessThanOrEqual(viewport.width);
        expect(await page.locator(selector).isVisible(), where).toBe(true);
      }
      expect(await page.locator("#ray").innerText()).toBe(FIXED_RAY);
      expect(await page.locator("#utc").innerText()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
      if (width === "desktop") {
        const height = await page.evaluate(() => document.documentElement.scrollHeight);
        expect(height, `${path}: page height`).toBeLessThanOrEqual(DESKTOP_PAGE_MAX);
      }
    }
    expect(s.problems).toEqual([]);
  });
});

describe("Korean on a phone", () => {
  it("has a Korean font to measure with (fonts-noto-cjk)", () => {
    expect(koreanFontMissing()).toBeUndefined();
  });

  it("never runs past the screen's edge, with the owner's checks open, for every code", async () => {
    const s = await open("ko", "phone");
    const page = await s.newPage();
    const width = DEVICE.phone.viewport?.width ?? 0;
    for (const path of PATHS) {
      await s.visit(`${path}?ref=${"가나다라마바사".repeat(20)}`, page);
      await page.locator("#owner summary").click();
      expect(await page.locator("#owner li").first().isVisible(), path).toBe(true);
      const wide = await page.evaluate((limit) => {
        const out: string[] = [];
        for (const el of Array.from(document.body.querySelectorAll("*"))) {
          const r = el.getBoundingClientRect();
          if (r.width > 0 && (r.right > limit + 0.5 || r.left < -0.5)) out.push(`<${el.tagName.toLowerCase()} class="${el.className}"> ${Math.round(r.left)}–${Math.round(r.right)}`);
        }
        return out;
      }, width);
      expect(wide, `${path}: elements wider than the ${width} px screen`).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(width);
      expect(await page.getAttribute("html", "lang")).toBe("ko");
    }
    expect(s.problems).toEqual([]);
  });
});
