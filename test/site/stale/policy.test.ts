import { describe, expect, it } from "vitest";
import { classify } from "../../../src/core/classify";
import { ConfigError } from "../../../src/core/vars";
import { admitStyle } from "../../../src/site/stale/banner";
import { compilePaths, cookieNames, copyKey, coversFailure, requestQualifies, unkeepable } from "../../../src/site/stale/policy";

const html = (headers: Record<string, string> = {}, status = 200) => new Response("<p>x</p>", { status, headers: { "content-type": "text/html; charset=utf-8", ...headers } });

describe("STALE_PATHS patterns", () => {
  it("match whole paths, with * for any run of characters", () => {
    const all = compilePaths(["/*"]);
    expect(all.test("/")).toBe(true);
    expect(all.test("/a/b.html")).toBe(true);
    const blog = compilePaths(["/blog/*", "/about"]);
    expect(blog.test("/blog/")).toBe(true);
    expect(blog.test("/blog/2026/hello")).toBe(true);
    expect(blog.test("/blog")).toBe(false);
    expect(blog.test("/about")).toBe(true);
    expect(blog.test("/about/team")).toBe(false);
    expect(blog.test("/x/blog/y")).toBe(false);
  });

  it("treat everything but * literally", () => {
    const p = compilePaths(["/a.b/(x)+"]);
    expect(p.test("/a.b/(x)+")).toBe(true);
    expect(p.test("/aXb/x")).toBe(false);
  });

  it("refuse entries that are not paths", () => {
    expect(() => compilePaths(["blog/*"])).toThrow(ConfigError);
    expect(() => compilePaths(["/a?b"])).toThrow(ConfigError);
  });
});

describe("which requests qualify", () => {
  const paths = compilePaths(["/*"]);
  const req = (init: RequestInit = {}) => new Request("https://shop.example.com/p", init);
  it("a plain GET does", () => expect(requestQualifies(req(), "/p", paths, ["session"])).toBe(true));
  it("HEAD, POST and anything with Authorization do not", () => {
    expect(requestQualifies(req({ method: "HEAD" }), "/p", paths, [])).toBe(false);
    expect(requestQualifies(req({ method: "POST", body: "x" }), "/p", paths, [])).toBe(false);
    expect(requestQualifies(req({ headers: { authorization: "Basic eDp5" } }), "/p", paths, [])).toBe(false);
  });
  it("a named cookie stops it; other cookies and lookalike names do not", () => {
    expect(requestQualifies(req({ headers: { cookie: "a=1; session=2" } }), "/p", paths, ["session"])).toBe(false);
    expect(requestQualifies(req({ headers: { cookie: "a=1; mysession=2; session_hint=3" } }), "/p", paths, ["session"])).toBe(true);
  });
  it("a path outside the patterns does not", () => expect(requestQualifies(req(), "/p", compilePaths(["/blog/*"]), [])).toBe(false));
  it("cookie names are read from the header", () => expect(cookieNames(" a=1;b=2 ; c")).toEqual(["a", "b", "c"]));
});

describe("which responses are kept", () => {
  it("a shareable 200 HTML page is", () => expect(unkeepable(html(), 1000)).toBeNull());
  it.each([
    ["status", html({}, 404)],
    ["not_html", new Response("{}", { headers: { "content-type": "application/json" } })],
    ["set_cookie", html({ "set-cookie": "a=1" })],
    ["private", html({ "cache-control": "max-age=0, private" })],
    ["private", html({ "cache-control": "no-store" })],
    ["vary", html({ vary: "Accept-Encoding, Cookie" })],
    ["vary", html({ vary: "*" })],
    ["too_large", html({ "content-length": "1001" })],
  ])("not when %s", (why, res) => expect(unkeepable(res, 1000)).toBe(why));
  it("Vary on encoding or language is fine", () => expect(unkeepable(html({ vary: "Accept-Encoding, Accept-Language" }), 1000)).toBeNull());
});

describe("which failures a copy stands in for", () => {
  const exception = (message: string, tcp: "failed" | "open" | "timeout") =>
    classify({ source: "exception", errorName: "Error", errorMessage: message, timedOut: false, elapsedMs: 1, origin: "http://127.0.0.1:1", probe: { tcp, tcpMs: 1 } });
  const status = (code: number, body = "") => classify({ source: "response", status: code, contentType: "text/html", retryAfter: null, bodyPrefix: body, bodyBytesRead: body.length, elapsedMs: 1 });
  it("origin unreachable, and the 52x the platform reports", () => {
    expect(coversFailure(exception("Network connection lost.", "failed"), false)).toBe(true);
    expect(coversFailure(exception("x", "timeout"), false)).toBe(true);
    expect(coversFailure(status(522), false)).toBe(true);
    expect(coversFailure(status(530), false)).toBe(true);
  });
  it("the origin's own 500–504 only when the owner allows it", () => {
    expect(coversFailure(status(502), false)).toBe(false);
    expect(coversFailure(status(502), true)).toBe(true);
    expect(coversFailure(status(501), true)).toBe(false);
  });
  it("never a fault of the Worker or the edge", () => {
    expect(coversFailure(classify({ source: "fault", errorName: "TypeError", errorMessage: "x" }), true)).toBe(false);
    expect(coversFailure({ ...status(502), kind: "edge_status" }, true)).toBe(false);
  });
});

describe("the copy's key", () => {
  it("is the page's host under a path of its own, with the query", () => {
    expect(copyKey(new URL("https://shop.example.com/a/b?x=1"))).toBe("https://shop.example.com/.well-known/edge-error-pages/last-good-copy/a/b?x=1");
  });
});

describe("admitting the banner's style in the page's CSP", () => {
  const h = "'sha256-abc'";
  it("adds the hash to style-src", () => expect(admitStyle("default-src 'self'; style-src 'self'", h)).toBe(`default-src 'self'; style-src 'self' ${h}`));
  it("replaces 'none'", () => expect(admitStyle("style-src 'none'", h)).toBe(`style-src ${h}`));
  it("derives style-src from default-src when there is none", () => expect(admitStyle("default-src 'self'; img-src *", h)).toBe(`default-src 'self'; img-src *; style-src 'self' ${h}`));
  it("leaves 'unsafe-inline' alone, which a hash would turn off", () => expect(admitStyle("style-src 'self' 'unsafe-inline'", h)).toBe("style-src 'self' 'unsafe-inline'"));
  it("adds to style-src-elem, which governs <style> when present", () => expect(admitStyle("style-src 'self'; style-src-elem 'self'", h)).toBe(`style-src 'self'; style-src-elem 'self' ${h}`));
  it("leaves a policy that does not restrict styles alone", () => expect(admitStyle("frame-ancestors 'none'", h)).toBe("frame-ancestors 'none'"));
});
