/**
 * Cloudflare's 5XX taxonomy as one table: every fact the Worker needs about a code lives here,
 * so classification, rendering and the incident log never disagree.
 */

/** Every status the Worker can answer an intercepted failure with. */
export type ErrorCode = 500 | 502 | 503 | 504 | 520 | 521 | 522 | 523 | 524 | 525 | 526 | 527 | 530;

/** The hop that failed, as drawn on the page's browser → edge → origin strip. */
export type Hop = "browser" | "edge" | "origin";

/**
 * Cloudflare's structured-error category. `cloudflare` means the edge's own side; `worker` is this
 * site's own Worker (this code, or the handler of a Hono app using the middleware): not Cloudflare's
 * fault, and the owner's to fix.
 */
export type Category = "origin" | "cloudflare" | "ssl" | "network" | "config" | "worker";

export interface CodeSpec {
  readonly code: ErrorCode;
  /** snake_case, as in Cloudflare's structured errors (`error_name`). */
  readonly name: string;
  /** English reason phrase, used in `<title>` and logs; localized titles live in i18n. */
  readonly phrase: string;
  readonly category: Category;
  readonly hop: Hop;
  readonly retryable: boolean;
  /** Seconds to suggest in `Retry-After` when the origin gave none; null: send none. */
  readonly retryAfter: number | null;
}

const spec = (
  code: ErrorCode,
  name: string,
  phrase: string,
  category: Category,
  hop: Hop,
  retryable: boolean,
  retryAfter: number | null,
): CodeSpec => ({ code, name, phrase, category, hop, retryable, retryAfter });

export const CODES: Readonly<Record<ErrorCode, CodeSpec>> = {
  500: spec(500, "internal_server_error", "Internal server error", "origin", "origin", true, 30),
  502: spec(502, "bad_gateway", "Bad gateway", "origin", "origin", true, 60),
  // The origin usually says how long it needs; 30 s is only the fallback.
  503: spec(503, "service_unavailable", "Service temporarily unavailable", "origin", "origin", true, 30),
  504: spec(504, "gateway_timeout", "Gateway timeout", "origin", "origin", true, 120),
  520: spec(520, "unknown_error", "Web server returned an unknown error", "origin", "origin", true, 60),
  521: spec(521, "web_server_down", "Web server is down", "origin", "origin", true, 120),
  522: spec(522, "connection_timeout", "Connection timed out", "origin", "origin", true, 120),
  523: spec(523, "origin_unreachable", "Origin is unreachable", "network", "origin", true, 120),
  524: spec(524, "response_timeout", "A timeout occurred", "origin", "origin", true, 120),
  525: spec(525, "ssl_handshake_failed", "SSL handshake failed", "ssl", "origin", false, null),
  526: spec(526, "invalid_ssl_certificate", "Invalid SSL certificate", "ssl", "origin", false, null),
  527: spec(527, "railgun_error", "Railgun listener to origin error", "network", "edge", true, 60),
  530: spec(530, "origin_error", "Origin error", "config", "edge", true, 60),
};

export const ERROR_CODES = Object.keys(CODES).map(Number) as ErrorCode[];

export const isErrorCode = (n: number): n is ErrorCode => Object.hasOwn(CODES, n);

/**
 * A 5XX an origin may send that has no row in {@link CODES} (501, 505–511, unassigned ones). It
 * is passed on to the visitor with its own status, answered with the generic origin text.
 */
export interface OriginStatusSpec {
  /** snake_case of the reason phrase; `server_error` for statuses IANA has not assigned. */
  readonly name: string;
  /** IANA's reason phrase; null for an unassigned status (the page then uses a generic title). */
  readonly phrase: string | null;
  /** Whether the same request may succeed later; false where only a change on the origin helps. */
  readonly retryable: boolean;
}

const originStatus = (name: string, phrase: string | null, retryable: boolean): OriginStatusSpec => ({ name, phrase, retryable });

/** IANA's HTTP status code registry, the 5XX assigned there without a row in {@link CODES}. */
const ORIGIN_STATUSES: Readonly<Record<number, OriginStatusSpec>> = {
  501: originStatus("not_implemented", "Not Implemented", false),
  505: originStatus("http_version_not_supported", "HTTP Version Not Supported", false),
  506: originStatus("variant_also_negotiates", "Variant Also Negotiates", false),
  507: originStatus("insufficient_storage", "Insufficient Storage", true),
  508: originStatus("loop_detected", "Loop Detected", false),
  510: originStatus("not_extended", "Not Extended", false),
  511: originStatus("network_authentication_required", "Network Authentication Required", false),
};

const UNASSIGNED = originStatus("server_error", null, true);

/** The facts of an origin's 5XX that has no row of its own; unassigned statuses get generic ones. */
export const originStatusSpec = (status: number): OriginStatusSpec => ORIGIN_STATUSES[status] ?? UNASSIGNED;

/** IANA's reason phrase for a 5XX, null if the status is unassigned. */
export function reasonPhrase(status: number): string | null {
  if (status === 500 || status === 502 || status === 503 || status === 504) return REASON_PHRASES[status];
  if (isErrorCode(status)) return CODES[status].phrase;
  return originStatusSpec(status).phrase;
}

const REASON_PHRASES: Readonly<Record<500 | 502 | 503 | 504, string>> = {
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** The lowest and highest status an incident can be recorded with. */
export const RECORDED_STATUS_RANGE = { min: 500, max: 599 } as const;

/**
 * A status an incident can carry as `error_code`: the table's codes, and any other 5XX an origin
 * sent, which keeps its own status (a status outside 500–599 is recorded as 520).
 */
export const isRecordedStatus = (n: number): boolean => Number.isInteger(n) && n >= RECORDED_STATUS_RANGE.min && n <= RECORDED_STATUS_RANGE.max;

/** A status an HTTP response cannot carry: no 3-digit code in 100–599, or an interim 1XX as a final answer. */
export const isBrokenStatus = (status: number): boolean => status > 599 || (status < 200 && status !== 101);

/** 1xxx codes that travel with a 530 (and 1101/1102 with a Cloudflare-made 500/503). Unknown ones are still shown, with generic text. */
export type SubCode = 1000 | 1001 | 1002 | 1003 | 1004 | 1014 | 1016 | 1018 | 1019 | 1033 | 1101 | 1102;

export interface SubCodeSpec {
  readonly code: SubCode;
  readonly name: string;
  readonly phrase: string;
  readonly retryable: boolean;
}

const sub = (code: SubCode, name: string, phrase: string, retryable: boolean): SubCodeSpec => ({
  code,
  name,
  phrase,
  retryable,
});

export const SUBCODES: Readonly<Record<SubCode, SubCodeSpec>> = {
  1000: sub(1000, "dns_points_to_prohibited_ip", "DNS points to a prohibited IP", false),
  1001: sub(1001, "dns_resolution_error", "DNS resolution error", true),
  1002: sub(1002, "dns_points_to_prohibited_ip", "DNS points to a prohibited IP", false),
  1003: sub(1003, "direct_ip_access_not_allowed", "Direct IP access not allowed", false),
  1004: sub(1004, "host_not_configured", "Host not configured to serve web traffic", true),
  1014: sub(1014, "cname_cross_user_banned", "CNAME cross-user banned", false),
  1016: sub(1016, "origin_dns_error", "Origin DNS error", true),
  1018: sub(1018, "host_not_found", "Could not find host", true),
  1019: sub(1019, "compute_server_error", "Compute server error", true),
  1033: sub(1033, "tunnel_error", "Tunnel error", true),
  // With a 500 and a 503: a Worker of Cloudflare's network, upstream of this one, failed.
  1101: sub(1101, "worker_threw_exception", "Worker threw exception", true),
  1102: sub(1102, "worker_exceeded_resource_limits", "Worker exceeded resource limits", true),
};

export const isSubCode = (n: number): n is SubCode => Object.hasOwn(SUBCODES, n);

/** The 1xxx code in a 530 body (`error code: 1016`, `Error 1016`, `"error_code":1016`). */
export function parseSubCode(body: string): number | undefined {
  // `(?=(x*))\1` is an atomic x*: the separators are never re-split between quantifiers, so a
  // body of "error" and thousands of spaces costs linear time, not cubic (seconds of CPU per 1 KB).
  const m = /error(?=([\s_-]*))\1(?:code)?["']?(?=([\s:#]*))\2(1\d{3})(?!\d)/i.exec(body);
  return m ? Number(m[3]) : undefined;
}
