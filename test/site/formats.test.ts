import { describe, expect, it } from "vitest";
import type { Failure, FailureKind, Observation, ProbeResult } from "../../src/core/classify";
import { ERROR_CODES } from "../../src/core/codes";
import { markdown } from "../../src/site/render/markdown";
import { problemDetails, problemType } from "../../src/site/render/problem";
import { buildView, reportText } from "../../src/site/render/view";

const CF = "https://developers.cloudflare.com/support/troubleshooting/http-status-codes/";

describe("problemType", () => {
  it("points every code at its page in Cloudflare's docs: 502 and 504 share one, 527 and the rest get a URN", () => {
    const types = Object.fromEntries(ERROR_CODES.map((code) => [code, problemType(code)]));
    expect(types).toEqual({
      500: `${CF}cloudflare-5xx-errors/error-500/`,
      502: `${CF}cloudflare-5xx-errors/error-502-504/`,
      503: `${CF}cloudflare-5xx-errors/error-503/`,
      504: `${CF}cloudflare-5xx-errors/error-502-504/`,
      520: `${CF}cloudflare-5xx-errors/error-520/`,
      521: `${CF}cloudflare-5xx-errors/error-521/`,
      522: `${CF}cloudflare-5xx-errors/error-522/`,
      523: `${CF}cloudflare-5xx-errors/error-523/`,
      524: `${CF}cloudflare-5xx-errors/error-524/`,
      525: `${CF}cloudflare-5xx-errors/error-525/`,
      526: `${CF}cloudflare-5xx-errors/error-526/`,
      527: "urn:edge-error-pages:error:527",
      530: `${CF}cloudflare-5xx-errors/error-530/`,
    });
    expect(problemType(501)).toBe(`${CF}cloudflare-5xx-errors/error-501/`);
    expect(problemType(507)).toBe("urn:edge-error-pages:error:507");
  });

  it("gives a 530 the page of its 1xxx code when Cloudflare has one", () => {
    expect(problemType(530, 1016)).toBe(`${CF}cloudflare-1xxx-errors/error-1016/`);
    expect(problemType(530, 1033)).toBe(`${CF}cloudflare-1xxx-errors/error-1033/`);
    expect(problemType(530, 1099)).toBe(`${CF}cloudflare-5xx-errors/error-530/`);
  });
});

const exception = (probe: ProbeResult | "skipped", timedOut = false): Observation => ({
  source: "exception",
  errorName: "Error",
  errorMessage: `internal error; reference = 7f3a connecting to db-internal.corp (10.1.2.3)`,
  timedOut,
  elapsedMs: 12,
  origin: "https://db-internal.corp:8443",
  probe,
});
const response: Observation = { source: "response", status: 502, contentType: "text/html; charset=utf-8", retryAfter: null, server: "nginx", cfRay: null, contentEncoding: null, bodyDecoding: "none", bodyPrefix: "<p>SELECT * FROM users failed at 10.1.2.3</p>", bodyBytesRead: 45, elapsedMs: 30 };
const fault: Observation = { source: "fault", errorName: "TypeError", errorMessage: "cannot read db-internal.corp", stack: "at 10.1.2.3" };

const EVIDENCE: Record<FailureKind, Observation> = {
  origin_status: response,
  edge_status: response,
  reported: { ...response, status: 522 },
  refused: exception({ tcp: "failed", tcpMs: 1, detail: "connect ECONNREFUSED 10.1.2.3:8443" }),
  connect_timeout: exception({ tcp: "timeout", tcpMs: 1000 }),
  response_timeout: exception({ tcp: "open", tcpMs: 1 }, true),
  empty_reply: exception({ tcp: "open", tcpMs: 1, tls: "valid", tlsMs: 2 }),
  bad_reply: exception("skipped"),
  connection_lost: exception("skipped"),
  tls_handshake: exception({ tcp: "open", tcpMs: 1, tls: "alert", tlsMs: 2 }),
  tls_certificate: exception({ tcp: "open", tcpMs: 1, tls: "tls", tlsMs: 2 }),
  dns: exception({ tcp: "failed", tcpMs: 1 }),
  unreachable: exception({ tcp: "failed", tcpMs: 1 }),
  worker_fault: fault,
};

const failureOf = (kind: FailureKind): Failure => ({ kind, code: 502, status: 502, name: "bad_gateway", category: "origin", hop: "origin", retryable: true, rule: "reported_status", evidence: EVIDENCE[kind] });

describe("the report and the Markdown answer", () => {
  const view = (rayId: string) =>
    buildView({ failure: failureOf("refused"), locale: "en", rayId, time: new Date("2026-03-20T22:52:42Z"), url: new URL("https://shop.example.com/cart"), retryAfter: 120 });

  it("names the data centre from the Ray ID when request.cf has none", () => {
    const text = reportText(view("8f2c1a9b3d4e5f60-ICN"));
    expect(text).toContain("Data centre: ICN");
    expect(reportText(view("8f2c1a9b3d4e5f60"))).not.toContain("Data centre");
    expect(view("8f2c1a9b3d4e5f60").traceUrl).toBe("https://shop.example.com/cdn-cgi/trace");
  });

  it("writes YAML a parser reads back as the JSON's values", () => {
    // An all-digit Ray ID would be a number to a YAML reader if it were left bare.
    const v = view("1234567890123456");
    const md = markdown(v);
    const json = problemDetails(v);
    expect(md).toContain(`ray_id: "1234567890123456"\n`);
    expect(md).toContain(`timestamp: "2026-03-20T22:52:42.000Z"\n`);
    expect(md).toContain(`zone: shop.example.com\n`);
    expect(md).toContain(`retry_after: 120\n`);
    expect(md.startsWith("---\nerror_code: 502\nerror_name: bad_gateway\n")).toBe(true);
    expect(md).toContain(`# ${json.title}\n\n## What Happened\n\n${json.detail}\n\n## What You Should Do\n\n${json.what_you_should_do}\n`);
  });

  it("tells an agent of a known outage and the status page, as the page and JSON do", () => {
    const since = new Date("2026-03-20T22:40:00Z");
    const v = buildView({ failure: failureOf("refused"), locale: "en", rayId: "8f2c1a9b3d4e5f60-ICN", time: new Date("2026-03-20T22:52:42Z"), url: new URL("https://shop.example.com/cart"), retryAfter: 120, outage: { since, notified: true }, statusPageUrl: "https://status.example.com/" });
    const md = markdown(v);
    expect(md).toContain(`incident_since: "2026-03-20T22:40:00.000Z"\nincident_notified: true\n---\n`);
    expect(md).toContain(`${problemDetails(v).detail}\n\n${v.outage!.text} ${v.messages.ui.ownerNotified}\n\n## What You Should Do`);
    expect(md).toContain(`${v.messages.ui.statusPage}: <https://status.example.com/>`);
    expect(problemDetails(v)).toMatchObject({ incident: { since: "2026-03-20T22:40:00.000Z", notified: true }, status_page_url: "https://status.example.com/" });
    expect(markdown(view("8f2c1a9b3d4e5f60-ICN"))).not.toContain("incident_");
  });
});
