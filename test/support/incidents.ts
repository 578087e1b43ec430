/**
 * Reads the whole incident log back from local KV, for tests that check what was (or was not)
 * stored.
 */
import type { IncidentRecord } from "../../src/core/incident";
import type { KVNamespaceLike } from "./worker";

export interface StoredKey {
  readonly name: string;
  readonly metadata?: unknown;
}

export async function listAll(kv: KVNamespaceLike, prefix: string): Promise<StoredKey[]> {
  const keys: StoredKey[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await kv.list({ prefix, ...(cursor ? { cursor } : {}) });
    keys.push(...page.keys);
    if (page.list_complete || !page.cursor) return keys;
    cursor = page.cursor;
  }
}

export async function allRecords(kv: KVNamespaceLike): Promise<IncidentRecord[]> {
  const keys = await listAll(kv, "r:");
  const values = await Promise.all(keys.map((k) => kv.get(k.name)));
  return values.filter((v): v is string => v !== null).map((v) => JSON.parse(v) as IncidentRecord);
}

/** Every key, value and metadata in the namespace as one string: for "never stored" checks. */
export async function dumpAll(kv: KVNamespaceLike): Promise<string> {
  const keys = await listAll(kv, "");
  const parts = await Promise.all(
    keys.map(async (k) => `${k.name}\n${JSON.stringify(k.metadata ?? null)}\n${(await kv.get(k.name)) ?? ""}`),
  );
  return parts.join("\n");
}

/** The stored records with this Ray ID (`r:<ray>` of version 1, `r:<ray>:<uid>` since), as raw JSON; undefined when none yet. */
export async function recordOf(kv: KVNamespaceLike, ray: string): Promise<string | undefined> {
  const keys = (await listAll(kv, `r:${ray}`)).filter((k) => k.name === `r:${ray}` || k.name.startsWith(`r:${ray}:`));
  return keys[0] ? ((await kv.get(keys[0].name)) ?? undefined) : undefined;
}
