import { describe, expect, it } from "vitest";
import { parseRetryAfter, RETRY_AFTER_MAX_S, RETRY_AFTER_MIN_S } from "../../src/core/time";

const now = new Date("2026-01-01T00:00:00Z");

describe("parseRetryAfter: whole seconds in a stated range", () => {
  it("states its range: 1 s to one day", () => {
    expect([RETRY_AFTER_MIN_S, RETRY_AFTER_MAX_S]).toEqual([1, 86_400]);
  });
  it.each([
    ["120", 120],
    ["  30 ", 30],
    ["1.5", 2], // not valid, but sent: rounded up, never down to 0
    ["0.2", 1],
    ["0", 1], // "come back at once" while the origin fails: at least a second
    ["86400", 86_400],
    ["86401", 86_400],
    ["99999999999999999999999", 86_400],
    ["Thu, 01 Jan 2026 00:01:00 GMT", 60],
    ["Thursday, 01-Jan-26 00:01:00 GMT", 60],
    ["Thu Jan  1 00:01:00 2026", 60],
    ["Thu, 01 Jan 2026 00:00:00 GMT", 1], // now
    ["Wed, 31 Dec 2025 00:00:00 GMT", 1], // the past
    ["Fri, 31 Dec 2999 23:59:59 GMT", 86_400], // centuries ahead: not 30675986724
  ])("%j → %i", (header, seconds) => {
    const value = parseRetryAfter(header, now);
    expect(value).toBe(seconds);
    expect(Number.isInteger(value)).toBe(true);
  });
  it.each([null, "", "soon", "-5", "1e3", "0x10", "1.5.1", "2026-01-01", "1 Jan 2026", "Thu, 01 Jan 2026 00:01:00 PST", "Infinity", "NaN"])(
    "%j is unusable: null, so the code's own default applies",
    (header) => {
      expect(parseRetryAfter(header, now)).toBeNull();
    },
  );
});
