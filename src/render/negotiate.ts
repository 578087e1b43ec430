import { parseAccept } from "hono/utils/accept";

export type Format = "html" | "problem" | "text";

const TYPES: ReadonlyArray<readonly [string, Format]> = [
  ["text/html", "html"],
  ["application/xhtml+xml", "html"],
  ["application/problem+json", "problem"],
  ["application/json", "problem"],
  ["text/plain", "text"],
];

/** The answer format for an `Accept` header: the highest-q type we can produce; HTML when nothing matches. */
export function negotiate(accept: string | null | undefined): Format {
  if (!accept) return "html";
  for (const { type, q } of parseAccept(accept.slice(0, 1024))) {
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
