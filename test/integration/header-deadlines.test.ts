/**
 * The header timeout in workerd, where one timer per isolate keeps every waiting request's
 * deadline: requests waiting side by side each get their 524 whichever of them armed the timer,
 * and whether that one was answered, failed or timed out first.
 */
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningWorkers, startWorkers } from "../support/worker";

let origin: Server;
let w: RunningWorkers;
const held = new Set<ServerResponse>();
const BASE = "https://shop.example.com";
/** Far past the Worker's 1 s header timeout: a request still open then was never timed out. */
const GIVE_UP_MS = 20_000;

beforeAll(async () => {
  // /slow answers after 300 ms, /hang never does, /reset drops the connection, /ok answers at once.
  origin = createServer((req, res) => {
    if (req.url?.startsWith("/hang")) return void held.add(res);
    if (req.url?.startsWith("/reset")) return void req.socket.destroy();
    if (req.url?.startsWith("/slow")) return void setTimeout(() => res.end("slow answer"), 300);
    res.end("ok");
  });
  await new Promise<void>((resolve) => origin.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
  w = await startWorkers([{ name: "main", vars: { ORIGIN_URL: url, ORIGIN_TIMEOUT_MS: "1000" } }]);
});
afterAll(async () => {
  await w?.close();
  for (const res of held) res.destroy();
  origin?.closeAllConnections();
  await new Promise((resolve) => origin?.close(resolve));
});

const get = (path: string) => w.fetch("main", BASE + path, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(GIVE_UP_MS) });
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The status and error code of a JSON error page, or the body of a passed-through answer. */
async function outcome(res: Promise<Response>): Promise<string> {
  const r = await res;
  const text = await r.text();
  if (r.status < 500) return `${r.status} ${text}`;
  return `${r.status} ${(JSON.parse(text) as { error_code: number }).error_code}`;
}

describe("header deadlines shared by one timer", () => {
  it("times out a hung request that joined while another, answered first, held the timer", async () => {
    const first = outcome(get("/slow"));
    await pause(100);
    const hung = outcome(get("/hang/a"));
    expect(await first).toBe("200 slow answer");
    expect(await hung).toBe("524 524");
  });

  it("times out many hung requests at once, and the first one's timeout hands the timer on", async () => {
    const early = outcome(get("/hang/early"));
    await pause(300);
    const late = Array.from({ length: 20 }, (_, i) => outcome(get(`/hang/late-${i}`)));
    expect(await early).toBe("524 524");
    expect(await Promise.all(late)).toEqual(Array.from({ length: 20 }, () => "524 524"));
  });

  it("times out a hung request after the one holding the timer failed outright", async () => {
    const failing = outcome(get("/reset"));
    const hung = outcome(get("/hang/b"));
    expect(await failing).toMatch(/^5\d\d 52\d$/);
    expect(await hung).toBe("524 524");
  });

  it("still passes healthy answers through after a wave of timeouts", async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, () => outcome(get("/ok"))));
    expect(answers).toEqual(Array.from({ length: 10 }, () => "200 ok"));
  });
});
