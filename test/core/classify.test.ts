import { describe, expect, it } from "vitest";
import { classify, type ErrorObservation, type ResponseObservation } from "../../src/core/classify";
import { parseSubCode } from "../../src/core/codes";

const response = (status: number, bodyPrefix = "<h1>oops</h1>"): ResponseObservation => ({
  source: "response",
  status,
  contentType: "text/html",
  retryAfter: null,
  bodyPrefix,
  bodyBytesRead: bodyPrefix.length,
  elapsedMs: 3,
});

const thrown = (over: Partial<ErrorObservation>): ErrorObservation => ({
  source: "exception",
  errorName: "Error",
  errorMessage: "internal error; reference = abc",
  timedOut: false,
  elapsedMs: 5,
  origin: "http://127.0.0.1:9",
  probe: { tcp: "open", tcpMs: 1 },
  ...over,
});

describe("classify: responses", () => {
  it.each([500, 502, 503, 504])("origin %i keeps its code and is the origin's fault", (status) => {
    const f = classify(response(status));
    expect(f).toMatchObject({ code: status, kind: "origin_status", hop: "origin", category: "origin" });
  });

  it.each([500, 502, 503, 504])("Cloudflare-branded %i is the edge's", (status) => {
    const f = classify(response(status, "<center>cloudflare-nginx</center>"));
    expect(f).toMatchObject({ code: status, kind: "edge_status", hop: "edge", category: "cloudflare" });
  });

  it.each([520, 521, 522, 523, 524, 525, 526, 527])("reported %i keeps its code", (status) => {
    expect(classify(response(status, "cloudflare"))).toMatchObject({ code: status, kind: "reported" });
  });

  it("525 and 526 are ssl and not retryable", () => {
    expect(classify(response(525))).toMatchObject({ category: "ssl", retryable: false });
    expect(classify(response(526))).toMatchObject({ category: "ssl", retryable: false });
  });

  it("530 carries the 1xxx code from the body", () => {
    expect(classify(response(530, "error code: 1016"))).toMatchObject({ code: 530, subCode: 1016, name: "origin_dns_error" });
    expect(classify(response(530, "error code: 1033"))).toMatchObject({ subCode: 1033, name: "tunnel_error" });
    expect(classify(response(530, "nothing here")).subCode).toBeUndefined();
  });

  it("other 5XX statuses are shown as 500 with the original kept in evidence", () => {
    const f = classify(response(507));
    expect(f.code).toBe(500);
    expect(f.evidence).toMatchObject({ status: 507 });
  });
});

describe("classify: thrown fetches, with probe evidence", () => {
  it("refused: connection lost and the port refuses → 521", () => {
    const f = classify(thrown({ errorMessage: "Network connection lost.", probe: { tcp: "failed", tcpMs: 1, detail: "cannot connect" } }));
    expect(f).toMatchObject({ code: 521, kind: "refused", hop: "origin" });
  });
  it("accepted then closed without a reply → 520 empty", () => {
    expect(classify(thrown({ errorMessage: "Network connection lost." }))).toMatchObject({ code: 520, kind: "empty_reply" });
  });
  it("garbage reply from a reachable origin → 520", () => {
    expect(classify(thrown({}))).toMatchObject({ code: 520, kind: "bad_reply" });
  });
  it("timed out while the port accepts → 524", () => {
    expect(classify(thrown({ errorName: "TimeoutError", timedOut: true }))).toMatchObject({ code: 524, kind: "response_timeout" });
  });
  it("timed out and the connect itself hangs → 522", () => {
    expect(classify(thrown({ timedOut: true, probe: { tcp: "timeout", tcpMs: 1500 } }))).toMatchObject({ code: 522 });
  });
  it("https: plain-text port or TLS alert → 525; TLS server with a bad certificate → 526", () => {
    const https = "https://127.0.0.1:8443";
    expect(classify(thrown({ origin: https, probe: { tcp: "open", tcpMs: 1, tls: "not_tls" } })).code).toBe(525);
    expect(classify(thrown({ origin: https, probe: { tcp: "open", tcpMs: 1, tls: "alert" } })).code).toBe(525);
    expect(classify(thrown({ origin: https, probe: { tcp: "open", tcpMs: 1, tls: "tls" } })).code).toBe(526);
    expect(classify(thrown({ origin: https, probe: { tcp: "open", tcpMs: 1, tls: "valid" } })).code).toBe(520);
  });
  it("name that cannot be connected to → 530 with 1016; an IP literal → 523", () => {
    const failed = { tcp: "failed", tcpMs: 1, detail: "x" } as const;
    expect(classify(thrown({ origin: "http://origin.example.com", probe: failed }))).toMatchObject({ code: 530, subCode: 1016 });
    expect(classify(thrown({ origin: "http://192.0.2.1", probe: failed }))).toMatchObject({ code: 523, category: "network" });
  });
  it("without probes (zone route) it still tells timeouts from dropped connections", () => {
    expect(classify(thrown({ probe: "skipped", timedOut: true })).code).toBe(524);
    expect(classify(thrown({ probe: "skipped", errorMessage: "Network connection lost." }))).toMatchObject({ code: 520, kind: "connection_lost" });
  });
  it("a fault of the Worker itself is a 500 on the edge's side", () => {
    expect(classify({ source: "fault", errorName: "TypeError", errorMessage: "x is undefined" })).toMatchObject({ code: 500, hop: "edge", kind: "worker_fault" });
  });
});

describe("parseSubCode", () => {
  it.each([
    ["error code: 1016", 1016],
    ["Error 1033 Ray ID: abc", 1033],
    ['{"error_code":1014}', 1014],
    ["error code:1000", 1000],
  ])("%s → %i", (body, code) => expect(parseSubCode(body)).toBe(code));
  it("ignores other numbers", () => {
    expect(parseSubCode("error code: 10160")).toBeUndefined();
    expect(parseSubCode("status 530 at 10:16")).toBeUndefined();
  });
});
