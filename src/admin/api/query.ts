/**
 * The incident listing (pages of index entries, newest first) and the lookup by Ray ID.
 */
import type { IncidentRecord } from "../../core/incident";
import { RECORD_PREFIX, recordKey } from "../../core/incident";
import { isRayId } from "../../core/ray";
import type { ListPosition } from "./cursor";
import { BadRequest, fromStore } from "../errors";
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

/**
 * The full record, or null. A Ray ID reported without its data-centre suffix still finds a record
 * stored with one (one extra list() call, only on a miss).
 */
export async function getIncident(store: Pick<KVNamespace, "get" | "list">, rayId: string): Promise<IncidentRecord | null> {
  let raw = await fromStore("get", () => store.get(recordKey(rayId)));
  if (raw === null && !rayId.includes("-")) {
    const found = await fromStore("list", () => store.list({ prefix: `${RECORD_PREFIX}${rayId}-`, limit: 2 }));
    const only = found.keys.length === 1 ? found.keys[0]?.name : undefined;
    if (only) raw = await fromStore("get", () => store.get(only));
  }
  if (raw === null) return null;
  try {
    return JSON.parse(raw) as IncidentRecord;
  } catch {
    return null;
  }
}
