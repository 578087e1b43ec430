/**
 * What a visitor does with the page: copies the report, reads it without JavaScript, and opens
 * URLs with markup in them (which must stay text).
 */
import { describe, expect, it } from "vitest";
import { caseById, DEVICE, hopName, type Lang, LANGS, LOCALE, MESSAGES, rayIdCell, Session, SITE, useStack, visitorText } from "./harness";

const suite = useStack();

async function open(lang: Lang, extra: Parameters<typeof Session.open>[1] = {}): Promise<Session> {
  const s = await Session.open(suite.stack, { ...LOCALE[lang], ...DEVICE.desktop, ...extra });
  suite.sessions.push(s);
  return s;
}

describe.each(LANGS)("copy button (%s)", (lang) => {
  it("copies the report for the hosting provider", async () => {
    const m = MESSAGES[lang];
    const s = await open(lang);
    await s.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: suite.stack.base });
    const { page } = await s.visit("/cf530/1016");
    const copy = page.getByRole("button", { name: m.ui.copy });
    expect(await copy.isVisible()).toBe(true);
    await copy.click();
    await page.waitForFunction(() => document.getElementById("cs")?.textContent !== "");
    expect(await page.locator("#cs").innerText()).toBe(m.ui.copied);

    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(await page.locator("#report").textContent());
    const rayId = (await rayIdCell(page).innerText()).trim();
    expect(copied.split("\n")).toEqual([
      `${m.ui.errorCode}: 530 ${m.subCodes[1016].title}`,
      `${m.ui.subCode}: 1016`,
      `${m.ui.observed}: ${m.findings.sub_code.observed.replace("{code}", "1016")}`,
      expect.stringMatching(new RegExp(`^${m.ui.timeUtc.replace(/[()]/g, "\\$&")}: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC$`)),
      `${m.ui.url}: https://${SITE}/cf530/1016`,
      `${m.ui.rayId}: ${rayId}`,
      `${m.ui.dataCentre}: ICN`,
      `${m.ui.trace}: https://${SITE}/cdn-cgi/trace`,
    ]);
    expect(s.problems).toEqual([]);
  });
});

describe("without JavaScript", () => {
  it.each(LANGS.flatMap((lang) => (["502", "525", "530-1016"] as const).map((id) => [lang, id] as const)))(
    "%s %s: all content is there, at 375 px too",
    async (lang, id) => {
      const c = caseById(id);
      const m = MESSAGES[lang];
      const s = await Session.open(suite.stack, { ...LOCALE[lang], ...DEVICE.phone, javaScriptEnabled: false });
      suite.sessions.push(s);
      const { page, response } = await s.visit(c.path);
      expect(response.status()).toBe(c.code);
      const visible = async (selector: string) => expect(await page.locator(selector).first().isVisible(), selector).toBe(true);

      await visible("header nav a");
      expect(await page.locator("h1").innerText()).toBe(c.title(m));
      await visible(".pill");
      if (c.subCode !== undefined) await visible(".sub");
      expect(await page.locator(".hop").count()).toBe(3);
      expect(await page.locator(".hop.bad .nm b").innerText()).toBe(hopName(m, c.hop));
      const main = await page.locator("main").innerText();
      expect(main).toContain(c.happened(m));
      expect(main).toContain(visitorText(c, m));
      // The owner's checks fold away without the script too: <details> needs none.
      await page.locator("#owner summary").click();
      expect(await page.locator("#owner li").allInnerTexts()).toEqual([...c.owner(m)]);
      const rayId = (await rayIdCell(page).innerText()).trim();
      expect(rayId).toMatch(/^[0-9a-f]{16}$/);
      expect(await page.locator("footer").innerText()).toContain(rayId);
      await visible("#report");
      expect(await page.locator("#report").innerText()).toContain(rayId);
      if (c.retryable) {
        await visible(".act .btn"); // "Try now" is a plain link: it works without the script
        expect(await page.locator("#retry").innerText()).toBe("");
      } else {
        expect(await page.locator(".note").first().innerText()).toBe(m.ui.noRetry);
      }
      // What only the script provides is absent rather than broken.
      expect(await page.locator("#copy").isVisible()).toBe(false);
      expect(await page.locator("#ltr").isVisible()).toBe(false);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
      expect(s.problems).toEqual([]);
    },
  );
});

describe("markup in the URL stays text", () => {
  const PAYLOADS = [
    // In the query: the origin ignores it, the page shows the URL.
    { path: `/status/502?x=<img src=x onerror=window.__pwned=1>`, status: 502, shows: `<img src=x onerror=window.__pwned=1>` },
    { path: `/status/502?x="><script>window.__pwned=1;alert(1)</script>`, status: 502, shows: `"><script>window.__pwned=1;alert(1)</script>` },
    // In the path: `/status/502/…` is a 404 at the demo origin (passed through untouched), so the
    // "refused" Worker (`/down/*`) is used: every path there is a 521 page that shows the URL.
    { path: `/down/"><script>window.__pwned=1</script>`, status: 521, shows: `"><script>window.__pwned=1</script>` },
    { path: `/down/<svg onload=alert(1)>'"\`\${x}`, status: 521, shows: `<svg onload=alert(1)>` },
    // In the language switch: an unknown value falls back, and is never echoed.
    { path: `/status/503?lang="><script>window.__pwned=1</script>`, status: 503, shows: `"><script>window.__pwned=1</script>` },
  ];

  it.each(PAYLOADS)("$path", async ({ path, status, shows }) => {
    const s = await open("en");
    const { page, response } = await s.visit(path);
    expect(response.status()).toBe(status);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(s.dialogs).toEqual([]);
    // Only the page's own script and no injected elements.
    expect(await page.evaluate(() => document.scripts.length)).toBe(1);
    expect(await page.evaluate(() => document.querySelectorAll("main img, main svg:not([aria-hidden]), main script").length)).toBe(0);
    // The URL is shown, as text, in the report.
    expect(decodeURIComponent((await page.locator("#report").textContent()) ?? "")).toContain(shows);
    expect(await page.getAttribute("html", "lang")).toBe("en");
    expect(s.problems).toEqual([]);
  });
});

describe("the visitor's local time", () => {
  it.each([
    // The long time style already ends in "UTC" there: the zone is not named a second time.
    { timezoneId: "UTC", shows: /UTC$/, never: /UTC.*UTC/ },
    // Where it shows an offset, the zone's name is added once.
    { timezoneId: "Asia/Seoul", shows: /\(Asia\/Seoul\)$/, never: /Asia\/Seoul.*Asia\/Seoul/ },
  ])("names the zone once in $timezoneId", async ({ timezoneId, shows, never }) => {
    const s = await open("en", { timezoneId });
    const { page } = await s.visit("/status/502");
    const text = (await page.locator("#lt").innerText()).trim();
    expect(text).toMatch(shows);
    expect(text).not.toMatch(never);
  });
});
