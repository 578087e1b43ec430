import { describe, expect, it } from "vitest";
import { negotiate, negotiation } from "../../src/site/render/negotiate";
import { generateRayId, isRayId, rayIdFor } from "../../src/core/ray";

/** What clients really send. */
const BROWSER_NAVIGATION = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7";
const FIREFOX_NAVIGATION = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
const FETCH = "*/*"; // browsers' fetch(), curl, Go's net/http (no header at all), Python requests
const AXIOS = "application/json, text/plain, */*";
const JQUERY_JSON = "application/json, text/javascript, */*; q=0.01";

describe("negotiate: Cloudflare's table for its own errors", () => {
  it.each([
    // developers.cloudflare.com/fundamentals/reference/error-responses, row by row
    ["application/json", "json"],
    ["application/problem+json", "problem"],
    ["application/json, text/markdown;q=0.9", "json"],
    ["text/markdown", "markdown"],
    ["text/markdown, application/json", "markdown"], // equal q: the first listed wins
    ["text/*", "markdown"],
    ["text/html", "html"],
    ["*/*", "html"],
    [undefined, "html"],
    // and the rest of what we answer
    ["", "html"],
    [BROWSER_NAVIGATION, "html"],
    ["text/plain", "text"],
    ["application/*", "json"],
    ["text/html;q=0.1, application/json", "json"],
    ["application/json;q=0, text/plain", "text"],
    ["application/problem+json, application/json", "problem"],
    ["application/json;q=0.5, application/problem+json", "problem"],
    ["image/png", "html"],
    ["TEXT/MARKDOWN", "markdown"],
    ["text/markdown;charset=utf-8", "markdown"],
    // the most specific range decides a type's q (RFC 9110): Markdown is refused here, so text/* falls to HTML
    ["text/markdown;q=0, text/*", "html"],
    ["*/*, text/html;q=0", "json"],
  ])("%s → %s", (accept, format) => expect(negotiate(accept)).toBe(format));
});

describe("negotiation: who gets an origin's own JSON error", () => {
  it.each([
    [undefined, true],
    [FETCH, true],
    [AXIOS, true],
    [JQUERY_JSON, true],
    ["application/json", true],
    ["text/plain, application/json", true],
    ["text/html, application/json;q=0.1", true], // application/json anywhere
    ["application/vnd.api+json", true],
    ["text/markdown", true],
    ["image/png", true],
    ["text/html;q=0.5, */*", true], // HTML, but not first
    [BROWSER_NAVIGATION, false],
    [FIREFOX_NAVIGATION, false],
    ["text/html", false],
    ["application/xhtml+xml", false],
    ["text/html, */*", false],
    ["text/html, application/json;q=0", false],
  ])("%s → pass through: %s", (accept, passes) => expect(negotiation(accept).passThrough).toBe(passes));
});

describe("ray id", () => {
  it("accepts Cloudflare's format and replaces anything else", () => {
    expect(isRayId("230b030023ae2822-SJC")).toBe(true);
    expect(isRayId("230b030023ae2822")).toBe(true);
    expect(rayIdFor(new Headers({ "cf-ray": "230b030023ae2822-ICN" }))).toBe("230b030023ae2822-ICN");
    const forged = rayIdFor(new Headers({ "cf-ray": `<script>${"a".repeat(5000)}` }));
    expect(forged).toMatch(/^[0-9a-f]{16}$/);
  });
  it("generates 16 hex characters", () => {
    expect(generateRayId()).toMatch(/^[0-9a-f]{16}$/);
    expect(generateRayId()).not.toBe(generateRayId());
  });
});
