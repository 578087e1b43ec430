/** The alerts page's words, in English and Korean. Plain text: the renderer escapes it. `{name}` is filled by `fill`. */
import type { Locale } from "../../core/i18n";

export interface AlertsMessages {
  readonly title: string;
  readonly intro: string;
  readonly open: string;
  readonly noOpen: string;
  readonly recent: string;
  readonly noRecent: string;
  readonly channels: string;
  readonly channel: string;
  readonly notConfigured: string;
  readonly lastAttempt: string;
  readonly lastOk: string;
  readonly failingStreak: string;
  readonly pending: string;
  readonly givenUp: string;
  readonly never: string;
  readonly testTitle: string;
  readonly testHint: string;
  readonly testButton: string;
  readonly testNoChannel: string;
  readonly testSent: string;
  readonly tests: string;
  readonly since: string;
  readonly resolvedAt: string;
  readonly failures: string;
  readonly sampleRay: string;
  readonly dataCentres: string;
  readonly notified: string;
  readonly notNotified: string;
  readonly viewErrors: string;
  readonly events: Readonly<Record<"opened" | "escalated" | "resolved" | "test", string>>;
  readonly states: Readonly<Record<"pending" | "delivered" | "failed", string>>;
  /** `{n}` attempts, `{time}` of the next one. */
  readonly nextTry: string;
  readonly attempts: string;
  readonly policy: string;
  /** `{threshold}`, `{down}`, `{window}`, `{quiet}`, `{factor}`, `{interval}`. */
  readonly policyLine: string;
  readonly ledgerMissing: string;
}

const en: AlertsMessages = {
  title: "Alerts",
  intro: "Incidents open when failures cross a threshold on a host, and each transition is sent once to every configured channel.",
  open: "Open incidents",
  noOpen: "No incident is open.",
  recent: "Resolved in the last 7 days",
  noRecent: "Nothing resolved in the last 7 days.",
  channels: "Channels",
  channel: "Channel",
  notConfigured: "not configured",
  lastAttempt: "Last attempt",
  lastOk: "Last success",
  failingStreak: "Failures in a row",
  pending: "Waiting to retry",
  givenUp: "Given up",
  never: "never",
  testTitle: "Send a test alert",
  testHint: "Sends a test message to every configured channel now and shows what each answered.",
  testButton: "Send a test alert",
  testNoChannel: "No channel is configured: set ALERT_WEBHOOK_URL, ALERT_SLACK_URL or ALERT_DISCORD_URL on the site Worker.",
  testSent: "Test sent. Results:",
  tests: "Recent tests",
  since: "Since",
  resolvedAt: "Resolved",
  failures: "Failures",
  sampleRay: "Sample Ray ID",
  dataCentres: "Data centres",
  notified: "owner notified",
  notNotified: "not delivered yet",
  viewErrors: "Show these errors",
  events: { opened: "Opened", escalated: "Escalated", resolved: "Resolved", test: "Test" },
  states: { pending: "retrying", delivered: "delivered", failed: "given up" },
  nextTry: "next try {time}",
  attempts: "Attempts",
  policy: "Rules",
  policyLine: "Opens at {threshold} failures of a code ({down} for an unreachable origin) within {window} s; escalates once at {factor}× the opening rate; resolves after {quiet} s without failures; at least {interval} s between messages.",
  ledgerMissing: "The incident ledger is not bound to the admin Worker: alerts need it (wrangler.admin.toml).",
};

const ko: AlertsMessages = {
  title: "알림",
  intro: "한 호스트에서 실패가 기준을 넘으면 장애가 열리고, 상태가 바뀔 때마다 설정된 모든 채널로 한 번씩 보냅니다.",
  open: "진행 중인 장애",
  noOpen: "진행 중인 장애가 없습니다.",
  recent: "최근 7일 동안 해결된 장애",
  noRecent: "최근 7일 동안 해결된 장애가 없습니다.",
  channels: "채널",
  channel: "채널",
  notConfigured: "설정되지 않음",
  lastAttempt: "마지막 시도",
  lastOk: "마지막 성공",
  failingStreak: "연속 실패",
  pending: "재시도 대기",
  givenUp: "포기함",
  never: "없음",
  testTitle: "테스트 알림 보내기",
  testHint: "설정된 모든 채널로 지금 테스트 메시지를 보내고 각 채널의 응답을 보여 줍니다.",
  testButton: "테스트 알림 보내기",
  testNoChannel: "설정된 채널이 없습니다. 사이트 Worker에 ALERT_WEBHOOK_URL, ALERT_SLACK_URL 또는 ALERT_DISCORD_URL을 설정하세요.",
  testSent: "테스트를 보냈습니다. 결과:",
  tests: "최근 테스트",
  since: "시작",
  resolvedAt: "해결",
  failures: "실패 수",
  sampleRay: "예시 Ray ID",
  dataCentres: "데이터 센터",
  notified: "운영자에게 전달됨",
  notNotified: "아직 전달되지 않음",
  viewErrors: "이 오류 보기",
  events: { opened: "시작", escalated: "악화", resolved: "해결", test: "테스트" },
  states: { pending: "재시도 중", delivered: "전달됨", failed: "포기함" },
  nextTry: "다음 시도 {time}",
  attempts: "시도",
  policy: "규칙",
  policyLine: "{window}초 안에 한 코드의 실패가 {threshold}건(원본 서버에 연결할 수 없으면 {down}건)이면 열리고, 시작 때의 {factor}배가 되면 한 번 악화로 알리며, {quiet}초 동안 실패가 없으면 해결됩니다. 메시지 사이의 간격은 최소 {interval}초입니다.",
  ledgerMissing: "관리 Worker에 장애 원장(incident ledger)이 연결되어 있지 않습니다. 알림에는 원장이 필요합니다(wrangler.admin.toml).",
};

const ALL: Readonly<Record<Locale, AlertsMessages>> = { en, ko };

export const alertsMessages = (locale: Locale): AlertsMessages => ALL[locale];
