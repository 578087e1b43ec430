import { describe, expect, it } from "vitest";
import { compile, escapeHtml, render, TemplateError } from "../../src/site/render/template";

describe("template", () => {
  it("escapes values and keeps raw fragments raw", () => {
    const t = compile("<p>{{a}}</p>{{{b}}}");
    expect(render(t, { a: `<script>"x"&'y'</script>`, b: "<li>ok</li>" })).toBe(
      "<p>&lt;script&gt;&quot;x&quot;&amp;&#39;y&#39;&lt;/script&gt;</p><li>ok</li>",
    );
  });
  it("renders sections and inverted sections", () => {
    const t = compile("{{#s}}yes {{s}}{{/s}}{{^s}}no{{/s}}");
    expect(render(t, { s: "1" })).toBe("yes 1");
    expect(render(t, { s: "" })).toBe("no");
    expect(render(t, { s: "false" })).toBe("no");
    expect(render(t, {})).toBe("no");
  });
  it("supports dotted label names", () => {
    expect(render(compile("{{t.copy}}"), { "t.copy": "Copy" })).toBe("Copy");
  });
  it("rejects unbalanced sections at compile time", () => {
    expect(() => compile("{{#a}}x")).toThrow(TemplateError);
    expect(() => compile("{{#a}}x{{/b}}")).toThrow(TemplateError);
  });
  it("rejects placeholders inside inline scripts and styles, which would break CSP hashes", () => {
    expect(() => compile("<script>var x='{{a}}'</script>")).toThrow(TemplateError);
    expect(() => compile("<style>a{color:{{c}}}</style>")).toThrow(TemplateError);
  });
  it("collects inline script and style bodies for hashing", () => {
    const t = compile("<style>a{}</style><p>{{x}}</p><script>go()</script>");
    expect(t.styles).toEqual(["a{}"]);
    expect(t.scripts).toEqual(["go()"]);
  });
  it("escapeHtml covers backticks", () => expect(escapeHtml("`")).toBe("&#96;"));
});

describe("renderBytes", () => {
  it("writes exactly the UTF-8 of render() for any values, Hangul and lone surrogates included", async () => {
    const fc = await import("fast-check");
    const { encodeTemplate, renderBytes } = await import("../../src/site/render/template");
    const t = compile("<p>…{{a}}</p>{{#b}}<i>{{b}}</i>{{/b}}{{{c}}}한국어");
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.string({ unit: "grapheme" }), fc.string(), (a, b, c) => {
        const values = { a, b, c };
        expect(renderBytes(encodeTemplate(t), values)).toEqual(new TextEncoder().encode(render(t, values)));
      }),
    );
  });
});
