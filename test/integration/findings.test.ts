/**
 * What the page, the JSON and the copy block say was seen, against real failing loopback origins
 * through the built Worker: the port and never the origin's address, the timeout that fired and
 * its value, which of the 520 breakages it was, and that a 524 page does not reload itself.
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOrigins } from "../../demo/origin.mjs";
import { fill } from "../../src/core/finding";
import { en } from "../../src/core/i18n/en";
import { ko } from "../../src/core/i18n/ko";
import { type RunningWorkers, startWorkers } from "../support/worker";

let origins: Awaited<ReturnType<typeof startOrigins>>;
let raw: net.Server;
let w: RunningWorkers;
let rawPort = 0;
const BASE = "https://shop.example.com";
const common = { ORIGIN_TIMEOUT_MS: "1500", PROBE_TIMEOUT_MS: "1500" };

/** Answers by path: a status line and one header, then a close; or a 300 KiB header block. */
function rawOrigin(socket: net.Socket): void {
  socket.once("data", (chunk: Buffer) => {
    const path = chunk.toString("latin1").split(" ")[1] ?? "/";
    if (path === "/half-headers") socket.end("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n");
    else socket.end(`HTTP/1.1 200 OK\r\nX-Big: ${"b".repeat(300 * 1024)}\r\nContent-Length: 0\r\n\r\n`);
  });
  socket.on("error", () => undefined);
}

beforeAll(async () => {
  origins = await startOrigins({ backlog: false });
  raw = net.createServer(rawOrigin);
  await new Promise<void>((r) => raw.listen(0, "127.0.0.1", r));
  rawPort = (raw.address() as net.AddressInfo).port;
  w = await startWorkers([
    { name: "main", vars: { ...common, ORIGIN_URL: origins.http } },
    { name: "refused", vars: { ...common, ORIGIN_URL: `http://127.0.0.1:${origins.refusedPort}` } },
    { name: "tls-plain", vars: { ...common, ORIGIN_URL: `https://127.0.0.1:${origins.port}` } },
    { name: "raw", vars: { ...common, ORIGIN_URL: `http://127.0.0.1:${rawPort}` } },
  ]);
});
afterAll(async () => {
  await w?.close();
  await origins?.close();
  await new Promise((r) => raw?.close(r));
});

const get = (worker: string, path: string, headers: Record<string, string>) => w.fetch(worker, BASE + path, { headers });
async function json(worker: string, path: string, lang = "en") {
  const res = await get(worker, path, { accept: "application/json", "accept-language": lang });
  return { status: res.status, body: (await res.json()) as { detail: string; owner_checks: string[]; what_you_should_do: string } };
}
async function page(worker: string, path: string, lang = "en") {
  return (await get(worker, path, { accept: "text/html", "accept-language": lang })).text();
}

describe("a refused origin", () => {
  it("names the port on the page and in the JSON, never the host or IP", async () => {
    const port = String(origins.refusedPort);
    const html = await page("refused", "/");
    expect(html).toContain(`Port ${port} refused the connection.`);
    expect(html).toContain(`${en.ui.observed}: Port ${port} refused the connection.`); // the copy block
    expect(html).not.toContain("127.0.0.1");
    const { body } = await json("refused", "/");
    expect(body.detail).toContain(`Port ${port} refused the connection.`);
    expect(JSON.stringify(body)).not.toContain("127.0.0.1");
    const korean = await page("refused", "/", "ko");
    expect(korean).toContain(`${port} 포트가 연결을 거부했습니다.`);
    expect(korean).not.toContain("127.0.0.1");
  });
});

describe("524: the timeout that fired", () => {
  it("names ORIGIN_TIMEOUT_MS and its value against Cloudflare's proxy read timeout", async () => {
    const { status, body } = await json("main", "/hang");
    expect(status).toBe(524);
    expect(body.detail).toContain("No response headers within 1.5 s.");
    expect(body.owner_checks[0]).toMatch(/^The Worker waited 1.5 s \(ORIGIN_TIMEOUT_MS\) for response headers/);
    expect(body.owner_checks.join("\n")).toMatch(/100 s in the article, 120 s in current docs/);
    expect(body.owner_checks.join("\n")).toContain("needs ORIGIN_TIMEOUT_MS raised");
    expect(body.what_you_should_do).toBe(en.codes[524].visitor);
    const korean = await json("main", "/hang", "ko");
    expect(korean.body.detail).toContain("1.5초 안에 응답 헤더가 오지 않았습니다.");
  });
});

describe("520: which breakage", () => {
  it.each([
    ["main", "/empty", "empty_reply"],
    ["main", "/reset", "empty_reply"],
    ["main", "/garbage", "not_http"],
    ["raw", "/half-headers", "closed_before_headers"],
  ] as const)("%s %s → %s", async (worker, path, kind) => {
    const { status, body } = await json(worker, path);
    expect(status).toBe(520);
    const port = worker === "raw" ? rawPort : origins.port;
    expect(body.detail).toBe(`${en.codes[520].happened} ${fill(en.findings[kind].observed, { port: String(port) })}`);
  });

  it("names the log line the article names when the connection closed early", async () => {
    const { body } = await json("raw", "/half-headers");
    expect(body.owner_checks.join("\n")).toContain('"upstream prematurely closed connection while reading response header from upstream"');
  });

  it("over-large headers (300 KiB): 520 where the runtime refuses them, passed through where it takes them", async () => {
    // workerd 2026-04 refused a 300 KiB header block (the fetch threw); workerd 2026-11 passes it
    // on, and then undici, the test's own client, stops at its 16 KiB limit. The breakdown itself
    // is tested on bytes in test/site/http-reply.test.ts.
    const answer = await json("raw", "/big").catch((err: Error) => err);
    if (answer instanceof Error) return void expect((answer.cause as Error | undefined)?.name).toBe("HeadersOverflowError");
    expect(answer.status).toBe(520);
    expect(answer.body.detail).toContain(`The origin's response headers on port ${rawPort} exceed 16 KB.`);
  });
});

describe("525: TLS to a plain-HTTP port", () => {
  it("says the port does not speak TLS", async () => {
    const { status, body } = await json("tls-plain", "/ok");
    expect(status).toBe(525);
    expect(body.detail).toContain(`Port ${origins.port} does not speak TLS`);
  });
});

describe("530: each 1xxx code's visitor text agrees with its retry advice", () => {
  it("1033 (retryable) invites a retry; 1014 (not retryable) says reloading will not help", async () => {
    const tunnel = await json("main", "/cf530/1033");
    expect(tunnel.body.what_you_should_do).toBe(en.subCodes[1033].visitor);
    const banned = await json("main", "/cf530/1014");
    expect(banned.body.what_you_should_do).toBe(en.subCodes[1014].visitor);
    expect(banned.body.what_you_should_do).toMatch(/will not help/);
    expect((await json("main", "/cf530/1014", "ko")).body.what_you_should_do).toBe(ko.subCodes[1014].visitor);
  });

  it("an unknown 1xxx code does not blame the origin in its title", async () => {
    const html = await page("main", "/cf530/1999");
    expect(html).toContain(`<title>shop.example.com | 530: ${en.codes[530].title}</title>`);
    expect(en.codes[530].title).not.toMatch(/origin/i);
    expect(ko.codes[530].title).not.toMatch(/원본/);
  });
});
