/**
 * The words of an alert message in each language. The remediation line comes from the page's own
 * texts (`core/i18n`), so an alert and the error page never give different advice.
 */
import type { Locale } from "../../core/i18n";
import type { AlertEvent } from "./machine";

export interface AlertTexts {
  /** Headlines; `{host}` and `{what}` are filled in. */
  readonly headline: Readonly<Record<AlertEvent | "test", string>>;
  /** `{code}` and `{title}`: what is failing, for a subject of one code. */
  readonly codeSubject: string;
  /** For the codes that mean the origin cannot be reached (521, 522, 523, 525, 526). */
  readonly originDown: string;
  readonly since: string;
  readonly failures: string;
  readonly dataCentres: string;
  readonly sampleRay: string;
  readonly whatToCheck: string;
  readonly dashboard: string;
  /** `{minutes}`: how long it lasted, on a resolve. */
  readonly lasted: string;
  readonly testBody: string;
}

const en: AlertTexts = {
  headline: {
    opened: "{host}: {what} — outage started",
    escalated: "{host}: {what} — failures are rising fast",
    resolved: "{host}: {what} — resolved",
    test: "{host}: test alert from edge-error-pages",
  },
  codeSubject: "{code} {title}",
  originDown: "origin unreachable",
  since: "Since",
  failures: "Failed requests",
  dataCentres: "Data centres",
  sampleRay: "Sample Ray ID",
  whatToCheck: "What to check",
  dashboard: "Open in the dashboard",
  lasted: "No failures for a while; it lasted about {minutes} min.",
  testBody: "This is a test message: the channel works. No outage is open.",
};

const ko: AlertTexts = {
  headline: {
    opened: "{host}: {what} — 장애 시작",
    escalated: "{host}: {what} — 실패가 빠르게 늘고 있습니다",
    resolved: "{host}: {what} — 해결됨",
    test: "{host}: edge-error-pages 테스트 알림",
  },
  codeSubject: "{code} {title}",
  originDown: "원본 서버에 연결할 수 없음",
  since: "시작 시각",
  failures: "실패한 요청",
  dataCentres: "데이터 센터",
  sampleRay: "예시 Ray ID",
  whatToCheck: "확인할 것",
  dashboard: "대시보드에서 보기",
  lasted: "한동안 실패가 없었습니다. 약 {minutes}분 동안 이어졌습니다.",
  testBody: "테스트 메시지입니다. 이 채널은 정상적으로 동작합니다. 진행 중인 장애는 없습니다.",
};

export const ALERT_TEXTS: Readonly<Record<Locale, AlertTexts>> = { en, ko };

/** Fills `{name}` placeholders; unknown names stay as they are. */
export function fillText(template: string, values: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in values ? String(values[name]) : m));
}
