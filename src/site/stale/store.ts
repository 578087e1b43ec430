/**
 * The last good copies, in the Cache API of each data centre (`caches.default`). Taking a copy
 * never slows or buffers the visitor's answer: the body is teed, the visitor's half streams on,
 * and the other half is written to the cache in `waitUntil`.
 */
import { compilePaths, copyKey, KEPT_HEADERS, type StaleOptions, requestQualifies, unkeepable } from "./policy";

/** When the copy was taken (epoch ms), kept on the stored response. */
const STORED_AT = "x-edge-error-pages-stored-at";

export interface StoredCopy {
  readonly response: Response;
  readonly storedAt: number;
}

/** Bound on the per-isolate refresh memory: cleared when full, which only allows an early refresh. */
const MAX_RECENT = 1000;

/** Errors the stream once more than `max` bytes went through, so `cache.put` fails and stores nothing. */
function capped(body: ReadableStream<Uint8Array>, max: number): ReadableStream<Uint8Array> {
  let seen = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > max) controller.error(new Error(`page larger than ${max} bytes: not kept`));
        else controller.enqueue(chunk);
      },
    }),
  );
}

export class LastGoodCopies {
  readonly #paths: RegExp;
  /** Request URL → when it is next looked at for a copy, in this isolate. */
  readonly #next = new Map<string, number>();

  constructor(
    readonly options: StaleOptions,
    private readonly cache: () => Cache | undefined = () => (typeof caches === "undefined" ? undefined : caches.default),
  ) {
    this.#paths = compilePaths(options.paths);
  }

  /** True when `request` may be answered with a copy (or give one): a GET of an allowed path, no credentials. */
  qualifies(request: Request, url: URL): boolean {
    return requestQualifies(request, url.pathname, this.#paths, this.options.bypassCookies);
  }

  /**
   * On a healthy answer: the response to hand the visitor, with a copy taken alongside when the
   * page may be kept. Each URL is looked at once per refresh interval in an isolate, kept or not,
   * so the requests in between cost one map lookup; only the request's own credentials (which
   * differ from one visitor to the next) are checked every time a look is due.
   */
  keep(request: Request, response: Response, background: Pick<ExecutionContext, "waitUntil">, nowMs: number): Response {
    if (request.method !== "GET") return response;
    const href = request.url;
    const next = this.#next.get(href);
    // Most requests end here, before response.body or any header is looked at.
    if (next !== undefined && next > nowMs) return response;
    const url = new URL(href);
    if (!this.qualifies(request, url)) {
      // A path outside STALE_PATHS never qualifies: no need to look again before the interval.
      if (!this.#paths.test(url.pathname)) this.#remember(href, nowMs);
      return response;
    }
    this.#remember(href, nowMs);
    const cache = this.cache();
    if (!cache || unkeepable(response, this.options.maxBytes) !== null || !response.body) return response;
    const [visitor, copy] = response.body.tee();
    background.waitUntil(this.#put(cache, copyKey(url), href, response.headers, copy, nowMs));
    return new Response(visitor, response);
  }

  #remember(href: string, nowMs: number): void {
    if (this.#next.size >= MAX_RECENT) this.#next.clear();
    this.#next.set(href, nowMs + this.options.refreshS * 1000);
  }

  async #put(cache: Cache, key: string, href: string, source: Headers, body: ReadableStream<Uint8Array>, nowMs: number): Promise<void> {
    const headers = new Headers();
    for (const name of KEPT_HEADERS) {
      const value = source.get(name);
      if (value !== null) headers.set(name, value);
    }
    // The cache forgets the copy once it could no longer be served.
    headers.set("cache-control", `public, max-age=${this.options.maxAgeS}`);
    headers.set(STORED_AT, String(nowMs));
    try {
      await cache.put(key, new Response(capped(body, this.options.maxBytes), { status: 200, headers }));
    } catch (err) {
      // Too large, a broken body, or a cache that refused: there is simply no new copy.
      this.#next.delete(href);
      console.warn(JSON.stringify({ msg: "last good copy not kept", error: err instanceof Error ? err.message : String(err) }));
    }
  }

  /** The copy for `url` if there is one young enough to serve; undefined otherwise. */
  async find(url: URL, nowMs: number): Promise<StoredCopy | undefined> {
    const cache = this.cache();
    if (!cache) return undefined;
    let hit: Response | undefined;
    try {
      hit = await cache.match(copyKey(url));
    } catch {
      return undefined;
    }
    if (!hit) return undefined;
    const storedAt = Number(hit.headers.get(STORED_AT));
    if (!Number.isFinite(storedAt) || storedAt <= 0 || nowMs - storedAt > this.options.maxAgeS * 1000) {
      await hit.body?.cancel().catch(() => undefined);
      return undefined;
    }
    return { response: hit, storedAt };
  }
}
