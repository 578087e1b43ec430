/**
 * The maintenance answer in the negotiated format: the page (the owner's message, the end in the
 * visitor's time), problem+json for API clients, or plain text. Always a 503 with `Retry-After`
 * pointing at the end, so crawlers and clients come back then rather than forget the page.
 */
import page from "../../../templates/maintenance.html";
import type { MaintenanceRecord } from "../../core/maintenance";
import { type Locale, LOCALES, messagesFor } from "../../core/i18n";
import { fillText, formatLocalTime, RESILIENCE_TEXT } from "../../core/i18n/resilience";
import { formatUtc } from "../../core/time";
import type { Format } from "./negotiate";
import { contentSecurityPolicy } from "./page";
import { compile, renderBytes } from "./template";
import { languageHref } from "./view";

/** Its shared CSS rules are the error page's own, verbatim: the same look, and the bundle compresses them once. */
const template = compile(page);

export interface MaintenanceView {
  readonly record: MaintenanceRecord;
  readonly locale: Locale;
  readonly rayId: string;
  readonly time: Date;
  readonly url: URL;
  readonly brand?: string;
  readonly timeZone?: string;
  readonly statusPageUrl?: string;
}

/** The owner's message in this language, else in the other one, else ours. */
export function messageOf(record: MaintenanceRecord, locale: Locale): string {
  const other = LOCALES.find((l) => l !== locale) ?? locale;
  return record.message[locale] ?? record.message[other] ?? RESILIENCE_TEXT[locale].maintenanceDefault;
}

/** Seconds until the end, at least 1: what `Retry-After` says. */
export const secondsLeft = (record: MaintenanceRecord, nowMs: number): number => Math.max(1, Math.ceil((Date.parse(record.until) - nowMs) / 1000));

function html(v: MaintenanceView): Uint8Array {
  const t = RESILIENCE_TEXT[v.locale];
  const other = LOCALES.find((l) => l !== v.locale) ?? v.locale;
  const until = new Date(v.record.until);
  return renderBytes(template, {
    lang: v.locale,
    doc_title: `${v.url.hostname} | ${t.maintenanceTitle}`,
    brand: v.brand ?? v.url.hostname,
    other_lang: other,
    other_lang_name: messagesFor(other).languageName,
    switch_language: messagesFor(v.locale).ui.switchLanguage,
    other_lang_href: languageHref(v.url, v.locale),
    title: t.maintenanceTitle,
    message: messageOf(v.record, v.locale),
    until_iso: v.record.until,
    until_text: fillText(t.maintenanceUntil, { time: formatLocalTime(until, v.locale, v.timeZone) }),
    hint: t.maintenanceRetry,
    status_page_url: v.statusPageUrl,
    status_label: t.statusPage,
    ray_id: v.rayId,
    time_utc: formatUtc(v.time),
  });
}

/** RFC 9457 problem details, with the fields the error answers carry and the window's end. */
export function maintenanceProblem(v: MaintenanceView) {
  const t = RESILIENCE_TEXT[v.locale];
  const retryAfter = secondsLeft(v.record, v.time.getTime());
  // No `type`: RFC 9457 reads its absence as about:blank, which is what this is.
  return {
    title: t.maintenanceTitle,
    status: 503,
    detail: messageOf(v.record, v.locale),
    error_code: 503,
    error_name: "maintenance",
    error_category: "origin",
    ray_id: v.rayId,
    timestamp: v.time.toISOString(),
    retryable: true,
    retry_after: retryAfter,
    maintenance_until: v.record.until,
    owner_action_required: false,
    what_you_should_do: t.maintenanceRetry,
    ...(v.statusPageUrl ? { status_page_url: v.statusPageUrl } : {}),
  };
}

function text(v: MaintenanceView): string {
  const t = RESILIENCE_TEXT[v.locale];
  const until = fillText(t.maintenanceUntil, { time: formatUtc(new Date(v.record.until)) });
  const status = v.statusPageUrl ? `${t.statusPage}: ${v.statusPageUrl}\n` : "";
  return `503 ${t.maintenanceTitle}\n\n${messageOf(v.record, v.locale)}\n${until}\n${status}\nRay ID: ${v.rayId}\n`;
}

/** The same facts for `text/markdown` clients, laid out as the error answers are. */
function markdown(v: MaintenanceView): string {
  const p = maintenanceProblem(v);
  const front = ["error_code", "error_name", "error_category", "ray_id", "timestamp", "retryable", "retry_after", "maintenance_until", "owner_action_required"] as const;
  const t = RESILIENCE_TEXT[v.locale];
  const until = fillText(t.maintenanceUntil, { time: formatUtc(new Date(v.record.until)) });
  const status = v.statusPageUrl ? ["", `${t.statusPage}: <${v.statusPageUrl}>`] : [];
  return [
    "---",
    ...front.map((k) => `${k}: ${JSON.stringify(p[k])}`),
    "---",
    "",
    `# ${p.title}`,
    "",
    "## What Happened",
    "",
    p.detail.replace(/\s+/g, " ").trim(),
    "",
    "## What You Should Do",
    "",
    `${p.what_you_should_do} ${until}`,
    ...status,
    "",
  ].join("\n");
}

export async function maintenanceResponse(v: MaintenanceView, format: Format, head: boolean): Promise<Response> {
  const headers: Record<string, string> = {
    "cache-control": "no-store",
    "retry-after": String(secondsLeft(v.record, v.time.getTime())),
    "x-robots-tag": "noindex",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "content-language": v.locale,
    vary: "Accept, Accept-Language",
  };
  let body: string | Uint8Array;
  switch (format) {
    case "html":
      headers["content-type"] = "text/html; charset=utf-8";
      headers["content-security-policy"] = await contentSecurityPolicy(template);
      body = html(v);
      break;
    case "problem":
    case "json":
      headers["content-type"] = `application/${format === "json" ? "json" : "problem+json"}; charset=utf-8`;
      body = JSON.stringify(maintenanceProblem(v));
      break;
    case "markdown":
      headers["content-type"] = "text/markdown; charset=utf-8";
      body = markdown(v);
      break;
    case "text":
      headers["content-type"] = "text/plain; charset=utf-8";
      body = text(v);
      break;
  }
  return new Response(head ? null : body, { status: 503, headers });
}
