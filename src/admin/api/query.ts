/**
 * The incident listing (pages of index entries, newest first) and the lookup by Ray ID.
 */
import { type CountedFailure, LEDGER_BINDING, LEDGER_NAME, type LedgerApi } from "../../core/aggregate";
import type { IncidentRecord } from "../../core/incident";
import { RECORD_PREFIX, recordKey } from "../../core/incident";
import { isRayId } from "../../core/ray";
import type { ListPosition } from "./cursor";
import { BadRequest, fromStore, StoreUnavailable } from "../errors";
import type { Filters } from "./params";
import { type IncidentEntry, IndexScan, matches } from "./scan";

/** list() calls one page may make: 20 × 1,000 keys, far below KV's 1,000 operations per request. */
export const MAX_LIST_CALLS = 20;

export interface ListPage {
  readonly incidents: IncidentEntry[];
  /** Null when the range is done. A page can be short (even empty) with a position: keep going. */
  readonly next: ListPosition | null;
}

export const START: ListPosition = { block: 0, kv: null, after: null };

/** Up to `limit` entries matching `filters`, from `from` on. */
export async function listIncidents(store: Pick<KVNamespace, "list">, filters: Filters, limit: number, from: ListPosition = START): Promise<ListPage> {
  const narrowed = filters.code !== undefined || filters.host !== undefined || filters.path !== undefined;
  // Without code/host/path every key in range is a hit: read only what the page needs (+1 to see if there is more).
  const pageSize = narrowed ? 1000 : Math.min(1000, limit + 1);
  const scan = new IndexScan(store, filters, from, MAX_LIST_CALLS, pageSize);
  const incidents: IncidentEntry[] = [];
  let last: string | null = null;
  for (let batch = await scan.next(); batch; batch = await scan.next()) {
    for (const key of batch.keys) {
      if (!matches(key.entry, filters)) continue;
      if (incidents.length === limit) return { incidents, next: { block: batch.start.block, kv: batch.start.kv, after: last } };
      incidents.push(key.entry);
      last = key.name;
    }
    if (incidents.length === limit) break;
  }
  return { incidents, next: scan.exhausted ? null : scan.position };
}

/**
 * A Ray ID as people paste it: hex part lower-cased, data-centre suffix upper-cased. Anything
 * else is a 400, so a lookup can only ever read an `r:` key.
 */
export function normalizeRayId(raw: string): string {
  const m = /^([0-9a-fA-F]{16})(?:-([A-Za-z]{3,4}))?$/.exec(raw.trim());
  const ray = m ? `${m[1]?.toLowerCase()}${m[2] ? `-${m[2].toUpperCase()}` : ""}` : "";
  if (isRayId(ray)) return ray;
  throw new BadRequest("invalid_ray_id", "ray_id must be 16 hex characters, optionally followed by - and a data-centre code (e.g. 8f2c1a9b3d4e5f60-ICN)");
}

/** Records one lookup reads at most: a Ray ID is meant to be unique, a few repeats are plenty. */
const MAX_SAME_RAY = 20;

const parseRecord = (raw: unknown): IncidentRecord | undefined => {
  if (typeof raw !== "string") return undefined;
  try {
    const r = JSON.parse(raw) as IncidentRecord;
    return r && typeof r === "object" && typeof r.ray_id === "string" ? r : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Every stored record with this Ray ID, newest first: `r:<ray>` (version 1) and `r:<ray>:<uid>`
 * alike, since two failures can share a Ray ID. A Ray ID given without its data-centre suffix
 * finds records stored with one. One list() and one bulk get().
 */
export async function getIncidents(store: Pick<KVNamespace, "get" | "list">, rayId: string): Promise<IncidentRecord[]> {
  const found = await fromStore("list", () => store.list({ prefix: recordKey(rayId), limit: MAX_SAME_RAY }));
  const names = found.keys.map((k) => k.name).filter((name) => sameRay(name.slice(RECORD_PREFIX.length), rayId));
  if (names.length === 0) return [];
  const bulk = store as unknown as { get(keys: string[], type: "text"): Promise<Map<string, string | null>> };
  const values = await fromStore("get", () => bulk.get(names, "text"));
  const records = names.map((n) => parseRecord(values.get(n))).filter((r): r is IncidentRecord => r !== undefined);
  return records.sort((a, b) => b.timestamp.localeCompare(a.timestamp));
}

/** `rest` is a record key without `r:`: the Ray ID itself, or it followed by `:<uid>`; a suffix-less ID matches any suffix. */
function sameRay(rest: string, rayId: string): boolean {
  const ray = rest.split(":")[0] ?? "";
  return ray === rayId || (!rayId.includes("-") && ray.startsWith(`${rayId}-`));
}

/** The newest record with this Ray ID, or null. */
export async function getIncident(store: Pick<KVNamespace, "get" | "list">, rayId: string): Promise<IncidentRecord | null> {
  return (await getIncidents(store, rayId))[0] ?? null;
}

/** The ledger's RPC for lookups, when the admin Worker is bound to it. */
export interface LedgerLookup {
  idFromName(name: string): DurableObjectId;
  get(id: DurableObjectId): Pick<LedgerApi, "lookup">;
}

/** What the ledger counted under this Ray ID; empty without a binding, and a log line (not a 500) if the ledger fails. */
export async function countedFailures(ledger: LedgerLookup | undefined, rayId: string): Promise<CountedFailure[]> {
  if (!ledger || typeof ledger.idFromName !== "function") return [];
  try {
    return await ledger.get(ledger.idFromName(LEDGER_NAME)).lookup(rayId);
  } catch (err) {
    console.error(JSON.stringify({ msg: "incident ledger lookup failed", ray_id: rayId, error: String(err) }));
    return [];
  }
}

/** What `GET /api/incidents/<ray>` answers, as JSON body and status. */
export type RayAnswer =
  | [Partial<IncidentRecord> & { readonly ray_id: string; readonly incidents: IncidentRecord[]; readonly counted: CountedFailure[] }, 200]
  | [{ readonly error: "not_found"; readonly detail: string; readonly ray_id: string; readonly counted: [] }, 404];

/**
 * Every record with the Ray ID, and what the ledger counted under it: a failure counted but not
 * kept as a sample still gets its minute, code, data centre, count and nearest sample. The newest
 * record's fields stay at the top level, as a lookup answered before records could share an ID.
 */
export async function lookupRay(c: { env: unknown }, binding: string, raw: string): Promise<RayAnswer> {
  const ray = normalizeRayId(raw);
  const env = c.env as Record<string, unknown> | undefined;
  const store = env?.[binding] as Pick<KVNamespace, "get" | "list"> | undefined;
  if (!store || typeof store.list !== "function") throw new StoreUnavailable(`the KV binding ${binding} is missing: add it to wrangler.toml`);
  const [incidents, counted] = await Promise.all([getIncidents(store, ray), countedFailures(env?.[LEDGER_BINDING] as LedgerLookup | undefined, ray)]);
  if (incidents.length === 0 && counted.length === 0) {
    return [{ error: "not_found", ray_id: ray, counted: [], detail: `no incident with Ray ID ${ray}: records expire after INCIDENT_TTL_DAYS days, and Ray IDs of failures that were counted but not sampled are kept for a day` }, 404];
  }
  return [{ ray_id: ray, ...incidents[0], incidents, counted }, 200];
}
