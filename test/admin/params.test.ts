import { describe, expect, it } from "vitest";
import { bucketCount, bucketIndex, BUCKETS, emptySeries, pickBucket } from "../../src/admin/api/buckets";
import { BadRequest } from "../../src/admin/errors";
import { OLDEST_MS, parseFilters, parseLimit, parseTime, type Query } from "../../src/admin/api/params";
import { normalizeRayId } from "../../src/admin/api/query";
import { indexPrefixes, MAX_PREFIXES } from "../../src/admin/api/range";
import { indexKey } from "../../src/core/incident";

const NOW = Date.parse("2026-04-10T12:00:00Z");
const H = 3_600_000;
const query =
  (q: Record<string, string>): Query =>
  (name) =>
    q[name];

function badRequest(fn: () => unknown): BadRequest {
  try {
    fn();
  } catch (err) {
    if (err instanceof BadRequest) return err;
    throw err;
  }
  throw new Error("expected a BadRequest");
}

describe("parseTime", () => {
  it.each([
    ["1h", NOW - H],
    ["30m", NOW - 30 * 60_000],
    ["7d", NOW - 7 * 24 * H],
    ["2w", NOW - 14 * 24 * H],
    ["45s", NOW - 45_000],
    ["now", NOW],
    ["2026-04-01", Date.parse("2026-04-01T00:00:00Z")],
    ["2026-04-01T09:30:00Z", Date.parse("2026-04-01T09:30:00Z")],
    ["2026-04-01T09:30", Date.parse("2026-04-01T09:30:00Z")],
    ["2026-04-01 09:30:00", Date.parse("2026-04-01T09:30:00Z")],
    ["2026-04-01T18:30:00+09:00", Date.parse("2026-04-01T09:30:00Z")],
    ["2026-04-01T18:30:00+0900", Date.parse("2026-04-01T09:30:00Z")],
    ["2026-04-01T09:30:00.250z", Date.parse("2026-04-01T09:30:00.250Z")],
  ])("%s", (raw, ms) => {
    expect(parseTime(raw, NOW, "since")).toBe(ms);
  });

  it.each(["yesterday", "1y", "-1h", "1.5h", "2026-13-01", "2026-02-30", "2026-04-31T10:00:00Z", "2026-04-01T25:00:00Z", "1712345678", "", "h"])("rejects %j", (raw) => {
    const err = badRequest(() => parseTime(raw, NOW, "since"));
    expect(err.error).toBe("invalid_time");
    expect(err.detail).toContain("since");
  });
});

describe("parseFilters", () => {
  it("defaults: until now, since the default range back", () => {
    expect(parseFilters(query({}), NOW, 24 * H)).toEqual({ sinceMs: NOW - 24 * H, untilMs: NOW });
  });

  it("parses code, host (lower-cased) and a path prefix (normalized like stored paths)", () => {
    const f = parseFilters(query({ code: "522", host: "Shop.Example.COM", path: "/a b/../café" }), NOW, H);
    expect(f).toMatchObject({ code: 522, host: "shop.example.com", path: "/caf%C3%A9" });
    expect(parseFilters(query({ path: "//evil.example/x" }), NOW, H).path).toBe("//evil.example/x");
  });

  it.each(["500", "501", "507", "509", "511", "522", "530", "599"])("accepts code %s: every status an incident can be recorded with", (code) => {
    expect(parseFilters(query({ code }), NOW, H).code).toBe(Number(code));
  });

  it("names the range it accepts when it refuses a code", () => {
    expect(badRequest(() => parseFilters(query({ code: "600" }), NOW, H)).detail).toBe(
      `code must be an HTTP status from 500 to 599 (Cloudflare's codes and any other 5XX the origin sent); got "600"`,
    );
  });

  it("never looks further back than the longest retention", () => {
    expect(parseFilters(query({ since: "2000-01-01" }), NOW, H).sinceMs).toBe(NOW - OLDEST_MS);
  });

  it.each([
    [{ code: "404" }, "invalid_code"],
    [{ code: "99" }, "invalid_code"],
    [{ code: "499" }, "invalid_code"],
    [{ code: "600" }, "invalid_code"],
    [{ code: "abc" }, "invalid_code"],
    [{ code: "5070" }, "invalid_code"],
    [{ code: "507.0" }, "invalid_code"],
    [{ code: "+507" }, "invalid_code"],
    [{ code: "5O2" }, "invalid_code"],
    [{ code: "502,503" }, "invalid_code"],
    [{ host: "shop example" }, "invalid_host"],
    [{ host: "<script>" }, "invalid_host"],
    [{ path: "relative" }, "invalid_path"],
    [{ path: "/a?b" }, "invalid_path"],
    [{ path: `/${"x".repeat(300)}` }, "invalid_path"],
    [{ since: "1h", until: "2h" }, "invalid_range"],
    [{ until: "whenever" }, "invalid_time"],
  ])("%j → %s", (q, error) => {
    expect(badRequest(() => parseFilters(query(q), NOW, H)).error).toBe(error);
  });
});

describe("parseLimit", () => {
  it("defaults to 50 and accepts 1–1000", () => {
    expect(parseLimit(undefined)).toBe(50);
    expect(parseLimit("1")).toBe(1);
    expect(parseLimit("1000")).toBe(1000);
  });
  it.each(["0", "-1", "1001", "ten", "1e3", "2.5", " "])("rejects %j", (raw) => {
    expect(badRequest(() => parseLimit(raw)).error).toBe("invalid_limit");
  });
});

describe("buckets", () => {
  it("aligns to UTC and counts both ends", () => {
    expect(bucketCount(NOW - 24 * H, NOW, BUCKETS["1h"])).toBe(25);
    expect(bucketCount(NOW + 1, NOW + 2, BUCKETS["1h"])).toBe(1);
    const series = emptySeries(NOW - 90 * 60_000, NOW, BUCKETS["1h"]);
    expect(series.map((p) => p.start)).toEqual(["2026-04-10T10:00:00.000Z", "2026-04-10T11:00:00.000Z", "2026-04-10T12:00:00.000Z"]);
    expect(bucketIndex(NOW - 1, NOW - 90 * 60_000, BUCKETS["1h"], series.length)).toBe(1);
    expect(bucketIndex(NOW - 3 * H, NOW - 90 * 60_000, BUCKETS["1h"], series.length)).toBe(-1);
  });

  it("picks a sensible default for the range", () => {
    expect(pickBucket(undefined, NOW - H, NOW)).toBe("1m");
    expect(pickBucket(undefined, NOW - 6 * H, NOW)).toBe("5m");
    expect(pickBucket(undefined, NOW - 24 * H, NOW)).toBe("15m");
    expect(pickBucket(undefined, NOW - 7 * 24 * H, NOW)).toBe("6h");
    expect(pickBucket(undefined, NOW - 30 * 24 * H, NOW)).toBe("1d");
    expect(pickBucket("5m", NOW - H, NOW)).toBe("5m");
  });

  it("rejects unknown buckets and too many of them", () => {
    expect(badRequest(() => pickBucket("2h", NOW - H, NOW)).error).toBe("invalid_bucket");
    expect(badRequest(() => pickBucket("1m", NOW - 7 * 24 * H, NOW)).error).toBe("too_many_buckets");
  });
});

describe("indexPrefixes", () => {
  const ranges: [number, number][] = [
    [NOW - H, NOW],
    [NOW - 30 * 24 * H, NOW],
    [NOW - OLDEST_MS, NOW],
    [NOW, NOW],
    [Date.parse("2026-04-09T23:59:59.999Z"), Date.parse("2026-04-10T00:00:00.001Z")],
    [0, 9_999_999_999_999],
  ];

  it.each(ranges)("covers [%i, %i] with few prefixes, newest first", (since, until) => {
    const prefixes = indexPrefixes(since, until);
    expect(prefixes.length).toBeGreaterThan(0);
    expect(prefixes.length).toBeLessThanOrEqual(MAX_PREFIXES);
    expect([...prefixes].sort()).toEqual(prefixes);
    const covered = (ms: number) => prefixes.some((p) => indexKey(ms, "0123456789abcdef").startsWith(p));
    for (const ms of [since, until, Math.floor((since + until) / 2), since + 1, until - 1]) {
      if (ms >= since && ms <= until) expect(covered(ms)).toBe(true);
    }
  });

  it("stays close to the range: an hour reads at most a few hours of keys", () => {
    const prefixes = indexPrefixes(NOW - H, NOW);
    const digits = 13 - (prefixes[0]!.length - 2);
    expect(10 ** digits * prefixes.length).toBeLessThanOrEqual(20 * H);
  });
});

describe("normalizeRayId", () => {
  it("accepts what visitors paste", () => {
    expect(normalizeRayId("8F2C1A9B3D4E5F60-icn")).toBe("8f2c1a9b3d4e5f60-ICN");
    expect(normalizeRayId(" 8f2c1a9b3d4e5f60 ")).toBe("8f2c1a9b3d4e5f60");
  });
  it.each(["", "8f2c", "8f2c1a9b3d4e5f60-", "8f2c1a9b3d4e5f60-ICN1", "../r:x", "8f2c1a9b3d4e5f6g", "t:0000000000000:8f2c1a9b3d4e5f60"])(
    "rejects %j",
    (raw) => {
      expect(badRequest(() => normalizeRayId(raw)).error).toBe("invalid_ray_id");
    },
  );
});
