/**
 * Real TLS origins on 127.0.0.1 for the probe: node:tls (OpenSSL) servers pinned to one protocol
 * version, serving the test certificates (see certs.ts). Behind a completed handshake they answer
 * every request with a 200, which only matters for a certificate the client accepts.
 */
import type { AddressInfo, Socket } from "node:net";
import tls from "node:tls";
import type { KeyPair } from "./certs";

export type TlsProfile = "tls13" | "tls12" | "tls10";

/** Mozilla's "modern" profile is TLS 1.3 only; TLS 1.0 needs OpenSSL's security level 0. */
const PROFILES: Readonly<Record<TlsProfile, tls.TlsOptions>> = {
  tls13: { minVersion: "TLSv1.3", maxVersion: "TLSv1.3" },
  tls12: { minVersion: "TLSv1.2", maxVersion: "TLSv1.2" },
  tls10: { minVersion: "TLSv1", maxVersion: "TLSv1", ciphers: "DEFAULT@SECLEVEL=0" },
};

export interface TlsOrigin {
  readonly port: number;
  close(): Promise<void>;
}

export async function startTlsOrigin(pair: KeyPair, profile: TlsProfile): Promise<TlsOrigin> {
  const sockets = new Set<Socket>();
  const server = tls.createServer({ ...pair, ...PROFILES[profile], handshakeTimeout: 5000 }, (socket) => {
    socket.once("data", () => socket.end("HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok"));
    socket.on("error", () => undefined);
  });
  server.on("connection", (raw: Socket) => {
    sockets.add(raw);
    raw.on("close", () => sockets.delete(raw));
  });
  server.on("tlsClientError", () => undefined); // clients refusing our certificate: the point of the test
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
