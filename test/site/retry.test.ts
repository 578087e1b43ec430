import { describe, expect, it } from "vitest";
import { failedBeforeResponse, mayRetry } from "../../src/site/retry";
import { OriginFetchError } from "../../src/site/proxy";

const lost = (origin: string, message: string, timedOut = false) => new OriginFetchError(new URL(origin), timedOut, 1, { cause: new Error(message) });

describe("which requests may be sent twice", () => {
  it("GET, HEAD and OPTIONS without a body", () => {
    for (const method of ["GET", "HEAD", "OPTIONS"]) expect(mayRetry(new Request("https://a.example/", { method }))).toBe(true);
  });
  it("other methods only with an Idempotency-Key, and never with a body", () => {
    expect(mayRetry(new Request("https://a.example/", { method: "POST", body: "x" }))).toBe(false);
    expect(mayRetry(new Request("https://a.example/", { method: "DELETE" }))).toBe(false);
    expect(mayRetry(new Request("https://a.example/", { method: "DELETE", headers: { "idempotency-key": "k" } }))).toBe(true);
    expect(mayRetry(new Request("https://a.example/", { method: "POST", body: "x", headers: { "idempotency-key": "k" } }))).toBe(false);
  });
});

describe("which failures happened before any response byte", () => {
  it("a lost connection (refused, reset, closed) on any origin", () => {
    expect(failedBeforeResponse(lost("http://127.0.0.1:1", "Network connection lost."))).toBe(true);
    expect(failedBeforeResponse(lost("https://127.0.0.1:1", "Network connection lost."))).toBe(true);
  });
  it("an internal error only on https, where it is the TLS handshake; on http it can be garbage that arrived", () => {
    expect(failedBeforeResponse(lost("https://127.0.0.1:1", "internal error; reference = abc"))).toBe(true);
    expect(failedBeforeResponse(lost("http://127.0.0.1:1", "internal error; reference = abc"))).toBe(false);
  });
  it("never a header timeout, nor anything that is not a failed origin fetch", () => {
    expect(failedBeforeResponse(lost("http://127.0.0.1:1", "aborted", true))).toBe(false);
    expect(failedBeforeResponse(new Error("Network connection lost."))).toBe(false);
  });
});
