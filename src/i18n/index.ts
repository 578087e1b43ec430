import type { Context } from "hono";
import { detectFromHeader, detectFromQuery } from "hono/language";
import { en } from "./en";
import { ko } from "./ko";
import { LOCALES, type Locale, type Messages } from "./types";

export type { Locale, Messages } from "./types";
export { LOCALES } from "./types";

const MESSAGES: Readonly<Record<Locale, Messages>> = { en, ko };

export const messagesFor = (locale: Locale): Messages => MESSAGES[locale];

export const isLocale = (value: string): value is Locale => (LOCALES as readonly string[]).includes(value);

/** `?lang=` (the page's language switch) first, then Accept-Language with q-values; `ko-KR` → `ko`. */
export function pickLocale(c: Context, fallback: Locale): Locale {
  const options = {
    supportedLanguages: [...LOCALES],
    fallbackLanguage: fallback,
    lookupQueryString: "lang",
    lookupFromHeaderKey: "accept-language",
    ignoreCase: true,
  } as Parameters<typeof detectFromHeader>[1];
  const found = detectFromQuery(c, options) ?? detectFromHeader(c, options);
  return found !== undefined && isLocale(found) ? found : fallback;
}
