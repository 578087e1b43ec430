/**
 * A loopback origin the tests can break and mend: it serves a few pages, can be closed (the port
 * then refuses) and reopened on the same port, can reset its next connections before answering,
 * and holds one streamed page half-sent until the test lets it finish.
 */
import http from "node:http";
import net from "node:net";

export interface FlakyOrigin {
  readonly port: number;
  readonly url: string;
  /** Requests answered, by path. */
  readonly hits: Map<string, number>;
  /**
   * Connections that carried a request (some bytes arrived), including those reset. A bare TCP
   * connect that sends nothing, like the Worker's probe, is not counted.
   */
  connections(): number;
  /** Of those, the ones whose request line matches `line` (the Worker's own probes send HEAD). */
  requests(line: RegExp): number;
  /** Reset the next `n` connections that send a request, before any response byte. */
  resetNext(n: number): void;
  /** Stop listening and drop every connection: the port refuses from now on. */
  close(): Promise<void>;
  /** Listen again on the same port. */
  reopen(): Promise<void>;
  /** Lets the held part of `/stream` go out. */
  releaseStream(): void;
  /** The bytes `/stream` and `/big` send, in full. */
  readonly streamHead: Buffer;
  readonly streamTail: Buffer;
  readonly big: Buffer;
}

const PAGE = (title: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title></head><body><h1>${title}</h1><p>Served by the origin.</p></body></html>`;

/** A large page of varied bytes (all valid UTF-8), so a single changed or lost byte shows. */
function bigPage(): Buffer {
  const rows: string[] = [];
  for (let i = 0; i < 4000; i++) rows.push(`<p data-i="${i}">${(i * 7919).toString(36)} 가나다 ${"é".repeat(i % 13)} ${Math.sin(i).toFixed(12)}</p>`);
  return Buffer.from(`<!doctype html><html><head><meta charset="utf-8"><title>big</title></head><body>${rows.join("\n")}</body></html>`);
}

export async function startFlakyOrigin(): Promise<FlakyOrigin> {
  const hits = new Map<string, number>();
  let accepted = 0;
  const requestLines: string[] = [];
  let toReset = 0;
  let release: () => void = () => undefined;
  let held = new Promise<void>((r) => (release = r));
  const streamHead = Buffer.from(`<!doctype html><html><head><meta charset="utf-8"><title>stream</title></head><body><p>first part</p>`);
  const streamTail = Buffer.from(`<p>second part</p></body></html>`);
  const big = bigPage();

  const app = http.createServer((req, res) => {
    // One connection per request, so "reset the next connection" always meets a request.
    res.shouldKeepAlive = false;
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const html = { "content-type": "text/html; charset=utf-8" };
    switch (path) {
      case "/private":
        res.writeHead(200, { ...html, "cache-control": "private, max-age=60" }).end(PAGE("private"));
        return;
      case "/cookie":
        res.writeHead(200, { ...html, "set-cookie": "sid=1; Path=/" }).end(PAGE("cookie"));
        return;
      case "/csp":
        res.writeHead(200, { ...html, "content-security-policy": "default-src 'self'; style-src 'self'" }).end(PAGE("csp"));
        return;
      case "/json":
        res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
        return;
      case "/big":
        res.writeHead(200, { ...html, "content-length": String(big.length) }).end(big);
        return;
      case "/stream":
        res.writeHead(200, html);
        res.write(streamHead);
        void held.then(() => res.end(streamTail));
        return;
      case "/echo-method":
        req.resume();
        res.writeHead(200, { "content-type": "text/plain" }).end(req.method);
        return;
      default:
        res.writeHead(200, html).end(PAGE(path));
    }
  });
  app.keepAliveTimeout = 1000;

  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    const onReadable = () => {
      // End of stream is "readable" too: only a connection that sent bytes carried a request.
      const first = socket.read() as Buffer | null;
      if (first === null) return;
      socket.off("readable", onReadable);
      accepted++;
      requestLines.push(first.toString("latin1").split("\r\n", 1)[0] ?? "");
      if (toReset > 0) {
        toReset--;
        socket.resetAndDestroy();
        return;
      }
      socket.unshift(first);
      app.emit("connection", socket);
    };
    socket.on("readable", onReadable);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    hits,
    connections: () => accepted,
    requests: (line) => requestLines.filter((l) => line.test(l)).length,
    resetNext: (n) => void (toReset = n),
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
    reopen: () => new Promise<void>((r) => server.listen(port, "127.0.0.1", r)),
    releaseStream: () => {
      release();
      held = new Promise<void>((r) => (release = r));
    },
    streamHead,
    streamTail,
    big,
  };
}
