// @ts-check
/**
 * Writing HTTP/1.1 responses by hand on a raw socket, which is what lets the scenarios lie about
 * Content-Length, stop half-way or never answer at all.
 */
import { STATUS_CODES } from "node:http";

/** @typedef {import("node:net").Socket} Socket */
/** @typedef {[string, string | number]} Header */

export const HTML = /** @type {Header} */ (["Content-Type", "text/html; charset=utf-8"]);
export const TEXT = /** @type {Header} */ (["Content-Type", "text/plain; charset=utf-8"]);

/** Cloudflare's and a few other non-standard reason phrases (node:http knows the standard ones). */
const EXTRA_REASONS = /** @type {Record<number, string>} */ ({
  520: "Unknown Error",
  521: "Web Server Is Down",
  522: "Connection Timed Out",
  523: "Origin Is Unreachable",
  524: "A Timeout Occurred",
  525: "SSL Handshake Failed",
  526: "Invalid SSL Certificate",
  527: "Railgun Error",
  530: "Origin Error",
});

/** @param {number} status */
export const reasonOf = (status) => STATUS_CODES[status] ?? EXTRA_REASONS[status] ?? "Unknown";

/**
 * Writes a status line and headers (plus `Date` and `Connection: close`: one request per
 * connection keeps every scenario's failure confined to its own exchange).
 * @param {Socket} socket
 * @param {number} status
 * @param {Header[]} headers
 */
export function writeHead(socket, status, headers) {
  let head = `HTTP/1.1 ${status} ${reasonOf(status)}\r\n`;
  for (const [name, value] of headers) head += `${name}: ${value}\r\n`;
  head += `Date: ${new Date().toUTCString()}\r\nConnection: close\r\n\r\n`;
  if (!socket.destroyed) socket.write(head, "latin1");
}

/**
 * A complete response with a body, then FIN.
 * @param {Socket} socket
 * @param {{ method: string }} req  Only its method matters: HEAD gets no body.
 * @param {number} status
 * @param {Header[]} headers
 * @param {string | Buffer} [body]
 */
export function send(socket, req, status, headers, body = "") {
  // 204 and 304 carry neither body nor Content-Length; 205 says Content-Length: 0.
  const bytes = status === 205 ? Buffer.alloc(0) : typeof body === "string" ? Buffer.from(body, "utf8") : body;
  const bodyless = status === 204 || status === 304 || (status >= 100 && status < 200);
  const all = bodyless ? headers : [...headers, /** @type {Header} */ (["Content-Length", bytes.length])];
  writeHead(socket, status, all);
  if (!bodyless && req.method !== "HEAD" && bytes.length > 0 && !socket.destroyed) socket.write(bytes);
  socket.end();
}

/**
 * A response whose body is generated while it is sent, so that a 1 GiB body costs no memory.
 * @param {Socket} socket
 * @param {{ method: string }} req
 * @param {number} status
 * @param {Header[]} headers  Without Content-Length, which is `total`.
 * @param {number} total
 * @param {Buffer} first  The first bytes of the body.
 * @param {Buffer} filler Repeated after `first` up to `total` bytes.
 */
export function sendGenerated(socket, req, status, headers, total, first, filler) {
  writeHead(socket, status, [...headers, ["Content-Length", total]]);
  if (req.method === "HEAD" || total === 0) return void socket.end();
  void pump(socket, total, first, filler);
}

/**
 * Resolves when `socket` can take more data, or is gone.
 * @param {Socket} socket
 * @returns {Promise<void>}
 */
function drained(socket) {
  return new Promise((resolve) => {
    const done = () => {
      socket.off("drain", done);
      socket.off("close", done);
      socket.off("error", done);
      resolve();
    };
    socket.on("drain", done);
    socket.on("close", done);
    socket.on("error", done);
  });
}

/**
 * Honours backpressure, and stops as soon as the client goes away, so that an abandoned huge
 * download does not keep writing into the void.
 * @param {Socket} socket
 * @param {number} total
 * @param {Buffer} first
 * @param {Buffer} filler
 */
async function pump(socket, total, first, filler) {
  let sent = 0;
  /** @param {Buffer} chunk */
  const write = async (chunk) => {
    const part = chunk.subarray(0, Math.min(chunk.length, total - sent));
    sent += part.length;
    if (!socket.write(part)) await drained(socket);
  };
  if (first.length > 0 && sent < total && socket.writable) await write(first);
  while (sent < total && socket.writable && !socket.destroyed) await write(filler);
  if (!socket.destroyed) socket.end();
}
