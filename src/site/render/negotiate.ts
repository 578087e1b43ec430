import { parseAccept } from "hono/utils/accept";

export type Format = "html" | "problem" | "text";

const TYPES: ReadonlyArray<readonly [string, Format]> = [
  ["text/html", "html"],
  ["application/xhtml+xml", "html"],
  ["application/problem+json", "problem"],
  ["application/json", "problem"],
  ["text/plain", "text"],
];

/**
 * Answers per distinct `Accept` value: browsers and API clients send a handful, and a storm asks
 * the same question thousands of times a second. Bounded: cleared when full.
 */
const answers = new Map<string, Format>();
const MAX_ANSWERS = 256;

/** The answer format for an `Accept` header: the highest-q type we can produce; HTML when nothing matches. */
export function negotiate(accept: string | null | undefined): Format {
  if (!accept) return "html";
  const key = accept.length > 1024 ? accept.slice(0, 1024) : accept; // only this much is read
  let format = answers.get(key);
  if (format === undefined) {
    format = negotiateUncached(key);
    if (answers.size >= MAX_ANSWERS) answers.clear();
    answers.set(key, format);
  }
  return format;
}

function negotiateUncached(accept: string): Format {
  for (const { type, q } of parseAccept(accept)) {
    if (q === 0) continue;
    const lower = type.toLowerCase();
    const hit = TYPES.find(([t]) => t === lower);
    if (hit) return hit[1];
    if (lower === "*/*" || lower === "text/*") return "html";
    if (lower === "application/*") return "problem";
  }
  return "html";
}

/** True when the client asked for JSON first: then an origin's own JSON error passes through. */
export const wantsJson = (accept: string | null | undefined): boolean => negotiate(accept) === "problem";
