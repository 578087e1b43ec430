// @ts-check
/**
 * The error pages the Worker sends, measured: for each failure the demo origin can produce and
 * each language, the status and the size of the HTML (bytes on the wire, before any compression
 * the edge would add, and gzipped for reference).
 */
import { gzipSync } from "node:zlib";

/** Origin paths that fail in different ways, with the status the Worker should answer. */
export const PAGE_SCENARIOS = [
  { path: "/status/502", status: 502, label: "origin 502" },
  { path: "/status/500", status: 500, label: "origin 500" },
  { path: "/status/503", status: 503, label: "origin 503" },
  { path: "/status/504", status: 504, label: "origin 504" },
  { path: "/branded/502", status: 502, label: "502, Cloudflare-branded body (edge variant)" },
  { path: "/cf530/1016", status: 530, label: "530 with 1016 (sub-code text)" },
  { path: "/retry-after/503/120", status: 503, label: "503 with Retry-After" },
  { path: "/garbage", status: 520, label: "not HTTP (520)" },
  { path: "/empty", status: 520, label: "empty reply (520)" },
  { path: "/huge-error/64", status: 502, label: "502 with a 64 MiB body" },
];

export const LOCALE_HEADERS = {
  en: "en-US,en;q=0.9",
  ko: "ko-KR,ko;q=0.9,en;q=0.8",
};

/**
 * @typedef {object} PageSize
 * @property {string} path
 * @property {string} label
 * @property {string} locale
 * @property {number} status
 * @property {number} expected
 * @property {string} contentType
 * @property {number} bytes
 * @property {number} gzipBytes
 */

/**
 * @param {string} base the Worker's URL
 * @returns {Promise<PageSize[]>}
 */
export async function measurePages(base) {
  /** @type {PageSize[]} */
  const out = [];
  for (const s of PAGE_SCENARIOS) {
    for (const [locale, acceptLanguage] of Object.entries(LOCALE_HEADERS)) {
      const res = await fetch(base + s.path, {
        headers: { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "accept-language": acceptLanguage },
        signal: AbortSignal.timeout(30_000),
      });
      const body = Buffer.from(await res.arrayBuffer());
      out.push({
        path: s.path,
        label: s.label,
        locale,
        status: res.status,
        expected: s.status,
        contentType: res.headers.get("content-type") ?? "",
        bytes: body.length,
        gzipBytes: gzipSync(body).length,
      });
    }
  }
  return out;
}
