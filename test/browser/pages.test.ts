/**
 * The error page as visitors get it, in Chromium, through the real Worker: every case in both
 * languages at desktop (1280 px) and phone (375 px) width. Status, title, language, texts,
 * Ray ID, retry line, no sideways scroll, no console errors or CSP violations, nothing fetched
 * but the document (favicon included) and nothing outside 127.0.0.1, at most 16 KB.
 */
import { describe, expect, it } from "vitest";
import { CASES, DEVICE, type Lang, LANGS, LOCALE, MESSAGES, hopName, rayIdCell, retryInPattern, type Session, SITE, Session as S, type Width, WIDTHS, useStack, visitorText } from "./harness";

const MAX_BYTES = 16 * 1024;

// After every test, from the server's side too: Chromium fetches a favicon without telling Playwright.
const suite = useStack();

async function open(lang: Lang, width: Width, extra: Parameters<typeof S.open>[1] = {}): Promise<Session> {
  const s = await S.open(suite.stack, { ...LOCALE[lang], ...DEVICE[width], ...extra });
  suite.sessions.push(s);
  return s;
}

const other = (lang: Lang): Lang => (lang === "en" ? "ko" : "en");

describe.each(CASES)("$id ($path)", (c) => {
  it.each(LANGS.flatMap((lang) => WIDTHS.map((width) => [lang, width] as const)))("%s, %s", async (lang, width) => {
    const m = MESSAGES[lang];
    const s = await open(lang, width);
    const { page, response } = await s.visit(c.path);

    // The answer: status, headers, size.
    expect(response.status()).toBe(c.code);
    const headers = response.headers();
    expect(headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(headers["content-language"]).toBe(lang);
    expect(headers["content-security-policy"]).toContain("default-src 'none'");
    expect((await response.body()).byteLength).toBeLessThanOrEqual(MAX_BYTES);

    // Language and title, like Cloudflare's `host | 522: Connection timed out`.
    const title = c.title(m);
    expect(await page.getAttribute("html", "lang")).toBe(lang);
    expect(await page.title()).toBe(`${SITE} | ${c.code}: ${title}`);
    expect(await page.locator("h1").innerText()).toBe(title);
    expect(await page.locator(".pill").innerText()).toBe(`${m.ui.errorCode} ${c.code}`);
    if (c.subCode === undefined) expect(await page.locator(".sub").count()).toBe(0);
    // A known 1xxx code's title is the headline already; the line gives only the code.
    else expect(await page.locator(".sub").innerText()).toBe(`${m.ui.subCode} ${c.subCode}`);

    // The hop strip names the failed hop, with a word and not only a colour.
    const bad = page.locator(".hop.bad");
    expect(await bad.count()).toBe(1);
    expect(await bad.locator(".nm b").innerText()).toBe(hopName(m, c.hop));
    expect(await bad.locator(".st").innerText()).toContain(m.ui.failed);
    expect(await page.locator(".hop:not(.bad) .st").allInnerTexts()).toEqual([m.ui.working, m.ui.working].map((w) => expect.stringContaining(w)));

    // What happened, and what visitors and owners can do.
    expect(await page.locator("main").innerText()).toContain(c.happened(m));
    expect(await page.locator(".cols .card").first().innerText()).toContain(visitorText(c, m));
    // The owner's checks fold away, and open with one click.
    const owner = page.locator("#owner");
    expect(await owner.getAttribute("open")).toBeNull();
    expect(await owner.locator("summary").innerText()).toBe(m.ui.ownerChecks.replace("{n}", String(c.owner(m).length)));
    expect(await owner.locator("li").first().isVisible()).toBe(false);
    await owner.locator("summary").click();
    expect(await owner.locator("li").allInnerTexts()).toEqual([...c.owner(m)]);

    // Ray ID: in the header line, the report and the footer, all visible.
    const ray = rayIdCell(page);
    const rayId = (await ray.innerText()).trim();
    expect(rayId).toMatch(/^[0-9a-f]{16}$/);
    expect(await ray.isVisible()).toBe(true);
    const footer = page.locator("footer");
    expect(await footer.isVisible()).toBe(true);
    expect(await footer.innerText()).toContain(rayId);
    expect(await page.locator("#report").innerText()).toContain(`${m.ui.rayId}: ${rayId}`);
    // The report names the data centre and links this host's /cdn-cgi/trace.
    expect(await page.locator("#report").innerText()).toContain(`${m.ui.dataCentre}: ICN`);
    expect(await page.locator("#report a").getAttribute("href")).toBe(`https://${SITE}/cdn-cgi/trace`);

    // The script ran: local time filled in, copy button shown, countdown only when retrying helps.
    expect(await page.locator("#ltr").isVisible()).toBe(true);
    expect((await page.locator("#lt").innerText()).length).toBeGreaterThan(5);
    expect(await page.locator("#copy").isVisible()).toBe(true);
    if (c.retryable) {
      const retry = page.getByRole("timer");
      expect(await retry.isVisible()).toBe(true);
      expect(await retry.innerText()).toMatch(retryInPattern(m));
      expect(await page.getByRole("link", { name: m.ui.tryNow }).isVisible()).toBe(true);
    } else {
      expect(await page.locator("#retry").count()).toBe(0);
      expect(await page.locator(".note").first().innerText()).toBe(m.ui.noRetry);
    }

    // The language switch names the other language in that language.
    const o = other(lang);
    const link = page.locator("nav a");
    expect(await link.innerText()).toBe(MESSAGES[o].languageName);
    expect(await link.getAttribute("href")).toBe(`?lang=${o}`);
    expect(await link.getAttribute("hreflang")).toBe(o);

    // No sideways scrolling.
    const viewport = DEVICE[width].viewport?.width ?? 0;
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport);

    // Nothing went wrong in the browser, and nothing left 127.0.0.1.
    expect(s.problems).toEqual([]);
    expect(s.outside).toEqual([]);
    expect(s.statusNotices).toHaveLength(1);
  });
});

describe("language", () => {
  it.each(LANGS)("the ?lang= link switches from %s and back, whatever Accept-Language says", async (lang) => {
    const c = CASES[1]!; // 522
    const o = other(lang);
    const s = await open(lang, "desktop");
    const { page } = await s.visit(c.path);
    expect(await page.getAttribute("html", "lang")).toBe(lang);

    await Promise.all([page.waitForEvent("load"), page.locator("nav a").click()]);
    expect(new URL(page.url()).search).toBe(`?lang=${o}`);
    expect(await page.getAttribute("html", "lang")).toBe(o);
    expect(await page.locator("h1").innerText()).toBe(c.title(MESSAGES[o]));
    expect(await page.title()).toBe(`${SITE} | ${c.code}: ${c.title(MESSAGES[o])}`);
    expect(await page.locator("nav a").innerText()).toBe(MESSAGES[lang].languageName);

    await Promise.all([page.waitForEvent("load"), page.locator("nav a").click()]);
    expect(new URL(page.url()).search).toBe(`?lang=${lang}`);
    expect(await page.getAttribute("html", "lang")).toBe(lang);
    expect(await page.locator("h1").innerText()).toBe(c.title(MESSAGES[lang]));
    expect(s.problems).toEqual([]);
    expect(s.outside).toEqual([]);
  });

  it("follows Accept-Language q-values", async () => {
    // No `locale` here: Playwright would send its own Accept-Language instead of this one.
    const s = await S.open(suite.stack, { ...DEVICE.desktop, extraHTTPHeaders: { "accept-language": "fr;q=1, ko;q=0.8, en;q=0.5" } });
    suite.sessions.push(s);
    const { page } = await s.visit("/status/502");
    expect(await page.getAttribute("html", "lang")).toBe("ko");
    expect(await page.locator("h1").innerText()).toBe(MESSAGES.ko.codes[502].title);
  });
});

describe("long URLs", () => {
  it.each(LANGS)("a 300-character URL wraps at 375 px (%s)", async (lang) => {
    const s = await open(lang, "phone");
    const path = `/status/522?ref=${"a".repeat(200)}&utm_source=newsletter&utm_campaign=${"b".repeat(120)}`;
    const { page, response } = await s.visit(path);
    expect(response.status()).toBe(522);
    expect((await response.body()).byteLength).toBeLessThanOrEqual(MAX_BYTES);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    // The view shortens URLs to 300 characters.
    const urlLine = (await page.locator("#report").innerText()).split("\n").find((l) => l.startsWith(`${MESSAGES[lang].ui.url}: `));
    expect(urlLine).toMatch(/: https:\/\/shop\.example\.com\/status\/522\?ref=a+.*…$/);
  });
});

describe("size", () => {
  it("every page stays within 16 KB with the longest texts and URL, in both languages", async () => {
    const long = `?q=${"x".repeat(400)}`;
    const paths = [
      ...[500, 502, 503, 504, 520, 521, 522, 523, 524, 525, 526, 527].map((code) => `/status/${code}`),
      ...[500, 502, 503, 504].map((code) => `/branded/${code}`),
      ...[1000, 1001, 1002, 1003, 1004, 1014, 1016, 1018, 1019, 1033, 1099].map((sub) => `/cf530/${sub}`),
    ];
    const sizes: { path: string; lang: Lang; bytes: number }[] = [];
    for (const lang of LANGS) {
      for (const path of paths) {
        // Straight to Miniflare: these are not the browser's requests.
        const res = await fetch(suite.stack.direct + path + long, { headers: { accept: "text/html", "accept-language": lang } });
        expect(res.status, path).toBeGreaterThanOrEqual(500);
        const bytes = (await res.arrayBuffer()).byteLength;
        sizes.push({ path, lang, bytes });
      }
    }
    const largest = sizes.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    expect(largest.bytes, `${largest.path} (${largest.lang})`).toBeLessThanOrEqual(MAX_BYTES);
  });
});

describe("the server's view", () => {
  it("got only document requests from the browser, after every page was closed", async () => {
    for (const s of suite.sessions.splice(0)) await s.close();
    expect(suite.stack.served.length).toBeGreaterThan(CASES.length * 4);
    expect(suite.stack.served.filter((r) => r.dest !== "document" || r.method !== "GET")).toEqual([]);
  });
});
