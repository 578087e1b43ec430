/**
 * Which pages may be kept as a last good copy, and which requests may be given one. Pure: the
 * Cache API work is in `store.ts`. Every rule here errs on the side of keeping nothing, since a
 * private page served to the wrong visitor is far worse than an error page.
 */
import type { Failure } from "../../core/classify";
import { ConfigError } from "../../core/vars";

export interface StaleOptions {
  /** Path patterns whose pages are kept (`/*`, `/blog/*`, `/about`). Empty: nothing is kept. */
  readonly paths: readonly string[];
  /** A copy older than this is never served, in seconds. Default 86400. */
  readonly maxAgeS: number;
  /** Larger pages are not kept, in bytes. Default 1048576. */
  readonly maxBytes: number;
  /** Each URL is copied at most once per this many seconds per isolate. Default 60. */
  readonly refreshS: number;
  /** Requests carrying any of these cookies (a session) never get a copy and never give one. */
  readonly bypassCookies: readonly string[];
  /** Also serve a copy when the origin answers 500, 502, 503 or 504 itself. Default false. */
  readonly onOriginStatus: boolean;
}

/** The defaults; README.md lists the vars that change them. */
export const DEFAULT_STALE: Omit<StaleOptions, "paths"> = {
  maxAgeS: 86_400,
  maxBytes: 1 << 20,
  refreshS: 60,
  bypassCookies: [],
  onOriginStatus: false,
};

/** One RegExp for every pattern: `*` is any run of characters, everything else is literal. */
export function compilePaths(patterns: readonly string[]): RegExp {
  for (const p of patterns) {
    if (!/^\/[^\s?#]*$/.test(p)) throw new ConfigError(`STALE_PATHS entries are paths such as /* or /blog/* (no spaces, query or fragment), got "${p}"`);
  }
  const body = patterns.map((p) => p.split("*").map((s) => s.replace(/[.+^${}()|[\]\\]/g, "\\$&")).join(".*")).join("|");
  return new RegExp(`^(?:${body})$`);
}

/** The names in a Cookie header. */
export function cookieNames(header: string): string[] {
  return header.split(";").map((pair) => pair.split("=", 1)[0]?.trim() ?? "").filter((name) => name !== "");
}

/** The request side, shared by storing and serving: a plain GET of an allowed path, without credentials. */
export function requestQualifies(request: Request, pathname: string, paths: RegExp, bypassCookies: readonly string[]): boolean {
  if (request.method !== "GET" || !paths.test(pathname)) return false;
  const headers = request.headers;
  if (headers.has("authorization")) return false;
  if (bypassCookies.length > 0) {
    const cookie = headers.get("cookie");
    if (cookie && cookieNames(cookie).some((name) => bypassCookies.includes(name))) return false;
  }
  return true;
}

const UNSHAREABLE = /(?:^|,)\s*(?:private|no-store)\b/i;
/** A Vary on anything that tells visitors apart means the page is not the same for everyone. */
const PERSONAL_VARY = /(?:^|,)\s*(?:\*|cookie|authorization)\s*(?:,|$)/i;

/** Why a response is not kept, or null when it may be. Logged nowhere: it is the common case. */
export function unkeepable(response: Response, maxBytes: number): string | null {
  if (response.status !== 200) return "status";
  const h = response.headers;
  if (!/^\s*text\/html\b/i.test(h.get("content-type") ?? "")) return "not_html";
  if (h.has("set-cookie")) return "set_cookie";
  if (UNSHAREABLE.test(h.get("cache-control") ?? "")) return "private";
  if (PERSONAL_VARY.test(h.get("vary") ?? "")) return "vary";
  const length = h.get("content-length");
  if (length !== null && Number(length) > maxBytes) return "too_large";
  if (!response.body) return "no_body";
  return null;
}

const ORIGIN_STATUSES = new Set([500, 502, 503, 504]);

/** The failures a copy stands in for: the origin could not be reached or answered like a broken one. */
export function coversFailure(failure: Failure, onOriginStatus: boolean): boolean {
  switch (failure.kind) {
    case "reported":
      return failure.code >= 520;
    case "refused":
    case "connect_timeout":
    case "response_timeout":
    case "empty_reply":
    case "bad_reply":
    case "connection_lost":
    case "tls_handshake":
    case "tls_certificate":
    case "dns":
    case "unreachable":
      return true;
    case "origin_status":
      // The status the origin sent, not the code it was filed under (a 501 is filed as 500).
      return onOriginStatus && failure.evidence.source === "response" && ORIGIN_STATUSES.has(failure.evidence.status);
    case "edge_status":
    case "worker_fault":
      return false;
  }
}

/**
 * The copy's cache key: the page's host, under a path of its own, so a copy never answers a
 * request for the page itself from the zone's cache, and the copies of two hosts never mix.
 */
export function copyKey(url: URL): string {
  return `${url.protocol}//${url.host}/.well-known/edge-error-pages/last-good-copy${url.pathname}${url.search}`;
}

/** Headers of a saved page that still describe it; everything else belonged to the origin's moment. */
export const KEPT_HEADERS = ["content-type", "content-language", "content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy"] as const;
