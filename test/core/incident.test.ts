import { describe, expect, it } from "vitest";
import type { ErrorObservation, FaultObservation, ResponseObservation } from "../../src/core/classify";
import { QUERY_REMOVED, scrubQuery } from "../../src/core/incident";

const response = (bodyPrefix: string): ResponseObservation => ({
  source: "response",
  status: 502,
  contentType: "text/html",
  retryAfter: null,
  bodyPrefix,
  bodyBytesRead: bodyPrefix.length,
  elapsedMs: 3,
});

describe("scrubQuery: the query string out of the evidence", () => {
  const search = "?token=s3cr3t-t0ken&email=ann%40example.com&page=2";
  it("removes the query as sent, each value as sent and decoded, and HTML-escaped forms", () => {
    const body = [
      "GET /account?token=s3cr3t-t0ken&email=ann%40example.com&page=2 failed",
      "<a href=\"/account?token=s3cr3t-t0ken&amp;email=ann%40example.com&amp;page=2\">",
      "user ann@example.com, token s3cr3t-t0ken",
    ].join("\n");
    const scrubbed = scrubQuery(response(body), search);
    expect(scrubbed.bodyPrefix).not.toMatch(/s3cr3t|ann%40|ann@example/);
    expect(scrubbed.bodyPrefix).toContain(`GET /account?${QUERY_REMOVED} failed`);
    expect(scrubbed.bodyPrefix).toContain(`user ${QUERY_REMOVED}, token ${QUERY_REMOVED}`);
    // The rest of the evidence is kept as it was.
    expect(scrubbed).toMatchObject({ source: "response", status: 502, contentType: "text/html", elapsedMs: 3 });
  });
  it("keeps short values: they are not worth a secret and would wipe unrelated text", () => {
    expect(scrubQuery(response("page 2 of 20"), "?page=2").bodyPrefix).toBe("page 2 of 20");
  });
  it("scrubs every text of an exception or a fault, including the probe's detail and the stack", () => {
    const error: ErrorObservation = {
      source: "exception",
      errorName: "TypeError",
      errorMessage: "fetch to http://origin/x?key=abcdef123 failed",
      timedOut: false,
      elapsedMs: 1,
      origin: "http://origin",
      probe: { tcp: "failed", tcpMs: 1, detail: "connect to key=abcdef123 refused" },
    };
    expect(JSON.stringify(scrubQuery(error, "?key=abcdef123"))).not.toContain("abcdef123");
    const fault: FaultObservation = { source: "fault", errorName: "Error", errorMessage: "bad abcdef123", stack: "Error: bad abcdef123\n at x" };
    expect(JSON.stringify(scrubQuery(fault, "?key=abcdef123"))).not.toContain("abcdef123");
  });
  it("without a query, the evidence is returned as it is", () => {
    const e = response("body");
    expect(scrubQuery(e, "")).toBe(e);
    expect(scrubQuery(e, "?")).toBe(e);
  });
  it("a malformed escape in the query does not throw", () => {
    expect(scrubQuery(response("x %E0%A4%A secret-ish"), "?q=%E0%A4%A").bodyPrefix).toBe(`x ${QUERY_REMOVED} secret-ish`);
  });
});
