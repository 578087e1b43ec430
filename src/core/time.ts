/** `2026-03-20 22:52:42 UTC`, the way Cloudflare prints times on its pages. */
export function formatUtc(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** Seconds from a Retry-After header (delta-seconds or an HTTP date); null when absent or unusable. */
export function parseRetryAfter(header: string | null, now: Date): number | null {
  if (!header) return null;
  const value = header.trim();
  if (/^\d{1,9}$/.test(value)) return Number(value);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now.getTime()) / 1000));
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
