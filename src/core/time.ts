/** `2026-03-20 22:52:42 UTC`, the way Cloudflare prints times on its pages. */
export function formatUtc(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/**
 * The range of `Retry-After` seconds sent to visitors. At least 1: "0" (or a date already past)
 * would tell every client to come back at once, while the origin is failing. At most a day: a
 * date centuries ahead is a broken clock or a typo, not a plan, and a crawler told to wait that
 * long might not come back.
 */
export const RETRY_AFTER_MIN_S = 1;
export const RETRY_AFTER_MAX_S = 86_400;

const clampRetry = (s: number): number => Math.min(RETRY_AFTER_MAX_S, Math.max(RETRY_AFTER_MIN_S, s));

/** IMF-fixdate, RFC 850 and asctime dates (RFC 9110 §5.6.7), not whatever Date.parse accepts. */
const HTTP_DATE = /^(?:[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT|[A-Z][a-z]{5,8}, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT|[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4})$/;

/**
 * Whole seconds from a Retry-After header (delta-seconds or an HTTP date), clamped to
 * {@link RETRY_AFTER_MIN_S}–{@link RETRY_AFTER_MAX_S}; null when absent or unusable. A fractional
 * number of seconds (not valid, but sent) is rounded up, so "1.5" waits 2 s rather than 0.
 */
export function parseRetryAfter(header: string | null, now: Date): number | null {
  if (!header) return null;
  const value = header.trim();
  if (/^\d+(?:\.\d+)?$/.test(value)) return clampRetry(Math.ceil(Number(value)));
  if (!HTTP_DATE.test(value)) return null;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return null;
  return clampRetry(Math.ceil((date - now.getTime()) / 1000));
}

export type Timed<T> = { readonly value: T } | { readonly timedOut: true };

/** Races `promise` against `ms`; the timer is always cleared, so nothing lingers after a win. */
export async function within<T>(promise: Promise<T>, ms: number): Promise<Timed<T>> {
  let timer: number | null = null;
  const timeout = new Promise<{ timedOut: true }>((resolve) => {
    timer = setTimeout(() => resolve({ timedOut: true }), Math.max(0, ms));
  });
  try {
    return await Promise.race([promise.then((value) => ({ value })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
