/**
 * Loopback origins that remember what reached them: an HTTP origin that records every request
 * (to show what the Worker sent on, and what it never sent), and a TCP origin that resets every
 * HTTP request while counting the silent connections a probe makes.
 */
import http from "node:http";
import net from "node:net";

export interface SeenRequest {
  readonly method: string;
  /** The request target exactly as sent, e.g. `//__errors/api?x`. */
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
}

export interface RecordingOrigin {
  readonly url: string;
  readonly seen: readonly SeenRequest[];
  close(): Promise<void>;
}

/**
 * Paths: `/status/<code>` answers that code, `/echo/<code>` answers it with the request target in
 * the body (an origin that echoes the URL into its error page), `/retry/<code>?after=<value>`
 * sends `Retry-After: <value>`, `/redirect` is a 302 to `/elsewhere`. Anything else is a 200 `healthy <target>`.
 */
export async function startRecordingOrigin(): Promise<RecordingOrigin> {
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers });
    req.resume();
    const target = req.url ?? "/";
    const url = new URL(target, "http://origin.invalid");
    if (url.pathname === "/redirect") return void res.writeHead(302, { location: "/elsewhere" }).end();
    const m = /^\/(status|echo|retry)\/(\d{3})$/.exec(url.pathname);
    if (!m) return void res.writeHead(200, { "content-type": "text/plain" }).end(`healthy ${target}`);
    const status = Number(m[2]);
    if (m[1] === "retry") res.setHeader("retry-after", url.searchParams.get("after") ?? "");
    const body = m[1] === "echo" ? `<h1>Error ${status}</h1><p>While serving ${target} (${decodeURIComponent(url.search)})</p>` : `<h1>Error ${status}</h1>`;
    res.writeHead(status, { "content-type": "text/html" }).end(body);
  });
  await new Promise<void>((resolve) => server.listen({ host: "127.0.0.1", port: 0 }, resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

export interface ResettingOrigin {
  readonly url: string;
  /** Connections that sent an HTTP request (and were reset). */
  requests(): number;
  /** The Worker's probe connections: closed without a byte sent (TCP probes), or a HEAD replay. */
  probes(): number;
  close(): Promise<void>;
}

/** Accepts, and resets every connection as soon as it sends anything: each fetch fails. */
export async function startResettingOrigin(): Promise<ResettingOrigin> {
  let requests = 0;
  let probes = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    let spoke = false;
    socket.on("error", () => undefined);
    socket.once("data", (chunk: Buffer) => {
      spoke = true;
      // The probe's HEAD replay is a probe connection too; the Worker forwards visitors' GETs.
      if (chunk.subarray(0, 5).toString("latin1") === "HEAD ") probes++;
      else requests++;
      socket.resetAndDestroy();
    });
    socket.on("close", () => {
      sockets.delete(socket);
      if (!spoke) probes++;
    });
  });
  await new Promise<void>((resolve) => server.listen({ host: "127.0.0.1", port: 0 }, resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    probes: () => probes,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
