/**
 * The 1xxx parser reads a 530 body the origin (or anything in front of it) wrote: any text must
 * give a 1xxx code or nothing, and the documented forms must be found wherever they appear.
 */
import vm from "node:vm";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseSubCode } from "../../src/core/codes";
import { anyText } from "./arbitraries";

/** The expression the parser used before it was made linear: its answers must not change. */
const PREVIOUS = /error[\s_-]*(?:code)?["']?\s*[:#]?\s*(1\d{3})(?!\d)/i;

const subCode = fc.integer({ min: 1000, max: 1999 });
/** Text that cannot itself contain "error" or run into the number. */
const filler = fc.string({ unit: fc.constantFrom(..." \n\t<>/=\"'.,;!?()[]{}abcdfghijklmnpqstuvwxyz"), maxLength: 80 });

describe("parseSubCode", () => {
  it("gives a 1xxx code or nothing for any text", () => {
    fc.assert(
      fc.property(anyText(1000), (body) => {
        const n = parseSubCode(body);
        if (n !== undefined) {
          expect(Number.isInteger(n)).toBe(true);
          expect(n).toBeGreaterThanOrEqual(1000);
          expect(n).toBeLessThanOrEqual(1999);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("finds the documented forms anywhere in a body", () => {
    const form = fc.constantFrom((n: number) => `error code: ${n}`, (n: number) => `Error ${n}`, (n: number) => `"error_code":${n}`, (n: number) => `ERROR-CODE #${n}`);
    fc.assert(
      fc.property(filler, form, subCode, filler, (before, write, n, after) => {
        expect(parseSubCode(`${before}${write(n)}${after}`)).toBe(n);
      }),
      { numRuns: 500 },
    );
  });

  it("does not take a longer number for a 1xxx code", () => {
    fc.assert(
      fc.property(subCode, fc.integer({ min: 0, max: 9 }), (n, extra) => {
        expect(parseSubCode(`error code: ${n}${extra}`)).toBeUndefined();
      }),
    );
  });

  it("agrees with the previous expression wherever that one found a code", () => {
    const near = fc.string({ unit: fc.constantFrom("e", "r", "o", "c", "d", "E", "R", " ", "_", "-", ":", "#", '"', "'", "1", "0", "2", "9", "x"), maxLength: 40 });
    fc.assert(
      fc.property(fc.oneof(near, anyText(40)), (body) => {
        const before = PREVIOUS.exec(body);
        if (before) expect(parseSubCode(body)).toBe(Number(before[1]));
      }),
      { numRuns: 2000 },
    );
  });

  it("reads bodies built to make a backtracking parser explode (the full 1 MiB prefix limit)", () => {
    // The previous expression needed about 4 minutes of CPU for 8 KiB of these (cubic); a linear
    // pass over 1 MiB is milliseconds. The vm cap only stops a regression from hanging the run.
    const bodies = [
      `error${" ".repeat(1 << 20)}x`,
      `error${"-".repeat(1 << 19)}code${" ".repeat(1 << 19)}x`,
      `${"error ".repeat(1 << 17)}`,
      `error${" ".repeat(1 << 20)}1016`,
    ];
    const parsed = vm.runInNewContext("bodies.map((b) => parse(b))", { bodies, parse: parseSubCode }, { timeout: 20_000 }) as unknown[];
    expect(parsed).toEqual([undefined, undefined, undefined, 1016]);
  });
});
