/**
 * The outage benchmark's Worker: N recorders (the real isolate-side code, each its own instance,
 * as N isolates would hold) fed R failures a second, against the real `IncidentLedger` and KV,
 * or, for today's design, N per-isolate budgeted recorders counting their KV puts.
 * Bundled by bench/outage.mjs; never deployed.
 */
import { aggregateKey, type LedgerBatch, parseAggregate } from "../../src/core/aggregate";
import { classify } from "../../src/core/classify";
import { DEFAULT_INCIDENTS, type IncidentInput, type IncidentOptions, IncidentRecorder } from "../../src/site/record/recorder";
import { LedgerClient, type LedgerNamespace } from "../../src/site/record/ledger-client";
import type { IncidentLedger } from "../../src/ledger/ledger";

export { IncidentLedger } from "../../src/ledger/ledger";

interface Env {
  readonly INCIDENTS: KVNamespace;
  readonly INCIDENT_LEDGER: DurableObjectNamespace<IncidentLedger>;
}

const CODES = [502, 503, 504, 520, 522, 521, 500, 524] as const;
const COLOS = ["ICN", "NRT", "HKG", "SIN", "FRA", "AMS", "LHR", "CDG", "IAD", "DFW", "LAX", "SJC", "ORD", "SYD", "GRU", "BOM"];

interface Plan {
  readonly isolates: number;
  readonly rps: number;
  readonly seconds: number;
  readonly codes: number;
  readonly windowMs: number;
}

function plan(url: URL): Plan {
  const n = (name: string, fallback: number) => Number(url.searchParams.get(name) ?? fallback);
  return { isolates: n("isolates", 50), rps: n("rps", 100), seconds: n("seconds", 10), codes: Math.min(n("codes", 1), CODES.length), windowMs: n("window", 10) * 1000 };
}

/** One prepared input per (isolate, code): only the Ray ID and the time change per failure. */
function inputs(p: Plan): IncidentInput[][] {
  return Array.from({ length: p.isolates }, (_, i) => {
    const request = new Request(`https://www.example.com/checkout/${i}`, { cf: { colo: COLOS[i % COLOS.length] } } as RequestInit);
    return CODES.slice(0, p.codes).map((code) => {
      const failure = classify({ source: "response", status: code, contentType: "text/html", retryAfter: null, bodyPrefix: "<h1>down</h1>", bodyBytesRead: 13, elapsedMs: 3 });
      return { failure, rayId: "", time: new Date(), request, locale: "en", format: "html" };
    });
  });
}

/** Feeds R failures a second for S seconds in 100 ms ticks; returns the waitUntil work. */
async function drive(p: Plan, record: (isolate: number, input: IncidentInput) => Promise<void> | undefined): Promise<{ failures: number; work: Promise<void>[] }> {
  const prepared = inputs(p);
  const work: Promise<void>[] = [];
  const start = Date.now();
  let failures = 0;
  const ticks = p.seconds * 10;
  for (let t = 0; t < ticks; t++) {
    const due = Math.round(((t + 1) * p.rps) / 10);
    for (; failures < due; failures++) {
      const i = failures % p.isolates;
      const base = prepared[i]![Math.floor(failures / p.isolates) % p.codes]!;
      const rayId = `${failures.toString(16).padStart(12, "0")}beef-${COLOS[i % COLOS.length]}`;
      const w = record(i, { ...base, rayId, time: new Date() });
      if (w) work.push(w);
    }
    const wait = start + (t + 1) * 100 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  return { failures, work };
}

async function sumAggregates(kv: KVNamespace, startMs: number, endMs: number): Promise<number> {
  let total = 0;
  for (let day = Math.floor(startMs / 86_400_000); day <= Math.floor(endMs / 86_400_000); day++) {
    const a = parseAggregate(await kv.get(aggregateKey("d", day * 86_400_000), "json"));
    total += a?.total ?? 0;
  }
  return total;
}

async function countKeys(kv: KVNamespace, prefix: string): Promise<number> {
  let n = 0;
  let cursor: string | undefined;
  for (;;) {
    const page = await kv.list({ prefix, ...(cursor ? { cursor } : {}) });
    n += page.keys.length;
    if (page.list_complete) return n;
    cursor = page.cursor;
  }
}

async function runLedger(p: Plan, env: Env): Promise<Record<string, unknown>> {
  const options: IncidentOptions = { ...DEFAULT_INCIDENTS, budget: { ...DEFAULT_INCIDENTS.budget, windowMs: p.windowMs } };
  let requests = 0;
  const ledger: LedgerNamespace = {
    idFromName: (name) => env.INCIDENT_LEDGER.idFromName(name),
    get: (id) => {
      const stub = env.INCIDENT_LEDGER.get(id);
      return { record: (b: LedgerBatch[]) => (requests++, stub.record(b)) };
    },
  };
  const clients = Array.from({ length: p.isolates }, () => new LedgerClient(options));
  const startMs = Date.now();
  const { failures, work } = await drive(p, (i, input) => clients[i]!.record({ ledger, kv: env.INCIDENTS }, input));
  await Promise.all(work);
  await Promise.all(clients.map((c) => c.flush(ledger)));
  const stub = env.INCIDENT_LEDGER.get(env.INCIDENT_LEDGER.idFromName("zone"));
  // The alarm's work, run now instead of at the next minute (repeated while it has work left).
  for (let i = 0; i < 5; i++) await stub.flush();
  const usage = await stub.usage();
  const counted = await sumAggregates(env.INCIDENTS, startMs, Date.now());
  const samples = await countKeys(env.INCIDENTS, "r:");
  const isolateWrites = clients.reduce((n, c) => n + c.direct.counters.stored * 3, 0);
  const kvWrites = usage.kv_puts + isolateWrites;
  return {
    design: "ledger",
    ...p,
    failures,
    counted,
    kv_writes: kvWrites,
    kv_writes_per_s: kvWrites / p.seconds,
    ledger_requests: requests,
    ledger_requests_per_s: requests / p.seconds,
    samples,
    fallbacks: clients.reduce((n, c) => n + c.counters.fallbacks, 0),
  };
}

async function runToday(p: Plan): Promise<Record<string, unknown>> {
  const options: IncidentOptions = { ...DEFAULT_INCIDENTS, budget: { ...DEFAULT_INCIDENTS.budget, windowMs: p.windowMs } };
  let puts = 0;
  let records = 0;
  const kv = {
    async put(key: string) {
      // Today's design wrote two keys per record (r: and t:); the f: key is the fallback's own.
      if (key.startsWith("r:")) records++;
      if (!key.startsWith("f:")) puts++;
    },
  } as unknown as KVNamespace;
  const recorders = Array.from({ length: p.isolates }, () => new IncidentRecorder(options));
  const { failures, work } = await drive(p, (i, input) => recorders[i]!.record(kv, input));
  // Counted within the run only: the roll-ups of its last window come after it.
  const during = puts;
  await Promise.all(work);
  const weights = recorders.reduce((n, r) => n + r.counters.stored, 0);
  return { design: "today", ...p, failures, kv_writes: during, kv_writes_per_s: during / p.seconds, kv_writes_with_last_rollups: puts, samples: records, records_written: weights };
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/seed") {
      const q = (n: string) => Number(url.searchParams.get(n));
      return Response.json(await seedHistory(env, q("days"), q("total"), q("codes")));
    }
    const p = plan(url);
    const result = url.pathname === "/today" ? await runToday(p) : await runLedger(p, env);
    return Response.json(result);
  },
} satisfies ExportedHandler<Env>;

/**
 * Seeds `days` of history holding `total` failures through the ledger itself (batches of
 * per-minute counts, as isolates send them), then runs its alarm work until everything is in KV.
 */
export async function seedHistory(env: Env, days: number, total: number, codes: number): Promise<Record<string, number>> {
  const stub = env.INCIDENT_LEDGER.get(env.INCIDENT_LEDGER.idFromName("zone"));
  const end = Math.floor(Date.now() / 60_000);
  const first = end - days * 1440 + 1;
  const cells = days * 1440 * codes;
  let k = 0;
  let seq = 0;
  let batches: LedgerBatch[] = [];
  let rows: LedgerBatch["counts"] = [];
  for (let minute = first; minute <= end; minute++) {
    for (let c = 0; c < codes; c++, k++) {
      const n = Math.floor(((k + 1) * total) / cells) - Math.floor((k * total) / cells);
      if (n > 0) rows.push([minute, CODES[c]!, "www.example.com", COLOS[minute % COLOS.length]!, "origin", n]);
      if (rows.length === 3000) {
        batches.push({ isolate: "seed", seq: ++seq, counts: rows, rays: [], samples: [] });
        rows = [];
      }
      if (batches.length === 16) {
        await stub.record(batches);
        batches = [];
      }
    }
  }
  if (rows.length > 0) batches.push({ isolate: "seed", seq: ++seq, counts: rows, rays: [], samples: [] });
  if (batches.length > 0) await stub.record(batches);
  let runs = 0;
  for (let before = -1; ; runs++) {
    await stub.flush();
    const { kv_puts } = await stub.usage();
    if (kv_puts === before) break;
    before = kv_puts;
  }
  const usage = await stub.usage();
  return { seeded: total, first_minute: first * 60_000, last_minute: end * 60_000, counted_in_ledger: usage.counted, kv_puts: usage.kv_puts, alarm_runs: runs };
}
