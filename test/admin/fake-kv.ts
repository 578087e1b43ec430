/**
 * An in-memory stand-in for the parts of KVNamespace the admin side uses: list() with prefix,
 * limit and cursor (lexicographic, like KV), get(), and a switch to make every call throw.
 */
export class FakeKv {
  readonly data = new Map<string, { value: string; metadata?: unknown }>();
  listCalls = 0;
  getCalls = 0;
  broken = false;

  put(name: string, value: string, options: { metadata?: unknown } = {}): void {
    this.data.set(name, { value, metadata: options.metadata });
  }

  /** One key, or up to 100 at once (KV's bulk read: one operation, a Map back). */
  async get(name: string, type?: string): Promise<string | null>;
  async get(names: string[], type?: string): Promise<Map<string, unknown>>;
  async get(name: string | string[], type?: string): Promise<string | null | Map<string, unknown>> {
    this.getCalls++;
    if (this.broken) throw new Error("KV GET failed: 500 Internal Server Error");
    if (!Array.isArray(name)) return this.data.get(name)?.value ?? null;
    if (name.length > 100) throw new Error("KV GET failed: at most 100 keys");
    const out = new Map<string, unknown>();
    for (const n of name) {
      const v = this.data.get(n)?.value;
      out.set(n, v === undefined ? null : type === "json" ? JSON.parse(v) : v);
    }
    return out;
  }

  async list(options: { prefix?: string; limit?: number; cursor?: string } = {}) {
    this.listCalls++;
    if (this.broken) throw new Error("KV LIST failed: 500 Internal Server Error");
    const limit = options.limit ?? 1000;
    if (limit < 1 || limit > 1000) throw new Error(`invalid limit ${limit}`);
    const names = [...this.data.keys()].filter((k) => k.startsWith(options.prefix ?? "")).sort();
    const start = options.cursor ? names.findIndex((n) => n > atob(options.cursor!)) : 0;
    const slice = start < 0 ? [] : names.slice(start, start + limit);
    const complete = start < 0 || start + limit >= names.length;
    return {
      keys: slice.map((name) => ({ name, metadata: this.data.get(name)?.metadata })),
      list_complete: complete,
      ...(complete ? {} : { cursor: btoa(slice.at(-1) ?? "") }),
      cacheStatus: null,
    };
  }
}

import { fallbackKey, type IncidentRecord, indexKey, recordKey, summarize } from "../../src/core/incident";

let seq = 0;

/** A plausible record; `ms` sets its time. */
export function record(ms: number, over: Partial<IncidentRecord> = {}): IncidentRecord {
  seq++;
  return {
    v: 1,
    ray_id: over.ray_id ?? seq.toString(16).padStart(16, "0"),
    timestamp: new Date(ms).toISOString(),
    error_code: 502,
    error_name: "bad_gateway",
    error_category: "origin",
    hop: "origin",
    kind: "origin_status",
    method: "GET",
    host: "shop.example.com",
    path: "/status/502",
    locale: "en",
    format: "html",
    colo: "ICN",
    weight: 1,
    evidence: { source: "response", status: 502, contentType: "text/html", retryAfter: null, bodyPrefix: "<h1>Bad gateway</h1>", bodyBytesRead: 20, elapsedMs: 3 },
    ...over,
  };
}

/**
 * Stores a record the way an isolate writing KV itself does (no ledger): the record key, the
 * index key and the `f:` key, whose weights the stats add up.
 */
export function store(kv: FakeKv, r: IncidentRecord): IncidentRecord {
  const uid = r.uid ?? "0";
  kv.put(recordKey(r.ray_id, uid), JSON.stringify(r));
  kv.put(indexKey(Date.parse(r.timestamp), r.ray_id, uid), "", { metadata: summarize(r) });
  kv.put(fallbackKey(Date.parse(r.timestamp), r.ray_id, uid), "", { metadata: summarize(r) });
  return r;
}
