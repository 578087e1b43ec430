/**
 * The Worker in workerd in front of real loopback origins: healthy traffic passes untouched.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOrigins } from "../../demo/origin.mjs";
import { type RunningWorkers, startWorkers } from "../support/worker";

let origins: Awaited<ReturnType<typeof startOrigins>>;
let w: RunningWorkers;
const BASE = "https://shop.example.com";
/** Sends its headers at once, then one chunk every 400 ms for 2.4 s: a body slower than the header timeout. */
let slowBody: Server;
const CHUNKS = 6;

beforeAll(async () => {
  origins = await startOrigins();
  slowBody = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    let sent = 0;
    const tick = setInterval(() => {
      res.write(`chunk ${sent}\n`);
      if (++sent === CHUNKS) {
        clearInterval(tick);
        res.end();
      }
    }, 400);
    res.on("close", () => clearInterval(tick));
  });
  await new Promise<void>((resolve) => slowBody.listen(0, "127.0.0.1", resolve));
  const slow = `http://127.0.0.1:${(slowBody.address() as AddressInfo).port}`;
  w = await startWorkers([
    { name: "main", vars: { ORIGIN_URL: origins.http, ORIGIN_TIMEOUT_MS: "3000" } },
    { name: "slow", vars: { ORIGIN_URL: slow, ORIGIN_TIMEOUT_MS: "1000" } },
  ]);
});
afterAll(async () => {
  await w?.close();
  await origins?.close();
  await new Promise((resolve) => slowBody?.close(resolve));
});

const get = (path: string, init?: RequestInit) => w.fetch("main", BASE + path, init);

describe("pass-through", () => {
  it("returns a healthy page unchanged", async () => {
    const res = await get("/ok");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("<");
  });

  it("returns a 404 exactly as the origin sent it", async () => {
    const res = await get("/not-found");
    expect(res.status).toBe(404);
    expect(res.headers.get("x-origin")).toBe("demo");
    expect(await res.text()).toContain("<h1>custom 404</h1>");
  });

  it("keeps several Set-Cookie headers apart", async () => {
    const res = await get("/cookies");
    const cookies = res.headers.getSetCookie();
    expect(cookies).toHaveLength(3);
    expect(cookies.map((c) => c.split(";")[0])).toEqual(["a=1", "b=2", "c=3"]);
  });

  it("forwards method, path, query, headers and body", async () => {
    const res = await get("/echo?x=1&y=two", { method: "PUT", headers: { "x-test": "hello", "content-type": "text/plain" }, body: "payload ✓" });
    expect(res.status).toBe(200);
    const echo = (await res.json()) as { method: string; path: string; query: string; headers: Record<string, string>; body: string };
    expect(echo.method).toBe("PUT");
    expect(echo.path).toBe("/echo");
    expect(echo.query).toContain("x=1&y=two");
    expect(echo.headers["x-test"]).toBe("hello");
    expect(echo.headers["x-forwarded-host"]).toBe("shop.example.com");
    expect(echo.body).toBe("payload ✓");
  });

  it("does not follow redirects", async () => {
    const res = await get("/redirect", { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/ok");
  });

  it("answers HEAD with headers only", async () => {
    const res = await get("/ok", { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
  });

  it("bounds only the wait for headers: a body streaming for longer than ORIGIN_TIMEOUT_MS arrives whole", async () => {
    const res = await w.fetch("slow", `${BASE}/download`);
    expect(res.status).toBe(200);
    const expected = Array.from({ length: CHUNKS }, (_, i) => `chunk ${i}\n`).join("");
    expect(await res.text()).toBe(expected);
  });

  it("streams a large body through intact", async () => {
    const res = await get("/stream/8");
    expect(res.status).toBe(200);
    const body = new Uint8Array(await res.arrayBuffer());
    expect(body.byteLength).toBe(8 * 1024 * 1024);
  });

  it("relays WebSocket upgrades", async () => {
    const res = await get("/ws", { headers: { upgrade: "websocket" } });
    expect(res.status).toBe(101);
    const ws = (res as unknown as { webSocket: WebSocket & { accept(): void } }).webSocket;
    expect(ws).toBeTruthy();
    ws.accept();
    const echoed = new Promise<string>((resolve) => ws.addEventListener("message", (e) => resolve(String(e.data))));
    ws.send("ping over the edge");
    expect(await echoed).toBe("ping over the edge");
    ws.close();
  });
});
