/**
 * Accept negotiation over any header a client can send: it never throws, always picks one of the
 * formats, follows the client's q-ordered preferences (the first listed wins a tie), and passes an
 * origin's JSON on to every client that did not ask for HTML first.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Format, negotiate, negotiation } from "../../src/site/render/negotiate";
import { anyText, byPreference, headerOf, headerValue, qValue, quality } from "./arbitraries";

const FORMATS: readonly Format[] = ["html", "json", "problem", "markdown", "text"];

/** Exact media types we produce. */
const EXACT: Readonly<Record<string, Format>> = {
  "text/html": "html",
  "application/xhtml+xml": "html",
  "application/json": "json",
  "application/problem+json": "problem",
  "text/markdown": "markdown",
  "text/plain": "text",
};
const WILDCARDS = ["*/*", "text/*", "application/*"];
/** The Content-Types the answers are sent with (application/xhtml+xml only asks for the page). */
const PRODUCED = ["text/html", "application/json", "application/problem+json", "text/markdown", "text/plain"];

const mediaType = fc.oneof(
  fc.constantFrom(...Object.keys(EXACT), ...WILDCARDS, "TEXT/HTML", "Application/JSON", "image/png", "application/xml", "text/csv", "application/vnd.api+json", "foo"),
  fc.stringMatching(/^[a-z]{1,8}\/[a-z0-9+.-]{1,12}$/),
);
const entry = fc.record({ value: mediaType, q: qValue, param: fc.boolean() });
const entries = fc.array(entry, { maxLength: 12 });
const toHeader = (es: readonly { value: string; q: string | undefined; param: boolean }[]) =>
  headerOf(es.map((e) => ({ value: e.param ? `${e.value};level=1` : e.value, q: e.q })));

// The quality `es` gives one of our media types (RFC 9110 §12.5.1): that of the most specific
// range naming it (the type itself, then its type wildcard, then the full wildcard; the best among
// equals), 0 if none. So "application/*;q=0, */*" leaves no application type acceptable.
function effectiveQuality(es: readonly { value: string; q: string | undefined }[], type: string): number {
  const ranges = [type, `${type.split("/")[0]}/*`, "*/*"];
  for (const range of ranges) {
    const named = es.filter((e) => e.value.toLowerCase() === range);
    if (named.length > 0) return Math.max(...named.map((e) => quality(e.q)));
  }
  return 0;
}

describe("negotiate (Accept)", () => {
  it("never throws and always answers with a format, whatever the header", () => {
    fc.assert(
      fc.property(fc.oneof(anyText(2000), headerValue(2000)), (accept) => {
        const n = negotiation(accept);
        expect(FORMATS).toContain(n.format);
        expect(typeof n.passThrough).toBe("boolean");
      }),
      { numRuns: 500 },
    );
  });

  it("without wildcards, picks the client's most preferred type we produce (first listed on a tie), HTML when none", () => {
    fc.assert(
      fc.property(entries, (es) => {
        const plain = es.filter((e) => !WILDCARDS.includes(e.value.toLowerCase()));
        // One entry per type: a type listed twice has no defined meaning.
        const unique = plain.filter((e, i) => plain.findIndex((x) => x.value.toLowerCase() === e.value.toLowerCase()) === i);
        const wanted = byPreference(unique)
          .map((e) => EXACT[e.value.toLowerCase()])
          .find((f) => f !== undefined);
        expect(negotiate(toHeader(unique))).toBe(wanted ?? "html");
      }),
      { numRuns: 500 },
    );
  });

  it("never answers in a format the client refused by name (q=0), while another is acceptable", () => {
    fc.assert(
      fc.property(entries, (es) => {
        const header = toHeader(es);
        const format = negotiate(header);
        const refused = (f: Format) =>
          es.some((e) => EXACT[e.value.toLowerCase()] === f && quality(e.q) === 0) &&
          !es.some((e) => EXACT[e.value.toLowerCase()] === f && quality(e.q) > 0);
        const anyAcceptable = PRODUCED.some((type) => effectiveQuality(es, type) > 0);
        if (anyAcceptable && refused(format)) {
          // Only a wildcard with nothing else left can bring a refused type back: never.
          expect.fail(`${header} → ${format}, which it refused`);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("reads only the first 1 KiB of a huge header", () => {
    fc.assert(
      fc.property(fc.constantFrom("text/plain", "application/json", "text/markdown"), fc.integer({ min: 1100, max: 20_000 }), (late, pad) => {
        const header = `${"x/y, ".repeat(Math.ceil(pad / 5))}${late}`;
        expect(negotiate(header)).toBe("html");
      }),
      { numRuns: 50 },
    );
  });
});

describe("pass-through (who gets an origin's own JSON error)", () => {
  it("passes through exactly when HTML is not the first preference, or JSON is acceptable anywhere", () => {
    fc.assert(
      fc.property(entries, (es) => {
        const header = toHeader(es);
        const first = byPreference(es)[0]?.value.toLowerCase();
        const htmlFirst = first === "text/html" || first === "application/xhtml+xml";
        const json = es.some((e) => quality(e.q) > 0 && /^application\/(?:json|[\w.-]+\+json)$/i.test(e.value));
        expect(negotiation(header).passThrough).toBe(!htmlFirst || json);
      }),
      { numRuns: 500 },
    );
  });

  it("keeps the page for every browser navigation, whatever follows text/html", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom("application/xml;q=0.9", "image/avif", "image/webp", "*/*;q=0.8", "application/signed-exchange;v=b3;q=0.7"), { maxLength: 5 }), (rest) => {
        const n = negotiation(["text/html", "application/xhtml+xml", ...rest].join(","));
        expect(n).toEqual({ format: "html", passThrough: false });
      }),
    );
  });
});
