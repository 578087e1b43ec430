/**
 * Forwarding to the origin. Bodies stream both ways; nothing here buffers.
 */
import type { Handler } from "hono";
import { DeadlineWatch, HAND_OVER, TIMED_OUT } from "./deadline-watch";

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
    /** True when a {@link ConnectCheck} found the origin accepting no connection: nothing was sent. */
    readonly connectTimedOut = false,
  ) {
    super(connectTimedOut ? "origin accepted no connection within the connect timeout" : timedOut ? `origin sent no response headers within the timeout` : `origin fetch failed`, options);
  }
}

/**
 * A look at the origin when no response headers came within `afterMs`: the runtime's fetch does
 * not say whether it is still connecting or already waiting for an answer. `connects` says
 * whether the origin accepts a connection now; false ends the wait as a connect timeout, which
 * may be retried, where a slow answer may not.
 */
export interface ConnectCheck {
  readonly afterMs: number;
  /** Whether the request may be ended at the check at all (one that may not keeps waiting). */
  readonly applies: (request: Request) => boolean;
  readonly connects: (origin: URL) => Promise<boolean>;
}

/** What a wait ends with when the connect check found no connection. */
const NO_CONNECTION: unique symbol = Symbol("no connection");
const NOT_SETTLED: unique symbol = Symbol("not settled");
const notSettled = Promise.resolve(NOT_SETTLED);

/**
 * Waits out `deadline`, keeping the isolate's timer when handed it. For the connect check's rare
 * second wait only: fetchOrigin's first wait is the same loop written inline, since an async call
 * more would cost every request a promise.
 */
async function headersBy<T>(work: Promise<T>, deadline: number): Promise<T | typeof TIMED_OUT> {
  let answer = await deadlines.wait(work, deadline);
  while (answer === HAND_OVER) answer = await deadlines.wait(work, deadline, true);
  return answer;
}

/** After the connect check's time: the answer, TIMED_OUT at `deadline`, or NO_CONNECTION. */
async function afterCheck<T>(work: Promise<T>, target: string, request: Request, check: ConnectCheck, deadline: number): Promise<T | typeof TIMED_OUT | typeof NO_CONNECTION> {
  if (!check.applies(request)) return headersBy(work, deadline);
  const answered = work.then(() => true, () => true);
  const connects = await Promise.race([answered, check.connects(new URL(target))]);
  if (!connects) {
    // Headers that arrived while the origin was being looked at still win.
    const settled = await Promise.race([work, notSettled]);
    return settled === NOT_SETTLED ? NO_CONNECTION : settled;
  }
  return headersBy(work, deadline);
}

/** Where `url`'s path starts: after `scheme://authority`. A request URL always has both. */
const pathStart = (url: string): number => {
  const at = url.indexOf("/", url.indexOf("//") + 2);
  return at === -1 ? url.length : at;
};

/** `originUrl` without its trailing slash, query or fragment: what request paths are appended to. */
const baseOf = (originUrl: URL): string => originUrl.origin + (originUrl.pathname.endsWith("/") ? originUrl.pathname.slice(0, -1) : originUrl.pathname);

/**
 * `base` + the path and query of `requestUrl` (a serialized URL, as a Request's always is), as
 * sent: an empty query's `?` is kept, the fragment is not.
 */
function joined(requestUrl: string, base: string, start = pathStart(requestUrl)): string {
  const hash = requestUrl.indexOf("#", start);
  return base + (hash === -1 ? requestUrl.slice(start) : requestUrl.slice(start, hash));
}

/** The URL the origin is asked for: `originUrl`'s scheme, host and base path, the request's path and query. */
export function originUrlFor(requestUrl: URL, originUrl: URL | undefined): URL {
  return originUrl ? new URL(joined(requestUrl.href, baseOf(originUrl))) : requestUrl;
}

/**
 * What every request to one origin shares, worked out once per options object, so a request's
 * target is a string join: the runtime hands a Worker its URL already parsed and serialized.
 */
interface Route {
  /** {@link baseOf} `originUrl`; undefined: the request's own URL. */
  readonly base: string | undefined;
  /** `originUrl`'s host[:port], compared with the request's to know when to add X-Forwarded-*. */
  readonly host: string | undefined;
}

const routes = new WeakMap<ProxyOptions, Route>();

function routeOf(options: ProxyOptions): Route {
  let route = routes.get(options);
  if (!route) {
    const o = options.originUrl;
    route = o ? { base: baseOf(o), host: o.host } : { base: undefined, host: undefined };
    routes.set(options, route);
  }
  return route;
}

/** The target as a string, and the visitor's host when it is not the origin's (it then goes in X-Forwarded-Host). */
function targetOf(requestUrl: string, route: Route): { readonly target: string; readonly visitorHost?: string } {
  if (route.base === undefined) return { target: requestUrl };
  const start = pathStart(requestUrl);
  const target = joined(requestUrl, route.base, start);
  // A Request's URL never carries credentials (the constructor refuses them): this is host[:port].
  const host = requestUrl.slice(requestUrl.indexOf("//") + 2, start);
  return host === route.host ? { target } : { target, visitorHost: host };
}

/**
 * The init for the origin's fetch. `fetch(url, init)` is handed the caller's own objects: building
 * a `Request` of our own first costs a copy per request. Headers are only copied when the origin is
 * on another host and needs to learn the visitor's; the runtime copies them natively otherwise.
 */
function forwardedInit(request: Request, requestUrl: string, visitorHost: string | undefined): RequestInit {
  let headers = request.headers;
  if (visitorHost !== undefined) {
    headers = new Headers(headers);
    headers.set("x-forwarded-host", visitorHost);
    headers.set("x-forwarded-proto", requestUrl.slice(0, requestUrl.indexOf(":")));
  }
  return { method: request.method, headers, body: request.body, redirect: "manual" };
}

/** The isolate's header deadlines: one timer for all the requests waiting on their origins. */
const deadlines = new DeadlineWatch();

/**
 * Fetches `request` from the origin. Resolves with the origin's response exactly as sent;
 * rejects with {@link OriginFetchError} when no response headers arrive (with `check`, also
 * when none came within `check.afterMs` and the origin accepts no connection).
 *
 * Only the wait for headers is bounded (the body may legitimately stream for much longer), and
 * it is bounded by a race with the isolate's {@link DeadlineWatch}, not an AbortSignal or a
 * timer of the request's own: either is most of what a Worker costs per request beyond the
 * fetch itself, and every visitor's request would pay it. The runtime cancels a request's
 * unfinished subrequests once the request and its `waitUntil` work are done, so a fetch given up
 * on does not outlive the visitor's answer by more than that.
 */
export async function fetchOrigin(request: Request, options: ProxyOptions = {}, check?: ConnectCheck): Promise<Response> {
  const requestUrl = request.url;
  const { target, visitorHost } = targetOf(requestUrl, routeOf(options));
  const timeoutMs = options.timeoutMs ?? 100_000;
  // Outside the try: a fault here is the Worker's own, not the origin's failure.
  const init = forwardedInit(request, requestUrl, visitorHost);
  const started = Date.now();
  const deadline = started + timeoutMs;
  // With a connect check, the first wait ends at the check; the rest is the rare path.
  const checkAt = check && check.afterMs < timeoutMs ? started + check.afterMs : deadline;
  let answer: Response | typeof TIMED_OUT | typeof HAND_OVER | typeof NO_CONNECTION;
  try {
    const work = (options.fetch ?? fetch)(target, init);
    answer = await deadlines.wait(work, checkAt);
    // Rare (about once per origin round trip per isolate): this request now keeps the timer.
    while (answer === HAND_OVER) answer = await deadlines.wait(work, checkAt, true);
    if (answer === TIMED_OUT && check && checkAt < deadline) answer = await afterCheck(work, target, request, check, deadline);
  } catch (cause) {
    throw new OriginFetchError(new URL(target), false, Date.now() - started, { cause }, timeoutMs);
  }
  if (answer === NO_CONNECTION) {
    const cause = new DOMException("origin accepted no connection within the connect timeout", "TimeoutError");
    throw new OriginFetchError(new URL(target), false, Date.now() - started, { cause }, timeoutMs, true);
  }
  if (answer !== TIMED_OUT) return answer;
  const cause = new DOMException("origin sent no response headers in time", "TimeoutError");
  throw new OriginFetchError(new URL(target), true, Date.now() - started, { cause }, timeoutMs);
}

/** A Hono handler that answers every request from the origin. */
export function proxy(options: ProxyOptions = {}): Handler {
  return (c) => fetchOrigin(c.req.raw, options);
}
