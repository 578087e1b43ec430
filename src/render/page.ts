/** The HTML page: template values from the view, and the CSP that admits its inline blocks only. */
import type { ErrorCode } from "../codes";
import { type Locale, LOCALES, messagesFor } from "../i18n";
import { type CompiledTemplate, compile, encodeTemplate, escapeHtml, renderBytes, specialize } from "./template";
import { reportText, type ErrorView } from "./view";

export interface PageTemplates {
  readonly page: CompiledTemplate;
  readonly overrides: ReadonlyMap<ErrorCode, CompiledTemplate>;
}

/** Compiles the page and every override once; a broken template fails at startup, not per request. */
export function compileTemplates(page: string, overrides: Partial<Record<ErrorCode, string>> = {}): PageTemplates {
  const compiled = new Map<ErrorCode, CompiledTemplate>();
  for (const [code, source] of Object.entries(overrides)) {
    if (source !== undefined) compiled.set(Number(code) as ErrorCode, compile(source));
  }
  return { page: compile(page), overrides: compiled };
}

const bool = (b: boolean): string => (b ? "true" : "false");

/** The values that depend only on the page's language: its labels and the language switch. */
function localeValues(locale: Locale): Record<string, string> {
  const other = LOCALES.find((l) => l !== locale) ?? locale;
  const values: Record<string, string> = {
    lang: locale,
    other_lang: other,
    other_lang_name: messagesFor(other).languageName,
  };
  for (const [key, text] of Object.entries(messagesFor(locale).ui)) values[`t.${key}`] = text;
  return values;
}

/** The values that change from one failure to the next. */
function requestValues(v: ErrorView, brand: string | undefined): Record<string, string> {
  const ui = v.messages.ui;
  const hop = v.failure.hop;
  const status = (h: typeof hop) => (h === hop ? ui.failed : ui.working);
  return {
    doc_title: `${v.host} | ${v.code}: ${v.title}`,
    other_lang_href: v.otherLanguageHref,
    brand: brand ?? v.host,
    code: String(v.code),
    title: v.title,
    host: v.host,
    colo: v.colo ?? "",
    hop,
    ray_id: v.rayId,
    time_utc: v.timeUtc,
    time_iso: v.time.toISOString(),
    url: v.url,
    sub_code: v.subCode === undefined ? "" : String(v.subCode),
    sub_title: v.subTitle ?? "",
    happened: v.happened,
    visitor: v.visitor,
    report: reportText(v),
    retryable: bool(v.failure.retryable),
    retry_after: v.retryAfter === null ? "" : String(v.retryAfter),
    status_browser: status("browser"),
    status_edge: status("edge"),
    status_origin: status("origin"),
    fail_browser: bool(hop === "browser"),
    fail_edge: bool(hop === "edge"),
    fail_origin: bool(hop === "origin"),
    owner_items: v.owner.map((item) => `<li>${escapeHtml(item)}</li>`).join(""),
  };
}

/**
 * Each template with one language's labels already in place and its text already UTF-8, made on
 * first use: per request only the failure's own values are escaped, encoded and joined (about a
 * third of the placeholders).
 */
const localized = new WeakMap<CompiledTemplate, Map<Locale, CompiledTemplate>>();

function localizedTemplate(template: CompiledTemplate, locale: Locale): CompiledTemplate {
  let byLocale = localized.get(template);
  if (!byLocale) localized.set(template, (byLocale = new Map()));
  let t = byLocale.get(locale);
  if (!t) byLocale.set(locale, (t = encodeTemplate(specialize(template, localeValues(locale)))));
  return t;
}

/** The page as UTF-8 bytes, and the template it came from (for its CSP). */
export function renderPage(templates: PageTemplates, v: ErrorView, brand: string | undefined): { body: Uint8Array; template: CompiledTemplate } {
  const template = templates.overrides.get(v.code) ?? templates.page;
  return { body: renderBytes(localizedTemplate(template, v.locale), requestValues(v, brand)), template };
}

const cspCache = new WeakMap<CompiledTemplate, Promise<string>>();

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  let binary = "";
  for (const b of new Uint8Array(digest)) binary += String.fromCharCode(b);
  return `'sha256-${btoa(binary)}'`;
}

async function buildCsp(t: CompiledTemplate): Promise<string> {
  const scripts = await Promise.all(t.scripts.map(sha256));
  const styles = await Promise.all(t.styles.map(sha256));
  return [
    "default-src 'none'",
    `script-src ${scripts.join(" ") || "'none'"}`,
    `style-src ${styles.join(" ") || "'none'"}`,
    "img-src data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** The page's Content-Security-Policy: hashes are computed once per template, then reused. */
export function contentSecurityPolicy(t: CompiledTemplate): Promise<string> {
  const cached = cspCache.get(t);
  if (cached) return cached;
  const csp = buildCsp(t);
  cspCache.set(t, csp);
  // A failure is not cached: otherwise one bad moment would cost every later page its CSP.
  csp.catch(() => cspCache.get(t) === csp && cspCache.delete(t));
  return csp;
}
