// @ts-check
/**
 * What the scenario server does for each path: the table the demo index lists, and the route
 * table that carries it out. Each behaviour is one failure the Worker must turn into a page.
 */
import { KIB, MAX_MIB, MAX_SLOW_MS, MIB } from "./limits.mjs";
import { brandedPage, indexPage, okPage, statusPage } from "./pages.mjs";
import { HTML, send, sendGenerated, TEXT, writeHead } from "./reply.mjs";
import { WS_PATH } from "./websocket.mjs";

/** @typedef {import("./reply.mjs").Header} Header */

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
  { path: WS_PATH, label: "WebSocket echo (426 without Upgrade)", expect: "101 then echoed frames" },
]);

/**
 * One fully read request and what its answer may need.
 * @typedef {object} Exchange
 * @property {import("node:net").Socket} socket
 * @property {import("./request.mjs").Request} req
 * @property {(fn: () => void, ms: number) => void} later  A timer cleared when the socket closes.
 */

/**
 * A route taking arguments from the path segments after its first.
 * @typedef {object} Pattern
 * @property {number} arity
 * @property {(ex: Exchange, args: string[]) => boolean} run  False when the arguments do not fit.
 */

const X_ORIGIN = /** @type {Header} */ (["X-Origin", "demo"]);
const CHUNK = 64 * KIB;
// Shared by every response: the socket only reads them.
const STREAM_FILLER = Buffer.alloc(CHUNK, "0123456789abcdef");
const HUGE_ERROR_HEAD = Buffer.from(
  "<!doctype html>\n<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1>\n",
);
const HUGE_ERROR_FILLER = Buffer.alloc(CHUNK, "<p>a huge origin error body</p>\n");

/** @param {Exchange} ex @param {number} status @param {Header[]} headers @param {string | Buffer} [body] */
const reply = (ex, status, headers, body) => send(ex.socket, ex.req, status, headers, body);

/** @type {Map<string, (ex: Exchange) => void>} */
const BY_PATH = new Map(
  Object.entries({
    "/": (ex) => reply(ex, 200, [HTML], indexPage(SCENARIOS)),
    "/ok": (ex) => reply(ex, 200, [HTML], okPage()),
    "/echo": echo,
    "/cookies": (ex) =>
      reply(
        ex,
        200,
        [
          TEXT,
          ["Set-Cookie", "a=1; Path=/; HttpOnly"],
          ["Set-Cookie", "b=2; Path=/; Secure; SameSite=Lax"],
          ["Set-Cookie", "c=3; Path=/; Max-Age=3600; SameSite=Strict"],
        ],
        "cookies",
      ),
    "/not-found": (ex) => reply(ex, 404, [HTML, X_ORIGIN], "<h1>custom 404</h1>"),
    "/redirect": (ex) => reply(ex, 302, [["Location", "/ok"], TEXT], "Found: /ok"),
    "/garbage": (ex) => void ex.socket.end("this is not http\r\n\r\n"),
    "/empty": (ex) => void ex.socket.end(),
    "/reset": (ex) => void ex.socket.resetAndDestroy(),
    "/hang": () => undefined, // keep the socket until the client or close() ends it
    "/truncated": truncated,
    "/big-headers": (ex) => reply(ex, 200, [TEXT, ["X-Big", "b".repeat(20 * KIB)]], "big headers"),
    // Upgrades are taken before the body is read; a request reaching here did not ask for one.
    [WS_PATH]: (ex) =>
      reply(ex, 426, [TEXT, ["Upgrade", "websocket"], ["Sec-WebSocket-Version", 13]], "WebSocket upgrade required\n"),
  }),
);

/** Keyed by the first path segment. @type {Map<string, Pattern>} */
const BY_PATTERN = new Map([
  ["status", oneArg(statusCode, (ex, status) => reply(ex, status, [HTML, X_ORIGIN], statusPage(status)))],
  ["branded", oneArg(statusCode, (ex, status) => reply(ex, status, [HTML], brandedPage(status)))],
  ["json", oneArg(statusCode, jsonError)],
  ["cf530", oneArg(subcode, (ex, sub) => reply(ex, 530, [TEXT], `error code: ${sub}`))],
  ["retry-after", { arity: 2, run: retryAfter }],
  ["cf-edge", { arity: 2, run: cloudflareEdge }],
  ["stream", oneArg(upTo(MAX_MIB), stream)],
  ["huge-error", oneArg(upTo(MAX_MIB), hugeError)],
  ["slow-headers", oneArg(upTo(MAX_SLOW_MS), (ex, ms) => ex.later(() => reply(ex, 200, [TEXT], "slow"), ms))],
]);

/**
 * Answers one fully read request.
 * @param {Exchange} ex
 * @param {string} path  The path to answer for (the TLS server answers every request as /ok).
 */
export function route(ex, path) {
  const exact = BY_PATH.get(path);
  if (exact) return exact(ex);
  const [, first = "", ...args] = path.split("/");
  const pattern = BY_PATTERN.get(first);
  if (pattern?.arity === args.length && pattern.run(ex, args)) return;
  reply(ex, 404, [TEXT], "not found\n");
}

/** @param {Exchange} ex */
function echo({ socket, req }) {
  const { method, path, query, headers, rawHeaders } = req;
  const json = JSON.stringify({ method, path, query, headers, rawHeaders, body: req.body.toString("utf8") });
  send(socket, req, 200, [["Content-Type", "application/json; charset=utf-8"]], json);
}

/** @param {Exchange} ex */
function truncated({ socket, req }) {
  writeHead(socket, 200, [TEXT, ["Content-Length", 1000]]);
  if (req.method !== "HEAD") socket.write("truncated!");
  socket.end();
}

/** @param {Exchange} ex @param {number} status */
function jsonError(ex, status) {
  reply(ex, status, [["Content-Type", "application/json"]], JSON.stringify({ error: "database down", code: status }));
}

/** @param {Exchange} ex @param {string[]} args */
function retryAfter(ex, [code, secs]) {
  const status = statusCode(code);
  const seconds = intIn(secs, 0, 9_999_999_999);
  if (status === undefined || seconds === undefined) return false;
  reply(ex, status, [HTML, X_ORIGIN, ["Retry-After", seconds]], statusPage(status));
  return true;
}

/**
 * Cloudflare's own plain-text error with a 1xxx code, as a Worker on the origin's zone that failed
 * gets it (`/cf-edge/500/1101`, `/cf-edge/503/1102`).
 * @param {Exchange} ex @param {string[]} args
 */
function cloudflareEdge(ex, [code, sub]) {
  const status = statusCode(code);
  const detail = subcode(sub);
  if (status === undefined || detail === undefined) return false;
  reply(ex, status, [TEXT, ["Server", "cloudflare"]], `error code: ${detail}`);
  return true;
}

/** @param {Exchange} ex @param {number} size  MiB */
function stream({ socket, req }, size) {
  sendGenerated(socket, req, 200, [["Content-Type", "application/octet-stream"]], size * MIB, Buffer.alloc(0), STREAM_FILLER);
}

/** @param {Exchange} ex @param {number} size  MiB */
function hugeError({ socket, req }, size) {
  sendGenerated(socket, req, 502, [HTML], size * MIB, HUGE_ERROR_HEAD, HUGE_ERROR_FILLER);
}

/**
 * A one-argument pattern: `run` gets the parsed argument; a path whose argument does not parse
 * falls through to the 404.
 * @template T
 * @param {(s: string | undefined) => T | undefined} parse
 * @param {(ex: Exchange, value: T) => void} run
 * @returns {Pattern}
 */
function oneArg(parse, run) {
  const call = (/** @type {Exchange} */ ex, /** @type {string[]} */ [arg]) => {
    const value = parse(arg);
    if (value === undefined) return false;
    run(ex, value);
    return true;
  };
  return { arity: 1, run: call };
}

/** @param {string | undefined} s @param {number} lo @param {number} hi */
function intIn(s, lo, hi) {
  if (s === undefined || !/^\d{1,10}$/.test(s)) return undefined;
  const n = Number(s);
  return n >= lo && n <= hi ? n : undefined;
}

/** @param {string | undefined} s */
function statusCode(s) {
  return intIn(s, 200, 599);
}

/** Kept as sent, leading zeros included: it is echoed into the body. @param {string | undefined} s */
function subcode(s) {
  return s !== undefined && /^\d{1,6}$/.test(s) ? s : undefined;
}

/** A non-negative integer, clamped to `max` rather than refused. @param {number} max */
function upTo(max) {
  return (/** @type {string | undefined} */ s) => {
    const n = intIn(s, 0, Number.MAX_SAFE_INTEGER);
    return n === undefined ? undefined : Math.min(n, max);
  };
}
