import { describe, expect, it } from "vitest";
import { classify } from "../../src/core/classify";
import { DEFAULT_INCIDENTS, IncidentRecorder } from "../../src/site/record/recorder";
import type { IncidentRecord } from "../../src/core/incident";

/** A KV stand-in whose first `failures` puts reject, as KV does with a 429. */
function flakyKv(failures: number) {
  const values = new Map<string, string>();
  let calls = 0;
  const kv = {
    async put(key: string, value: string) {
      if (calls++ < failures) throw new Error("KV PUT failed: 429 Too Many Requests");
      values.set(key, value);
    },
  };
  return { kv: kv as unknown as KVNamespace, values };
}

const failure = classify({ source: "response", status: 502, contentType: null, retryAfter: null, bodyPrefix: "", bodyBytesRead: 0, elapsedMs: 1 });
const input = (ray: string) => ({
  failure,
  rayId: ray,
  time: new Date(),
  request: new Request("https://shop.example.com/x"),
  locale: "en",
  format: "html",
});

describe("IncidentRecorder", () => {
  it("saves a failed write's weight with a roll-up when the window closes", async () => {
    const { kv, values } = flakyKv(2); // both keys of the first record fail
    const recorder = new IncidentRecorder({ ...DEFAULT_INCIDENTS, budget: { perWindow: 5, windowMs: 1000, sampleRate: 1 } });
    await recorder.record(kv, input("00000000000000a1"));
    expect(recorder.counters).toMatchObject({ stored: 1, writeErrors: 1, rollups: 1 });
    const records = [...values.entries()].filter(([k]) => k.startsWith("r:")).map(([, v]) => JSON.parse(v) as IncidentRecord);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ weight: 1, rollup: true, error_code: 502 });
  });

  it("does not double-count when the write succeeds", async () => {
    const { kv, values } = flakyKv(0);
    const recorder = new IncidentRecorder({ ...DEFAULT_INCIDENTS, budget: { perWindow: 5, windowMs: 1000, sampleRate: 1 } });
    await recorder.record(kv, input("00000000000000a2"));
    expect(recorder.counters).toMatchObject({ stored: 1, writeErrors: 0, rollups: 0 });
    const keys = [...values.keys()].filter((k) => k.startsWith("r:"));
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^r:00000000000000a2:[0-9a-f]{8}$/);
  });
});
