/**
 * Accept negotiation over any header a client can send: it never throws, always picks one of the
 * three formats, and follows the client's q-ordered preferences.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Format, negotiate, wantsJson } from "../../src/site/render/negotiate";
import { anyText, byPreference, headerOf, headerValue, qValue } from "./arbitraries";

const FORMATS: readonly Format[] = ["html", "problem", "text"];

const KNOWN: Readonly<Record<string, Format | undefined>> = {
  "text/html": "html",
  "application/xhtml+xml": "html",
  "application/problem+json": "problem",
  "application/json": "problem",
  "text/plain": "text",
  "*/*": "html",
  "text/*": "html",
  "application/*": "problem",
};

const mediaType = fc.oneof(
  fc.constantFrom(...Object.keys(KNOWN), "TEXT/HTML", "Application/JSON", "image/png", "application/xml", "text/csv", "foo"),
  fc.stringMatching(/^[a-z]{1,8}\/[a-z0-9+.-]{1,12}$/),
);
const entry = fc.record({ value: mediaType, q: qValue, param: fc.boolean() });

describe("negotiate (Accept)", () => {
  it("never throws and always answers with a format, whatever the header", () => {
    fc.assert(
      fc.property(fc.oneof(anyText(2000), headerValue(2000)), (accept) => {
        const format = negotiate(accept);
        expect(FORMATS).toContain(format);
        expect(wantsJson(accept)).toBe(format === "problem");
      }),
      { numRuns: 500 },
    );
  });

  it("picks the client's most preferred type it can produce, HTML when none", () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 12 }), (entries) => {
        const header = headerOf(entries.map((e) => ({ value: e.param ? `${e.value};level=1` : e.value, q: e.q })));
        const wanted = byPreference(entries)
          .map((e) => KNOWN[e.value.toLowerCase()])
          .find((f) => f !== undefined);
        expect(negotiate(header)).toBe(wanted ?? "html");
      }),
      { numRuns: 500 },
    );
  });

  it("reads only the first 1 KiB of a huge header", () => {
    fc.assert(
      fc.property(fc.constantFrom("text/plain", "application/json"), fc.integer({ min: 1100, max: 20_000 }), (late, pad) => {
        const header = `${"x/y, ".repeat(Math.ceil(pad / 5))}${late}`;
        expect(negotiate(header)).toBe("html");
      }),
      { numRuns: 50 },
    );
  });
});
