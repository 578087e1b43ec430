/**
 * Ray IDs: a well-formed `cf-ray` is kept, anything else (forged, oversized, decorated) is
 * replaced by one of our own, so a header can never put its own text on a page or into a KV key.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateRayId, isRayId, rayIdFor } from "../../src/core/ray";
import { headerValue } from "./arbitraries";

const RAY = /^[0-9a-f]{16}(?:-[A-Z]{3,4})?$/;
const hex16 = fc.stringMatching(/^[0-9a-f]{16}$/);
const colo = fc.stringMatching(/^[A-Z]{3,4}$/);
const validRay = fc.tuple(hex16, fc.option(colo, { nil: undefined })).map(([h, c]) => (c ? `${h}-${c}` : h));

const withRay = (value: string) => new Headers({ "cf-ray": value });

describe("rayIdFor", () => {
  it("keeps a well-formed cf-ray exactly", () => {
    fc.assert(
      fc.property(validRay, (ray) => {
        expect(rayIdFor(withRay(ray))).toBe(ray);
      }),
      { numRuns: 300 },
    );
  });

  it("replaces anything else with a fresh 16-hex ID, never the header's text", () => {
    fc.assert(
      fc.property(headerValue(10_000).filter((v) => !isRayId(v)), (forged) => {
        const ray = rayIdFor(withRay(forged));
        expect(ray).toMatch(/^[0-9a-f]{16}$/);
        expect(ray).not.toBe(forged);
      }),
      { numRuns: 500 },
    );
  });

  it("replaces a valid ID with anything around it (oversized, padded, decorated)", () => {
    fc.assert(
      fc.property(validRay, fc.constantFrom(" ", "x", "-ICNN", "<", "\t", "0", ",", "a".repeat(8192)), fc.boolean(), (ray, extra, before) => {
        const value = before ? `${extra}${ray}` : `${ray}${extra}`;
        // Headers trims surrounding whitespace, as the runtime does: that alone is not forging.
        if (isRayId(value.trim())) return;
        const got = rayIdFor(withRay(value));
        expect(got).toMatch(/^[0-9a-f]{16}$/);
        expect(got.length).toBeLessThanOrEqual(21);
      }),
      { numRuns: 300 },
    );
  });

  it("always yields something safe for a page, a header and a KV key", () => {
    fc.assert(
      fc.property(fc.option(headerValue(300), { nil: undefined }), (value) => {
        const ray = rayIdFor(value === undefined ? new Headers() : withRay(value));
        expect(ray).toMatch(RAY);
        expect(isRayId(ray)).toBe(true);
      }),
      { numRuns: 300 },
    );
    for (let i = 0; i < 100; i++) expect(generateRayId()).toMatch(/^[0-9a-f]{16}$/);
  });
});
