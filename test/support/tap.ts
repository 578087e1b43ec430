/**
 * A loopback TCP relay in front of an origin that counts what the origin sends, so a test can
 * state structural facts ("the page arrived while the origin had sent only a small part of its
 * body", "the Worker hung up before the body ended") instead of timing anything.
 */
import net from "node:net";

export interface TapConnection {
  /** Bytes the origin has sent towards the Worker so far. */
  downstream: number;
  /** True once the Worker's side of the connection closed. */
  clientClosed: boolean;
  /** True once the origin's side closed (it finished or was cut off). */
  originClosed: boolean;
}

export interface Tap {
  readonly port: number;
  readonly url: string;
  readonly connections: readonly TapConnection[];
  close(): Promise<void>;
}

export async function startTap(originPort: number): Promise<Tap> {
  const connections: TapConnection[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const stats: TapConnection = { downstream: 0, clientClosed: false, originClosed: false };
    connections.push(stats);
    const origin = net.connect({ host: "127.0.0.1", port: originPort });
    for (const s of [client, origin]) {
      sockets.add(s);
      s.on("error", () => undefined);
      s.on("close", () => sockets.delete(s));
    }
    origin.on("data", (chunk: Buffer) => {
      stats.downstream += chunk.length;
      // Backpressure: the relay holds at most one chunk, so its count tracks what the Worker took.
      if (!client.write(chunk)) origin.pause();
    });
    client.on("drain", () => origin.resume());
    client.on("data", (chunk: Buffer) => origin.write(chunk));
    client.on("close", () => {
      stats.clientClosed = true;
      origin.destroy();
    });
    origin.on("close", () => {
      stats.originClosed = true;
      client.end();
    });
  });
  await new Promise<void>((resolve) => server.listen({ host: "127.0.0.1", port: 0 }, resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * An origin that answers every request with `status` headers and the first bytes of a body,
 * then stalls without ever finishing it: the worst case for reading a failing body's prefix.
 */
export async function startStallingOrigin(status: number): Promise<{ url: string; open: () => number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
    socket.once("data", () => {
      socket.write(`HTTP/1.1 ${status} Stalled\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n<html><body>starting`);
    });
  });
  await new Promise<void>((resolve) => server.listen({ host: "127.0.0.1", port: 0 }, resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    open: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A server that accepts connections and never sends a byte (for TLS: a handshake that never starts). */
export async function startSilentOrigin(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen({ host: "127.0.0.1", port: 0 }, resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** An origin that answers every request with exactly `response` (status line, headers, body), then closes. */
export async function startRawOrigin(response: string | Buffer): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
    socket.once("data", () => socket.end(response));
  });
  await new Promise<void>((resolve) => server.listen({ host: "127.0.0.1", port: 0 }, resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
