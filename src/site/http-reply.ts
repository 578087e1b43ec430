/** Reads the start of a reply to the probe's `HEAD` as far as it goes (pure, for the 520 breakdown). */
import { HEADER_LIMIT, type HttpReplyEvidence } from "../core/probe-evidence";

/**
 * What `bytes` show so far; undefined while more could still change the answer. `ended`: the
 * connection closed (or was reset); `timedOut`: the budget ran out.
 */
export function httpReplyOf(bytes: Uint8Array, ended: boolean, timedOut: boolean): HttpReplyEvidence | undefined {
  const head = new TextDecoder().decode(bytes.subarray(0, HEADER_LIMIT + 4));
  const firstLine = head.split(/\r?\n/, 1)[0]?.slice(0, 80) ?? "";
  const base = { bytes: bytes.length, ...(firstLine ? { firstLine } : {}) };
  const end = head.indexOf("\r\n\r\n");
  if (bytes.length >= 5 && !head.startsWith("HTTP/")) return { outcome: "not_http", ...base };
  if ((end === -1 && bytes.length > HEADER_LIMIT) || end > HEADER_LIMIT) return { outcome: "headers_too_large", ...base };
  if (end !== -1) return { outcome: "complete", ...base };
  if (ended) return { outcome: bytes.length === 0 ? "empty" : head.startsWith("HTTP/") ? "closed_before_headers" : "not_http", ...base };
  return timedOut ? { outcome: "timeout", ...base } : undefined;
}

