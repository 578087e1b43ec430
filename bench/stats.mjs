// @ts-check
/** Small statistics and formatting helpers for the bench's tables. */

/** @param {number[]} xs */
export function median(xs) {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? /** @type {number} */ (s[mid]) : (/** @type {number} */ (s[mid - 1]) + /** @type {number} */ (s[mid])) / 2;
}

/** @param {number[]} xs @returns {[number, number]} */
export function range(xs) {
  const s = xs.filter(Number.isFinite);
  return s.length ? [Math.min(...s), Math.max(...s)] : [NaN, NaN];
}

/** @param {number} x @param {number} [digits] */
export const fixed = (x, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : "n/a");

/** Thousands with thin grouping: 12,345. @param {number} x */
export const int = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString("en-US") : "n/a");

/** @param {number} bytes */
export const kib = (bytes) => `${fixed(bytes / 1024, 1)} KiB`;

/** @param {number} bytes */
export const mib = (bytes) => `${fixed(bytes / (1024 * 1024), 1)} MiB`;

/** Signed, e.g. "+0.12 ms". @param {number} x @param {string} unit */
export const signed = (x, unit, digits = 2) => (Number.isFinite(x) ? `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(digits)}${unit}` : "n/a");

/** @param {boolean | undefined} ok */
export const verdict = (ok) => (ok === undefined ? "n/a" : ok ? "PASS" : "MISS");
