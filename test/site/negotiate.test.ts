import { describe, expect, it } from "vitest";
import { negotiate } from "../../src/site/render/negotiate";
import { generateRayId, isRayId, rayIdFor } from "../../src/core/ray";

describe("negotiate", () => {
  it.each([
    [undefined, "html"],
    ["text/html,application/xhtml+xml,*/*;q=0.8", "html"],
    ["application/problem+json", "problem"],
    ["application/json", "problem"],
    ["text/plain", "text"],
    ["text/html;q=0.1, application/json", "problem"],
    ["application/json;q=0, text/plain", "text"],
    ["image/png", "html"],
    ["*/*", "html"],
  ])("%s → %s", (accept, format) => expect(negotiate(accept)).toBe(format));
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
