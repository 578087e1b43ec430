import { describe, expect, it } from "vitest";
import { templates as bundled } from "../../templates/index";
import type { Failure } from "../../src/core/classify";
import { type Category, ERROR_CODES, type Hop, SUBCODES } from "../../src/core/codes";
import { LOCALES, messagesFor } from "../../src/core/i18n";
import { compileTemplates, pageValues, renderPage } from "../../src/site/render/page";
import { escapeHtml, render } from "../../src/site/render/template";
import { buildView } from "../../src/site/render/view";

const HOPS: Hop[] = ["browser", "edge", "origin"];
const CATEGORIES: Category[] = ["origin", "cloudflare", "ssl", "network", "config", "worker"];
const SUB_CODES = [undefined, ...Object.keys(SUBCODES).map(Number), 1999];

function failure(code: Failure["code"], hop: Hop, category: Category, retryable: boolean, subCode?: number, status: number = code): Failure {
  return {
    kind: "origin_status",
    code,
    status,
    rule: "origin_page",
    name: "test",
    category,
    hop,
    retryable,
    ...(subCode !== undefined ? { subCode } : {}),
    evidence: { source: "fault", errorName: "Error", errorMessage: "test" },
  };
}

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe("renderPage", () => {
  // Pages are rendered from templates specialized per language and failure signature, cached
  // across requests: a signature that missed an input would show one failure's text on another's page.
  it("renders every failure exactly as the whole template with all its values would, across requests", () => {
    const templates = compileTemplates(bundled.page);
    const requests = [
      { url: new URL("https://shop.example/cart?item=3"), rayId: "8c1f2e3d4c5b6a79-ICN", colo: "ICN", retryAfter: 30, time: new Date("2026-11-24T01:02:03Z") },
      { url: new URL("https://other.example/<b>"), rayId: "0123456789abcdef", colo: undefined, retryAfter: null, time: new Date("2026-01-02T03:04:05Z") },
    ];
    let pages = 0;
    for (const locale of LOCALES)
      for (const code of ERROR_CODES)
        for (const hop of HOPS)
          for (const category of CATEGORIES)
            for (const retryable of [true, false])
              for (const subCode of code === 530 ? SUB_CODES : [undefined]) {
                for (const r of requests) {
                  const view = buildView({ failure: failure(code, hop, category, retryable, subCode), locale, ...r });
                  const expected = render(templates.page, pageValues(view, undefined));
                  expect(decode(renderPage(templates, view, undefined).body)).toBe(expected);
                  pages++;
                }
              }
    expect(pages).toBeGreaterThan(1000);
  });

  it("gives two failures that differ only in hop or category their own texts", () => {
    const templates = compileTemplates(bundled.page);
    const base = { locale: "en" as const, url: new URL("https://shop.example/"), rayId: "0123456789abcdef", time: new Date(0), retryAfter: null };
    const origin = decode(renderPage(templates, buildView({ ...base, failure: failure(502, "origin", "origin", true) }), undefined).body);
    const edge = decode(renderPage(templates, buildView({ ...base, failure: failure(502, "edge", "cloudflare", true) }), undefined).body);
    const en = messagesFor("en");
    expect(origin).toContain(escapeHtml(en.codes[502].happened));
    expect(edge).toContain(escapeHtml(en.edgeVariants[502].happened));
    expect(edge).not.toContain(escapeHtml(en.codes[502].happened));
  });
});
