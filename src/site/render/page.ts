/** The HTML page: template values from the view, and the CSP that admits its inline blocks only. */
import type { ErrorCode } from "../../core/codes";
import { type Locale, LOCALES, messagesFor } from "../../core/i18n";
import { type CompiledTemplate, compile, encodeTemplate, escapeHtml, renderBytes, specialize } from "./template";
import { reportText, type ErrorView } from "./view";
import { RESILIENCE_TEXT } from "../../core/i18n/resilience";

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

/**
 * The values fixed by what failed: the same on every page of one failure signature
 * ({@link failureSignature}) in one language, so they are rendered into the template once.
 */
function failureValues(v: ErrorView): Record<string, string> {
  const ui = v.messages.ui;
  const hop = v.failure.hop;
  const status = (h: typeof hop) => (h === hop ? ui.failed : ui.working);
  return {
    code: String(v.code),
    title: v.title,
    hop,
    sub_code: v.subCode === undefined ? "" : String(v.subCode),
    sub_title: v.subTitle ?? "",
    happened: v.happened,
    visitor: v.visitor,
    retryable: bool(v.failure.retryable),
    auto_retry: bool(v.autoRetry),
    observed: v.observed,
    status_browser: status("browser"),
    status_edge: status("edge"),
    status_origin: status("origin"),
    fail_browser: bool(hop === "browser"),
    fail_edge: bool(hop === "edge"),
    fail_origin: bool(hop === "origin"),
    owner_items: v.owner.map((item) => `<li>${escapeHtml(item)}</li>`).join(""),
    owner_summary: ui.ownerChecks.replace("{n}", String(v.owner.length)),
  };
}

/**
 * Everything {@link failureValues} depends on besides the language: the view's texts are chosen
 * from the code, sub-code, hop, category and finding alone (see `view.ts`). Adding an input to
 * `failureValues` means adding it here.
 */
const failureSignature = (v: ErrorView): string =>
  `${v.code}|${v.subCode ?? ""}|${v.failure.hop}|${v.failure.category}|${v.failure.retryable}|${JSON.stringify(v.finding)}`;

/** The notes below "what happened": both origins down, and the owner's status page. Escaped here. */
function notices(v: ErrorView): string {
  if (!v.bothOriginsFailed && !v.statusPageUrl) return "";
  const t = RESILIENCE_TEXT[v.locale];
  let out = "";
  if (v.bothOriginsFailed) out += `<p class="note">${escapeHtml(t.bothFailed)}</p>`;
  if (v.statusPageUrl) out += `<p><a href="${escapeHtml(v.statusPageUrl)}" rel="noopener">${escapeHtml(t.statusPage)}</a></p>`;
  return out;
}

/** The values that differ from one request to the next. */
function requestValues(v: ErrorView, brand: string | undefined): Record<string, string> {
  return {
    doc_title: `${v.host} | ${v.code}: ${v.title}`,
    other_lang_href: v.otherLanguageHref,
    brand: brand ?? v.host,
    host: v.host,
    colo: v.colo ?? "",
    ray_id: v.rayId,
    time_utc: v.timeUtc,
    time_iso: v.time.toISOString(),
    url: v.url,
    report: reportText(v),
    observed: v.observed,
    trace_url: v.traceUrl,
    retry_after: v.retryAfter === null ? "" : String(v.retryAfter),
    notices: notices(v),
    outage_text: v.outage?.text ?? "",
    outage_notified: bool(v.outage?.notified === true),
  };
}

/** Every value of the page, as one record: what the specialized templates must add up to. */
export function pageValues(v: ErrorView, brand: string | undefined): Record<string, string> {
  return { ...localeValues(v.locale), ...failureValues(v), ...requestValues(v, brand) };
}

/**
 * Each template with one language's labels and one failure's texts already in place and its text
 * already UTF-8, made on first use: per request only about a dozen short values (Ray ID, time, URL)
 * are escaped, encoded and joined. In an outage every request fails the same way, so the first
 * page of a kind pays for all the others. Bounded: an origin choosing sub-codes cannot grow it.
 */
const specialized = new WeakMap<CompiledTemplate, Map<string, CompiledTemplate>>();
const MAX_SPECIALIZED = 64;

function specializedTemplate(template: CompiledTemplate, v: ErrorView): CompiledTemplate {
  let bySignature = specialized.get(template);
  if (!bySignature) specialized.set(template, (bySignature = new Map()));
  const key = `${v.locale}|${failureSignature(v)}`;
  let t = bySignature.get(key);
  if (!t) {
    t = encodeTemplate(specialize(template, { ...localeValues(v.locale), ...failureValues(v) }));
    if (bySignature.size >= MAX_SPECIALIZED) bySignature.clear();
    bySignature.set(key, t);
  }
  return t;
}

/** The page as UTF-8 bytes, and the template it came from (for its CSP). */
export function renderPage(templates: PageTemplates, v: ErrorView, brand: string | undefined): { body: Uint8Array; template: CompiledTemplate } {
  const template = templates.overrides.get(v.failure.code) ?? templates.page;
  return { body: renderBytes(specializedTemplate(template, v), requestValues(v, brand)), template };
}

const cspCache = new WeakMap<CompiledTemplate, Promise<string>>();

/** A CSP source for an inline block: `'sha256-…'`. */
export async function sha256(text: string): Promise<string> {
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
