/**
 * A failure storm over real HTTP: many concurrent keep-alive connections to workerd, mixed origin
 * failures with healthy requests in between. Every answer must be right, no connection may be
 * dropped, healthy bodies must arrive byte for byte, and the incident log must stay within its
 * write budget while its weights still add up to every failure seen.
 */
import { createHash } from "node:crypto";
import http from "node:http";
import type net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOrigins } from "../../demo/origin.mjs";
import { allRecords, listAll } from "../support/incidents";
import { httpRequest, seededRandom } from "../support/http";
import { type Harness, startHarness } from "../support/harness";
import { eventually } from "../support/worker";

const REQUESTS = 1200;
const CONNECTIONS = 64;
const BUDGET = 4;
const WINDOW_S = 2;
/** Far beyond what the storm needs on a slow machine; only a hung storm hits it. */
const STORM_CAP_MS = 45_000;

interface Kind {
  readonly name: string;
  readonly host: string;
  readonly path: string;
  readonly status: number;
  readonly weight: number;
}

const SHOP = "shop.test";
const DOWN = "down.test";
const KINDS: readonly Kind[] = [
  { name: "origin 500", host: SHOP, path: "/status/500", status: 500, weight: 3 },
  { name: "origin 502", host: SHOP, path: "/status/502", status: 502, weight: 3 },
  { name: "garbage", host: SHOP, path: "/garbage", status: 520, weight: 2 },
  { name: "empty reply", host: SHOP, path: "/empty", status: 520, weight: 2 },
  { name: "refused", host: DOWN, path: "/", status: 521, weight: 2 },
  { name: "healthy page", host: SHOP, path: "/ok", status: 200, weight: 4 },
  { name: "healthy 1 MiB", host: SHOP, path: "/stream/1", status: 200, weight: 1 },
];
const ACCEPTS = ["text/html", "application/json", "text/plain", "*/*"] as const;

let origins: Awaited<ReturnType<typeof startOrigins>>;
let w: Harness;
const expectedBody = new Map<string, string>();

beforeAll(async () => {
  origins = await startOrigins({ backlog: false });
  const vars = { ORIGIN_TIMEOUT_MS: "10000", PROBE_TIMEOUT_MS: "1500", INCIDENT_BUDGET: String(BUDGET), INCIDENT_WINDOW_S: String(WINDOW_S) };
  w = await startHarness([
    { name: "shop", host: SHOP, vars: { ...vars, ORIGIN_URL: origins.http } },
    { name: "down", host: DOWN, vars: { ...vars, ORIGIN_URL: `http://127.0.0.1:${origins.refusedPort}` } },
  ]);
  // What the origin itself sends for the healthy paths, straight from it, not through the Worker.
  const direct = new URL(origins.http);
  for (const path of ["/ok", "/stream/1"]) {
    const res = await httpRequest(direct, path);
    expectedBody.set(path, createHash("sha256").update(res.body).digest("hex"));
  }
});
afterAll(async () => {
  await w?.close();
  await origins?.close();
});

function plan(random: () => number): Kind[] {
  const bag = KINDS.flatMap((k) => Array<Kind>(k.weight).fill(k));
  return Array.from({ length: REQUESTS }, () => bag[Math.floor(random() * bag.length)]!);
}

/** What is wrong with one answer, or undefined when it is right. */
function check(kind: Kind, accept: string, status: number, headers: http.IncomingHttpHeaders, body: Buffer): string | undefined {
  if (status !== kind.status) return `${kind.name}: status ${status}, want ${kind.status}`;
  if (kind.status < 500) {
    const digest = createHash("sha256").update(body).digest("hex");
    return digest === expectedBody.get(kind.path) ? undefined : `${kind.name}: body differs (${body.length} bytes)`;
  }
  const type = headers["content-type"] ?? "";
  const text = body.toString("utf8");
  if (headers["cache-control"] !== "no-store") return `${kind.name}: cache-control ${headers["cache-control"]}`;
  if (accept === "application/json") {
    if (!type.startsWith("application/json")) return `${kind.name}: content-type ${type} for JSON`;
    const problem = JSON.parse(text) as { error_code?: number; ray_id?: string };
    if (problem.error_code !== kind.status || !/^[0-9a-f]{16}$/.test(problem.ray_id ?? "")) return `${kind.name}: problem ${text.slice(0, 200)}`;
    return undefined;
  }
  if (accept === "text/plain") return type.startsWith("text/plain") && text.includes(String(kind.status)) ? undefined : `${kind.name}: text ${text.slice(0, 120)}`;
  return type.startsWith("text/html") && text.includes(`| ${kind.status}: `) ? undefined : `${kind.name}: page without its code`;
}

describe("a failure storm", () => {
  it(`${REQUESTS} mixed requests over ${CONNECTIONS} connections: right answers, no drops, bounded KV writes`, async () => {
    const random = seededRandom(0x5eed);
    const requests = plan(random).map((kind, i) => ({ kind, accept: ACCEPTS[i % ACCEPTS.length]! }));
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS, maxFreeSockets: CONNECTIONS });
    const sockets = new Set<net.Socket>();
    const wrong: string[] = [];
    const dropped: string[] = [];
    const failures = new Map<string, number>();
    let inFlight = 0;
    let peak = 0;
    let next = 0;
    const started = Date.now();

    const lane = async () => {
      for (let i = next++; i < requests.length; i = next++) {
        const { kind, accept } = requests[i]!;
        inFlight++;
        peak = Math.max(peak, inFlight);
        try {
          const res = await httpRequest(w.url, kind.path, {
            agent,
            headers: { host: kind.host, accept },
            capMs: STORM_CAP_MS,
            onSocket: (s) => sockets.add(s),
          });
          const problem = check(kind, accept, res.status, res.headers, res.body);
          if (problem) wrong.push(problem);
          if (kind.status >= 500) {
            const key = `${kind.status}|${kind.host}`;
            failures.set(key, (failures.get(key) ?? 0) + 1);
          }
        } catch (err) {
          dropped.push(`${kind.name}: ${(err as Error).message}`);
        } finally {
          inFlight--;
        }
      }
    };
    await Promise.all(Array.from({ length: CONNECTIONS }, lane));
    const elapsedMs = Date.now() - started;
    agent.destroy();

    expect(wrong.slice(0, 10)).toEqual([]);
    expect(dropped.slice(0, 10)).toEqual([]);
    expect(peak).toBeGreaterThanOrEqual(48);
    expect(sockets.size).toBeGreaterThanOrEqual(48);

    // Roll-ups land when each budget window closes; then every failure is accounted for.
    const kv = await w.kv();
    const totals = () =>
      allRecords(kv).then((records) => {
        const byKey = new Map<string, { records: number; weight: number }>();
        for (const r of records) {
          const key = `${r.error_code}|${r.host}`;
          const t = byKey.get(key) ?? { records: 0, weight: 0 };
          t.records++;
          t.weight += r.weight;
          byKey.set(key, t);
        }
        return byKey;
      });
    const settled = await eventually(
      async () => {
        const byKey = await totals();
        return [...failures].every(([key, n]) => byKey.get(key)?.weight === n) ? byKey : undefined;
      },
      "incident weights to add up to the failures seen",
      WINDOW_S * 1000 * 3 + 15_000,
    );
    expect([...settled.keys()].sort()).toEqual([...failures.keys()].sort());

    // Per (code, host) and window: at most BUDGET records plus one roll-up.
    const windows = Math.floor(elapsedMs / (WINDOW_S * 1000)) + 2;
    const bound = (BUDGET + 1) * windows;
    for (const [key, t] of settled) expect(t.records, key).toBeLessThanOrEqual(bound);
    const records = [...settled.values()].reduce((n, t) => n + t.records, 0);
    const index = await listAll(kv, "t:");
    expect(index.length).toBe(records);
    const failed = [...failures.values()].reduce((a, b) => a + b, 0);
    // The budget really held failures back: far fewer records than failures, the rest as weight.
    expect(records).toBeLessThan(failed);
    expect(w.logs()).not.toContain("incident write failed");

    console.log(
      `storm: ${requests.length} requests (${failed} failing, ${requests.length - failed} healthy) in ${elapsedMs} ms, ` +
        `peak ${peak} concurrent on ${sockets.size} connections, ${wrong.length} wrong, ${dropped.length} dropped, ` +
        `${records} records = ${records * 2} KV writes (bound ${bound} records per code and host), weights ${JSON.stringify(Object.fromEntries([...settled].map(([k, t]) => [k, `${t.weight} in ${t.records}`])))}`,
    );
  });
});
