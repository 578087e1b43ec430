/**
 * Everything the dashboard says, in English and Korean. Plain text: the renderer escapes it.
 * `{name}` marks a value filled in by {@link fill}.
 */
import type { Locale } from "../../core/i18n";
import type { BadRequestCode } from "../errors";

export type RangeKey = "1h" | "6h" | "24h" | "7d" | "30d";
export const RANGES: readonly RangeKey[] = ["1h", "6h", "24h", "7d", "30d"];

export interface AdminMessages {
  readonly title: string;
  readonly subtitle: string;
  readonly signInTitle: string;
  readonly signInHint: string;
  readonly tokenLabel: string;
  readonly signIn: string;
  readonly signOut: string;
  readonly wrongToken: string;
  readonly sessionEnded: string;
  readonly accessRefused: string;
  readonly tooManyAttempts: string;
  readonly sameSiteTitle: string;
  readonly sameSiteWarning: string;
  readonly filters: string;
  readonly code: string;
  readonly allCodes: string;
  readonly host: string;
  readonly anyHost: string;
  readonly range: string;
  readonly ranges: Readonly<Record<RangeKey | "custom", string>>;
  readonly apply: string;
  readonly rayTitle: string;
  readonly rayHint: string;
  readonly find: string;
  readonly chartTitle: string;
  /** `{total}`, `{since}`, `{until}`. */
  readonly chartSummary: string;
  readonly chartEmpty: string;
  readonly byCode: string;
  readonly errors: string;
  readonly records: string;
  readonly share: string;
  readonly recent: string;
  readonly time: string;
  readonly url: string;
  readonly seen: string;
  readonly colo: string;
  readonly weight: string;
  readonly weightHint: string;
  readonly rollup: string;
  /** `{time}`. */
  readonly truncated: string;
  readonly noIncidents: string;
  readonly incident: string;
  readonly back: string;
  /** `{ray}`. */
  readonly notFound: string;
  /** Shown above the records when more than one shares the Ray ID. */
  readonly sameRay: string;
  /** Heading of what the ledger counted under the Ray ID, and one line per count ({minute}, {code}, {colo}, {count}). */
  readonly counted: string;
  readonly countedLine: string;
  readonly nearestSample: string;
  /** The header link to the alerts page. */
  readonly alertsLink: string;
  readonly badRequest: string;
  /**
   * What to fix, per 400 code. Empty for English: the API's own `detail` is English and names the
   * value it refused, so the dashboard shows that instead.
   */
  readonly badRequests: Readonly<Partial<Record<BadRequestCode, string>>>;
  readonly unavailable: string;
  readonly evidence: string;
  readonly whatToCheck: string;
  readonly language: string;
  readonly fields: Readonly<Record<FieldName, string>>;
}

export type FieldName =
  | "ray_id"
  | "timestamp"
  | "error"
  | "category"
  | "hop"
  | "kind"
  | "method"
  | "url"
  | "user_agent"
  | "location"
  | "colo"
  | "protocol"
  | "client_ip"
  | "weight"
  | "page";

const en: AdminMessages = {
  title: "Error log",
  subtitle: "Failures the site Worker turned into error pages: how many, when, and what exactly happened.",
  signInTitle: "Sign in",
  signInHint: "Enter the ADMIN_TOKEN set for the admin Worker. Your browser keeps a session for 12 hours; the token itself is not stored.",
  tokenLabel: "Admin token",
  signIn: "Sign in",
  signOut: "Sign out",
  wrongToken: "That token is not right.",
  sessionEnded: "Your session has ended. Please sign in again.",
  accessRefused: "Cloudflare Access sent a sign-in this Worker could not verify (expired, or for another application). Reload the page to sign in with Access again.",
  tooManyAttempts: "Too many sign-in attempts. Wait a minute, then try again.",
  sameSiteTitle: "Same-site mode.",
  sameSiteWarning:
    "This dashboard is served under a path of your site, so every page of the site shares its origin: a script on any of them (or an XSS anywhere on the site) can act here as you. That is why your session here opens these pages only and never the API. Serve the admin Worker on a hostname of its own (ADMIN_HOST) behind Cloudflare Access to close this.",
  filters: "Filters",
  code: "Status code",
  allCodes: "All codes",
  host: "Host",
  anyHost: "any host",
  range: "Time range",
  ranges: { "1h": "Last hour", "6h": "Last 6 hours", "24h": "Last 24 hours", "7d": "Last 7 days", "30d": "Last 30 days", custom: "Custom range" },
  apply: "Apply",
  rayTitle: "Look up a Ray ID",
  rayHint: "Paste the Ray ID a visitor copied from the error page.",
  find: "Find",
  chartTitle: "Errors over time",
  chartSummary: "{total} errors from {since} to {until}",
  chartEmpty: "No errors in this time range.",
  byCode: "By status code",
  errors: "Errors",
  records: "Records",
  share: "Share",
  recent: "Recent incidents",
  time: "Time (UTC)",
  url: "URL",
  seen: "What was seen",
  colo: "Data centre",
  weight: "Weight",
  weightHint: "Each stored record stands for this many failures. During a burst the rest are counted, not stored, to keep KV writes bounded.",
  rollup: "roll-up",
  truncated: "There were too many records to read in one go: counts before {time} are missing. Choose a shorter range.",
  noIncidents: "No incidents match these filters.",
  incident: "Incident",
  sameRay: "{count} records share this Ray ID (Ray IDs are not guaranteed unique); all are shown, newest first.",
  counted: "Counted failures with this Ray ID",
  countedLine: "Counted in {minute} at {colo}: error {code}, one of {count} failures of that code there that minute. It was not kept as a sample.",
  nearestSample: "Nearest stored sample of the same code and data centre",
  alertsLink: "Alerts",
  back: "Back to the overview",
  notFound:
    "There is no incident with Ray ID {ray}. Records are kept for INCIDENT_TTL_DAYS days, a new one can take up to a minute to show up, and during a burst a failure may only be counted in another record's weight, not stored.",
  badRequest: "This request is not valid:",
  badRequests: {},
  unavailable: "The incident store cannot be read right now:",
  evidence: "Evidence",
  whatToCheck: "What to check",
  language: "Language",
  fields: {
    ray_id: "Ray ID",
    timestamp: "Time",
    error: "Error",
    category: "Category",
    hop: "Failed hop",
    kind: "Kind",
    method: "Method",
    url: "URL",
    user_agent: "User agent",
    location: "Visitor location",
    colo: "Data centre",
    protocol: "Protocol",
    client_ip: "Client IP",
    weight: "Weight",
    page: "Answer sent",
  },
};

const ko: AdminMessages = {
  title: "오류 기록",
  subtitle: "사이트 Worker가 오류 페이지로 응답한 장애를 모았습니다. 언제, 얼마나 자주, 정확히 무슨 일이 있었는지 확인하세요.",
  signInTitle: "로그인",
  signInHint: "관리 Worker에 설정한 ADMIN_TOKEN을 입력하세요. 브라우저에는 12시간 동안 유지되는 세션만 남고, 토큰 자체는 저장되지 않습니다.",
  tokenLabel: "관리자 토큰",
  signIn: "로그인",
  signOut: "로그아웃",
  wrongToken: "토큰이 올바르지 않습니다.",
  sessionEnded: "세션이 만료되었습니다. 다시 로그인해 주세요.",
  accessRefused: "Cloudflare Access가 보낸 로그인 정보를 이 Worker가 확인하지 못했습니다(만료되었거나 다른 애플리케이션용입니다). 페이지를 새로 고쳐 Access로 다시 로그인하세요.",
  tooManyAttempts: "로그인 시도가 너무 많습니다. 1분 뒤에 다시 시도하세요.",
  sameSiteTitle: "같은 사이트 모드입니다.",
  sameSiteWarning:
    "이 대시보드는 사이트의 한 경로에서 제공되므로 사이트의 모든 페이지와 출처(origin)가 같습니다. 그 페이지들의 스크립트(사이트 어디에서든 생긴 XSS 포함)가 여기서 관리자처럼 행동할 수 있습니다. 그래서 이곳의 세션은 이 페이지들을 여는 데만 쓰이고 API에는 통하지 않습니다. 관리 Worker를 전용 호스트 이름(ADMIN_HOST)에 두고 Cloudflare Access로 보호하면 이 문제가 사라집니다.",
  filters: "필터",
  code: "상태 코드",
  allCodes: "모든 코드",
  host: "호스트",
  anyHost: "모든 호스트",
  range: "기간",
  ranges: { "1h": "최근 1시간", "6h": "최근 6시간", "24h": "최근 24시간", "7d": "최근 7일", "30d": "최근 30일", custom: "직접 지정한 기간" },
  apply: "적용",
  rayTitle: "Ray ID로 찾기",
  rayHint: "방문자가 오류 페이지에서 복사해 준 Ray ID를 붙여 넣으세요.",
  find: "찾기",
  chartTitle: "시간대별 오류",
  chartSummary: "{since}부터 {until}까지 오류 {total}건",
  chartEmpty: "이 기간에는 오류가 없습니다.",
  byCode: "상태 코드별 현황",
  errors: "오류 수",
  records: "저장된 기록",
  share: "비율",
  recent: "최근 발생 건",
  time: "시각(UTC)",
  url: "URL",
  seen: "관찰 내용",
  colo: "데이터 센터",
  weight: "대표 건수",
  weightHint: "저장된 기록 하나가 대신하는 실패 건수입니다. 오류가 몰릴 때는 KV 쓰기 횟수를 제한하려고 일부만 저장하고 나머지는 건수로만 셉니다.",
  rollup: "묶음 기록",
  truncated: "기록이 너무 많아 한 번에 다 읽지 못했습니다. {time} 이전의 건수는 빠져 있으니 기간을 좁혀 보세요.",
  noIncidents: "조건에 맞는 오류가 없습니다.",
  incident: "오류 상세",
  sameRay: "이 Ray ID를 가진 기록이 {count}건 있습니다(Ray ID가 항상 고유하지는 않습니다). 최신순으로 모두 보여 줍니다.",
  counted: "이 Ray ID로 집계된 오류",
  countedLine: "{minute}, {colo}에서 집계됨: 오류 {code}. 그 시각 그곳에서 난 같은 코드의 오류 {count}건 중 하나이며, 샘플로 저장되지는 않았습니다.",
  nearestSample: "같은 코드와 데이터 센터에서 가장 가까운 저장된 샘플",
  alertsLink: "알림",
  back: "개요로 돌아가기",
  notFound:
    "Ray ID {ray}에 해당하는 기록이 없습니다. 기록은 INCIDENT_TTL_DAYS일 동안 보관되고, 새 기록은 보이기까지 1분 정도 걸릴 수 있습니다. 또 오류가 몰릴 때는 일부 실패가 따로 저장되지 않고 다른 기록의 대표 건수에만 포함됩니다.",
  badRequest: "요청이 올바르지 않습니다:",
  badRequests: {
    invalid_time:
      "기간의 시작과 끝은 ISO 8601 시각(예: 2026-04-01T12:00:00Z)이나 30m, 1h, 7d 같은 상대 시간으로 적어 주세요. 없는 날짜(예: 2월 30일)는 받지 않습니다.",
    invalid_range: "기간의 시작이 끝보다 늦습니다.",
    invalid_code: "오류 코드는 500부터 599 사이의 HTTP 상태 코드여야 합니다(Cloudflare의 코드와 원본 서버가 보낸 그 밖의 5XX).",
    invalid_host: "호스트는 www.example.com 같은 호스트 이름이어야 합니다.",
    invalid_path: "경로는 /로 시작하고, ?나 #가 없으며, 300자를 넘지 않아야 합니다.",
    invalid_limit: "개수(limit)는 1부터 1000 사이의 정수여야 합니다.",
    invalid_cursor: "다음 페이지 커서가 올바르지 않거나 이 Worker가 이 토큰으로 발급한 것이 아닙니다. 첫 페이지부터 다시 불러오세요.",
    cursor_mismatch: "이 커서는 다른 조건(코드, 호스트, 경로)의 목록에서 나온 것입니다. 같은 조건을 다시 주거나 커서를 빼세요.",
    invalid_bucket: "집계 간격(bucket)은 정해진 값 중 하나여야 합니다.",
    too_many_buckets: "이 기간에는 집계 구간이 너무 많습니다. 간격을 늘리거나 기간을 좁혀 주세요.",
    invalid_ray_id: "Ray ID는 16자리 16진수이고, 뒤에 -ICN 같은 데이터 센터 코드가 붙을 수 있습니다(예: 8f2c1a9b3d4e5f60-ICN).",
    repeated_parameter: "같은 조건이 서로 다른 값으로 두 번 들어왔습니다. 한 번만 지정해 주세요.",
  } satisfies Record<BadRequestCode, string>,
  unavailable: "지금은 오류 기록 저장소를 읽을 수 없습니다:",
  evidence: "수집된 증거",
  whatToCheck: "확인할 사항",
  language: "언어",
  fields: {
    ray_id: "Ray ID",
    timestamp: "발생 시각",
    error: "오류",
    category: "분류",
    hop: "실패한 구간",
    kind: "유형",
    method: "메서드",
    url: "URL",
    user_agent: "사용자 에이전트",
    location: "방문자 위치",
    colo: "데이터 센터",
    protocol: "프로토콜",
    client_ip: "클라이언트 IP",
    weight: "대표 건수",
    page: "보낸 응답",
  },
};

const MESSAGES: Readonly<Record<Locale, AdminMessages>> = { en, ko };

export const adminMessages = (locale: Locale): AdminMessages => MESSAGES[locale];

/** Replaces `{name}` with `values[name]`. */
export function fill(text: string, values: Readonly<Record<string, string | number>>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(values, name) ? String(values[name]) : whole));
}
