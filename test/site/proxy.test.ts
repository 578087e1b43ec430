import { describe, expect, it } from "vitest";
import { fetchOrigin, OriginFetchError, originUrlFor } from "../../src/site/proxy";

/** What fetchOrigin hands the runtime's fetch, captured instead of sent. */
async function sent(requestUrl: string, originUrl?: string, init: RequestInit = {}) {
  let seen: { target: string; headers: Headers } | undefined;
  const capture = (async (input: RequestInfo | URL, i?: RequestInit) => {
    seen = { target: String(input), headers: new Headers(i?.headers) };
    return new Response("ok");
  }) as typeof fetch;
  await fetchOrigin(new Request(requestUrl, init), { ...(originUrl ? { originUrl: new URL(originUrl) } : {}), fetch: capture });
  if (!seen) throw new Error("fetch was not called");
  return seen;
}

const REQUESTS = [
  "https://shop.example/",
  "https://shop.example/a/b?c=1&d=%20",
  "https://shop.example/%E2%82%AC/x%2Fy?q=%ED%95%9C",
  "https://shop.example:8443/p?",
  "http://127.0.0.1:8787/ok?x=1#frag",
  "https://shop.example//double//slashes",
  "https://shop.example/trailing/",
];
const ORIGINS = ["http://127.0.0.1:9000", "http://127.0.0.1:9000/", "https://origin.example/base", "https://origin.example/base/", "http://[::1]:8080/x/?ignored=1", "https://shop.example"];

/** The same join done with URL objects and their setters: the origin's base path, then the request's path and query. */
function byUrlObjects(requestUrl: string, originUrl: string): string {
  const req = new URL(requestUrl);
  const target = new URL(originUrl);
  target.pathname = target.pathname.replace(/\/$/, "") + req.pathname;
  target.search = req.search;
  target.hash = "";
  // The setters drop an empty query's "?", which the visitor did send: it is kept.
  return target.href + (req.search === "" && /^[^#]*\?(#|$)/.test(requestUrl) ? "?" : "");
}

describe("the origin's URL, joined as strings", () => {
  it.each(ORIGINS)("is what URL objects give for every request shape, origin %s", async (origin) => {
    for (const url of REQUESTS) {
      const { target } = await sent(url, origin);
      expect(target, url).toBe(byUrlObjects(url, origin));
      expect(originUrlFor(new URL(url), new URL(origin)).href, url).toBe(target);
    }
  });

  it("keeps the base path, the request's encoding and an empty query as sent", async () => {
    expect((await sent("https://shop.example/%E2%82%AC?q=%20", "https://origin.example/base/")).target).toBe("https://origin.example/base/%E2%82%AC?q=%20");
    expect((await sent("https://shop.example/p?", "http://127.0.0.1:9000")).target).toBe("http://127.0.0.1:9000/p?");
    expect((await sent("https://shop.example/p#frag", "http://127.0.0.1:9000")).target).toBe("http://127.0.0.1:9000/p");
  });

  it("without ORIGIN_URL the request's own URL is fetched", async () => {
    for (const url of REQUESTS) expect(new URL((await sent(url)).target).href.replace(/#.*/, "")).toBe(new URL(url).href.replace(/#.*/, ""));
  });

  it("adds X-Forwarded-Host/-Proto only when the origin is on another host", async () => {
    const other = await sent("https://shop.example:8443/p", "http://127.0.0.1:9000");
    expect(other.headers.get("x-forwarded-host")).toBe("shop.example:8443");
    expect(other.headers.get("x-forwarded-proto")).toBe("https");
    const same = await sent("https://shop.example/p", "https://shop.example/");
    expect(same.headers.has("x-forwarded-host")).toBe(false);
    expect((await sent("https://shop.example/p")).headers.has("x-forwarded-host")).toBe(false);
  });

  it("a failed fetch names the target it tried, with the runtime's error as the cause", async () => {
    const cause = new Error("Network connection lost.");
    const failing = (async () => {
      throw cause;
    }) as typeof fetch;
    const err = await fetchOrigin(new Request("https://shop.example/a?b=1"), { originUrl: new URL("http://127.0.0.1:9/base"), fetch: failing }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OriginFetchError);
    expect((err as OriginFetchError).origin.href).toBe("http://127.0.0.1:9/base/a?b=1");
    expect((err as OriginFetchError).cause).toBe(cause);
    expect((err as OriginFetchError).timedOut).toBe(false);
  });

  it("gives up on headers after timeoutMs: a timed-out OriginFetchError with a TimeoutError cause", async () => {
    const never = (() => new Promise<Response>(() => undefined)) as typeof fetch;
    const err = await fetchOrigin(new Request("https://shop.example/slow"), { originUrl: new URL("http://127.0.0.1:9"), timeoutMs: 50, fetch: never }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OriginFetchError);
    expect((err as OriginFetchError).timedOut).toBe(true);
    expect((err as OriginFetchError).timeoutMs).toBe(50);
    expect(((err as OriginFetchError).cause as Error).name).toBe("TimeoutError");
  });
});

describe("the connect check", () => {
  const never = (() => new Promise<Response>(() => undefined)) as typeof fetch;
  const options = { originUrl: new URL("http://127.0.0.1:9/base"), timeoutMs: 400, fetch: never };
  const check = (connects: boolean | Promise<boolean>, applies = true) => {
    const looked: string[] = [];
    return {
      looked,
      check: { afterMs: 20, applies: () => applies, connects: async (origin: URL) => (looked.push(origin.href), connects) },
    };
  };

  it("ends the wait as a connect timeout when the origin accepts no connection, naming the target it looked at", async () => {
    const { looked, check: c } = check(false);
    const err = (await fetchOrigin(new Request("https://shop.example/a"), options, c).catch((e: unknown) => e)) as OriginFetchError;
    expect(err).toBeInstanceOf(OriginFetchError);
    expect(err.connectTimedOut).toBe(true);
    expect(err.timedOut).toBe(false);
    expect((err.cause as Error).name).toBe("TimeoutError");
    expect(looked).toEqual(["http://127.0.0.1:9/base/a"]);
  });

  it("keeps waiting for the header timeout when the origin accepts connections", async () => {
    const { check: c } = check(true);
    const err = (await fetchOrigin(new Request("https://shop.example/a"), options, c).catch((e: unknown) => e)) as OriginFetchError;
    expect(err.timedOut).toBe(true);
    expect(err.connectTimedOut).toBe(false);
  });

  it("does not look at all for a request it does not apply to", async () => {
    const { looked, check: c } = check(false, false);
    const err = (await fetchOrigin(new Request("https://shop.example/a", { method: "POST", body: "x" }), options, c).catch((e: unknown) => e)) as OriginFetchError;
    expect(err.timedOut).toBe(true);
    expect(looked).toEqual([]);
  });

  it("takes headers that arrive while the origin is being looked at", async () => {
    let answer: (res: Response) => void = () => undefined;
    const late = (() => new Promise<Response>((resolve) => (answer = resolve))) as typeof fetch;
    let verdict: (connects: boolean) => void = () => undefined;
    const looking = new Promise<boolean>((resolve) => (verdict = resolve));
    const { check: c } = check(looking);
    const pending = fetchOrigin(new Request("https://shop.example/a"), { ...options, fetch: late }, c);
    await new Promise((r) => setTimeout(r, 60));
    answer(new Response("late but here"));
    verdict(false);
    expect(await (await pending).text()).toBe("late but here");
  });

  it("is not made when the header timeout comes first", async () => {
    const { looked, check: c } = check(false);
    const err = (await fetchOrigin(new Request("https://shop.example/a"), { ...options, timeoutMs: 10 }, { ...c, afterMs: 10 }).catch((e: unknown) => e)) as OriginFetchError;
    expect(err.timedOut).toBe(true);
    expect(looked).toEqual([]);
  });
});
