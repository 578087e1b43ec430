/**
 * `Accept` negotiation, as Cloudflare does it for its own errors (developers.cloudflare.com
 * fundamentals/reference/error-responses): q-values decide, at equal q the first listed wins,
 * `*\/*` and no header mean HTML, `text/*` means Markdown. And the one question the middleware
 * asks before it replaces an origin's JSON error: did the client ask for HTML first?
 */
import { parseAccept } from "hono/utils/accept";

/** `json` and `problem` are the same body; only the Content-Type differs (it mirrors the request's). */
export type Format = "html" | "json" | "problem" | "markdown" | "text";

/**
 * What we can produce, in the order that breaks a tie on one range that matches several. The page
 * is sent as text/html: XHTML only counts when asked for by name, never through a wildcard.
 */
const PRODUCED: ReadonlyArray<readonly [string, Format]> = [
  ["text/html", "html"],
  ["application/json", "json"],
  ["application/problem+json", "problem"],
  ["text/markdown", "markdown"],
  ["text/plain", "text"],
];

/** A wildcard range names one answer first: `*\/*` the page, `text/*` Markdown, `application/*` JSON. */
const WILDCARD_FIRST: Readonly<Record<string, Format>> = { "*/*": "html", "text/*": "markdown", "application/*": "json" };

export interface Negotiation {
  /** The answer format for a Worker-made error. */
  readonly format: Format;
  /**
   * True unless the client asked for HTML first (a browser navigation): `*\/*`, no header,
   * `application/json` (or any `+json`) anywhere. Then an origin's own JSON 5XX is passed on.
   */
  readonly passThrough: boolean;
}

interface Range {
  readonly type: string;
  readonly q: number;
  /** Position in the header as sent: the tie-breaker at equal q. */
  readonly at: number;
}

const DEFAULT: Negotiation = { format: "html", passThrough: true };

/** Only this much of a header is read: a longer one is a client bug or an attack, not a preference. */
const MAX_ACCEPT = 1024;

/**
 * Answers per distinct `Accept` value: browsers and API clients send a handful, and a storm asks
 * the same question thousands of times a second. Bounded: cleared when full.
 */
const answers = new Map<string, Negotiation>();
const MAX_ANSWERS = 256;

/** How the client's `Accept` header is answered. Never throws. */
export function negotiation(accept: string | null | undefined): Negotiation {
  if (!accept) return DEFAULT;
  const key = accept.length > MAX_ACCEPT ? accept.slice(0, MAX_ACCEPT) : accept;
  let answer = answers.get(key);
  if (answer === undefined) {
    answer = decide(ranges(key));
    if (answers.size >= MAX_ANSWERS) answers.clear();
    answers.set(key, answer);
  }
  return answer;
}

/** The answer format for an `Accept` header: the client's most preferred type we can produce; HTML when none. */
export const negotiate = (accept: string | null | undefined): Format => negotiation(accept).format;

function ranges(accept: string): Range[] {
  // parseAccept sorts by q, keeping the header's order at equal q (a stable sort): `at` is the rank.
  return parseAccept(accept).map((r, at) => ({ type: r.type.toLowerCase(), q: r.q, at }));
}

/**
 * The range that decides a media type's q: the exact type (for the page, XHTML named by name
 * stands in for it), else `type/*`, else `*\/*` (RFC 9110 §12.5.1).
 */
function rangeFor(media: string, all: readonly Range[]): Range | undefined {
  const wildcard = `${media.slice(0, media.indexOf("/"))}/*`;
  // `all` is in preference order, so the first exact match is the best one.
  const exact = all.find((r) => r.type === media || (media === "text/html" && r.type === "application/xhtml+xml"));
  return exact ?? all.find((r) => r.type === wildcard) ?? all.find((r) => r.type === "*/*");
}

function decide(all: readonly Range[]): Negotiation {
  let best: { format: Format; q: number; at: number; first: boolean } | undefined;
  for (const [media, format] of PRODUCED) {
    const r = rangeFor(media, all);
    if (!r || r.q <= 0) continue;
    const first = WILDCARD_FIRST[r.type] === format;
    if (!best || r.q > best.q || (r.q === best.q && (r.at < best.at || (r.at === best.at && first && !best.first)))) {
      best = { format, q: r.q, at: r.at, first };
    }
  }
  const top = all.find((r) => r.q > 0);
  const htmlFirst = top !== undefined && (top.type === "text/html" || top.type === "application/xhtml+xml");
  const json = all.some((r) => r.q > 0 && (r.type === "application/json" || r.type.endsWith("+json")));
  return { format: best?.format ?? "html", passThrough: !htmlFirst || json };
}
