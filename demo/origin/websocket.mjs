// @ts-check
/**
 * A WebSocket echo endpoint (RFC 6455), enough to show that upgrades pass through the Worker:
 * the handshake, then every message and ping sent straight back.
 */
import { createHash } from "node:crypto";
import { MAX_WS_MESSAGE } from "./limits.mjs";
import { send, TEXT } from "./reply.mjs";

/** @typedef {import("node:net").Socket} Socket */
/** @typedef {import("./request.mjs").Request} Request */

/** The one path that upgrades; everything else is plain HTTP. */
export const WS_PATH = "/ws";

const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const OP = Object.freeze({ continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa });
const CLOSE = Object.freeze({ protocolError: 1002, tooBig: 1009 });

/** @param {string} key */
export const websocketAccept = (key) => createHash("sha1").update(key + WS_GUID).digest("base64");

/**
 * Whether `req`, routed as `path`, asks to become a WebSocket.
 * @param {Request} req
 * @param {string} path
 */
export function asksForWebSocket(req, path) {
  const upgrade = (req.headers["upgrade"] ?? "").toLowerCase();
  return path === WS_PATH && upgrade.split(/\s*,\s*/).includes("websocket");
}

/**
 * Completes the handshake (or refuses it) and turns the socket into an echo endpoint.
 * @param {Socket} socket
 * @param {Request} req
 * @param {Buffer} rest  Bytes that arrived after the request head.
 * @returns {((chunk: Buffer) => void) | undefined}  The frame reader, or undefined if refused.
 */
export function upgradeWebSocket(socket, req, rest) {
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
  const echo = new Echo(socket);
  /** @param {Buffer} chunk */
  const read = (chunk) => echo.read(chunk);
  if (rest.length > 0) read(rest);
  return read;
}

/**
 * @typedef {object} Frame
 * @property {boolean} fin
 * @property {number} opcode
 * @property {Buffer} payload  Unmasked.
 * @property {number} size     Bytes the frame took on the wire.
 */

/** Echoes frames until either side closes; a protocol violation closes with its status code. */
class Echo {
  /** @type {Buffer} */
  #buf = Buffer.alloc(0);
  /** @type {Buffer[]} */
  #fragments = [];
  #fragmentsSize = 0;
  /** Opcode of the message being reassembled; 0 between messages. */
  #messageOpcode = 0;
  #closed = false;

  /** @param {Socket} socket */
  constructor(socket) {
    this.socket = socket;
  }

  /** @param {Buffer} chunk */
  read(chunk) {
    if (this.#closed) return;
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    while (!this.#closed) {
      const frame = decodeFrame(this.#buf);
      if (frame === undefined) return;
      if (typeof frame === "number") return this.#fail(frame);
      this.#buf = this.#buf.subarray(frame.size);
      const failure = frame.opcode >= OP.close ? this.#onControl(frame) : this.#onData(frame);
      if (failure !== undefined) return this.#fail(failure);
    }
  }

  /** @param {Frame} frame @returns {number | undefined} a close code to fail with */
  #onControl({ fin, opcode, payload }) {
    // Control frames: never fragmented, at most 125 bytes.
    if (!fin || payload.length > 125) return CLOSE.protocolError;
    if (opcode === OP.close) return void this.#echoClose(payload);
    if (opcode === OP.ping) this.socket.write(encodeFrame(OP.pong, payload));
    else if (opcode !== OP.pong) return CLOSE.protocolError;
    return undefined;
  }

  /** @param {Frame} frame @returns {number | undefined} a close code to fail with */
  #onData({ fin, opcode, payload }) {
    if (opcode === OP.continuation) {
      if (this.#messageOpcode === 0) return CLOSE.protocolError;
    } else if (opcode === OP.text || opcode === OP.binary) {
      if (this.#messageOpcode !== 0) return CLOSE.protocolError;
      this.#messageOpcode = opcode;
    } else {
      return CLOSE.protocolError;
    }
    this.#fragments.push(payload);
    this.#fragmentsSize += payload.length;
    if (this.#fragmentsSize > MAX_WS_MESSAGE) return CLOSE.tooBig;
    if (fin) this.#echoMessage();
    return undefined;
  }

  #echoMessage() {
    this.socket.write(encodeFrame(this.#messageOpcode, Buffer.concat(this.#fragments)));
    this.#fragments = [];
    this.#fragmentsSize = 0;
    this.#messageOpcode = 0;
  }

  /** Echoes the client's code and reason when they are valid to send back, else closes bare. @param {Buffer} payload */
  #echoClose(payload) {
    this.#closed = true;
    const code = payload.length >= 2 ? payload.readUInt16BE(0) : undefined;
    const echoable = code !== undefined && code >= 1000 && code < 5000 && code !== 1005 && code !== 1006;
    this.socket.end(encodeFrame(OP.close, echoable ? payload : Buffer.alloc(0)));
  }

  /** @param {number} code */
  #fail(code) {
    if (this.#closed) return;
    this.#closed = true;
    const payload = Buffer.alloc(2);
    payload.writeUInt16BE(code, 0);
    this.socket.end(encodeFrame(OP.close, payload));
  }
}

/**
 * Decodes the frame at the front of `buf`.
 * @param {Buffer} buf
 * @returns {Frame | number | undefined}  A close code if the frame is too big to accept;
 *   undefined until the whole frame has arrived.
 */
function decodeFrame(buf) {
  if (buf.length < 2) return undefined;
  const b0 = /** @type {number} */ (buf[0]);
  const b1 = /** @type {number} */ (buf[1]);
  const length = decodeLength(buf, b1 & 0x7f);
  if (length === undefined) return undefined;
  // Refused on the length alone, before buffering any of a payload that large.
  if (length.len > MAX_WS_MESSAGE) return CLOSE.tooBig;
  const maskLen = (b1 & 0x80) !== 0 ? 4 : 0;
  const start = length.offset + maskLen;
  if (buf.length < start + length.len) return undefined;
  const payload = Buffer.from(buf.subarray(start, start + length.len));
  if (maskLen > 0) unmask(payload, buf.subarray(length.offset, start));
  return { fin: (b0 & 0x80) !== 0, opcode: b0 & 0x0f, payload, size: start + length.len };
}

/**
 * @param {Buffer} buf
 * @param {number} len7  The 7-bit length field.
 * @returns {{ len: number, offset: number } | undefined}  Payload length (Infinity if beyond any
 *   limit) and where the mask or payload starts; undefined while the length is incomplete.
 */
function decodeLength(buf, len7) {
  if (len7 < 126) return { len: len7, offset: 2 };
  if (len7 === 126) return buf.length < 4 ? undefined : { len: buf.readUInt16BE(2), offset: 4 };
  if (buf.length < 10) return undefined;
  const big = buf.readBigUInt64BE(2);
  return { len: big > BigInt(MAX_WS_MESSAGE) ? Infinity : Number(big), offset: 10 };
}

/** @param {Buffer} payload  Unmasked in place. @param {Buffer} mask */
function unmask(payload, mask) {
  for (let i = 0; i < payload.length; i++) {
    payload[i] = /** @type {number} */ (payload[i]) ^ /** @type {number} */ (mask[i & 3]);
  }
}

/**
 * An unmasked server frame with FIN set.
 * @param {number} opcode
 * @param {Buffer} payload
 */
function encodeFrame(opcode, payload) {
  const first = 0x80 | opcode;
  const len = payload.length;
  if (len < 126) return Buffer.concat([Buffer.from([first, len]), payload]);
  const wide = len >= 65536;
  const header = Buffer.alloc(wide ? 10 : 4);
  header[0] = first;
  header[1] = wide ? 127 : 126;
  if (wide) header.writeBigUInt64BE(BigInt(len), 2);
  else header.writeUInt16BE(len, 2);
  return Buffer.concat([header, payload]);
}
