// @ts-check
/**
 * One connection to the scenario or TLS server: read one request, answer it, close. Every reply
 * says Connection: close, so there is no keep-alive or pipelining to get right.
 */
import { BodyReader } from "./body.mjs";
import { REQUEST_TIMEOUT_MS } from "./limits.mjs";
import { track } from "./loopback.mjs";
import { send, TEXT } from "./reply.mjs";
import { HttpError, takeHead } from "./request.mjs";
import { route } from "./scenarios.mjs";
import { asksForWebSocket, upgradeWebSocket } from "./websocket.mjs";

/** @typedef {import("node:net").Socket} Socket */
/** @typedef {import("./request.mjs").Request} Request */

/**
 * What a connection needs from the server that owns it.
 * @typedef {object} ConnContext
 * @property {Set<Socket>} sockets  Open sockets, for close() to destroy.
 * @property {string | undefined} forcePath  Answer every request as if for this path.
 */

/** @typedef {(fn: () => void, ms: number) => () => void} Later  Returns a cancel function. */

/**
 * @param {Socket} socket
 * @param {ConnContext} ctx
 */
export function serveConnection(socket, ctx) {
  track(ctx.sockets, socket);
  const conn = new Connection(socket, ctx, timersOf(socket));
  socket.setNoDelay(true);
  socket.on("data", (/** @type {Buffer} */ chunk) => conn.onData(chunk));
  socket.on("end", () => conn.onEnd());
}

/**
 * Timers that die with the socket, so a closed /slow-headers or a pending request timeout does
 * not keep the process alive or write to a dead socket.
 * @param {Socket} socket
 * @returns {Later}
 */
function timersOf(socket) {
  /** @type {Set<NodeJS.Timeout>} */
  const timers = new Set();
  socket.on("close", () => {
    for (const t of timers) clearTimeout(t);
    timers.clear();
  });
  return (fn, ms) => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (!socket.destroyed) fn();
    }, ms);
    timers.add(t);
    return () => {
      clearTimeout(t);
      timers.delete(t);
    };
  };
}

class Connection {
  /** @type {"head" | "body" | "answered" | "ws"} */
  state = "head";
  /** Head bytes received so far. @type {Buffer} */
  buf = Buffer.alloc(0);
  /** @type {Request | undefined} */
  req;
  /** @type {BodyReader | undefined} */
  reader;
  /** @type {((chunk: Buffer) => void) | undefined} */
  wsRead;

  /**
   * @param {Socket} socket
   * @param {ConnContext} ctx
   * @param {Later} later
   */
  constructor(socket, ctx, later) {
    this.socket = socket;
    this.ctx = ctx;
    this.later = later;
    // Connections that never complete a request do not stay open forever.
    this.requestDone = later(() => socket.destroy(), REQUEST_TIMEOUT_MS);
  }

  /** @param {Buffer} chunk */
  onData(chunk) {
    if (this.state === "answered") return; // pipelined or trailing bytes: ignored, we close anyway
    if (this.state === "ws") return this.wsRead?.(chunk);
    try {
      const complete = this.state === "head" ? this.onHead(chunk) : this.reader?.feed(chunk);
      if (complete) this.answer();
    } catch (err) {
      if (err instanceof HttpError) this.reject(err);
      else this.socket.destroy();
    }
  }

  onEnd() {
    // The client finished sending. If it never completed a request there is nothing to answer.
    if (this.state === "head" || this.state === "body") this.socket.end();
  }

  /**
   * @param {Buffer} chunk
   * @returns {boolean} whether the whole request (body included) has arrived
   */
  onHead(chunk) {
    const head = takeHead(this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]));
    if ("pending" in head) {
      this.buf = head.pending;
      return false;
    }
    this.buf = Buffer.alloc(0);
    const req = (this.req = head.req);
    if (asksForWebSocket(req, this.ctx.forcePath ?? req.path)) {
      this.startWebSocket(req, head.rest);
      return false;
    }
    this.reader = new BodyReader(req);
    this.state = "body";
    if (this.reader.expectsBody && /^100-continue$/i.test(req.headers["expect"] ?? "")) {
      this.socket.write("HTTP/1.1 100 Continue\r\n\r\n", "latin1");
    }
    return this.reader.feed(head.rest);
  }

  /** @param {Request} req @param {Buffer} rest */
  startWebSocket(req, rest) {
    this.requestDone();
    this.state = "ws";
    this.wsRead = upgradeWebSocket(this.socket, req, rest);
    if (!this.wsRead) this.state = "answered";
  }

  answer() {
    this.requestDone();
    this.state = "answered";
    const req = /** @type {Request} */ (this.req);
    req.body = /** @type {BodyReader} */ (this.reader).body();
    route({ socket: this.socket, req, later: this.later }, this.ctx.forcePath ?? req.path);
  }

  /** @param {HttpError} err */
  reject(err) {
    this.state = "answered";
    send(this.socket, { method: "GET" }, err.status, [TEXT], `${err.message}\n`);
  }
}
