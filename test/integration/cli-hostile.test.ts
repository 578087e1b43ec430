/**
 * `npm run incidents` prints nothing raw that a visitor or the origin controls: records full of
 * C0/C1 controls and bidi characters, in every field, are read back through the real owner API
 * and the CLI's output is checked byte for byte (table, --ray, --json).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type IncidentRecord, indexKey, recordKey, summarize } from "../../src/core/incident";
import { recordOf } from "../support/incidents";
import { type RecordingOrigin, startRecordingOrigin } from "../support/recording-origin";
import { runIncidents } from "../support/run-process";
import { eventually, type RunningWorkers, startWorkers } from "../support/worker";

const TOKEN = "cli-hostile-token-0123456789";

/** Every character class the CLI must not print raw. */
const HOSTILE = "<\u0000\u0007\b\t\n\r\u001b[2J\u007f\u0085\u009b31m\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028>";
/** The same, as the CLI shows it in text. */
const SHOWN =
  "<\\u0000\\u0007\\u0008\\u0009\\u000a\\u000d\\u001b[2J\\u007f\\u0085\\u009b31m\\u061c\\u200e\\u200f\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069\\u2028>";
/** Nothing of this may appear in any output; newline only as the CLI's own line break. */
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

const RAY = "b0b0000000000001";
/** A minute ago, to the second: inside every default range. */
const MS = Math.floor(Date.now() / 1000) * 1000 - 60_000;
const RECORD: IncidentRecord = {
  v: 1,
  ray_id: RAY,
  timestamp: new Date(MS).toISOString(),
  error_code: 521,
  error_name: `bad_gateway${HOSTILE}`,
  error_category: `origin${HOSTILE}`,
  hop: `origin${HOSTILE}`,
  kind: `origin_status${HOSTILE}`,
  method: `GET${HOSTILE}`,
  host: `h${HOSTILE}`,
  path: `/p${HOSTILE}`,
  query: `?q=${HOSTILE}`,
  user_agent: `ua${HOSTILE}`,
  locale: "en",
  format: "html",
  colo: `ICN${HOSTILE}`,
  country: `KR${HOSTILE}`,
  city: `Seoul${HOSTILE}`,
  client_ip: `ip${HOSTILE}`,
  weight: 1,
  evidence: { source: "response", status: 502, contentType: `text/html${HOSTILE}`, retryAfter: HOSTILE, bodyPrefix: `body${HOSTILE}`, bodyBytesRead: 10, elapsedMs: 5 },
};

let origin: RecordingOrigin;
let w: RunningWorkers;
let url: string;

const run = (args: string[]) => runIncidents(["--url", url, "--token", TOKEN, ...args]);

type WritableKv = { put(key: string, value: string, options?: { metadata?: unknown }): Promise<void> };

beforeAll(async () => {
  origin = await startRecordingOrigin();
  w = await startWorkers([{ name: "main", vars: { ORIGIN_URL: origin.url, ADMIN_TOKEN: TOKEN, STORE_QUERY: "true" } }]);
  url = (await w.mf.ready).origin;
  const kv = (await w.mf.getKVNamespace("INCIDENTS", "main")) as unknown as WritableKv;
  await kv.put(recordKey(RAY), JSON.stringify(RECORD));
  await kv.put(indexKey(MS, RAY), "", { metadata: summarize(RECORD) });
  // And one through the real path: an origin whose error body carries the controls.
  const res = await fetch(`${url}/echo/502?x=${encodeURIComponent(HOSTILE)}`, { headers: { "cf-ray": "b0b0000000000002" } });
  expect(res.status).toBe(502);
  await res.arrayBuffer();
  const store = await w.kv();
  await eventually(async () => ((await recordOf(store, "b0b0000000000002")) ? true : undefined), "the recorded failure");
});
afterAll(async () => {
  await w?.close();
  await origin?.close();
});

describe("the CLI and hostile records", () => {
  it("the table: every field escaped, one line per record, exactly", async () => {
    const r = await run(["--code", "521"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(RAW);
    const host = `h${SHOWN}`;
    const path = `/p${SHOWN}`;
    const cell = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
    const row = [RAY, new Date(MS).toISOString().slice(0, 19).replace("T", " "), "521", cell(host, 40), cell(path, 60), "1"];
    const head = ["RAY ID", "TIME (UTC)", "CODE", "HOST", "PATH", "WEIGHT"];
    const widths = head.map((h, i) => Math.max(h.length, row[i]!.length));
    const line = (cells: string[]) => cells.map((c, i) => (i === 2 || i === 5 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd();
    expect(r.stdout).toBe(`${line(head)}\n${line(row)}\n\n1 incident record(s) standing for 1 failure(s).\n`);
  });

  it("--ray: every field escaped, the evidence as JSON with the rest escaped too", async () => {
    const r = await run(["--ray", RAY]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(RAW);
    const lines = r.stdout.split("\n");
    expect(lines).toContain(`Request      GET${SHOWN} h${SHOWN}/p${SHOWN}?q=${SHOWN}`);
    expect(lines).toContain(`Error        521 bad_gateway${SHOWN} (origin${SHOWN}, origin_status${SHOWN}, failed hop: origin${SHOWN})`);
    expect(lines).toContain(`User agent   ua${SHOWN}`);
    expect(lines).toContain(`Location     Seoul${SHOWN}, KR${SHOWN}`);
    expect(lines).toContain(`Data centre  ICN${SHOWN}`);
    expect(lines).toContain(`Client IP    ip${SHOWN}`);
    const evidence = r.stdout.slice(r.stdout.indexOf("Evidence:\n") + "Evidence:\n".length);
    expect(JSON.parse(evidence)).toEqual(RECORD.evidence);
    expect(evidence).toContain(String.raw`"bodyPrefix": "body<\u0000\u0007\b\t\n\r\u001b[2J\u007f\u0085\u009b31m\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028>"`);
  });

  it("--json and --ray --json: valid JSON of exactly the stored values, nothing raw", async () => {
    const one = await run(["--ray", RAY, "--json"]);
    expect(one.stdout).not.toMatch(RAW);
    // The lookup answer: the newest record's fields at the top, every record with this Ray ID under `incidents`.
    const answer = JSON.parse(one.stdout) as Record<string, unknown> & { incidents: unknown[] };
    expect(answer).toMatchObject(RECORD);
    expect(answer.incidents).toEqual([RECORD]);
    const list = await run(["--json", "--code", "521"]);
    expect(list.stdout).not.toMatch(RAW);
    const parsed = JSON.parse(list.stdout) as { incidents: { ray_id: string; host: string; path: string; error_name: string }[] };
    expect(parsed.incidents.find((i) => i.ray_id === RAY)).toMatchObject({ host: RECORD.host, path: RECORD.path, error_name: RECORD.error_name });
  });

  it("an origin's error body with controls, recorded for real, prints escaped", async () => {
    const r = await run(["--ray", "b0b0000000000002"]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(RAW);
    expect(r.stdout).toContain(String.raw`\u001b[2J\u007f\u0085\u009b31m\u061c\u200e\u200f\u202a`);
    const table = await run(["--limit", "5"]);
    expect(table.stdout).not.toMatch(RAW);
  });
});
