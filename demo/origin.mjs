// @ts-check
/**
 * Demo and test origins for edge-error-pages: one loopback server per failure the Worker handles.
 *
 *   - a raw TCP "scenario" server that speaks just enough HTTP/1.1 to answer by path, and can
 *     also misbehave (garbage, empty replies, resets, hangs, truncated bodies, huge bodies);
 *   - a refused port (bound, noted, closed again);
 *   - a TLS server with a self-signed certificate (the "invalid certificate" case);
 *   - a port whose accept queue is full, so connects hang in SYN (the "connect timeout" case),
 *     held by a tiny python3 child because Node cannot listen without accepting.
 *
 * Everything listens on and connects to 127.0.0.1 only. No dependencies beyond node: built-ins.
 *
 * Run directly for the demo: `node demo/origin.mjs` (scenario server on $ORIGIN_PORT or 8788).
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { STATUS_CODES } from "node:http";
import net from "node:net";
import tls from "node:tls";
import { fileURLToPath, pathToFileURL } from "node:url";

const HOST = "127.0.0.1";
const KIB = 1024;
const MIB = 1024 * KIB;
/** Longest request head (request line + headers) accepted. */
const MAX_HEAD = 64 * KIB;
/** Longest request body buffered (it is echoed by /echo, read and dropped elsewhere). */
const MAX_BODY = 16 * MIB;
/** Longest WebSocket message echoed. */
const MAX_WS_MESSAGE = 16 * MIB;
/** A request (head and body) must have arrived this long after the connection opened. */
const REQUEST_TIMEOUT_MS = 120_000;
const MAX_MIB = 1024;
const MAX_SLOW_MS = 600_000;
const CHUNK = 64 * KIB;
const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

const CERT_URL = new URL("./certs/localhost.crt", import.meta.url);
const KEY_URL = new URL("./certs/localhost.key", import.meta.url);

/**
 * @typedef {object} Scenario
 * @property {string} path  A path on the scenario server (query strings are ignored).
 * @property {string} label What the origin does.
 * @property {string} expect What a visitor should get through the Worker.
 */

/** The main scenarios, in the order the demo index lists them. @type {readonly Scenario[]} */
export const SCENARIOS = Object.freeze([
  { path: "/ok", label: "Healthy page (200)", expect: "200, passed through untouched" },
  { path: "/status/500", label: "Origin answers 500", expect: "500 error page (the origin's own error)" },
  { path: "/status/502", label: "Origin answers 502", expect: "502 error page (the origin's own error)" },
  { path: "/status/503", label: "Origin answers 503", expect: "503 error page (the origin's own error)" },
  { path: "/status/504", label: "Origin answers 504", expect: "504 error page (the origin's own error)" },
  { path: "/branded/502", label: "502 with a cloudflare-nginx body", expect: "502 error page blaming the edge" },
  { path: "/json/500", label: "JSON API error (500)", expect: "500; a JSON error when the client sends Accept: application/json" },
  { path: "/cf530/1016", label: "530 with body \"error code: 1016\"", expect: "530 error page for 1016 (origin DNS error)" },
  { path: "/retry-after/503/120", label: "503 with Retry-After: 120", expect: "503 error page keeping Retry-After: 120" },
  { path: "/garbage", label: "Replies with bytes that are not HTTP", expect: "520 (unknown error)" },
  { path: "/empty", label: "Closes without replying", expect: "520 (empty reply)" },
  { path: "/reset", label: "Resets the connection (TCP RST)", expect: "520 (connection reset)" },
  { path: "/hang", label: "Reads the request, never answers", expect: "524 after ORIGIN_TIMEOUT_MS" },
  { path: "/slow-headers/3000", label: "Answers 200 after 3 s", expect: "200, if under ORIGIN_TIMEOUT_MS" },
  { path: "/truncated", label: "200 with Content-Length 1000 but 10 bytes", expect: "200 headers; the body ends early (too late for an error page)" },
  { path: "/huge-error/64", label: "502 with a 64 MiB HTML body", expect: "502 error page; the origin body is not buffered" },
  { path: "/stream/16", label: "16 MiB download", expect: "200, streamed through" },
  { path: "/big-headers", label: "200 with a 20 KiB header", expect: "200 passed through, or 520 if the runtime refuses the headers" },
  { path: "/cookies", label: "Three Set-Cookie headers", expect: "200 with all three Set-Cookie headers kept apart" },
  { path: "/not-found", label: "Custom 404 page", expect: "404 passed through with the origin's own page" },
  { path: "/redirect", label: "302 to /ok", expect: "302 passed through (not followed)" },
  { path: "/echo", label: "Echoes method, path, query, headers, body as JSON", expect: "200 JSON" },
  { path: "/ws", label: "WebSocket echo (426 without Upgrade)", expect: "101 then echoed frames" },
]);

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
const reasonOf = (status) => STATUS_CODES[status] ?? EXTRA_REASONS[status] ?? "Unknown";

/** @param {string} s */
const escapeHtml = (s) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);

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

/** @typedef {[string, string | number]} Header */

/**
 * What a connection needs from the server that owns it.
 * @typedef {object} ConnContext
 * @property {Set<net.Socket>} sockets
 * @property {string | undefined} forcePath  Answer every request as if for this path.
 */

// ---------------------------------------------------------------------------------------------
// Writing responses
// ---------------------------------------------------------------------------------------------

/**
 * Writes a status line and headers (plus `Date` and `Connection: close`).
 * @param {net.Socket} socket
 * @param {number} status
 * @param {Header[]} headers
 */
function writeHead(socket, status, headers) {
  let head = `HTTP/1.1 ${status} ${reasonOf(status)}\r\n`;
  for (const [name, value] of headers) head += `${name}: ${value}\r\n`;
  head += `Date: ${new Date().toUTCString()}\r\nConnection: close\r\n\r\n`;
  if (!socket.destroyed) socket.write(head, "latin1");
}

/**
 * A complete response with a body, then FIN.
 * @param {net.Socket} socket
 * @param {Request} req
 * @param {number} status
 * @param {Header[]} headers
 * @param {string | Buffer} [body]
 */
function send(socket, req, status, headers, body = "") {
  // 204 and 304 carry neither body nor Content-Length; 205 says Content-Length: 0.
  const bytes = status === 205 ? Buffer.alloc(0) : typeof body === "string" ? Buffer.from(body, "utf8") : body;
  const bodyless = status === 204 || status === 304 || (status >= 100 && status < 200);
  const all = bodyless ? headers : [...headers, /** @type {Header} */ (["Content-Length", bytes.length])];
  writeHead(socket, status, all);
  if (!bodyless && req.method !== "HEAD" && bytes.length > 0 && !socket.destroyed) socket.write(bytes);
  socket.end();
}

/**
 * Resolves when `socket` can take more data, or is gone.
 * @param {net.Socket} socket
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
 * Streams `total` bytes in 64 KiB chunks, waiting for 'drain' whenever the socket is full and
 * stopping as soon as the client goes away.
 * @param {net.Socket} socket
 * @param {number} total
 * @param {Buffer} first  The first bytes to send (sent before the filler).
 * @param {Buffer} filler A 64 KiB chunk, repeated.
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

// ---------------------------------------------------------------------------------------------
// Pages
// ---------------------------------------------------------------------------------------------

/**
 * @param {string} title
 * @param {string} main  Trusted HTML.
 */
function page(title, main) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #1d1d1f; }
  h1 { font-size: 1.5rem; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #e5e5ea; vertical-align: top; }
  th { font-weight: 600; }
  code { font-size: .9em; }
  small { color: #6e6e73; }
</style>
</head>
<body>
${main}
</body>
</html>
`;
}

function indexPage() {
  const rows = SCENARIOS.map(
    (s) =>
      `<tr><td><a href="${escapeHtml(s.path)}"><code>${escapeHtml(s.path)}</code></a></td>` +
      `<td>${escapeHtml(s.label)}</td><td>${escapeHtml(s.expect)}</td></tr>`,
  ).join("\n");
  return page(
    "Demo origin",
    `<h1>Demo origin</h1>
<p>Each path below makes this origin succeed or fail in one particular way. Open them through the Worker to see its error pages.</p>
<table>
<thead><tr><th>Path</th><th>The origin</th><th>Through the Worker</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<p><small>Also: <code>/status/{code}</code>, <code>/branded/{code}</code>, <code>/json/{code}</code>, <code>/cf530/{sub}</code>,
<code>/retry-after/{code}/{seconds}</code>, <code>/slow-headers/{ms}</code>, <code>/stream/{mib}</code>, <code>/huge-error/{mib}</code>.</small></p>
`,
  );
}

const okPage = () => page("OK", "<h1>OK</h1>\n<p>The origin is up and answered normally.</p>\n");

/** A plain origin error page: deliberately free of any CDN branding. @param {number} status */
const statusPage = (status) =>
  `<!doctype html>\n<html><head><title>${status} ${escapeHtml(reasonOf(status))}</title></head>\n` +
  `<body><h1>${status} ${escapeHtml(reasonOf(status))}</h1><p>Served by the demo origin.</p></body></html>\n`;

/** A Cloudflare-branded error body, like the edge's own nginx pages. @param {number} status */
const brandedPage = (status) =>
  `<html>\r\n<head><title>${status} ${escapeHtml(reasonOf(status))}</title></head>\r\n<body>\r\n` +
  `<center><h1>${status} ${escapeHtml(reasonOf(status))}</h1></center>\r\n<hr><center>cloudflare-nginx</center>\r\n` +
  `</body>\r\n</html>\r\n`;

const HTML = /** @type {Header} */ (["Content-Type", "text/html; charset=utf-8"]);
const TEXT = /** @type {Header} */ (["Content-Type", "text/plain; charset=utf-8"]);
const X_ORIGIN = /** @type {Header} */ (["X-Origin", "demo"]);

/** @param {string | undefined} s @param {number} lo @param {number} hi */
function intIn(s, lo, hi) {
  if (s === undefined || !/^\d{1,10}$/.test(s)) return undefined;
  const n = Number(s);
  return n >= lo && n <= hi ? n : undefined;
}

/** @param {string | undefined} s */
const statusCode = (s) => intIn(s, 200, 599);

/** @param {string | undefined} s  MiB, clamped to 1024. */
function mib(s) {
  const n = intIn(s, 0, Number.MAX_SAFE_INTEGER);
  return n === undefined ? undefined : Math.min(n, MAX_MIB);
}

// ---------------------------------------------------------------------------------------------
// Routing
// ---------------------------------------------------------------------------------------------

/**
 * Answers one fully read request.
 * @param {net.Socket} socket
 * @param {Request} req
 * @param {ConnContext} ctx
 * @param {(fn: () => void, ms: number) => void} later  A timer cleared when the socket closes.
 */
function route(socket, req, ctx, later) {
  const path = ctx.forcePath ?? req.path;
  const parts = path.split("/").slice(1);
  const [first, a, b] = parts;
  const n = parts.length;

  if (path === "/") return send(socket, req, 200, [HTML], indexPage());
  if (path === "/ok") return send(socket, req, 200, [HTML], okPage());

  if (path === "/echo") {
    const echo = {
      method: req.method,
      path: req.path,
      query: req.query,
      headers: req.headers,
      rawHeaders: req.rawHeaders,
      body: req.body.toString("utf8"),
    };
    return send(socket, req, 200, [["Content-Type", "application/json; charset=utf-8"]], JSON.stringify(echo));
  }

  if (first === "status" && n === 2) {
    const status = statusCode(a);
    if (status !== undefined) return send(socket, req, status, [HTML, X_ORIGIN], statusPage(status));
  }
  if (first === "branded" && n === 2) {
    const status = statusCode(a);
    if (status !== undefined) return send(socket, req, status, [HTML], brandedPage(status));
  }
  if (first === "json" && n === 2) {
    const status = statusCode(a);
    if (status !== undefined) {
      const body = JSON.stringify({ error: "database down", code: status });
      return send(socket, req, status, [["Content-Type", "application/json"]], body);
    }
  }
  if (first === "cf530" && n === 2 && a !== undefined && /^\d{1,6}$/.test(a)) {
    return send(socket, req, 530, [TEXT], `error code: ${a}`);
  }
  if (first === "retry-after" && n === 3) {
    const status = statusCode(a);
    const seconds = intIn(b, 0, 9_999_999_999);
    if (status !== undefined && seconds !== undefined) {
      return send(socket, req, status, [HTML, X_ORIGIN, ["Retry-After", seconds]], statusPage(status));
    }
  }
  if (path === "/cookies") {
    return send(
      socket,
      req,
      200,
      [
        TEXT,
        ["Set-Cookie", "a=1; Path=/; HttpOnly"],
        ["Set-Cookie", "b=2; Path=/; Secure; SameSite=Lax"],
        ["Set-Cookie", "c=3; Path=/; Max-Age=3600; SameSite=Strict"],
      ],
      "cookies",
    );
  }
  if (path === "/not-found") return send(socket, req, 404, [HTML, X_ORIGIN], "<h1>custom 404</h1>");
  if (path === "/redirect") return send(socket, req, 302, [["Location", "/ok"], TEXT], "Found: /ok");

  if (first === "stream" && n === 2) {
    const size = mib(a);
    if (size !== undefined) {
      const total = size * MIB;
      writeHead(socket, 200, [["Content-Type", "application/octet-stream"], ["Content-Length", total]]);
      if (req.method === "HEAD" || total === 0) return void socket.end();
      void pump(socket, total, Buffer.alloc(0), Buffer.alloc(CHUNK, "0123456789abcdef"));
      return;
    }
  }
  if (first === "huge-error" && n === 2) {
    const size = mib(a);
    if (size !== undefined) {
      const total = size * MIB;
      writeHead(socket, 502, [HTML, ["Content-Length", total]]);
      if (req.method === "HEAD" || total === 0) return void socket.end();
      const head = Buffer.from(`<!doctype html>\n<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1>\n`);
      void pump(socket, total, head, Buffer.alloc(CHUNK, "<p>a huge origin error body</p>\n"));
      return;
    }
  }

  if (path === "/garbage") {
    socket.end("this is not http\r\n\r\n");
    return;
  }
  if (path === "/empty") return void socket.end();
  if (path === "/reset") return void socket.resetAndDestroy();
  if (path === "/hang") return; // keep the socket until the client or close() ends it
  if (first === "slow-headers" && n === 2) {
    const ms = intIn(a, 0, Number.MAX_SAFE_INTEGER);
    if (ms !== undefined) {
      later(() => send(socket, req, 200, [TEXT], "slow"), Math.min(ms, MAX_SLOW_MS));
      return;
    }
  }
  if (path === "/truncated") {
    writeHead(socket, 200, [TEXT, ["Content-Length", 1000]]);
    if (req.method !== "HEAD") socket.write("truncated!");
    socket.end();
    return;
  }
  if (path === "/big-headers") {
    return send(socket, req, 200, [TEXT, ["X-Big", "b".repeat(20 * KIB)]], "big headers");
  }
  if (path === "/ws") {
    // Upgrades are handled before the body is read; anything reaching here did not ask for one.
    return send(socket, req, 426, [TEXT, ["Upgrade", "websocket"], ["Sec-WebSocket-Version", 13]], "WebSocket upgrade required\n");
  }

  return send(socket, req, 404, [TEXT], "not found\n");
}

// ---------------------------------------------------------------------------------------------
// WebSocket (RFC 6455): handshake, then echo
// ---------------------------------------------------------------------------------------------

/** @param {string} key */
export const websocketAccept = (key) => createHash("sha1").update(key + WS_GUID).digest("base64");

/**
 * An unmasked server frame with FIN set.
 * @param {number} opcode
 * @param {Buffer} payload
 */
function frame(opcode, payload) {
  const len = payload.length;
  /** @type {Buffer} */
  let header;
  if (len < 126) {
    header = Buffer.from([0x80 | opcode, len]);
  } else if (len < 65536) {
    header = Buffer.alloc(4);
    header[0] = 0x80 | opcode;
    header[1] = 126;
    header.writeUInt16BE(len, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = 0x80 | opcode;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(len), 2);
  }
  return Buffer.concat([header, payload]);
}

/** @param {number} code */
const closePayload = (code) => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(code, 0);
  return b;
};

/**
 * Completes the handshake (or refuses it) and turns the socket into an echo endpoint.
 * @param {net.Socket} socket
 * @param {Request} req
 * @param {Buffer} rest  Bytes that arrived after the request head.
 * @returns {((chunk: Buffer) => void) | undefined}  The frame reader, or undefined if refused.
 */
function upgradeWebSocket(socket, req, rest) {
  const key = req.headers["sec-websocket-key"];
  if (req.method !== "GET" || !key || req.headers["sec-websocket-version"] !== "13") {
    send(socket, req, 400, [TEXT, ["Sec-WebSocket-Version", 13]], "bad WebSocket handshake\n");
    return undefined;
  }
  socket.write(
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      `Sec-WebSocket-Accept: ${websocketAccept(key)}\r\n\r\n`,
    "latin1",
  );

  /** @type {Buffer} */
  let buf = Buffer.alloc(0);
  /** @type {Buffer[]} */
  let fragments = [];
  let fragmentsSize = 0;
  let messageOpcode = 0;
  let closed = false;

  /** @param {number} code */
  const fail = (code) => {
    if (closed) return;
    closed = true;
    socket.end(frame(0x8, closePayload(code)));
  };

  /** @param {Buffer} chunk */
  const read = (chunk) => {
    if (closed) return;
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    for (;;) {
      if (buf.length < 2) return;
      const b0 = /** @type {number} */ (buf[0]);
      const b1 = /** @type {number} */ (buf[1]);
      const fin = (b0 & 0x80) !== 0;
      const opcode = b0 & 0x0f;
      const masked = (b1 & 0x80) !== 0;
      let len = b1 & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (buf.length < 4) return;
        len = buf.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (buf.length < 10) return;
        const big = buf.readBigUInt64BE(2);
        if (big > BigInt(MAX_WS_MESSAGE)) return fail(1009);
        len = Number(big);
        offset = 10;
      }
      if (len > MAX_WS_MESSAGE) return fail(1009);
      const maskLen = masked ? 4 : 0;
      if (buf.length < offset + maskLen + len) return;
      const mask = masked ? buf.subarray(offset, offset + 4) : undefined;
      const payload = Buffer.from(buf.subarray(offset + maskLen, offset + maskLen + len));
      if (mask) for (let i = 0; i < payload.length; i++) payload[i] ^= /** @type {number} */ (mask[i & 3]);
      buf = buf.subarray(offset + maskLen + len);

      if (opcode >= 0x8) {
        // Control frames: never fragmented, at most 125 bytes.
        if (!fin || len > 125) return fail(1002);
        if (opcode === 0x8) {
          closed = true;
          // Echo the client's code and reason when they are valid to send back, else close bare.
          const code = payload.length >= 2 ? payload.readUInt16BE(0) : undefined;
          const echoable = code !== undefined && code >= 1000 && code < 5000 && code !== 1005 && code !== 1006;
          socket.end(frame(0x8, echoable ? payload : Buffer.alloc(0)));
          return;
        }
        if (opcode === 0x9) socket.write(frame(0xa, payload));
        else if (opcode !== 0xa) return fail(1002);
        continue;
      }
      if (opcode === 0x0) {
        if (messageOpcode === 0) return fail(1002);
      } else if (opcode === 0x1 || opcode === 0x2) {
        if (messageOpcode !== 0) return fail(1002);
        messageOpcode = opcode;
      } else {
        return fail(1002);
      }
      fragments.push(payload);
      fragmentsSize += payload.length;
      if (fragmentsSize > MAX_WS_MESSAGE) return fail(1009);
      if (fin) {
        socket.write(frame(messageOpcode, Buffer.concat(fragments)));
        fragments = [];
        fragmentsSize = 0;
        messageOpcode = 0;
      }
    }
  };
  if (rest.length > 0) read(rest);
  return read;
}

// ---------------------------------------------------------------------------------------------
// Reading requests
// ---------------------------------------------------------------------------------------------

class HttpError extends Error {
  /** @param {number} status @param {string} message */
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

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

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * @param {string} head
 * @returns {Request}
 */
function parseHead(head) {
  const lines = head.split(/\r?\n/);
  const requestLine = lines.shift() ?? "";
  const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) (HTTP\/1\.[01])$/.exec(requestLine);
  if (!m) throw new HttpError(400, "malformed request line");
  const [, method = "", target = "", version = ""] = m;
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
    headers[lower] = lower in headers ? `${headers[lower]}, ${value}` : value;
  }
  let url;
  try {
    url = new URL(target, `http://${HOST}`);
  } catch {
    throw new HttpError(400, "malformed request target");
  }
  return { method, target, path: url.pathname, query: url.search.slice(1), version, headers, rawHeaders, body: Buffer.alloc(0) };
}

/**
 * Reads a body: Content-Length or chunked, buffered up to MAX_BODY.
 */
class BodyReader {
  /** @param {Request} req */
  constructor(req) {
    const te = req.headers["transfer-encoding"];
    const cl = req.headers["content-length"];
    /** @type {"length" | "chunked"} */
    this.mode = "length";
    this.remaining = 0;
    if (te !== undefined) {
      if (!/(^|,)\s*chunked\s*$/i.test(te)) throw new HttpError(501, "unsupported transfer-encoding");
      this.mode = "chunked";
    } else if (cl !== undefined) {
      if (!/^\d{1,15}$/.test(cl)) throw new HttpError(400, "bad content-length");
      this.remaining = Number(cl);
      if (this.remaining > MAX_BODY) throw new HttpError(413, "body too large");
    }
    /** @type {"size" | "data" | "crlf" | "trailers"} */
    this.state = "size";
    /** @type {Buffer[]} */
    this.parts = [];
    this.size = 0;
    this.pending = Buffer.alloc(0);
    this.done = this.mode === "length" && this.remaining === 0;
  }

  get expectsBody() {
    return !this.done;
  }

  /** @param {Buffer} data */
  take(data) {
    this.size += data.length;
    if (this.size > MAX_BODY) throw new HttpError(413, "body too large");
    this.parts.push(data);
  }

  /**
   * Feeds bytes; returns true once the body is complete (extra bytes are ignored).
   * @param {Buffer} chunk
   */
  feed(chunk) {
    if (this.done) return true;
    if (this.mode === "length") {
      const part = chunk.subarray(0, this.remaining);
      this.remaining -= part.length;
      this.take(Buffer.from(part));
      this.done = this.remaining === 0;
      return this.done;
    }
    let buf = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    for (;;) {
      if (this.state === "size" || this.state === "trailers") {
        const eol = buf.indexOf("\n");
        if (eol === -1) {
          if (buf.length > 4096) throw new HttpError(400, "chunk line too long");
          break;
        }
        const line = buf.subarray(0, eol).toString("latin1").replace(/\r$/, "");
        buf = buf.subarray(eol + 1);
        if (this.state === "trailers") {
          if (line === "") {
            this.done = true;
            return true;
          }
          continue;
        }
        const sizeText = (line.split(";")[0] ?? "").trim();
        if (!/^[0-9a-fA-F]{1,8}$/.test(sizeText)) throw new HttpError(400, "bad chunk size");
        const size = parseInt(sizeText, 16);
        if (size === 0) this.state = "trailers";
        else {
          this.state = "data";
          this.remaining = size;
        }
      } else if (this.state === "data") {
        if (buf.length === 0) break;
        const part = buf.subarray(0, this.remaining);
        this.take(Buffer.from(part));
        this.remaining -= part.length;
        buf = buf.subarray(part.length);
        if (this.remaining === 0) this.state = "crlf";
      } else {
        const eol = buf.indexOf("\n");
        if (eol === -1) {
          if (buf.length > 2) throw new HttpError(400, "bad chunk terminator");
          break;
        }
        if (buf.subarray(0, eol).toString("latin1").replace(/\r$/, "") !== "") throw new HttpError(400, "bad chunk terminator");
        buf = buf.subarray(eol + 1);
        this.state = "size";
      }
    }
    this.pending = Buffer.from(buf);
    return false;
  }

  body() {
    return Buffer.concat(this.parts);
  }
}

/**
 * Serves one connection: reads one request, answers it, closes (every reply says Connection: close).
 * @param {net.Socket} socket
 * @param {ConnContext} ctx
 */
function serveConnection(socket, ctx) {
  ctx.sockets.add(socket);
  /** @type {Set<NodeJS.Timeout>} */
  const timers = new Set();
  /** @type {(fn: () => void, ms: number) => void} */
  const later = (fn, ms) => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (!socket.destroyed) fn();
    }, ms);
    timers.add(t);
  };
  socket.on("error", () => undefined); // resets and aborts are part of the job
  socket.on("close", () => {
    ctx.sockets.delete(socket);
    for (const t of timers) clearTimeout(t);
    timers.clear();
  });
  socket.setNoDelay(true);

  /** @type {"head" | "body" | "answered" | "ws"} */
  let state = "head";
  /** @type {Buffer} */
  let buf = Buffer.alloc(0);
  /** @type {Request | undefined} */
  let req;
  /** @type {BodyReader | undefined} */
  let reader;
  /** @type {((chunk: Buffer) => void) | undefined} */
  let wsRead;

  // Connections that never complete a request do not stay open forever.
  const requestTimer = setTimeout(() => socket.destroy(), REQUEST_TIMEOUT_MS);
  timers.add(requestTimer);
  const requestDone = () => {
    clearTimeout(requestTimer);
    timers.delete(requestTimer);
  };

  /** @param {HttpError} err */
  const reject = (err) => {
    state = "answered";
    const fake = /** @type {Request} */ ({ method: "GET" });
    send(socket, fake, err.status, [TEXT], `${err.message}\n`);
  };

  /** @param {Buffer} chunk */
  const onData = (chunk) => {
    if (state === "answered") return; // pipelined or trailing bytes: ignored, we close anyway
    if (state === "ws") return wsRead?.(chunk);
    try {
      if (state === "head") {
        buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
        // Tolerate blank lines before the request line (RFC 9112 §2.2).
        let skip = 0;
        while (skip < buf.length && (buf[skip] === 0x0d || buf[skip] === 0x0a)) skip++;
        if (skip > 0) buf = buf.subarray(skip);
        if (buf.length === 0) return;
        // Anything that cannot start a method (a TLS ClientHello, say) gets a 400 at once, like
        // a real plain-HTTP server: a TLS client then fails its handshake instead of waiting.
        const c = /** @type {number} */ (buf[0]);
        if (!((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a))) throw new HttpError(400, "not an HTTP request");
        const end = findHeadEnd(buf);
        if (!end) {
          if (buf.length > MAX_HEAD) throw new HttpError(431, "request head too large");
          return;
        }
        if (end.headEnd > MAX_HEAD) throw new HttpError(431, "request head too large");
        req = parseHead(buf.subarray(0, end.headEnd).toString("latin1"));
        const rest = buf.subarray(end.bodyStart);
        buf = Buffer.alloc(0);

        const path = ctx.forcePath ?? req.path;
        const upgrade = (req.headers["upgrade"] ?? "").toLowerCase();
        if (path === "/ws" && upgrade.split(/\s*,\s*/).includes("websocket")) {
          requestDone();
          state = "ws";
          wsRead = upgradeWebSocket(socket, req, rest);
          if (!wsRead) state = "answered";
          return;
        }

        reader = new BodyReader(req);
        state = "body";
        if (reader.expectsBody && /^100-continue$/i.test(req.headers["expect"] ?? "")) {
          socket.write("HTTP/1.1 100 Continue\r\n\r\n", "latin1");
        }
        if (!reader.feed(rest)) return;
      } else if (!reader?.feed(chunk)) {
        return;
      }
      // The request is complete.
      requestDone();
      state = "answered";
      const done = /** @type {Request} */ (req);
      done.body = /** @type {BodyReader} */ (reader).body();
      route(socket, done, ctx, later);
    } catch (err) {
      if (err instanceof HttpError) reject(err);
      else socket.destroy();
    }
  };
  socket.on("data", onData);
  socket.on("end", () => {
    // The client finished sending. If it never completed a request there is nothing to answer.
    if (state === "head" || state === "body") socket.end();
  });
}

// ---------------------------------------------------------------------------------------------
// Servers
// ---------------------------------------------------------------------------------------------

/**
 * @param {net.Server} server
 * @param {number} port
 * @returns {Promise<number>} the bound port
 */
function listen(server, port) {
  return new Promise((resolve, reject) => {
    const onError = /** @param {Error} err */ (err) => reject(err);
    server.once("error", onError);
    server.listen({ host: HOST, port, exclusive: true }, () => {
      server.off("error", onError);
      server.on("error", () => undefined);
      resolve(/** @type {net.AddressInfo} */ (server.address()).port);
    });
  });
}

/** @param {net.Server} server @returns {Promise<void>} */
const closeServer = (server) => new Promise((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));

/** A port that refuses connections: bound on 127.0.0.1, noted, closed. */
async function refusedPort() {
  const server = net.createServer();
  const port = await listen(server, 0);
  await closeServer(server);
  return port;
}

/**
 * The python3 child that holds a listening port with a full accept queue.
 * It prints the port, then sleeps until its stdin closes, or 10 minutes at most.
 */
const BACKLOG_PY = String.raw`
import os, select, socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
s.listen(0)
port = s.getsockname()[1]
fillers = []
for _ in range(3):
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.setblocking(False)
    try:
        c.connect(("127.0.0.1", port))
    except (BlockingIOError, InterruptedError):
        pass
    fillers.append(c)
time.sleep(0.05)
sys.stdout.write("%d\n" % port)
sys.stdout.flush()
deadline = time.monotonic() + 600
while True:
    left = deadline - time.monotonic()
    if left <= 0:
        break
    r, _, _ = select.select([sys.stdin], [], [], left)
    if r and not os.read(sys.stdin.fileno(), 4096):
        break
`;

/**
 * Resolves true if a connect to `port` does NOT complete within `ms`.
 * @param {number} port
 * @param {number} ms
 * @returns {Promise<{ ok: boolean, why?: string }>}
 */
export function staysUnconnected(port, ms = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: HOST, port });
    const finish = /** @param {{ ok: boolean, why?: string }} r */ (r) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => finish({ ok: true }), ms);
    socket.once("connect", () => finish({ ok: false, why: "a connect completed" }));
    socket.once("error", (err) => finish({ ok: false, why: `connect failed: ${err.message}` }));
  });
}

/**
 * @typedef {object} BacklogHolder
 * @property {number} port
 * @property {() => Promise<void>} close
 */

/**
 * @param {(msg: string) => void} log
 * @param {boolean} verify
 * @returns {Promise<BacklogHolder | null>}
 */
async function startBacklog(log, verify) {
  /** @type {import("node:child_process").ChildProcessWithoutNullStreams} */
  let child;
  try {
    child = spawn("python3", ["-c", BACKLOG_PY], { stdio: ["pipe", "pipe", "pipe"], windowsHide: true });
  } catch (err) {
    log(`backlog port unavailable: cannot start python3 (${/** @type {Error} */ (err).message})`);
    return null;
  }
  /** @type {Promise<void>} */
  const exited = new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    child.once("close", () => resolve());
    child.once("error", () => resolve());
  });
  child.stdin.on("error", () => undefined);
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (d) => (stderr = (stderr + d).slice(-2000)));

  const kill = async () => {
    if (!child.stdin.destroyed) child.stdin.end();
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 2000);
    await exited;
    clearTimeout(timer);
    child.stdout.destroy();
    child.stderr.destroy();
  };

  /** @type {number | string} */
  const result = await new Promise((resolve) => {
    let out = "";
    const timer = setTimeout(() => done("python3 did not print a port within 5 s"), 5000);
    /** @param {number | string} r */
    const done = (r) => {
      clearTimeout(timer);
      child.stdout.off("data", onData);
      resolve(r);
    };
    const onData = /** @param {Buffer} d */ (d) => {
      out += d.toString("utf8");
      const m = /^(\d+)\n/.exec(out);
      if (m) done(Number(m[1]));
    };
    child.stdout.on("data", onData);
    child.once("error", (err) =>
      done(/** @type {NodeJS.ErrnoException} */ (err).code === "ENOENT" ? "python3 is not installed (not on PATH)" : `python3 failed: ${err.message}`),
    );
    child.once("exit", (code, signal) => done(`python3 exited early (${signal ?? code})${stderr ? `: ${stderr.trim()}` : ""}`));
  });

  if (typeof result === "string") {
    log(`backlog port unavailable: ${result}`);
    await kill();
    return null;
  }
  if (verify) {
    const check = await staysUnconnected(result, 1000);
    if (!check.ok) {
      log(`backlog port unavailable: port ${result} does not hang connects on this system (${check.why})`);
      await kill();
      return null;
    }
  }
  return { port: result, close: kill };
}

/**
 * @typedef {object} StartOptions
 * @property {number} [port]   Scenario server port (default 0: ephemeral).
 * @property {boolean} [backlog] Start the full-backlog port (default true).
 * @property {boolean} [verifyBacklog] Check that a connect to it hangs for 1 s (default true).
 * @property {(msg: string) => void} [log] Where to report problems (default console.warn).
 */

/**
 * @typedef {object} Origins
 * @property {string} http        "http://127.0.0.1:PORT", the scenario server.
 * @property {number} port        The scenario server's port.
 * @property {number} refusedPort A port that refuses connections.
 * @property {number | null} backlogPort A port whose connects hang in SYN; null without python3.
 * @property {number} tlsPort     A TLS server with a self-signed certificate.
 * @property {() => Promise<void>} close Closes everything; idempotent.
 */

/**
 * Starts every origin on 127.0.0.1.
 * @param {StartOptions} [opts]
 * @returns {Promise<Origins>}
 */
export async function startOrigins(opts = {}) {
  const log = opts.log ?? ((msg) => console.warn(`[origin] ${msg}`));
  /** @type {Set<net.Socket>} */
  const sockets = new Set();
  let closing = false;
  /** @type {ConnContext} */
  const scenarioCtx = { sockets, forcePath: undefined };
  /** @type {ConnContext} */
  const tlsCtx = { sockets, forcePath: "/ok" };

  const scenario = net.createServer({ pauseOnConnect: false }, (socket) => {
    if (closing) return void socket.destroy();
    serveConnection(socket, scenarioCtx);
  });

  const secure = tls.createServer(
    { key: readFileSync(KEY_URL), cert: readFileSync(CERT_URL), handshakeTimeout: 10_000 },
    (socket) => {
      if (closing) return void socket.destroy();
      serveConnection(socket, tlsCtx);
    },
  );
  // The raw TCP sockets too, so close() also ends handshakes in progress.
  secure.on("connection", (/** @type {net.Socket} */ raw) => {
    sockets.add(raw);
    raw.on("error", () => undefined);
    raw.on("close", () => sockets.delete(raw));
  });
  secure.on("tlsClientError", () => undefined); // clients rejecting the certificate: expected

  /** @type {BacklogHolder | null} */
  let backlog = null;

  const shutdown = async () => {
    closing = true;
    for (const s of sockets) s.destroy();
    sockets.clear();
    await Promise.all([closeServer(scenario), closeServer(secure), backlog?.close()]);
  };

  try {
    const port = await listen(scenario, opts.port ?? 0);
    const tlsPort = await listen(secure, 0);
    backlog = opts.backlog === false ? null : await startBacklog(log, opts.verifyBacklog !== false);
    const refused = await refusedPort();

    /** @type {Promise<void> | undefined} */
    let closed;
    return {
      http: `http://${HOST}:${port}`,
      port,
      refusedPort: refused,
      backlogPort: backlog?.port ?? null,
      tlsPort,
      close: () => (closed ??= shutdown()),
    };
  } catch (err) {
    await shutdown();
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// `node demo/origin.mjs`
// ---------------------------------------------------------------------------------------------

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;

if (isMain) {
  const port = Number(process.env.ORIGIN_PORT ?? 8788);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`ORIGIN_PORT must be a port number, got ${JSON.stringify(process.env.ORIGIN_PORT)}`);
    process.exit(2);
  }
  /** @type {Origins} */
  let origins;
  try {
    origins = await startOrigins({ port });
  } catch (err) {
    const e = /** @type {NodeJS.ErrnoException} */ (err);
    console.error(e.code === "EADDRINUSE" ? `Port ${port} is taken: set ORIGIN_PORT to another port.` : `Could not start: ${e.message}`);
    process.exit(1);
  }
  console.log(`Demo origins (${fileURLToPath(import.meta.url)}):`);
  console.log(`  scenarios        ${origins.http}/`);
  console.log(`  refused          http://${HOST}:${origins.refusedPort}`);
  console.log(`  tls (self-signed) https://${HOST}:${origins.tlsPort}`);
  console.log(`  tls against plain https://${HOST}:${origins.port}`);
  console.log(`  connect timeout  ${origins.backlogPort === null ? "unavailable (no python3)" : `http://${HOST}:${origins.backlogPort}`}`);
  console.log("Ctrl-C to stop.");
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    origins.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
