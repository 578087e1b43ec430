import { describe, expect, it } from "vitest";
import { HEADER_LIMIT } from "../../src/core/probe-evidence";
import { httpReplyOf } from "../../src/site/http-reply";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("httpReplyOf: how a reply to HEAD broke", () => {
  it("nothing before the close is an empty reply; silence until the budget is a timeout", () => {
    expect(httpReplyOf(bytes(""), true, false)).toEqual({ outcome: "empty", bytes: 0 });
    expect(httpReplyOf(bytes(""), false, true)).toEqual({ outcome: "timeout", bytes: 0 });
    expect(httpReplyOf(bytes(""), false, false)).toBeUndefined();
  });

  it("a first line that is no status line is not HTTP, as soon as five bytes show it", () => {
    expect(httpReplyOf(bytes("SSH-2.0-OpenSSH_9.6\r\n"), false, false)).toMatchObject({ outcome: "not_http", firstLine: "SSH-2.0-OpenSSH_9.6" });
    expect(httpReplyOf(bytes("HTTP/"), false, false)).toBeUndefined();
    expect(httpReplyOf(bytes("ok"), true, false)).toMatchObject({ outcome: "not_http" });
  });

  it("a status line then a close before the blank line is closed_before_headers", () => {
    expect(httpReplyOf(bytes("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"), true, false)).toMatchObject({ outcome: "closed_before_headers", firstLine: "HTTP/1.1 200 OK" });
  });

  it("a header block over 16 KB is too large, with or without its end", () => {
    const big = `HTTP/1.1 200 OK\r\nX-Big: ${"b".repeat(HEADER_LIMIT)}\r\n`;
    expect(httpReplyOf(bytes(big), false, false)).toMatchObject({ outcome: "headers_too_large" });
    expect(httpReplyOf(bytes(`${big}\r\n`), false, false)).toMatchObject({ outcome: "headers_too_large" });
  });

  it("a whole header block is complete: the failure did not repeat", () => {
    expect(httpReplyOf(bytes("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n"), false, false)).toMatchObject({ outcome: "complete" });
  });
});
