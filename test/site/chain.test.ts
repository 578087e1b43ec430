import { Hono, type MiddlewareHandler } from "hono";
import { describe, expect, it } from "vitest";
import { chain, serve } from "../../src/site/chain";

const ctx = { waitUntil: () => undefined, passThroughOnException: () => undefined, props: {} } as unknown as ExecutionContext;
const { getPath } = new Hono();

/** A layer that notes its path and order, and stamps the answer on the way back. */
const noting = (name: string, seen: string[]): MiddlewareHandler => async (c, next) => {
  seen.push(`${name}:${c.req.path}`);
  await next();
  c.res.headers.append("x-layers", name);
};

describe("chain", () => {
  it("runs the layers outermost first and hands the handler's answer back through them", async () => {
    const seen: string[] = [];
    const handler = chain([noting("a", seen), noting("b", seen)], async () => new Response("origin", { status: 201 }));
    const res = await new Hono().all("*", handler).request("/x/y");
    expect(res.status).toBe(201);
    expect(await res.text()).toBe("origin");
    expect(seen).toEqual(["a:/x/y", "b:/x/y"]);
    expect(res.headers.get("x-layers")).toBe("b, a");
  });

  it("lets a layer answer by returning a Response, and ignores one returned after the answer was set", async () => {
    const gate: MiddlewareHandler = async (c, next) => (c.req.path === "/closed" ? new Response("closed", { status: 503 }) : next());
    const late: MiddlewareHandler = async (_c, next) => {
      await next();
      return new Response("too late");
    };
    const app = new Hono().all("*", chain([gate, late], async () => new Response("open")));
    expect(await (await app.request("/closed")).text()).toBe("closed");
    expect(await (await app.request("/open")).text()).toBe("open");
  });

  it("sends the handler's error up to the layer that awaits next()", async () => {
    const catching: MiddlewareHandler = async (c, next) => {
      try {
        await next();
      } catch (err) {
        c.res = new Response(`caught ${(err as Error).message}`, { status: 502 });
      }
    };
    const res = await new Hono().all("*", chain([catching], async () => Promise.reject(new Error("refused")))).request("/");
    expect(res.status).toBe(502);
    expect(await res.text()).toBe("caught refused");
  });
});

describe("serve: the one handler as a Worker's fetch", () => {
  const env = { NAME: "site" };

  it("gives the handler the Context the app would: raw request, env, execution context and decoded path", async () => {
    const fetch = serve<{ Bindings: typeof env }>(
      async (c) => Response.json({ path: c.req.path, url: c.req.url, env: c.env.NAME, ctx: c.executionCtx === ctx }),
      (r) => getPath(r),
      () => new Response(null, { status: 500 }),
    );
    const res = await fetch(new Request("https://site.example/caf%C3%A9/a?q=1"), env, ctx);
    expect(await res.json()).toEqual({ path: "/café/a", url: "https://site.example/caf%C3%A9/a?q=1", env: "site", ctx: true });
  });

  it("answers the same as app.all('*', handler) with the same layers", async () => {
    const seen: string[] = [];
    const handler = chain([noting("a", [])], async (c) => new Response(`hello ${c.req.path}`, { headers: { "x-kind": "origin" } }));
    const viaApp = await new Hono().all("*", handler).request("https://site.example/p");
    const viaServe = await serve(handler, (r) => getPath(r), () => new Response(null, { status: 500 }))(new Request("https://site.example/p"), {}, ctx);
    for (const res of [viaApp, viaServe]) seen.push(`${res.status} ${res.headers.get("x-kind")} ${res.headers.get("x-layers")} ${await res.text()}`);
    expect(seen).toEqual(["200 origin a hello /p", "200 origin a hello /p"]);
  });

  it("hands an error that escapes the handler, thrown or rejected, to onError", async () => {
    const onError = (err: unknown) => new Response(`onError ${(err as Error).message}`, { status: 500 });
    const rejecting = serve(async () => Promise.reject(new Error("late")), (r) => getPath(r), onError);
    const throwing = serve(() => {
      throw new Error("early");
    }, (r) => getPath(r), onError);
    expect(await (await rejecting(new Request("https://s.example/"), {}, ctx)).text()).toBe("onError late");
    expect(await (await throwing(new Request("https://s.example/"), {}, ctx)).text()).toBe("onError early");
  });

  it("rejects when onError throws on, so the runtime's passThroughOnException can take over", async () => {
    const rethrow = (err: unknown): Response => {
      throw err;
    };
    const fetch = serve(async () => Promise.reject(new Error("own fault")), (r) => getPath(r), rethrow);
    await expect(fetch(new Request("https://s.example/"), {}, ctx)).rejects.toThrow("own fault");
  });
});
