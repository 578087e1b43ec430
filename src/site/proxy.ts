/**
 * Forwarding to the origin. Bodies stream both ways; nothing here buffers.
 */
import type { Handler } from "hono";

export interface ProxyOptions {
  /**
   * Where to send requests, keeping path and query. Default: undefined, i.e. the request's own
   * URL, which on a zone route is the zone's origin.
   */
  readonly originUrl?: URL;
  /** How long to wait for the origin's response headers. Default 100000 (Cloudflare's 100 s). */
  readonly timeoutMs?: number;
  /** The fetch to use. Default: the runtime's. */
  readonly fetch?: typeof fetch;
}

/** Thrown when the origin could not be fetched; the original error is the `cause`. */
export class OriginFetchError extends Error {
  override readonly name = "OriginFetchError";
  constructor(
    readonly origin: URL,
    readonly timedOut: boolean,
    readonly elapsedMs: number,
    options: { cause: unknown },
    /** The header timeout that was in force. */
    readonly timeoutMs?: number,
  ) {
    super(timedOut ? `origin sent no response headers within the timeout` : `origin fetch failed`, options);
  }
}

/** The URL the origin is asked for: `originUrl`'s scheme, host and base path, the request's path and query. */
export function originUrlFor(requestUrl: URL, originUrl: URL | undefined): URL {
  if (!originUrl) return requestUrl;
  const target = new URL(originUrl);
  const base = target.pathname.endsWith("/") ? target.pathname.slice(0, -1) : target.pathname;
  target.pathname = base + requestUrl.pathname;
  target.search = requestUrl.search;
  return target;
}

/**
 * The init for the origin's fetch. `fetch(url, init)` is handed the caller's own objects: building
 * a `Request` of our own first costs a copy per request. Headers are only copied when the origin is
 * on another host and needs to learn the visitor's; the runtime copies them natively otherwise.
 */
function forwardedInit(request: Request, incoming: URL, target: URL, signal: AbortSignal): RequestInit {
  let headers = request.headers;
  if (target.host !== incoming.host) {
    headers = new Headers(headers);
    headers.set("x-forwarded-host", incoming.host);
    headers.set("x-forwarded-proto", incoming.protocol.slice(0, -1));
  }
  return { method: request.method, headers, body: request.body, redirect: "manual", signal };
}

/**
 * Fetches `request` from the origin. Resolves with the origin's response exactly as sent;
 * rejects with {@link OriginFetchError} when no response headers arrive.
 */
export async function fetchOrigin(request: Request, options: ProxyOptions = {}): Promise<Response> {
  const incoming = new URL(request.url);
  const target = originUrlFor(incoming, options.originUrl);
  const timeoutMs = options.timeoutMs ?? 100_000;
  // Only the wait for headers is bounded: the body may legitimately stream for much longer.
  const controller = new AbortController();
  // Outside the try: a fault here is the Worker's own, not the origin's failure.
  const init = forwardedInit(request, incoming, target, controller.signal);
  const timer = setTimeout(() => controller.abort(new DOMException("origin timeout", "TimeoutError")), timeoutMs);
  const started = Date.now();
  try {
    return await (options.fetch ?? fetch)(target, init);
  } catch (cause) {
    throw new OriginFetchError(target, controller.signal.aborted, Date.now() - started, { cause }, timeoutMs);
  } finally {
    clearTimeout(timer);
  }
}

/** A Hono handler that answers every request from the origin. */
export function proxy(options: ProxyOptions = {}): Handler {
  return (c) => fetchOrigin(c.req.raw, options);
}
