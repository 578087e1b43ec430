/**
 * Turns a time range into a few `t:` key prefixes, so a listing reads only the index keys near
 * the range instead of every key from now backwards. Index keys hold 13 digits of inverted time;
 * a prefix that fixes the first 13 − L digits covers an aligned block of 10^L ms.
 */
import { INDEX_PREFIX, invertTime } from "../../core/incident";

/** At most this many prefixes: the block level is the finest that covers the range with so few. */
export const MAX_PREFIXES = 10;
const DIGITS = 13;
const MAX_MS = 9_999_999_999_999;

const clampMs = (ms: number): number => Math.min(Math.max(Math.floor(ms), 0), MAX_MS);

/**
 * Prefixes whose keys include every index key for times in [sinceMs, untilMs], newest block
 * first (keys sort by inverted time). Blocks at either end may reach past the range; callers
 * still compare each key's time.
 */
export function indexPrefixes(sinceMs: number, untilMs: number): string[] {
  const lo = Number(invertTime(clampMs(untilMs))); // the newest time has the smallest inverted value
  const hi = Number(invertTime(clampMs(sinceMs)));
  for (let level = 0; level <= DIGITS; level++) {
    const size = 10 ** level;
    const first = Math.floor(lo / size);
    const last = Math.floor(hi / size);
    if (last - first + 1 > MAX_PREFIXES) continue;
    const width = DIGITS - level;
    const prefixes: string[] = [];
    for (let block = first; block <= last; block++) prefixes.push(INDEX_PREFIX + (width === 0 ? "" : String(block).padStart(width, "0")));
    return prefixes;
  }
  return [INDEX_PREFIX];
}
