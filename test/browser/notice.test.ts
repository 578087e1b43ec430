/**
 * The known-outage notice on the error page, in Chromium through the real Worker: written to KV
 * as the ledger writes it, shown in both languages at both widths without breaking the layout or
 * the CSP, and gone once the value says nothing is open.
 */
import { mkdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEVICE, type Lang, LANGS, LOCALE, MESSAGES, Session, SITE, type Width, WIDTHS, useStack } from "./harness";
import { OUTAGE_KEY } from "../../src/core/outage";
import { formatUtc } from "../../src/core/time";

const suite = useStack();
const SINCE = "2026-12-01T09:14:20.000Z";
const SHOTS = "test-results/screenshots";

async function open(lang: Lang, width: Width): Promise<Session> {
  const s = await Session.open(suite.stack, { ...LOCALE[lang], ...DEVICE[width] });
  suite.sessions.push(s);
  return s;
}

async function setNotice(value: unknown): Promise<void> {
  const kv = await suite.stack.workers.mf.getKVNamespace("INCIDENTS", "main");
  await kv.put(OUTAGE_KEY, JSON.stringify(value));
}

describe("the known-outage notice", () => {
  it.each(LANGS.flatMap((lang) => WIDTHS.map((width) => [lang, width] as const)))("%s, %s: shown while open", async (lang, width) => {
    await setNotice({ v: 1, hosts: { [SITE]: [{ since: SINCE, code: 502, notified: true }] } });
    const m = MESSAGES[lang];
    const s = await open(lang, width);
    const { page } = await s.visit("/status/502");
    const notice = page.locator("p.known");
    await expect.poll(() => notice.count()).toBe(1);
    const text = (await notice.textContent()) ?? "";
    expect(text).toContain(m.ui.knownOutage.replace("{since}", formatUtc(new Date(SINCE))));
    expect(text).toContain(m.ui.ownerNotified);
    expect(await notice.getAttribute("role")).toBe("status");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: `${SHOTS}/notice-${lang}-${width}.png`, fullPage: false });
    expect(s.problems).toEqual([]);
  });

  it("is gone once nothing is open (within the isolate's refresh)", async () => {
    await setNotice({ v: 1, hosts: {} });
    const s = await open("en", "desktop");
    await expect
      .poll(async () => {
        const { page } = await s.visit("/status/502");
        const n = await page.locator("p.known").count();
        await page.close();
        return n;
      }, { timeout: 20_000, interval: 1000 })
      .toBe(0);
    expect(s.problems).toEqual([]);
  });
});
