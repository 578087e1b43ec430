/**
 * A failing origin is not hammered: in workerd, with an origin on loopback that resets every
 * request and counts the connections a probe opens (a bare connect, or the HEAD replay), a storm
 * of failures costs about one probe per origin per few seconds, not one per failed request.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IncidentRecord } from "../../src/core/incident";
import { type Harness, startHarness } from "../support/harness";
import { allRecords } from "../support/incidents";
import { type ResettingOrigin, startResettingOrigin } from "../support/recording-origin";
import { eventually } from "../support/worker";

/** How long the Worker reuses a probe result (src/site/probe-cache.ts). */
const PROBE_TTL_MS = 5_000;
/** A probe opens at most this many connections (a bare connect, then TLS or a HEAD replay). */
const CONNECTIONS_PER_PROBE = 3;
const CONCURRENT = 12;
const SEQUENTIAL = 12;

let origin: ResettingOrigin;
let w: Harness;

beforeAll(async () => {
  origin = await startResettingOrigin();
  w = await startHarness([{ name: "storm", host: "storm.test", vars: { ORIGIN_URL: origin.url, PROBE_TIMEOUT_MS: "1000", ORIGIN_TIMEOUT_MS: "5000" } }]);
});
afterAll(async () => {
  await w?.close();
  await origin?.close();
});

async function fail(i: number): Promise<number> {
  const worker = await w.mf.getWorker("storm");
  // One page failing for everyone: the HEAD replay asks for the failing URL, so it is shared per URL.
  const res = (await worker.fetch(`http://storm.test/item`, { headers: { accept: "application/json", "cf-ray": `5707${String(i).padStart(12, "0")}` } })) as unknown as Response;
  await res.arrayBuffer();
  return res.status;
}

describe("a storm of failed fetches to one origin", () => {
  it(`${CONCURRENT} at once and ${SEQUENTIAL} in a row: a bounded number of probe connections, each failure still classified`, async () => {
    const started = Date.now();
    const statuses = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => fail(i)));
    for (let i = 0; i < SEQUENTIAL; i++) statuses.push(await fail(CONCURRENT + i));
    const elapsed = Date.now() - started;
    expect(new Set(statuses)).toEqual(new Set([520]));
    // Every failed request did reach the origin; the probes are what the cache bounds.
    expect(origin.requests()).toBeGreaterThanOrEqual(CONCURRENT + SEQUENTIAL);
    await eventually(async () => (origin.probes() >= 1 ? true : undefined), "the first probe's connection to close");
    // One probe per origin per PROBE_TTL_MS (and one in flight shared by everyone waiting for it):
    // a slow machine only widens the bound, never the number of probes per failure.
    const bound = CONNECTIONS_PER_PROBE * (1 + Math.floor(elapsed / PROBE_TTL_MS));
    console.log(`${CONCURRENT + SEQUENTIAL} failures in ${elapsed} ms: ${origin.probes()} probe connection(s), bound ${bound}`);
    expect(origin.probes()).toBeLessThanOrEqual(bound);
    expect(bound).toBeLessThan(CONCURRENT + SEQUENTIAL);
  });

  it("the records say which probe results were reused", async () => {
    const kv = await w.kv();
    const records = await eventually(async () => {
      const found = (await allRecords(kv)).filter((r: IncidentRecord) => r.ray_id.startsWith("5707"));
      return found.length === CONCURRENT + SEQUENTIAL ? found : undefined;
    }, "every failure's record");
    const probes = records.map((r) => (r.evidence.source === "exception" && r.evidence.probe !== "skipped" ? r.evidence.probe : undefined));
    expect(probes.every((p) => p?.tcp === "open")).toBe(true);
    expect(probes.filter((p) => p?.cached === true).length).toBeGreaterThanOrEqual(CONCURRENT + SEQUENTIAL - origin.probes());
  });
});
