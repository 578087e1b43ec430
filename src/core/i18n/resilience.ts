/**
 * What the last-good-copy banner, the maintenance page and the "both origins failed" note say,
 * in each language. Plain text: the renderer escapes it. `{name}` marks a value filled in.
 */
import type { Locale } from "./types";

export interface ResilienceText {
  /** The banner's heading on a saved copy. */
  readonly staleTitle: string;
  /** `{time}`: when the copy was saved, in the visitor's time. */
  readonly staleSaved: string;
  /** `{code}`: the failure code. */
  readonly staleProblem: string;
  readonly statusPage: string;
  /** On an error page when the backup origin failed too. */
  readonly bothFailed: string;
  readonly maintenanceTitle: string;
  readonly maintenanceDefault: string;
  /** `{time}`: the end, in the visitor's time. */
  readonly maintenanceUntil: string;
  readonly maintenanceRetry: string;
}

export const RESILIENCE_TEXT: Readonly<Record<Locale, ResilienceText>> = {
  en: {
    staleTitle: "You are looking at a saved copy of this page",
    staleSaved: "Saved {time}.",
    staleProblem: "The site is having a problem right now (error {code}), so it may be out of date. Try again in a few minutes for the current page.",
    statusPage: "Status page",
    bothFailed: "The site's backup server could not be reached either.",
    maintenanceTitle: "Down for maintenance",
    maintenanceDefault: "The site is being worked on and will be back shortly.",
    maintenanceUntil: "Expected back: {time}",
    maintenanceRetry: "This is planned. Please come back then; nothing is wrong on your side.",
  },
  ko: {
    staleTitle: "이 페이지의 저장된 사본을 보고 있습니다",
    staleSaved: "{time}에 저장됨.",
    staleProblem: "지금 사이트에 문제가 있어(오류 {code}) 내용이 최신이 아닐 수 있습니다. 몇 분 뒤 다시 시도하면 현재 페이지를 볼 수 있습니다.",
    statusPage: "상태 페이지",
    bothFailed: "사이트의 예비 서버에도 연결할 수 없었습니다.",
    maintenanceTitle: "점검 중입니다",
    maintenanceDefault: "사이트를 점검하고 있습니다. 곧 다시 열립니다.",
    maintenanceUntil: "예상 재개 시각: {time}",
    maintenanceRetry: "예정된 점검입니다. 방문자 쪽 문제는 없으니 그때 다시 방문해 주세요.",
  },
};

const formatters = new Map<string, Intl.DateTimeFormat>();
/** Fields rather than dateStyle/timeStyle: those cannot be combined with the zone's name. */
const FIELDS: Intl.DateTimeFormatOptions = { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" };

/**
 * `time` in the visitor's time zone (`request.cf.timezone`, known without any script), in their
 * language; UTC when the zone is unknown or invalid. Formatters are cached per language and zone.
 */
export function formatLocalTime(time: Date, locale: Locale, timeZone: string | undefined): string {
  const zone = timeZone && /^[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+){0,2}$/.test(timeZone) ? timeZone : "UTC";
  const key = `${locale}|${zone}`;
  let f = formatters.get(key);
  if (!f) {
    const tag = locale === "ko" ? "ko-KR" : "en-GB";
    try {
      f = new Intl.DateTimeFormat(tag, { ...FIELDS, timeZone: zone });
    } catch {
      f = new Intl.DateTimeFormat(tag, { ...FIELDS, timeZone: "UTC" });
    }
    if (formatters.size >= 64) formatters.clear();
    formatters.set(key, f);
  }
  return f.format(time);
}

export const fillText = (text: string, values: Readonly<Record<string, string>>): string => text.replace(/\{(\w+)\}/g, (m, k: string) => values[k] ?? m);
