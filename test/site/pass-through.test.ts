import { Hono } from "hono";
import { describe, expect, it, vi } from "vitest";
import type { SiteBindings } from "../../src/site/bindings";
import type { Fetch } from "../../src/site/chain";
import { createErrorPages, type ErrorPagesOptions } from "../../src/site/error-pages";
import type { MaintenanceCheck } from "../../src/site/maintenance";
import { passThrough, type PassThroughParts } from "../../src/site/pass-through";
import { OriginFetchError } from "../../src/site/proxy";

// Node has no raw sockets API; the probe is off in these tests anyway.
vi.mock("cloudflare:sockets", () => ({
  connect: () => {
    throw new Error("cloudflare:sockets is not available in Node");
  },
}));

type E = { Bindings: SiteBindings };
const env = {} as SiteBindings;
const kept: Promise<unknown>[] = [];
const ctx = { waitUntil: (p: Promise<unknown>) => void kept.push(p), passThroughOnException: () => undefined, props: {} } as unknown as ExecutionContext;
const { getPath } = new Hono();
const quiet: ErrorPagesOptions = { probe: false, incidents: false, knownOutage: false };

/** The parts with `origin` answering, a `full` way that only says it was taken, and what each saw. */
function lane(origin: (request: Request) => Promise<Response>, over: Partial<PassThroughParts> = {}, options: ErrorPagesOptions = quiet) {
  const seen = { full: 0, origin: [] as Request[], errors: [] as unknown[] };
  const full: Fetch<E> = async () => {
    seen.full++;
    return new Response("full way", { status: 299 });
  };
  const fetch = passThrough({
    full,
    origin: (request) => {
      seen.origin.push(request);
      return origin(request);
    },
    pages: createErrorPages(options),
    adminPath: "/__errors",
    maintenance: undefined,
    getPath: (r) => getPath(r),
    onError: (err) => {
      seen.errors.push(err);
      return new Response("onError", { status: 500 });
    },
    ...over,
  });
  return { fetch, seen };
}

const gate = (open: boolean): MaintenanceCheck => ({ middleware: async (_c, next) => next(), open: () => open });
const html = { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" };

describe("passThrough: the fast lane", () => {
  it("sends the visitor's request itself to the origin and hands back the origin's own Response", async () => {
    const answer = new Response("hello", { status: 404, headers: { "x-origin": "1" } });
    const { fetch, seen } = lane(async () => answer);
    const request = new Request("https://site.example/page");
    const res = await fetch(request, env, ctx);
    expect(res).toBe(answer);
    expect(seen.origin).toEqual([request]);
    expect(seen.full).toBe(0);
  });

  it("takes the full way for the owner's path however many slashes lead it, without asking the origin", async () => {
    const { fetch, seen } = lane(async () => new Response("origin"));
    for (const path of ["/__errors", "/__errors/api/stats", "//__errors/api", "/%5F_errors/api"]) {
      const res = await fetch(new Request(`https://site.example${path}`), env, ctx);
      expect(await res.text(), path).toBe("full way");
    }
    expect(seen.full).toBe(4);
    expect(seen.origin).toHaveLength(0);
    const other = await fetch(new Request("https://site.example/__errorsX"), env, ctx);
    expect(await other.text()).toBe("origin");
  });

  it("takes the full way while the maintenance flag is not known to be off", async () => {
    const closed = lane(async () => new Response("origin"), { maintenance: gate(false) });
    expect(await (await closed.fetch(new Request("https://site.example/"), env, ctx)).text()).toBe("full way");
    expect(closed.seen.origin).toHaveLength(0);
    const open = lane(async () => new Response("origin"), { maintenance: gate(true) });
    expect(await (await open.fetch(new Request("https://site.example/"), env, ctx)).text()).toBe("origin");
  });

  it("turns an origin 5XX into errorPages' answer, as the middleware would", async () => {
    const { fetch, seen } = lane(async () => new Response("<h1>Bad Gateway</h1>", { status: 502, headers: { "content-type": "text/html" } }));
    const res = await fetch(new Request("https://site.example/p", { headers: html }), env, ctx);
    expect(res.status).toBe(502);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const body = await res.text();
    expect(body).not.toContain("<h1>Bad Gateway</h1>");
    expect(body).toMatch(/Ray ID/);
    expect(seen.full).toBe(0);
    const viaApp = await new Hono().use(createErrorPages(quiet).middleware).all("*", () => new Response("<h1>Bad Gateway</h1>", { status: 502, headers: { "content-type": "text/html" } })).request("https://site.example/p", { headers: html });
    expect(viaApp.status).toBe(res.status);
    expect(viaApp.headers.get("content-type")).toBe(res.headers.get("content-type"));
  });

  it("turns a failed origin fetch, rejected or thrown, into the page with its code", async () => {
    const failure = () => new OriginFetchError(new URL("https://origin.example/"), true, 30_000, { cause: new Error("timed out") }, 30_000);
    const rejected = lane(async () => Promise.reject(failure()));
    const thrown = lane(() => {
      throw failure();
    });
    for (const { fetch } of [rejected, thrown]) {
      const res = await fetch(new Request("https://site.example/p", { headers: { accept: "application/json" } }), env, ctx);
      expect(res.status).toBe(524);
      expect(await res.json()).toMatchObject({ status: 524 });
    }
  });

  it("hands a fault of the Worker's own to onError when errorPages throws it on", async () => {
    const fault = new TypeError("own bug");
    const { fetch, seen } = lane(async () => Promise.reject(fault), {}, { ...quiet, rethrowFaults: true });
    const res = await fetch(new Request("https://site.example/p"), env, ctx);
    expect(await res.text()).toBe("onError");
    expect(seen.errors).toEqual([fault]);
  });

  it("hands a fault while taking a last good copy to onError instead of failing the request", async () => {
    const pages = { ...createErrorPages(quiet), healthy: () => {
      throw new Error("copy failed");
    } };
    const { fetch, seen } = lane(async () => new Response("ok"), { pages });
    expect(await (await fetch(new Request("https://site.example/"), env, ctx)).text()).toBe("onError");
    expect(seen.errors).toHaveLength(1);
  });
});
