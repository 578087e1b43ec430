/**
 * Language choice over any Accept-Language header and any `?lang=`: never throws, always one of
 * our locales, and follows the q-ordered preferences (`ko-KR` → `ko`, `?lang=` first).
 */
import fc from "fast-check";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { type Locale, LOCALES, pickLocale } from "../../src/core/i18n";
import { anyText, byPreference, headerOf, headerValue, qValue } from "./arbitraries";

function detector(fallback: Locale) {
  const app = new Hono();
  app.get("*", (c) => c.text(pickLocale(c, fallback)));
  return async (acceptLanguage: string | undefined, query = ""): Promise<string> => {
    const headers: Record<string, string> = acceptLanguage === undefined ? {} : { "accept-language": acceptLanguage };
    const res = await app.request(`https://shop.test/page${query}`, { headers });
    expect(res.status).toBe(200);
    return res.text();
  };
}

/** `ko`, `KO`, `ko-KR`, `ko-kr-x-y` are Korean; `kor`, `ko_KR` are not. */
function localeOf(tag: string): Locale | undefined {
  const t = tag.trim().toLowerCase();
  return LOCALES.find((l) => t === l || t.startsWith(`${l}-`));
}

const tag = fc.oneof(
  fc.constantFrom("en", "ko", "EN", "Ko", "ko-KR", "en-US", "en-gb", "fr", "de-DE", "*", "zh-Hant-TW", "k", "kor", "en_US", "ko_KR", "english"),
  fc.stringMatching(/^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8}){0,2}$/),
);
const fallback = fc.constantFrom<Locale>(...LOCALES);

describe("pickLocale (Accept-Language, ?lang=)", () => {
  it("never throws and always answers with one of our locales", async () => {
    await fc.assert(
      fc.asyncProperty(fc.option(headerValue(1000), { nil: undefined }), fc.oneof(anyText(60), fc.constantFrom("%", "%E0%A4%A", "%zz", "ko%", "%6Bo", "k%00o", "ko&lang=en", "en#x")), fallback, async (header, lang, fb) => {
        // Raw, as a client may send it: broken %-escapes, lone surrogates, `&`, `#`.
        const locale = await detector(fb)(header, `?lang=${lang}`);
        expect(LOCALES).toContain(locale);
      }),
      { numRuns: 300 },
    );
  });

  it("follows the most preferred language we have, else the default", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ value: tag, q: qValue }), { maxLength: 10 }), fallback, async (entries, fb) => {
        const want = byPreference(entries)
          .map((e) => localeOf(e.value))
          .find((l) => l !== undefined);
        expect(await detector(fb)(headerOf(entries))).toBe(want ?? fb);
      }),
      { numRuns: 300 },
    );
  });

  it("lets ?lang= (the page's language switch) win when it names a locale we have", async () => {
    await fc.assert(
      fc.asyncProperty(tag, fc.array(fc.record({ value: tag, q: qValue }), { maxLength: 5 }), fallback, async (lang, entries, fb) => {
        const fromHeader = await detector(fb)(headerOf(entries));
        const chosen = await detector(fb)(headerOf(entries), `?lang=${encodeURIComponent(lang)}`);
        expect(chosen).toBe(localeOf(lang) ?? fromHeader);
      }),
      { numRuns: 300 },
    );
  });
});
