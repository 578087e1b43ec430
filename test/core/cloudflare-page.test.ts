/**
 * The recognizer on the fixture set: Cloudflare's own pages are told apart from origin pages that
 * mention Cloudflare by structure, never by the word.
 */
import { describe, expect, it } from "vitest";
import { classify, type ResponseObservation } from "../../src/core/classify";
import { findSubCode, recognize, startTags } from "../../src/core/cloudflare-page";
import { fixtureBody, PAGE_FIXTURES } from "../fixtures/pages";

function observe(status: number, headers: Readonly<Record<string, string>>, body: string): ResponseObservation {
  return {
    source: "response",
    status,
    contentType: headers["content-type"] ?? null,
    retryAfter: headers["retry-after"] ?? null,
    server: headers.server ?? null,
    cfRay: headers["cf-ray"] ?? null,
    contentEncoding: null,
    bodyDecoding: "none",
    bodyPrefix: body,
    bodyBytesRead: body.length,
    elapsedMs: 1,
  };
}

describe("the fixture set", () => {
  it.each(PAGE_FIXTURES.map((f) => [`${f.file} (${f.status}, server ${f.headers.server ?? "none"})`, f] as const))("%s", (_, f) => {
    const failure = classify(observe(f.status, f.headers, fixtureBody(f.file)));
    expect(failure).toMatchObject({ rule: f.expected.rule, category: f.expected.category, status: f.expected.status });
    expect(failure.subCode).toBe(f.expected.subCode);
  });

  it("every origin page in the set mentions Cloudflare, so a word grep would have blamed the edge", () => {
    for (const f of PAGE_FIXTURES.filter((p) => p.file.startsWith("origin-") && p.file !== "origin-nginx-502.html")) {
      expect(fixtureBody(f.file), f.file).toMatch(/cloudflare/i);
      expect(classify(observe(f.status, f.headers, fixtureBody(f.file))).category, f.file).toBe("origin");
    }
  });
});

describe("recognize", () => {
  const input = (body: string, over: Partial<Parameters<typeof recognize>[0]> = {}) => ({
    status: 502,
    server: null,
    cfRay: null,
    body,
    ...over,
  });

  it("a full page cut off by the prefix before its columns is unmarked: 502/504 the origin's, 500/503 the edge's", () => {
    const head = fixtureBody("cf-full-502-host.html").slice(0, 1500);
    expect(head).not.toContain("cf-host-status");
    expect(recognize(input(head))).toEqual({ rule: "cf_page_unmarked_gateway", side: "origin" });
    expect(recognize(input(head, { status: 504 }))).toEqual({ rule: "cf_page_unmarked_gateway", side: "origin" });
    expect(recognize(input(head, { status: 500 }))).toEqual({ rule: "cf_page_unmarked", side: "edge" });
    expect(recognize(input(head, { status: 503 }))).toEqual({ rule: "cf_page_unmarked", side: "edge" });
  });

  it("markup quoted in a script, a comment or as text never counts", () => {
    expect(recognize(input(fixtureBody("origin-quotes-cf-markup-502.html")))).toEqual({ rule: "origin_page", side: "origin" });
  });

  it("the short page needs nginx's layout: a status title and `<hr><center>cloudflare</center>`", () => {
    expect(recognize(input("<html><body><center>cloudflare</center></body></html>"))).toMatchObject({ rule: "origin_page" });
    expect(recognize(input("<title>Oops</title><hr><center>cloudflare</center>"))).toMatchObject({ rule: "origin_page" });
    expect(recognize(input("<title>502 Bad Gateway</title><hr><center>Cloudflare-NGINX</center>"))).toMatchObject({ rule: "cf_short_page", side: "edge" });
    expect(recognize(input(fixtureBody("origin-footer-504.html"), { status: 504 }))).toMatchObject({ rule: "origin_page" });
  });

  it("`error code: NNN` is Cloudflare's only with `Server: cloudflare`; the headers alone never blame the edge", () => {
    expect(recognize(input("error code: 502", { server: "cloudflare" }))).toEqual({ rule: "cf_error_code_text", side: "edge" });
    expect(recognize(input("error code: 502"))).toEqual({ rule: "origin_page", side: "origin" });
    expect(recognize(input("error code: 502 (see logs)", { server: "cloudflare" }))).toEqual({ rule: "cf_headers_only", side: "origin" });
    expect(recognize(input("<h1>502</h1>", { cfRay: "8e7a4c1f2b3d5e60-ICN" }))).toEqual({ rule: "cf_headers_only", side: "origin" });
  });

  it("a structured error without `cloudflare_error: true` is an ordinary JSON body", () => {
    expect(recognize(input('{"error_category":"cloudflare","error_code":502}'))).toMatchObject({ rule: "origin_page" });
    expect(recognize(input('{"cloudflare_error":true,"error_category":"cloudflare"'))).toMatchObject({ rule: "origin_page" });
  });
});

describe("findSubCode", () => {
  it.each([
    ['<html><span class="cf-error-code">1033</span>', 1033, "span"],
    ["<html><head><title>1033: Cloudflare Tunnel error</title>", 1033, "title"],
    ["<html><head><title>shop.example.com | 1016: Origin DNS error</title>", 1016, "title"],
    ["<html><head><title>Error 1014 | shop.example.com | Cloudflare</title>", 1014, "title"],
    ["error code: 1016", 1016, "text"],
    ['{"error_code":1033}', 1033, "text"],
    ['{"error_code":1033,"cloudflare_error":true,"error_category":"config"}', 1033, "structured"],
    ["---\nerror_code: 1016\nerror_category: config\ncloudflare_error: true\n---\n\n# Error 1016", 1016, "structured"],
    // Cut off by the prefix: no longer data, so the text forms still find it.
    ['{"error_code":1033,"cloudflare_error":true,"detail":"Cloudflare could not', 1033, "text"],
  ])("%s → %i (%s)", (body, code, form) => expect(findSubCode(body)).toEqual({ code, form }));

  it("a structured error's code is its `error_code` field, not a number in its `type` URL or its prose", () => {
    const body = JSON.stringify({
      type: "https://developers.cloudflare.com/support/troubleshooting/http-status-codes/cloudflare-1xxx-errors/error-1016/",
      detail: "Error 1014 was fixed; this is another one.",
      error_code: 1033,
      error_category: "config",
      cloudflare_error: true,
    });
    expect(findSubCode(body)).toEqual({ code: 1033, form: "structured" });
  });

  it("ignores 5XX codes in Cloudflare's spans, and numbers in ordinary titles", () => {
    expect(findSubCode('<html><span class="cf-error-code">522</span>')).toBeUndefined();
    expect(findSubCode("<html><title>Order 1234 shipped</title>")).toBeUndefined();
  });
});

describe("startTags", () => {
  it("skips comments, scripts and styles, and reads id, class and the text that follows", () => {
    const tags = startTags('<!-- <b id="x"> --><script>var s = "<i id=\'y\'>";</script><style>p{}</style><p id="a" class="one  two">hi<b>');
    expect(tags.map((t) => t.name)).toEqual(["script", "style", "p", "b"]);
    expect(tags[2]).toEqual({ name: "p", id: "a", classes: ["one", "two"], text: "hi" });
  });

  it("is linear on hostile input", () => {
    const hostile = "<a ".repeat(50_000) + "<!--".repeat(10_000) + "<script>".repeat(10_000);
    expect(startTags(hostile).length).toBeLessThan(60_000);
    expect(recognize({ status: 502, server: null, cfRay: null, body: hostile }).rule).toBe("origin_page");
  });
});
