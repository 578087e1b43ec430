/**
 * Plain HTTP/1.1 clients for tests that must drive the Worker over real sockets: node:http for
 * well-formed traffic (with a pooled Agent for concurrency), and a raw socket for requests no
 * well-behaved client would send.
 */
import http from "node:http";
import net from "node:net";

export interface HttpResult {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface HttpOptions {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly agent?: http.Agent;
  /** The request fails (rejects) if no complete answer arrives by then. */
  readonly capMs?: number;
  /** Called with the socket the request was sent on, to count connections. */
  readonly onSocket?: (socket: net.Socket) => void;
}

/** One request; rejects on any transport problem, including a body cut short. */
export function httpRequest(base: URL, path: string, options: HttpOptions = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: base.hostname,
        port: base.port,
        path,
        method: options.method ?? "GET",
        headers: options.headers,
        agent: options.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("aborted", () => reject(new Error(`${path}: response aborted`)));
        res.on("error", reject);
        res.on("end", () => {
          clearTimeout(timer);
          if (!res.complete) return reject(new Error(`${path}: response incomplete`));
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
        });
      },
    );
    const timer = setTimeout(() => req.destroy(new Error(`${path}: no complete answer within ${options.capMs} ms`)), options.capMs ?? 30_000);
    req.on("socket", (s) => options.onSocket?.(s));
    req.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(options.body);
  });
}

export interface RawResult {
  /** The status of the first response, or undefined if the server closed without one. */
  readonly status: number | undefined;
  /** Everything the server sent, decoded as latin1 so no byte is lost. */
  readonly text: string;
}

/**
 * Writes `head` (a complete request, sent byte for byte) on a fresh connection and reads until
 * the server closes or `capMs` passes. Send `Connection: close` to get a prompt close.
 */
export function rawRequest(port: number, head: Buffer | string, capMs = 15_000): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    const chunks: Buffer[] = [];
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString("latin1");
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ status: m ? Number(m[1]) : undefined, text });
    };
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`raw request: no close within ${capMs} ms`));
    }, capMs);
    socket.on("connect", () => socket.write(head));
    socket.on("data", (c: Buffer) => {
      chunks.push(c);
      // Servers may keep the connection open despite `Connection: close`: stop at the end of the answer.
      if (complete(Buffer.concat(chunks))) {
        socket.destroy();
        finish();
      }
    });
    socket.on("end", () => {
      socket.end();
      finish();
    });
    socket.on("error", (err) => {
      clearTimeout(timer);
      // A reset after a complete answer still counts as the answer.
      if (chunks.length > 0) finish();
      else reject(err);
    });
  });
}

/** True once `data` holds a whole response (by Content-Length or the last chunk). */
function complete(data: Buffer): boolean {
  const split = data.indexOf("\r\n\r\n");
  if (split === -1) return false;
  const head = data.subarray(0, split).toString("latin1").toLowerCase();
  const bodyLength = data.length - split - 4;
  const length = /\ncontent-length:\s*(\d+)/.exec(head);
  if (length) return bodyLength >= Number(length[1]);
  if (/\ntransfer-encoding:\s*chunked/.test(head)) {
    const body = data.subarray(split + 4).toString("latin1");
    return body === "0\r\n\r\n" || body.endsWith("\r\n0\r\n\r\n");
  }
  return /^http\/1\.[01] (1\d\d|204|304)/.test(head);
}

/** The body of a raw HTTP/1.1 response with Content-Length or chunked framing. */
export function rawBody(text: string): string {
  const split = text.indexOf("\r\n\r\n");
  if (split === -1) return "";
  const head = text.slice(0, split).toLowerCase();
  const rest = text.slice(split + 4);
  if (!/\ntransfer-encoding:\s*chunked/.test(head)) return rest;
  let out = "";
  let i = 0;
  for (;;) {
    const eol = rest.indexOf("\r\n", i);
    if (eol === -1) return out;
    const size = parseInt(rest.slice(i, eol), 16);
    if (!Number.isFinite(size) || size === 0) return out;
    out += rest.slice(eol + 2, eol + 2 + size);
    i = eol + 2 + size + 2;
  }
}

/** A deterministic PRNG, so a failing storm can be replayed with the same order. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
