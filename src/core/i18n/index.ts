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

type DetectorOptions = Parameters<typeof detectFromHeader>[1];

const detectorOptions = new Map<Locale, DetectorOptions>();

function optionsFor(fallback: Locale): DetectorOptions {
  let options = detectorOptions.get(fallback);
  if (!options) {
    options = {
      supportedLanguages: [...LOCALES],
      fallbackLanguage: fallback,
      lookupQueryString: "lang",
      lookupFromHeaderKey: "accept-language",
      ignoreCase: true,
    } as DetectorOptions;
    detectorOptions.set(fallback, options);
  }
  return options;
}

/**
 * Accept-Language answers per distinct header value (the detector does not depend on the fallback):
 * browsers send a handful, and a storm asks the same question thousands of times a second.
 * Bounded: cleared when full.
 */
const headerAnswers = new Map<string, string | undefined>();
const MAX_HEADER_ANSWERS = 256;
const MAX_HEADER_KEY = 1024;

function fromHeader(c: Context, options: DetectorOptions): string | undefined {
  const value = c.req.header("accept-language");
  if (!value) return undefined;
  // Overlong values are rare and not worth a slot: answered directly, as before.
  if (value.length > MAX_HEADER_KEY) return detectFromHeader(c, options);
  if (headerAnswers.has(value)) return headerAnswers.get(value);
  const found = detectFromHeader(c, options);
  if (headerAnswers.size >= MAX_HEADER_ANSWERS) headerAnswers.clear();
  headerAnswers.set(value, found);
  return found;
}

/** `?lang=` (the page's language switch) first, then Accept-Language with q-values; `ko-KR` → `ko`. */
export function pickLocale(c: Context, fallback: Locale): Locale {
  const options = optionsFor(fallback);
  const found = detectFromQuery(c, options) ?? fromHeader(c, options);
  return found !== undefined && isLocale(found) ? found : fallback;
}
