import { describe, expect, it } from "vitest";
import { classify, type ErrorObservation, type ProbeResult, type ResponseObservation } from "../../src/core/classify";
import { FINDING_KINDS, type Finding, fill, findingOf, findingValues, seconds } from "../../src/core/finding";
import type { CertificateEvidence } from "../../src/core/probe-evidence";
import { LOCALES, messagesFor } from "../../src/core/i18n";
import { observedLine } from "../../src/site/render/view";

const thrown = (over: Partial<ErrorObservation>, probe: Partial<ProbeResult> | "skipped" = {}): ErrorObservation => ({
  source: "exception",
  errorName: "Error",
  errorMessage: "internal error; reference = abc",
  timedOut: false,
  elapsedMs: 5,
  origin: "https://10.1.2.3:8443",
  probe: probe === "skipped" ? probe : { tcp: "open", tcpMs: 1, ...probe },
  ...over,
});

const response = (status: number, bodyPrefix = ""): ResponseObservation => ({
  source: "response", status, contentType: "text/html", retryAfter: null, bodyPrefix, bodyBytesRead: bodyPrefix.length, elapsedMs: 1,
});

const cert = (over: Partial<CertificateEvidence>): CertificateEvidence => ({
  selfSigned: false, notBefore: "2026-01-01T00:00:00.000Z", notAfter: "2027-01-01T00:00:00.000Z",
  expired: false, notYetValid: false, names: ["origin.example"], hostMatches: true, ...over,
});

const lost = "Network connection lost.";
const CASES: readonly [string, ErrorObservation | ResponseObservation, Finding][] = [
  ["refused", thrown({ errorMessage: lost }, { tcp: "failed" }), { kind: "refused", port: 8443 }],
  ["connect timeout", thrown({}, { tcp: "timeout", tcpMs: 1500 }), { kind: "connect_timeout", waitedMs: 1500, port: 8443 }],
  ["header timeout", thrown({ timedOut: true, timeoutMs: 5000, elapsedMs: 5003 }), { kind: "no_headers", timeoutMs: 5000 }],
  ["empty reply", thrown({ errorMessage: lost, origin: "http://10.1.2.3" }, { http: { outcome: "empty", bytes: 0 } }), { kind: "empty_reply", port: 80 }],
  ["garbage", thrown({ origin: "http://10.1.2.3:8080" }, { http: { outcome: "not_http", bytes: 20 } }), { kind: "not_http", port: 8080 }],
  ["half headers", thrown({ errorMessage: lost, origin: "http://h:81" }, { http: { outcome: "closed_before_headers", bytes: 30 } }), { kind: "closed_before_headers", port: 81 }],
  ["big headers", thrown({ origin: "http://h:81" }, { http: { outcome: "headers_too_large", bytes: 20000 } }), { kind: "headers_too_large", port: 81 }],
  ["lost, not reproduced", thrown({ errorMessage: lost, origin: "http://h:81" }, { http: { outcome: "complete", bytes: 90 } }), { kind: "closed_before_headers", port: 81 }],
  ["bad reply, not reproduced", thrown({ origin: "http://h:81" }, { http: { outcome: "complete", bytes: 90 } }), { kind: "bad_reply", port: 81 }],
  ["alert", thrown({}, { tls: "alert", tlsDetail: { alert: "handshake_failure" } }), { kind: "tls_alert", alert: "handshake_failure", port: 8443 }],
  ["not tls", thrown({}, { tls: "not_tls" }), { kind: "tls_not_tls", port: 8443 }],
  ["silent", thrown({}, { tls: "timeout" }), { kind: "tls_silent", port: 8443 }],
  ["legacy", thrown({}, { tls: "legacy", tlsDetail: { version: "TLS 1.0", certificate: cert({}) } }), { kind: "tls_legacy", version: "TLS 1.0", port: 8443 }],
  ["self-signed", thrown({}, { tls: "tls", tlsDetail: { version: "TLS 1.2", certificate: cert({ selfSigned: true }) } }), { kind: "cert_self_signed", port: 8443 }],
  ["expired", thrown({}, { tls: "tls", tlsDetail: { version: "TLS 1.2", certificate: cert({ expired: true, notAfter: "2025-05-06T00:00:00.000Z" }) } }), { kind: "cert_expired", date: "2025-05-06", port: 8443 }],
  ["not yet valid", thrown({}, { tls: "tls", tlsDetail: { version: "TLS 1.2", certificate: cert({ notYetValid: true, notBefore: "2030-01-02T00:00:00.000Z" }) } }), { kind: "cert_not_yet_valid", date: "2030-01-02", port: 8443 }],
  ["wrong host", thrown({}, { tls: "tls", tlsDetail: { version: "TLS 1.2", certificate: cert({ hostMatches: false }) } }), { kind: "cert_wrong_host", port: 8443 }],
  ["TLS 1.3", thrown({}, { tls: "tls", tlsDetail: { version: "TLS 1.3", cipher: "1301" } }), { kind: "cert_hidden", version: "TLS 1.3", port: 8443 }],
  ["untrusted", thrown({}, { tls: "tls", tlsDetail: { version: "TLS 1.2", certificate: cert({}) } }), { kind: "cert_untrusted", port: 8443 }],
  ["unreachable", thrown({}, { tcp: "failed" }), { kind: "unreachable", port: 8443 }],
  ["dns", thrown({ origin: "https://origin.example" }, { tcp: "failed" }), { kind: "dns" }],
  ["origin 502", response(502), { kind: "origin_status", status: 502 }],
  ["reported 522", response(522), { kind: "reported", status: 522 }],
  ["530 with 1033", response(530, "error code: 1033"), { kind: "sub_code", code: 1033 }],
  ["530 without", response(530, "nothing"), { kind: "sub_code_missing" }],
  ["fault", { source: "fault", errorName: "TypeError", errorMessage: "x" } as never, { kind: "worker_fault" }],
];

describe("findingOf", () => {
  it.each(CASES)("%s", (_, observation, expected) => {
    expect(findingOf(classify(observation))).toEqual(expected);
  });

  it("a TLS 1.0 origin with a clean certificate is a 525, a self-signed one a 526", () => {
    expect(classify(thrown({}, { tls: "legacy", tlsDetail: { version: "TLS 1.0", certificate: cert({}) } })).code).toBe(525);
    expect(classify(thrown({}, { tls: "tls", tlsDetail: { version: "TLS 1.3" } })).code).toBe(526);
  });
});

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("finding texts", () => {
  it.each(LOCALES)("%s has a text for every finding, using only the finding's own values", (locale) => {
    const m = messagesFor(locale);
    expect(Object.keys(m.findings).sort()).toEqual([...FINDING_KINDS].sort());
    for (const [, observation, finding] of CASES) {
      const f = classify(observation);
      const line = observedLine(f, m);
      expect(line).not.toMatch(/\{\w+\}/); // every placeholder filled
      expect(line).not.toContain("10.1.2.3");
      expect(line).not.toContain("origin.example");
      for (const owner of m.findings[finding.kind].owner ?? []) expect(fill(owner, findingValues(finding))).not.toMatch(/\{(port|s|alert|version|date|status|code)\}/);
    }
  });

  it("the observed line says the port, the timeout and the alert", () => {
    const en = messagesFor("en");
    expect(observedLine(classify(CASES[0]![1]), en)).toBe("Port 8443 refused the connection.");
    expect(observedLine(classify(CASES[2]![1]), en)).toBe("No response headers within 5 s.");
    expect(observedLine(classify(CASES[9]![1]), en)).toBe("Port 8443 refused the TLS handshake with the alert handshake_failure.");
    expect(observedLine(classify(CASES[2]![1]), messagesFor("ko"))).toBe("5초 안에 응답 헤더가 오지 않았습니다.");
  });

  it("formats seconds without trailing zeros", () => {
    expect([seconds(5000), seconds(1500), seconds(250), seconds(100000)]).toEqual(["5", "1.5", "0.25", "100"]);
    expect(fill("{a} {b}", { a: "1" })).toBe("1 {b}");
  });
});

/** Every string leaf of a messages object, by its path. */
function leaves(value: unknown, path = "", out = new Map<string, string>()): Map<string, string> {
  if (typeof value === "string") out.set(path, value);
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) leaves(v, `${path}.${k}`, out);
  return out;
}

describe("English and Korean say the same things", () => {
  it("both have every key, with the same placeholders", () => {
    const en = leaves(messagesFor("en"));
    const ko = leaves(messagesFor("ko"));
    expect([...ko.keys()].sort()).toEqual([...en.keys()].sort());
    for (const [key, text] of en) {
      if (key === ".locale" || key === ".languageName") continue;
      expect(placeholders(ko.get(key) ?? ""), key).toEqual(placeholders(text));
    }
  });

  it("Korean uses the dashboard's names for SSL/TLS modes and cipher suites", () => {
    const ko = [...leaves(messagesFor("ko")).values()].join("\n");
    expect(ko).toContain("전체(엄격)");
    expect(ko).toContain("암호 그룹");
    expect(ko).not.toMatch(/Full \(strict\)|Full 또는|암호 스위트/);
  });
});
