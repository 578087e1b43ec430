/**
 * The owner API's pure input handling over arbitrary input: parameters either parse to values in
 * range or fail as a 400 (BadRequest), never anything else; cursors only open when this Worker
 * signed them; a Ray ID can only name an `r:` key; the token check is exact.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bearerToken } from "../../src/admin/auth/auth";
import { pickBucket } from "../../src/admin/api/buckets";
import { type CursorState, decodeCursor, encodeCursor } from "../../src/admin/api/cursor";
import { BadRequest } from "../../src/admin/errors";
import { deriveKeys, fromBase64Url, toBase64Url, tokenMatches } from "../../src/admin/auth/keys";
import { MAX_LIMIT, OLDEST_MS, parseFilters, parseLimit, parseTime } from "../../src/admin/api/params";
import { normalizeRayId } from "../../src/admin/api/query";
import { indexPrefixes } from "../../src/admin/api/range";
import { entryOf } from "../../src/admin/api/scan";
import { ERROR_CODES } from "../../src/core/codes";
import { indexKey, recordKey } from "../../src/core/incident";
import { isRayId } from "../../src/core/ray";
import { anyText, headerValue } from "./arbitraries";

const NOW = Date.UTC(2026, 3, 1, 12, 0, 0);
const DAY = 86_400_000;

/** Runs `f`; a BadRequest is an accepted outcome, anything else thrown fails the property. */
function parsedOr400<T>(f: () => T): T | BadRequest {
  try {
    return f();
  } catch (err) {
    if (err instanceof BadRequest) {
      expect(err.error).toMatch(/^[a-z_]+$/);
      expect(err.detail.length).toBeLessThan(400);
      return err;
    }
    throw err;
  }
}

const param = fc.oneof(
  anyText(40),
  fc.constantFrom("", " ", "1h", "30m", "7d", "0s", "999999w", "now", "2026-04-01", "2026-04-01T10:00:00Z", "2026-04-01 10:00", "2026-04-01T10:00:00+09:00", "2026-02-30", "1e3", "-1", "0x10", "500", "530", "%", "/", "/a/b", "a.example.com", "[::1]", "NaN", "Infinity"),
);

describe("parameters", () => {
  it("times: a number, or a 400", () => {
    fc.assert(
      fc.property(param, (raw) => {
        const t = parsedOr400(() => parseTime(raw, NOW, "since"));
        if (!(t instanceof BadRequest)) expect(Number.isFinite(t)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it("times: relative forms count back from now, ISO forms round-trip", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999 }), fc.constantFrom(["s", 1000], ["m", 60_000], ["h", 3_600_000], ["d", DAY], ["w", 7 * DAY]), (n, [unit, ms]) => {
        expect(parseTime(`${n}${unit}`, NOW, "since")).toBe(NOW - n * (ms as number));
      }),
    );
    fc.assert(
      fc.property(fc.date({ min: new Date(0), max: new Date(Date.UTC(9999, 0, 1)), noInvalidDate: true }), (d) => {
        expect(parseTime(d.toISOString(), NOW, "since")).toBe(d.getTime());
      }),
    );
  });

  it("limit: 1 to 1000, or a 400", () => {
    fc.assert(
      fc.property(fc.oneof(param, fc.integer({ min: -5, max: 2000 }).map(String)), (raw) => {
        const n = parsedOr400(() => parseLimit(raw));
        if (!(n instanceof BadRequest)) {
          expect(Number.isInteger(n)).toBe(true);
          expect(n).toBeGreaterThanOrEqual(1);
          expect(n).toBeLessThanOrEqual(MAX_LIMIT);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("filters: a consistent range and known values only, or a 400", () => {
    const names = ["code", "host", "path", "since", "until"] as const;
    fc.assert(
      fc.property(fc.record(Object.fromEntries(names.map((n) => [n, fc.option(param, { nil: undefined })])) as Record<(typeof names)[number], fc.Arbitrary<string | undefined>>), (given) => {
        const f = parsedOr400(() => parseFilters((name) => given[name as (typeof names)[number]], NOW, DAY));
        if (f instanceof BadRequest) return;
        expect(f.sinceMs).toBeLessThanOrEqual(f.untilMs);
        expect(f.sinceMs).toBeGreaterThanOrEqual(NOW - OLDEST_MS);
        if (f.code !== undefined) expect(ERROR_CODES).toContain(f.code);
        if (f.host !== undefined) expect(f.host).toMatch(/^[a-z0-9.\-:[\]]{1,100}$/);
        if (f.path !== undefined) {
          expect(f.path.startsWith("/")).toBe(true);
          expect(f.path).not.toMatch(/[?#\s]/);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("bucket: a known size for the range, or a 400", () => {
    fc.assert(
      fc.property(fc.option(param, { nil: undefined }), fc.integer({ min: 0, max: 400 * DAY }), (raw, span) => {
        const b = parsedOr400(() => pickBucket(raw, NOW - span, NOW));
        if (!(b instanceof BadRequest)) expect(["1m", "5m", "15m", "1h", "6h", "1d"]).toContain(b);
      }),
      { numRuns: 500 },
    );
  });
});

describe("Ray IDs", () => {
  it("normalize to a valid Ray ID, so a lookup can only name an r: key, or fail with 400", () => {
    const rayLike = fc.oneof(param, fc.stringMatching(/^[0-9a-fA-F]{16}(-[A-Za-z]{2,5})?$/), fc.constantFrom("r:0123456789abcdef", "../t:", "0123456789abcdef/../x", " 0123456789ABCDEF-icn "));
    fc.assert(
      fc.property(rayLike, (raw) => {
        const ray = parsedOr400(() => normalizeRayId(raw));
        if (ray instanceof BadRequest) return;
        expect(isRayId(ray)).toBe(true);
        expect(recordKey(ray)).toMatch(/^r:[0-9a-f]{16}(-[A-Z]{3,4})?$/);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("cursors", () => {
  const filters = fc.record(
    {
      code: fc.constantFrom(...ERROR_CODES),
      host: fc.stringMatching(/^[a-z0-9.-]{1,40}$/),
      path: fc.stringMatching(/^\/[a-z0-9/%._-]{0,60}$/),
      sinceMs: fc.integer({ min: 0, max: NOW }),
      untilMs: fc.integer({ min: 0, max: NOW }),
    },
    { requiredKeys: ["sinceMs", "untilMs"] },
  );
  const position = fc.record({
    block: fc.integer({ min: 0, max: 20 }),
    kv: fc.option(fc.string({ maxLength: 200 }), { nil: null }),
    after: fc.option(fc.string({ maxLength: 200 }), { nil: null }),
  });
  const state: fc.Arbitrary<CursorState> = fc.record({ filters, position });

  it("round-trip when this Worker signed them", async () => {
    const keys = await deriveKeys("cursor-test-token-0123456789");
    await fc.assert(
      fc.asyncProperty(state, async (s) => {
        expect(await decodeCursor(keys.cursor, await encodeCursor(keys.cursor, s))).toEqual(s);
      }),
      { numRuns: 200 },
    );
  });

  it("made up, truncated, edited or signed with another token: always a 400", async () => {
    const keys = await deriveKeys("cursor-test-token-0123456789");
    const other = await deriveKeys("another-token-0123456789abcdef");
    await fc.assert(
      fc.asyncProperty(state, anyText(300), fc.nat(), fc.constantFrom(..."AQgw_-.x="), async (s, junk, at, ch) => {
        const good = await encodeCursor(keys.cursor, s);
        const forged = await encodeCursor(other.cursor, s);
        const cut = good.slice(0, at % good.length);
        const i = at % good.length;
        const edited = good.slice(0, i) + ch + good.slice(i + 1);
        for (const raw of [junk, forged, cut, edited, `${good}.x`, `${good}${good}`]) {
          if (raw === good) continue;
          try {
            const opened = await decodeCursor(keys.cursor, raw);
            // Only an edit the encoding cannot see (unused bits of the last character) may open.
            expect(opened).toEqual(s);
          } catch (err) {
            expect(err).toBeInstanceOf(BadRequest);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("the token", () => {
  it("matches exactly the configured token", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 16, maxLength: 64 }), fc.string({ maxLength: 80 }), async (token, presented) => {
        const keys = await deriveKeys(token);
        expect(await tokenMatches(keys, presented)).toBe(presented === token);
        expect(await tokenMatches(keys, token)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it("is read only from a well-formed Bearer header", () => {
    fc.assert(
      fc.property(headerValue(200), (header) => {
        const token = bearerToken(header);
        if (token !== undefined) {
          expect(token).toMatch(/^[\x21-\x7e]+$/);
          expect(header.toLowerCase().startsWith("bearer")).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("base64url decoding never throws and round-trips", () => {
    fc.assert(
      fc.property(anyText(100), (text) => {
        const bytes = fromBase64Url(text);
        if (bytes !== undefined) expect(bytes).toBeInstanceOf(Uint8Array);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        expect(fromBase64Url(toBase64Url(bytes))).toEqual(bytes);
      }),
    );
  });
});

describe("the index scan", () => {
  it("covers every key in a time range with a few prefixes", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: NOW }), fc.integer({ min: 0, max: 400 * DAY }), fc.double({ min: 0, max: 1, noNaN: true }), (since, span, at) => {
        const until = Math.min(NOW, since + span);
        const prefixes = indexPrefixes(since, until);
        expect(prefixes.length).toBeGreaterThanOrEqual(1);
        expect(prefixes.length).toBeLessThanOrEqual(10);
        const ms = Math.floor(since + (until - since) * at);
        const key = indexKey(ms, "0123456789abcdef");
        expect(prefixes.some((p) => key.startsWith(p))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it("ignores index entries with metadata it did not write", () => {
    fc.assert(
      fc.property(fc.oneof(fc.constant(indexKey(NOW, "0123456789abcdef")), anyText(40)), fc.anything(), (name, metadata) => {
        const entry = entryOf(name, metadata);
        if (!entry) return;
        expect(Number.isFinite(entry.entry.error_code)).toBe(true);
        expect(Number.isFinite(entry.entry.weight)).toBe(true);
        expect(typeof entry.entry.path).toBe("string");
        expect(new Date(entry.entry.timestamp).toISOString()).toBe(entry.entry.timestamp);
      }),
      { numRuns: 500 },
    );
  });
});
