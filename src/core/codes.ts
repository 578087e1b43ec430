/**
 * Cloudflare's 5XX taxonomy as one table: every fact the Worker needs about a code lives here,
 * so classification, rendering and the incident log never disagree.
 */

/** Every status the Worker can answer an intercepted failure with. */
export type ErrorCode = 500 | 502 | 503 | 504 | 520 | 521 | 522 | 523 | 524 | 525 | 526 | 527 | 530;

/** The hop that failed, as drawn on the page's browser → edge → origin strip. */
export type Hop = "browser" | "edge" | "origin";

/** Cloudflare's structured-error category. `cloudflare` means the edge's own side. */
export type Category = "origin" | "cloudflare" | "ssl" | "network" | "config";

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

/** 1xxx codes that travel with a 530. Unknown ones are still shown, with generic text. */
export type SubCode = 1000 | 1001 | 1002 | 1003 | 1004 | 1014 | 1016 | 1018 | 1019 | 1033;

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
};

export const isSubCode = (n: number): n is SubCode => Object.hasOwn(SUBCODES, n);

/** The 1xxx code in a 530 body (`error code: 1016`, `Error 1016`, `"error_code":1016`). */
export function parseSubCode(body: string): number | undefined {
  // `(?=(x*))\1` is an atomic x*: the separators are never re-split between quantifiers, so a
  // body of "error" and thousands of spaces costs linear time, not cubic (seconds of CPU per 1 KB).
  const m = /error(?=([\s_-]*))\1(?:code)?["']?(?=([\s:#]*))\2(1\d{3})(?!\d)/i.exec(body);
  return m ? Number(m[3]) : undefined;
}
