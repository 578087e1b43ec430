// @ts-check
/**
 * Reading a request body, framed by Content-Length or chunked, buffered whole: /echo returns it,
 * and every other scenario must have read it before answering, or the client may see a reset.
 */
import { MAX_BODY } from "./limits.mjs";
import { HttpError } from "./request.mjs";

/** @typedef {import("./request.mjs").Request} Request */

/** Longest chunk-size or trailer line; a client sending more is not speaking HTTP. */
const MAX_CHUNK_LINE = 4096;

export class BodyReader {
  /** @type {"length" | "chunked"} */
  #mode = "length";
  /** Bytes left in the body (length mode) or in the current chunk (chunked mode). */
  #remaining = 0;
  /** @type {"size" | "data" | "crlf" | "trailers"} */
  #state = "size";
  /** @type {Buffer[]} */
  #parts = [];
  #size = 0;
  /** Bytes of a chunk-size, terminator or trailer line not yet complete. */
  #pending = Buffer.alloc(0);
  #done = false;

  /** @param {Request} req */
  constructor(req) {
    const te = req.headers["transfer-encoding"];
    const cl = req.headers["content-length"];
    if (te !== undefined) {
      if (!/(^|,)\s*chunked\s*$/i.test(te)) throw new HttpError(501, "unsupported transfer-encoding");
      this.#mode = "chunked";
    } else if (cl !== undefined) {
      if (!/^\d{1,15}$/.test(cl)) throw new HttpError(400, "bad content-length");
      this.#remaining = Number(cl);
      if (this.#remaining > MAX_BODY) throw new HttpError(413, "body too large");
    }
    this.#done = this.#mode === "length" && this.#remaining === 0;
  }

  get expectsBody() {
    return !this.#done;
  }

  /**
   * Feeds bytes; returns true once the body is complete (extra bytes are ignored).
   * @param {Buffer} chunk
   */
  feed(chunk) {
    if (this.#done) return true;
    if (this.#mode === "length") return this.#feedLength(chunk);
    let buf = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    for (;;) {
      const rest = this.#step(buf);
      if (this.#done) return true;
      if (rest === undefined) break;
      buf = rest;
    }
    // Copied: a view would pin the whole socket chunk it came from.
    this.#pending = Buffer.from(buf);
    return false;
  }

  body() {
    return Buffer.concat(this.#parts);
  }

  /** @param {Buffer} chunk */
  #feedLength(chunk) {
    const part = chunk.subarray(0, this.#remaining);
    this.#remaining -= part.length;
    this.#take(part);
    this.#done = this.#remaining === 0;
    return this.#done;
  }

  /** @param {Buffer} data */
  #take(data) {
    this.#size += data.length;
    if (this.#size > MAX_BODY) throw new HttpError(413, "body too large");
    this.#parts.push(Buffer.from(data));
  }

  /**
   * Consumes one piece of chunked framing from the front of `buf`.
   * @param {Buffer} buf
   * @returns {Buffer | undefined}  What is left, or undefined when more bytes are needed.
   */
  #step(buf) {
    switch (this.#state) {
      case "size":
        return takeLine(buf, MAX_CHUNK_LINE, "chunk line too long", (line) => this.#onSizeLine(line));
      case "trailers":
        return takeLine(buf, MAX_CHUNK_LINE, "chunk line too long", (line) => void (this.#done = line === ""));
      case "data":
        return this.#onData(buf);
      case "crlf":
        return takeLine(buf, 2, "bad chunk terminator", (line) => this.#onTerminator(line));
    }
  }

  /** @param {string} line */
  #onSizeLine(line) {
    const sizeText = (line.split(";")[0] ?? "").trim();
    if (!/^[0-9a-fA-F]{1,8}$/.test(sizeText)) throw new HttpError(400, "bad chunk size");
    const size = parseInt(sizeText, 16);
    this.#state = size === 0 ? "trailers" : "data";
    this.#remaining = size;
  }

  /** @param {Buffer} buf */
  #onData(buf) {
    if (buf.length === 0) return undefined;
    const part = buf.subarray(0, this.#remaining);
    this.#take(part);
    this.#remaining -= part.length;
    if (this.#remaining === 0) this.#state = "crlf";
    return buf.subarray(part.length);
  }

  /** @param {string} line */
  #onTerminator(line) {
    if (line !== "") throw new HttpError(400, "bad chunk terminator");
    this.#state = "size";
  }
}

/**
 * Hands the first line of `buf` (without CR LF, bare LF accepted) to `onLine`.
 * @param {Buffer} buf
 * @param {number} max  Longest incomplete line tolerated.
 * @param {string} tooLong  The 400's message past that.
 * @param {(line: string) => void} onLine
 * @returns {Buffer | undefined}  What follows the line, or undefined while it is incomplete.
 */
function takeLine(buf, max, tooLong, onLine) {
  const eol = buf.indexOf("\n");
  if (eol === -1) {
    if (buf.length > max) throw new HttpError(400, tooLong);
    return undefined;
  }
  onLine(buf.subarray(0, eol).toString("latin1").replace(/\r$/, ""));
  return buf.subarray(eol + 1);
}
