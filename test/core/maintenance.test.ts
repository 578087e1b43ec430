import { describe, expect, it } from "vitest";
import { expirationFor, MaintenanceInputProblem, maintenanceRecord, parseMaintenance, parseUntil } from "../../src/core/maintenance";

const NOW = Date.parse("2026-05-01T12:00:00Z");

const problem = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    if (err instanceof MaintenanceInputProblem) return err.error;
    throw err;
  }
  return "none";
};

describe("until", () => {
  it("takes durations from now", () => {
    expect(parseUntil("2h", NOW)).toBe(NOW + 7_200_000);
    expect(parseUntil("90m", NOW)).toBe(NOW + 5_400_000);
    expect(parseUntil("1d", NOW)).toBe(NOW + 86_400_000);
  });
  it("takes ISO times with a zone, not without", () => {
    expect(parseUntil("2026-05-01T18:00:00Z", NOW)).toBe(Date.parse("2026-05-01T18:00:00Z"));
    expect(parseUntil("2026-05-01T22:00:00+09:00", NOW)).toBe(Date.parse("2026-05-01T13:00:00Z"));
    expect(problem(() => parseUntil("2026-05-01T18:00:00", NOW))).toBe("invalid_until");
  });
  it("refuses the past, beyond 30 days, and nonsense", () => {
    expect(problem(() => parseUntil("2026-05-01T11:59:59Z", NOW))).toBe("until_in_past");
    expect(problem(() => parseUntil("31d", NOW))).toBe("until_too_far");
    expect(problem(() => parseUntil("soon", NOW))).toBe("invalid_until");
    expect(problem(() => parseUntil(42, NOW))).toBe("invalid_until");
    expect(problem(() => parseUntil(undefined, NOW))).toBe("invalid_until");
  });
});

describe("the record", () => {
  it("keeps the messages given, trimmed, and drops empty ones", () => {
    expect(maintenanceRecord({ until: "1h", message: { en: "  Back soon. ", ko: "" } }, NOW)).toEqual({
      v: 1,
      until: "2026-05-01T13:00:00.000Z",
      since: "2026-05-01T12:00:00.000Z",
      message: { en: "Back soon." },
    });
  });
  it("refuses unknown languages, non-strings, long texts and non-objects", () => {
    expect(problem(() => maintenanceRecord({ until: "1h", message: { de: "x" } }, NOW))).toBe("invalid_message");
    expect(problem(() => maintenanceRecord({ until: "1h", message: { en: 1 } }, NOW))).toBe("invalid_message");
    expect(problem(() => maintenanceRecord({ until: "1h", message: { en: "x".repeat(501) } }, NOW))).toBe("invalid_message");
    expect(problem(() => maintenanceRecord({ until: "1h", message: "x" }, NOW))).toBe("invalid_message");
    expect(problem(() => maintenanceRecord([], NOW))).toBe("invalid_body");
    expect(problem(() => maintenanceRecord(null, NOW))).toBe("invalid_body");
  });
  it("reads back only a current record", () => {
    const raw = JSON.stringify(maintenanceRecord({ until: "1h" }, NOW));
    expect(parseMaintenance(raw, NOW)?.until).toBe("2026-05-01T13:00:00.000Z");
    expect(parseMaintenance(raw, NOW + 3_600_000)).toBeUndefined();
    expect(parseMaintenance("{not json", NOW)).toBeUndefined();
    expect(parseMaintenance(JSON.stringify({ v: 2, until: "2999-01-01T00:00:00Z", since: "x" }), NOW)).toBeUndefined();
    expect(parseMaintenance(null, NOW)).toBeUndefined();
  });
  it("expires in KV at until, but never sooner than KV allows", () => {
    expect(expirationFor(NOW + 7_200_000, NOW)).toBe((NOW + 7_200_000) / 1000);
    expect(expirationFor(NOW + 5_000, NOW)).toBe(Math.ceil((NOW + 61_000) / 1000));
  });
});
