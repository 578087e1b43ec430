/**
 * The demo/test origin itself (plain Node, no Worker): each failure it is meant to produce,
 * checked with raw node:net / node:http / node:tls clients on 127.0.0.1.
 */
import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import net from "node:net";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOrigins } from "../../demo/origin.mjs";

type Origins = Awaited<ReturnType<typeof startOrigins>>;

const HOST = "127.0.0.1";
/** Longest any single exchange may take before the helper gives up (keeps every test bounded). */
const EXCHANGE_MS = 4000;

const hasPython = spawnSync("python3", ["-c", "pass"], { stdio: "ignore", timeout: 5000 }).status === 0;

let origins: Origins;

beforeAll(async () => {
  // The test checks the backlog port itself, so skip the 1 s self-check at startup.
  origins = await startOrigins({ verifyBacklog: false, log: () => undefined });
});

afterAll(async () => {
  await origins?.close();
});

interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function get(path: string, method = "GET"): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: HOST, port: origins.port, path, method, agent: false, timeout: EXCHANGE_MS },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer for ${path} within ${EXCHANGE_MS} ms`)));
    req.on("error", reject);
    req.end();
  });
}

interface RawResult {
  bytes: Buffer;
  /** How the connection ended: a clean FIN, or an error. */
  ended: "end" | "error";
  error?: NodeJS.ErrnoException;
}

/** Sends `request` raw and collects every byte until the server closes. */
function raw(port: number, request: string): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: HOST, port });
    const chunks: Buffer[] = [];
    let ended: RawResult["ended"] | undefined;
    let error: NodeJS.ErrnoException | undefined;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`connection to ${port} still open after ${EXCHANGE_MS} ms`));
    }, EXCHANGE_MS);
    socket.on("connect", () => socket.write(request));
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("end", () => (ended ??= "end"));
    socket.on("error", (err) => {
      ended ??= "error";
      error = err;
    });
    socket.on("close", () => {
      clearTimeout(timer);
      resolve({ bytes: Buffer.concat(chunks), ended: ended ?? "end", ...(error ? { error } : {}) });
    });
  });
}

const request = (path: string) => `GET ${path} HTTP/1.1\r\nHost: ${HOST}\r\nConnection: close\r\n\r\n`;

describe("scenario server", () => {
  it("answers /status/502 with 502 and an unbranded body", async () => {
    const res = await get("/status/502");
    expect(res.status).toBe(502);
    expect(res.headers["x-origin"]).toBe("demo");
    expect(res.body).toContain("502");
    expect(res.body).not.toMatch(/cloudflare/i);
  });

  it("answers /branded/503 with a cloudflare-nginx body", async () => {
    const res = await get("/branded/503");
    expect(res.status).toBe(503);
    expect(res.body).toContain("cloudflare-nginx");
  });

  it("answers HEAD with headers only", async () => {
    const res = await get("/status/502", "HEAD");
    expect(res.status).toBe(502);
    expect(Number(res.headers["content-length"])).toBeGreaterThan(0);
    expect(res.body).toBe("");
  });

  it("echoes method, path, query, headers and body on /echo", async () => {
    const body = "hello=world";
    const res = await raw(
      origins.port,
      `POST /echo?a=1 HTTP/1.1\r\nHost: ${HOST}\r\nX-Test: yes\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
    const text = res.bytes.toString("utf8");
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    const json = JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4));
    expect(json).toMatchObject({ method: "POST", path: "/echo", query: "a=1", body });
    expect(json.headers["x-test"]).toBe("yes");
  });

  it("/garbage sends bytes that are not HTTP, then closes", async () => {
    const res = await raw(origins.port, request("/garbage"));
    const text = res.bytes.toString("latin1");
    expect(text).toBe("this is not http\r\n\r\n");
    expect(text).not.toMatch(/^HTTP\//);
  });

  it("/empty closes without sending a byte", async () => {
    const res = await raw(origins.port, request("/empty"));
    expect(res.bytes.length).toBe(0);
    expect(res.ended).toBe("end");
  });

  it("answers a TLS ClientHello on the plain port with non-TLS bytes, so TLS fails at once", async () => {
    const err = await new Promise<Error>((resolve, reject) => {
      const socket = tls.connect({ host: HOST, port: origins.port, rejectUnauthorized: false });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error("TLS against the plain port neither failed nor succeeded"));
      }, EXCHANGE_MS);
      socket.on("secureConnect", () => {
        clearTimeout(timer);
        socket.destroy();
        reject(new Error("TLS handshake unexpectedly succeeded"));
      });
      socket.on("error", (e) => {
        clearTimeout(timer);
        socket.destroy();
        resolve(e);
      });
    });
    expect(err).toBeInstanceOf(Error);
  });

  it("/ws answers 101 with the right Sec-WebSocket-Accept and echoes a text frame", async () => {
    const key = randomBytes(16).toString("base64");
    const expected = createHash("sha1").update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest("base64");
    const socket = net.connect({ host: HOST, port: origins.port });
    try {
      const received = await new Promise<Buffer>((resolve, reject) => {
        let buf = Buffer.alloc(0);
        const timer = setTimeout(() => reject(new Error("no WebSocket echo in time")), EXCHANGE_MS);
        socket.on("error", (e) => {
          clearTimeout(timer);
          reject(e);
        });
        socket.on("connect", () => {
          socket.write(
            `GET /ws HTTP/1.1\r\nHost: ${HOST}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
              `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
          );
          // One masked text frame, "hi".
          const mask = randomBytes(4);
          const payload = Buffer.from("hi").map((b, i) => b ^ (mask[i & 3] ?? 0));
          socket.write(Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, payload]));
        });
        socket.on("data", (c: Buffer) => {
          buf = Buffer.concat([buf, c]);
          const headEnd = buf.indexOf("\r\n\r\n");
          if (headEnd !== -1 && buf.length >= headEnd + 4 + 4) {
            clearTimeout(timer);
            resolve(buf);
          }
        });
      });
      const headEnd = received.indexOf("\r\n\r\n");
      const head = received.subarray(0, headEnd).toString("latin1");
      expect(head).toMatch(/^HTTP\/1\.1 101 /);
      expect(head).toMatch(/\r\nupgrade: websocket/i);
      const accept = /\r\nsec-websocket-accept: *(\S+)/i.exec(head)?.[1];
      expect(accept).toBe(expected);
      // The echo: FIN + text, unmasked, length 2, "hi".
      expect([...received.subarray(headEnd + 4, headEnd + 8)]).toEqual([0x81, 2, 0x68, 0x69]);
    } finally {
      socket.destroy();
    }
  });

  it("/ws without an upgrade answers 426", async () => {
    const res = await get("/ws");
    expect(res.status).toBe(426);
  });
});

describe("failure ports", () => {
  it("the refused port refuses (ECONNREFUSED)", async () => {
    const res = await raw(origins.refusedPort, request("/"));
    expect(res.ended).toBe("error");
    expect(res.error?.code).toBe("ECONNREFUSED");
  });

  it("the backlog port does not connect within 1 s", async (ctx) => {
    ctx.skip(!hasPython, "python3 is not installed: the connect-timeout (backlog) port needs it");
    expect(origins.backlogPort).not.toBeNull();
    const port = origins.backlogPort as number;
    const outcome = await new Promise<string>((resolve) => {
      const socket = net.connect({ host: HOST, port });
      const finish = (what: string) => {
        clearTimeout(timer);
        socket.destroy();
        resolve(what);
      };
      const timer = setTimeout(() => finish("pending"), 1000);
      socket.once("connect", () => finish("connected"));
      socket.once("error", (e) => finish(`error: ${e.message}`));
    });
    expect(outcome).toBe("pending");
  });

  it("the TLS port presents the self-signed localhost certificate", async () => {
    const { cert, authorized, authorizationError, response } = await new Promise<{
      cert: tls.PeerCertificate;
      authorized: boolean;
      authorizationError: string | undefined;
      response: string;
    }>((resolve, reject) => {
      const socket = tls.connect({ host: HOST, port: origins.tlsPort, servername: "localhost", rejectUnauthorized: false });
      const chunks: Buffer[] = [];
      let info: { cert: tls.PeerCertificate; authorized: boolean; authorizationError: string | undefined } | undefined;
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error("TLS exchange did not finish in time"));
      }, EXCHANGE_MS);
      socket.on("secureConnect", () => {
        info = {
          cert: socket.getPeerCertificate(),
          authorized: socket.authorized,
          authorizationError: socket.authorizationError?.toString(),
        };
        socket.write(request("/anything"));
      });
      socket.on("data", (c: Buffer) => chunks.push(c));
      socket.on("error", (e) => {
        clearTimeout(timer);
        reject(e);
      });
      socket.on("close", () => {
        clearTimeout(timer);
        if (!info) return reject(new Error("closed before the handshake"));
        resolve({ ...info, response: Buffer.concat(chunks).toString("utf8") });
      });
    });
    expect(cert.subject?.CN).toBe("localhost");
    expect(authorized).toBe(false);
    expect(authorizationError).toBe("DEPTH_ZERO_SELF_SIGNED_CERT");
    expect(response).toMatch(/^HTTP\/1\.1 200 /);
  });
});
