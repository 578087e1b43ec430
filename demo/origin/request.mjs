// @ts-check
/**
 * Reading a request head. Hand-written because the scenario server is a raw node:net server:
 * node:http would not let it send garbage, lie about Content-Length or reset mid-reply.
 */
import { MAX_HEAD } from "./limits.mjs";
import { HOST } from "./loopback.mjs";

/**
 * @typedef {object} Request
 * @property {string} method
 * @property {string} target   The request-target as sent.
 * @property {string} path     Decoded-as-sent pathname, without the query.
 * @property {string} query    The raw query string without "?" ("" when none).
 * @property {string} version  "HTTP/1.1" or "HTTP/1.0".
 * @property {Record<string, string>} headers Lower-cased names; repeated headers joined with ", ".
 * @property {[string, string][]} rawHeaders  Names as sent, in order.
 * @property {Buffer} body
 */

/** A request the origin refuses: answered with `status` and the message as a text body. */
export class HttpError extends Error {
  /** @param {number} status @param {string} message */
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Takes a complete request head off the front of `buf`.
 * @param {Buffer} buf  Everything received so far.
 * @returns {{ req: Request, rest: Buffer } | { pending: Buffer }}  `rest`: bytes after the head;
 *   `pending`: the bytes to keep until more arrive.
 */
export function takeHead(buf) {
  const start = skipBlankLines(buf);
  if (start.length === 0) return { pending: start };
  // Anything that cannot start a method (a TLS ClientHello, say) gets a 400 at once, like a real
  // plain-HTTP server: a TLS client then fails its handshake instead of waiting.
  if (!isLetter(/** @type {number} */ (start[0]))) throw new HttpError(400, "not an HTTP request");
  const end = findHeadEnd(start);
  if ((end?.headEnd ?? start.length) > MAX_HEAD) throw new HttpError(431, "request head too large");
  if (!end) return { pending: start };
  return { req: parseHead(start.subarray(0, end.headEnd).toString("latin1")), rest: start.subarray(end.bodyStart) };
}

/** Tolerates blank lines before the request line (RFC 9112 §2.2). @param {Buffer} buf */
function skipBlankLines(buf) {
  let skip = 0;
  while (skip < buf.length && (buf[skip] === 0x0d || buf[skip] === 0x0a)) skip++;
  return skip > 0 ? buf.subarray(skip) : buf;
}

/** @param {number} c */
const isLetter = (c) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

/**
 * Finds the end of the head: the first empty line (CRLF CRLF, or bare LF LF for lenient clients).
 * @param {Buffer} buf
 * @returns {{ headEnd: number, bodyStart: number } | undefined}
 */
function findHeadEnd(buf) {
  const crlf = buf.indexOf("\r\n\r\n");
  const lf = buf.indexOf("\n\n");
  if (crlf === -1 && lf === -1) return undefined;
  if (lf === -1 || (crlf !== -1 && crlf < lf)) return { headEnd: crlf, bodyStart: crlf + 4 };
  return { headEnd: lf, bodyStart: lf + 2 };
}

/**
 * @param {string} head  The head without its final empty line.
 * @returns {Request}
 */
function parseHead(head) {
  const [requestLine = "", ...lines] = head.split(/\r?\n/);
  const { method, target, version } = parseRequestLine(requestLine);
  const { headers, rawHeaders } = parseHeaders(lines);
  const url = parseTarget(target);
  return { method, target, path: url.pathname, query: url.search.slice(1), version, headers, rawHeaders, body: Buffer.alloc(0) };
}

/** @param {string} line */
function parseRequestLine(line) {
  const m = /^(\S+) (\S+) (HTTP\/1\.[01])$/.exec(line);
  const [, method = "", target = "", version = ""] = m ?? [];
  if (!m || !TOKEN.test(method)) throw new HttpError(400, "malformed request line");
  return { method, target, version };
}

/** @param {string[]} lines */
function parseHeaders(lines) {
  /** @type {Record<string, string>} */
  const headers = {};
  /** @type {[string, string][]} */
  const rawHeaders = [];
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon <= 0) throw new HttpError(400, "malformed header line");
    const name = line.slice(0, colon);
    if (!TOKEN.test(name)) throw new HttpError(400, "malformed header name");
    const value = line.slice(colon + 1).trim();
    rawHeaders.push([name, value]);
    const lower = name.toLowerCase();
    headers[lower] = Object.hasOwn(headers, lower) ? `${headers[lower]}, ${value}` : value;
  }
  return { headers, rawHeaders };
}

/** @param {string} target */
function parseTarget(target) {
  try {
    return new URL(target, `http://${HOST}`);
  } catch {
    throw new HttpError(400, "malformed request target");
  }
}
