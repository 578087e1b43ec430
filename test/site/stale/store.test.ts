import { describe, expect, it } from "vitest";
import { DEFAULT_STALE } from "../../../src/site/stale/policy";
import { LastGoodCopies } from "../../../src/site/stale/store";

/** An in-memory Cache: what was put, and what match returns. */
function memoryCache() {
  const entries = new Map<string, { body: Uint8Array; headers: Headers }>();
  let puts = 0;
  const cache = {
    async put(key: string, res: Response) {
      puts++;
      entries.set(key, { body: new Uint8Array(await res.arrayBuffer()), headers: new Headers(res.headers) });
    },
    async match(key: string) {
      const e = entries.get(key);
      return e ? new Response(e.body, { headers: e.headers }) : undefined;
    },
  } as unknown as Cache;
  return { cache, entries, puts: () => puts };
}

const page = (body = "<p>hello</p>") => new Response(body, { headers: { "content-type": "text/html" } });
const get = (path = "/p") => new Request(`https://shop.example.com${path}`);

function setup(options = {}) {
  const mem = memoryCache();
  const copies = new LastGoodCopies({ ...DEFAULT_STALE, paths: ["/*"], ...options }, () => mem.cache);
  const work: Promise<unknown>[] = [];
  const keep = (req: Request, res: Response, now: number) => copies.keep(req, res, { waitUntil: (p) => void work.push(p) }, now);
  return { mem, copies, keep, settle: () => Promise.all(work.splice(0)) };
}

describe("taking copies", () => {
  it("hands the visitor the same bytes and keeps a copy", async () => {
    const { mem, keep, settle } = setup();
    const answer = keep(get(), page(), 1000);
    expect(await answer.text()).toBe("<p>hello</p>");
    await settle();
    expect(mem.puts()).toBe(1);
  });

  it("copies a URL at most once per refresh interval", async () => {
    const { mem, keep, settle } = setup({ refreshS: 60 });
    for (const now of [1000, 2000, 60_999]) await keep(get(), page(), now).text();
    await settle();
    expect(mem.puts()).toBe(1);
    await keep(get(), page(), 61_000).text();
    await keep(get("/other"), page(), 61_000).text();
    await settle();
    expect(mem.puts()).toBe(3);
  });

  it("looks at a URL once per interval, kept or not; a visitor's credentials do not use the look up", async () => {
    const { mem, keep, settle } = setup({ refreshS: 60 });
    const privatePage = () => new Response("x", { headers: { "content-type": "text/html", "cache-control": "private" } });
    await keep(get(), privatePage(), 1000).text();
    await keep(get(), page(), 2000).text(); // within the interval of the look that found it private
    await settle();
    expect(mem.puts()).toBe(0);
    await keep(get(), page(), 61_001).text();
    await settle();
    expect(mem.puts()).toBe(1);
    const signedIn = new Request("https://shop.example.com/q", { headers: { authorization: "Bearer x" } });
    await keep(signedIn, page(), 1000).text();
    await keep(get("/q"), page(), 1001).text();
    await settle();
    expect(mem.puts()).toBe(2);
  });

  it("leaves an answer it may not keep untouched: the same object, no tee", () => {
    const { keep } = setup();
    const privatePage = new Response("x", { headers: { "content-type": "text/html", "cache-control": "private" } });
    expect(keep(get(), privatePage, 0)).toBe(privatePage);
    const head = page();
    expect(keep(new Request("https://shop.example.com/p", { method: "HEAD" }), head, 0)).toBe(head);
  });

  it("keeps nothing larger than the cap, even without a Content-Length, and the visitor still gets all of it", async () => {
    const { mem, keep, settle } = setup({ maxBytes: 1024 });
    const big = "x".repeat(5000);
    expect(await keep(get(), page(big), 0).text()).toBe(big);
    await settle();
    expect(mem.entries.size).toBe(0);
  });
});

describe("finding copies", () => {
  it("serves a copy younger than STALE_MAX_AGE_S and nothing older", async () => {
    const { copies, keep, settle } = setup({ maxAgeS: 100 });
    await keep(get(), page(), 1_000_000).text();
    await settle();
    const url = new URL("https://shop.example.com/p");
    const young = await copies.find(url, 1_000_000 + 100_000);
    expect(young?.storedAt).toBe(1_000_000);
    expect(await young?.response.text()).toBe("<p>hello</p>");
    expect(await copies.find(url, 1_000_000 + 100_001)).toBeUndefined();
  });

  it("finds nothing for another URL or query", async () => {
    const { copies, keep, settle } = setup();
    await keep(get("/p?a=1"), page(), 1000).text();
    await settle();
    expect(await copies.find(new URL("https://shop.example.com/p"), 2000)).toBeUndefined();
    expect(await copies.find(new URL("https://shop.example.com/p?a=1"), 2000)).toBeDefined();
  });
});
