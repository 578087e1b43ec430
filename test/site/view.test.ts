import { describe, expect, it } from "vitest";
import { classify, type ErrorObservation } from "../../src/core/classify";
import { SUBCODES, type SubCode } from "../../src/core/codes";
import { LOCALES, messagesFor } from "../../src/core/i18n";
import { buildView, reportText } from "../../src/site/render/view";

const thrown = (over: Partial<ErrorObservation>): ErrorObservation => ({
  source: "exception", errorName: "Error", errorMessage: "Network connection lost.", timedOut: false, elapsedMs: 5,
  origin: "http://10.9.8.7:8080", probe: { tcp: "failed", tcpMs: 1 }, ...over,
});
const view = (o: ErrorObservation, locale: "en" | "ko" = "en") =>
  buildView({ failure: classify(o), locale, rayId: "0123456789abcdef-ICN", time: new Date(0), url: new URL("https://shop.example.com/cart"), retryAfter: 60 });

describe("the view follows the evidence", () => {
  it("puts the observed line in the copy block, with the port and without the origin's address", () => {
    const v = view(thrown({}));
    expect(v.observed).toBe("Port 8080 refused the connection.");
    expect(reportText(v)).toContain("Observed: Port 8080 refused the connection.");
    expect(reportText(v)).not.toContain("10.9.8.7");
    expect(reportText(view(thrown({}), "ko"))).toContain("확인된 내용: 8080 포트가 연결을 거부했습니다.");
  });

  it("puts the finding's steps before the code's own", () => {
    const v = view(thrown({ timedOut: true, timeoutMs: 5000, probe: { tcp: "open", tcpMs: 1 } }));
    expect(v.code).toBe(524);
    expect(v.owner[0]).toMatch(/^The Worker waited 5 s \(ORIGIN_TIMEOUT_MS\)/);
    expect(v.owner.slice(-5)).toEqual(messagesFor("en").codes[524].owner.slice(-5));
  });

  it("a 524 page must not reload itself; other retryable codes may; non-retryable ones never", () => {
    expect(view(thrown({ timedOut: true, timeoutMs: 5000, probe: { tcp: "open", tcpMs: 1 } }))).toMatchObject({ code: 524, autoRetry: false });
    expect(view(thrown({}))).toMatchObject({ code: 521, autoRetry: true });
    expect(view(thrown({ origin: "https://10.9.8.7", probe: { tcp: "open", tcpMs: 1, tls: "not_tls" } }))).toMatchObject({ code: 525, autoRetry: false });
  });
});

describe("1xxx visitor texts agree with their retry advice", () => {
  it.each(LOCALES)("%s", (locale) => {
    const m = messagesFor(locale);
    const invitesRetry = locale === "en" ? /try again/i : /다시 시도/;
    for (const [code, spec] of Object.entries(SUBCODES)) {
      const text = m.subCodes[Number(code) as SubCode].visitor;
      expect(invitesRetry.test(text), `${code}: ${text}`).toBe(spec.retryable);
    }
  });
});
