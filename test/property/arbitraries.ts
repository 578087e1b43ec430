/**
 * Shared fast-check arbitraries for outside input: header values as a client can send them,
 * arbitrary Unicode text, and q-values with every odd form the parsers must survive.
 */
import fc from "fast-check";

/**
 * Any code unit mix: ASCII, controls, the whole BMP (lone surrogates included) and astral code
 * points. Built from integers because fast-check's "binary" unit is slow to warm up.
 */
const anyChar = fc
  .oneof(
    { weight: 4, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
    { weight: 1, arbitrary: fc.integer({ min: 0x00, max: 0x1f }) },
    { weight: 2, arbitrary: fc.integer({ min: 0x80, max: 0xffff }) },
    { weight: 1, arbitrary: fc.integer({ min: 0x10000, max: 0x10ffff }) },
  )
  .map((cp) => String.fromCodePoint(cp));

/** Any string, including lone surrogates, control characters and astral code points. */
export const anyText = (maxLength = 200) => fc.string({ unit: anyChar, maxLength });

/**
 * Values the Fetch Headers API accepts: Latin-1, no NUL, CR or LF (workerd's HTTP parser also
 * drops leading and trailing whitespace, as Headers does).
 */
export const headerValue = (maxLength = 300) =>
  fc
    .string({ unit: fc.integer({ min: 0x01, max: 0xff }).filter((c) => c !== 0x0a && c !== 0x0d).map((c) => String.fromCharCode(c)), maxLength })
    .map((s) => s.trim());

/** q-values: the ordinary ones, and the odd ones parsers must not choke on. */
export const qValue = fc.option(fc.constantFrom("0", "0.0", "0.001", "0.1", "0.5", "0.9", "1", "1.0", "", "abc", "NaN", "-1", "2", "1e-1"), { nil: undefined });

/** What Hono's Accept parser makes of a q-value (hono/utils/accept parseQuality). */
export function quality(q: string | undefined): number {
  if (q === undefined || q === "") return 1;
  if (q === "NaN") return 0;
  const n = Number(q);
  if (Number.isNaN(n)) return 1;
  return Math.min(1, Math.max(0, n));
}

/** Entries sorted the way a client's preferences are read: by q, highest first, ties in order. */
export function byPreference<T extends { q: string | undefined }>(entries: readonly T[]): T[] {
  return entries
    .map((e, i) => ({ e, i, q: quality(e.q) }))
    .sort((a, b) => b.q - a.q || a.i - b.i)
    .filter((x) => x.q > 0)
    .map((x) => x.e);
}

export const headerOf = (entries: readonly { value: string; q: string | undefined }[]): string =>
  entries.map((e) => (e.q === undefined ? e.value : `${e.value};q=${e.q}`)).join(", ");
