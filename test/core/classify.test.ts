/**
 * One test per row of the decision table in docs/classification.md: each names its rule, and
 * checks the code sent, the category (who fixes it) and the rule recorded.
 */
import { describe, expect, it } from "vitest";
import { classify, type ErrorObservation, type ProbeResult, type ResponseObservation, type Rule } from "../../src/core/classify";
import { parseSubCode, reasonPhrase } from "../../src/core/codes";
import { fixtureBody } from "../fixtures/pages";

const response = (status: number, bodyPrefix = "<h1>oops</h1>", over: Partial<ResponseObservation> = {}): ResponseObservation => ({
  source: "response",
  status,
  contentType: "text/html",
  retryAfter: null,
  server: null,
  cfRay: null,
  contentEncoding: null,
  bodyDecoding: "none",
  bodyPrefix,
  bodyBytesRead: bodyPrefix.length,
  elapsedMs: 3,
  ...over,
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

const LOST = "Network connection lost.";
const failed: ProbeResult = { tcp: "failed", tcpMs: 1, detail: "connection refused" };
const https = "https://127.0.0.1:8443";
const tls = (t: NonNullable<ProbeResult["tls"]>): ProbeResult => ({ tcp: "open", tcpMs: 1, tls: t, tlsMs: 1 });
const cloudflare = { server: "cloudflare", cfRay: "8e7a4c1f2b3d5e60-ICN" };
const unmark = (html: string) => html.replace('class="cf-error-source ', 'class=" ');

describe("decision table: when the origin answers", () => {
  it.each<[Rule, ResponseObservation, { status: number; category: string; kind: string }]>([
    ["cf_page_source_cloudflare", response(502, fixtureBody("cf-full-502-cloudflare.html"), cloudflare), { status: 502, category: "cloudflare", kind: "edge_status" }],
    ["cf_page_source_host", response(502, fixtureBody("cf-full-502-host.html"), cloudflare), { status: 502, category: "origin", kind: "origin_status" }],
    ["cf_page_unmarked_gateway", response(504, unmark(fixtureBody("cf-full-504-host.html")), cloudflare), { status: 504, category: "origin", kind: "origin_status" }],
    ["cf_page_unmarked", response(503, unmark(fixtureBody("cf-full-502-host.html")), cloudflare), { status: 503, category: "cloudflare", kind: "edge_status" }],
    ["cf_short_page", response(502, fixtureBody("cf-short-502.html")), { status: 502, category: "cloudflare", kind: "edge_status" }],
    ["cf_error_code_text", response(502, "error code: 502", { ...cloudflare, contentType: "text/plain" }), { status: 502, category: "cloudflare", kind: "edge_status" }],
    ["cf_structured_edge", response(502, fixtureBody("cf-502-structured.json"), { contentType: "application/json" }), { status: 502, category: "cloudflare", kind: "edge_status" }],
    ["cf_structured_origin", response(504, fixtureBody("cf-504-structured.md"), { contentType: "text/markdown" }), { status: 504, category: "origin", kind: "origin_status" }],
    ["cf_headers_only", response(500, fixtureBody("origin-email-protection-500.html"), cloudflare), { status: 500, category: "origin", kind: "origin_status" }],
    ["origin_page", response(500, fixtureBody("origin-cdnjs-500.html")), { status: 500, category: "origin", kind: "origin_status" }],
    ["origin_other_status", response(507, "<h1>507 Insufficient Storage</h1>"), { status: 507, category: "origin", kind: "origin_status" }],
    ["reported_status", response(522, "cloudflare"), { status: 522, category: "origin", kind: "reported" }],
    ["sub_code_span", response(530, fixtureBody("cf-530-1033-span.html")), { status: 530, category: "config", kind: "reported" }],
    ["sub_code_title", response(530, fixtureBody("cf-530-1033-title.html")), { status: 530, category: "config", kind: "reported" }],
    ["sub_code_text", response(530, "error code: 1016", { contentType: "text/plain" }), { status: 530, category: "config", kind: "reported" }],
    ["sub_code_structured", response(530, fixtureBody("cf-530-1016.json"), { ...cloudflare, contentType: "application/json" }), { status: 530, category: "config", kind: "reported" }],
    ["status_out_of_range", response(600, "hi"), { status: 520, category: "origin", kind: "bad_reply" }],
  ])("rule %s", (rule, observation, expected) => {
    const f = classify(observation);
    expect(f).toMatchObject({ rule, ...expected });
    expect(f.evidence).toBe(observation);
  });

  it("keeps the 1xxx code Cloudflare's own 500/503 names (a Worker upstream failed), and none on an origin's page", () => {
    const threw = classify(response(500, "error code: 1101", { ...cloudflare, contentType: "text/plain" }));
    expect(threw).toMatchObject({ code: 500, status: 500, kind: "edge_status", rule: "cf_error_code_text", subCode: 1101, name: "worker_threw_exception", hop: "edge" });
    const limits = classify(response(503, fixtureBody("cf-full-502-host.html").replace(/<title>[^<]*<\/title>/, "<title>example.com | 1102: Worker exceeded resource limits</title>").replace('class="cf-error-source ', 'class=" '), cloudflare));
    expect(limits).toMatchObject({ code: 503, kind: "edge_status", subCode: 1102, name: "worker_exceeded_resource_limits" });
    const origin = classify(response(500, "<h1>error code: 1101</h1>"));
    expect(origin).toMatchObject({ kind: "origin_status" });
    expect(origin.subCode).toBeUndefined();
    const plain = classify(response(502, "error code: 502", { ...cloudflare, contentType: "text/plain" }));
    expect(plain.subCode).toBeUndefined();
  });

  it("rule reported_status also covers a 530 whose 1xxx code is nowhere in the body", () => {
    const f = classify(response(530, "nothing here"));
    expect(f).toMatchObject({ rule: "reported_status", status: 530 });
    expect(f.subCode).toBeUndefined();
  });

  it.each([500, 502, 503, 504])("an origin %i keeps its code and is the origin's to fix", (status) => {
    expect(classify(response(status))).toMatchObject({ code: status, status, kind: "origin_status", hop: "origin", category: "origin", rule: "origin_page" });
  });

  it.each([520, 521, 522, 523, 524, 525, 526, 527])("reported %i keeps its code whatever the body says", (status) => {
    expect(classify(response(status, fixtureBody("cf-full-502-cloudflare.html")))).toMatchObject({ code: status, status, kind: "reported" });
  });

  it("525 and 526 are ssl and not retryable", () => {
    expect(classify(response(525))).toMatchObject({ category: "ssl", retryable: false });
    expect(classify(response(526))).toMatchObject({ category: "ssl", retryable: false });
  });

  it("530 carries the 1xxx code and its name", () => {
    expect(classify(response(530, "error code: 1016"))).toMatchObject({ code: 530, subCode: 1016, name: "origin_dns_error" });
    expect(classify(response(530, fixtureBody("cf-530-1033-span.html")))).toMatchObject({ subCode: 1033, name: "tunnel_error" });
    expect(classify(response(530, fixtureBody("cf-530-1033-title.html")))).toMatchObject({ subCode: 1033, name: "tunnel_error" });
  });

  it.each([
    [501, "not_implemented", false],
    [505, "http_version_not_supported", false],
    [506, "variant_also_negotiates", false],
    [507, "insufficient_storage", true],
    [508, "loop_detected", false],
    [510, "not_extended", false],
    [511, "network_authentication_required", false],
    [509, "server_error", true],
    [529, "server_error", true],
    [599, "server_error", true],
  ])("an origin %i is sent on with its own status (rule origin_other_status), read against the 500 row", (status, name, retryable) => {
    const f = classify(response(status, fixtureBody("cf-short-502.html")));
    expect(f).toMatchObject({ status, code: 500, name, retryable, category: "origin", hop: "origin", rule: "origin_other_status" });
  });

  it.each([600, 999, 1000, 199, 99, 0])("a status %i no response can carry is a 520 (rule status_out_of_range)", (status) => {
    expect(classify(response(status))).toMatchObject({ status: 520, code: 520, kind: "bad_reply", rule: "status_out_of_range" });
  });

  it("IANA's reason phrases, and none for unassigned statuses", () => {
    expect(reasonPhrase(507)).toBe("Insufficient Storage");
    expect(reasonPhrase(511)).toBe("Network Authentication Required");
    expect(reasonPhrase(502)).toBe("Bad Gateway");
    expect(reasonPhrase(509)).toBeNull();
  });
});

describe("decision table: when fetching the origin throws", () => {
  it.each<[Rule, ErrorObservation, { status: number; kind: string; subCode?: number }]>([
    ["timeout_port_open", thrown({ errorName: "TimeoutError", timedOut: true }), { status: 524, kind: "response_timeout" }],
    ["connect_timeout", thrown({ timedOut: true, probe: { tcp: "timeout", tcpMs: 1500 } }), { status: 522, kind: "connect_timeout" }],
    ["timeout_port_closed", thrown({ timedOut: true, probe: failed }), { status: 521, kind: "refused" }],
    ["lost_port_closed", thrown({ errorMessage: LOST, probe: failed }), { status: 521, kind: "refused" }],
    ["connect_failed_ip", thrown({ origin: "http://192.0.2.1", probe: failed }), { status: 523, kind: "unreachable" }],
    ["connect_failed_name", thrown({ origin: "http://origin.example.com", probe: failed }), { status: 530, kind: "dns", subCode: 1016 }],
    ["lost_after_connect", thrown({ errorMessage: LOST }), { status: 520, kind: "empty_reply" }],
    ["error_after_connect", thrown({}), { status: 520, kind: "bad_reply" }],
    ["tls_handshake_record", thrown({ origin: https, probe: tls("tls") }), { status: 526, kind: "tls_certificate" }],
    ["tls_alert", thrown({ origin: https, probe: tls("alert") }), { status: 525, kind: "tls_handshake" }],
    ["tls_not_tls", thrown({ origin: https, probe: tls("not_tls") }), { status: 525, kind: "tls_handshake" }],
    ["tls_silent", thrown({ origin: https, probe: tls("timeout") }), { status: 525, kind: "tls_handshake" }],
    ["unprobed_timeout", thrown({ probe: "skipped", timedOut: true }), { status: 524, kind: "response_timeout" }],
    ["unprobed_lost", thrown({ probe: "skipped", errorMessage: LOST }), { status: 520, kind: "connection_lost" }],
    ["unprobed_error", thrown({ probe: "skipped" }), { status: 520, kind: "bad_reply" }],
    ["connect_check", thrown({ connectTimedOut: true, probe: "skipped" }), { status: 522, kind: "connect_timeout" }],
    ["connect_check", thrown({ connectTimedOut: true, probe: { tcp: "open", tcpMs: 2 } }), { status: 522, kind: "connect_timeout" }],
    ["connect_check_closed", thrown({ connectTimedOut: true, probe: failed }), { status: 521, kind: "refused" }],
  ])("rule %s", (rule, observation, expected) => {
    expect(classify(observation)).toMatchObject({ rule, ...expected });
  });

  it("a validated TLS session that then fails is the reply's fault, not the certificate's", () => {
    expect(classify(thrown({ origin: https, probe: tls("valid") }))).toMatchObject({ status: 520, rule: "error_after_connect" });
    expect(classify(thrown({ origin: https, errorMessage: LOST, probe: tls("valid") }))).toMatchObject({ status: 520, rule: "lost_after_connect" });
  });
});

describe("decision table: the Worker's own fault", () => {
  it("rule worker_exception: a category of its own, on the edge hop, not Cloudflare's", () => {
    const f = classify({ source: "fault", errorName: "TypeError", errorMessage: "x is undefined" });
    expect(f).toMatchObject({ status: 500, code: 500, hop: "edge", kind: "worker_fault", category: "worker", rule: "worker_exception" });
    expect(f.category).not.toBe("cloudflare");
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
