/**
 * Template escaping over arbitrary Unicode: whatever any placeholder of the real page holds, the
 * page's markup is the same (the same tags, attributes and quotes), and escaping round-trips.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { templates } from "../../templates/index";
import { compile, escapeHtml, render } from "../../src/site/render/template";
import { anyText } from "./arbitraries";

const page = compile(templates.page);

/** Every `{{name}}`, `{{{name}}}` and section name the real page uses. */
function placeholders(source: string): { escaped: string[]; raw: string[] } {
  const escaped = new Set<string>();
  const raw = new Set<string>();
  for (const m of source.matchAll(/\{\{\{\s*([\w.]+)\s*\}\}\}|\{\{\s*([#^/]?)\s*([\w.]+)\s*\}\}/g)) {
    if (m[1]) raw.add(m[1]);
    else if (m[3]) escaped.add(m[3]);
  }
  for (const r of raw) escaped.delete(r);
  return { escaped: [...escaped], raw: [...raw] };
}

const { escaped: NAMES, raw: RAW } = placeholders(templates.page);
const MARKUP = /[<>"'`]/;
const markup = (html: string): string => html.replace(/[^<>"'`]/g, "");
const isSet = (v: string): boolean => v !== "" && v !== "false";

function unescapeHtml(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39|#96);/g, (_m, e: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", "#96": "`" })[e] ?? "");
}

describe("escapeHtml", () => {
  it("leaves no markup character and round-trips any text", () => {
    fc.assert(
      fc.property(anyText(500), (s) => {
        const out = escapeHtml(s);
        expect(out).not.toMatch(MARKUP);
        expect(out.replace(/&(amp|lt|gt|quot|#39|#96);/g, "")).not.toContain("&");
        expect(unescapeHtml(out)).toBe(s);
      }),
      { numRuns: 500 },
    );
  });
});

describe("the real page template", () => {
  it("uses placeholders (sanity check of this test)", () => {
    expect(NAMES.length).toBeGreaterThan(40);
    expect(NAMES).toEqual(expect.arrayContaining(["trace_url", "host", "brand", "ray_id", "time_utc", "title", "report"]));
  });

  it("keeps its markup whatever every placeholder holds", () => {
    const text = fc.oneof(anyText(120), fc.constantFrom("<script>alert(1)</script>", `"><img src=x onerror=alert(1)>`, "'`\"", "&lt;", "{{url}}", "false", ""));
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...NAMES), text, { maxKeys: NAMES.length }), (given) => {
        const values: Record<string, string> = { ...given };
        for (const r of RAW) values[r] = "<li>fixed</li>";
        // The same sections open in both renders; only the text inside placeholders differs.
        const plain: Record<string, string> = {};
        for (const [k, v] of Object.entries(values)) plain[k] = RAW.includes(k) ? v : isSet(v) ? "x" : v;
        expect(markup(render(page, values))).toBe(markup(render(page, plain)));
      }),
      { numRuns: 300 },
    );
  });

  it("shows each escaped value exactly as given, once unescaped", () => {
    fc.assert(
      fc.property(fc.constantFrom(...NAMES), anyText(80).filter(isSet), (name, value) => {
        const t = compile(`<p title="{{${name}}}">{{${name}}}</p>`);
        expect(unescapeHtml(render(t, { [name]: value }))).toBe(`<p title="${value}">${value}</p>`);
      }),
      { numRuns: 300 },
    );
  });
});

describe("placeholder names", () => {
  it("never reach Object.prototype: an unknown name renders empty, whatever it is called", () => {
    const names = fc.oneof(
      fc.constantFrom("constructor", "__proto__", "toString", "valueOf", "hasOwnProperty", "__defineGetter__", "isPrototypeOf", "prototype"),
      fc.stringMatching(/^[\w.]{1,20}$/),
    );
    fc.assert(
      fc.property(names, (name) => {
        expect(render(compile(`[{{${name}}}]`), {})).toBe("[]");
        expect(render(compile(`[{{{${name}}}}]`), {})).toBe("[]");
        expect(render(compile(`[{{#${name}}}set{{/${name}}}{{^${name}}}unset{{/${name}}}]`), {})).toBe("[unset]");
      }),
      { numRuns: 200 },
    );
  });
});
