// @ts-check
/**
 * The TLS origin: a self-signed certificate (demo/certs), which the Worker must reject as an
 * invalid certificate. Behind the handshake it serves the same connections as the scenario server.
 */
import { readFileSync } from "node:fs";
import tls from "node:tls";
import { track } from "./loopback.mjs";

/** @typedef {import("node:net").Socket} Socket */

const CERT_URL = new URL("../certs/localhost.crt", import.meta.url);
const KEY_URL = new URL("../certs/localhost.key", import.meta.url);

/**
 * @param {(socket: tls.TLSSocket) => void} onSecure  Called for each completed handshake.
 * @param {Set<Socket>} sockets  Gets the raw TCP sockets too, so close() also ends handshakes in progress.
 */
export function createTlsServer(onSecure, sockets) {
  const server = tls.createServer({ key: readFileSync(KEY_URL), cert: readFileSync(CERT_URL), handshakeTimeout: 10_000 }, onSecure);
  server.on("connection", (/** @type {Socket} */ raw) => track(sockets, raw));
  server.on("tlsClientError", () => undefined); // clients rejecting the certificate: expected
  return server;
}
