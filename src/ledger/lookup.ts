/**
 * Answers for a Ray ID the log counted but did not keep as a sample: its minute, code and data
 * centre, how many failures of that code that minute and data centre saw, and the nearest
 * stored sample of the same code and colo.
 */
import type { CountedFailure } from "../core/aggregate";

/** Matches a lookup may return: a Ray ID is meant to be unique, and a few repeats are plenty. */
const MAX_MATCHES = 10;

export function lookupRay(sql: SqlStorage, rayId: string): CountedFailure[] {
  if (!/^[0-9a-f]{16}(?:-[A-Z]{3,4})?$/.test(rayId)) return [];
  // Rays are stored space-separated with a space at both ends: a whole-token match. A Ray ID
  // given without its data-centre suffix matches any suffix.
  const needle = rayId.includes("-") ? ` ${rayId} ` : ` ${rayId}`;
  const hits = sql.exec<{ minute: number; code: number; colo: string; list: string }>(
    "SELECT minute, code, colo, list FROM rays WHERE instr(list, ?) > 0 ORDER BY minute DESC",
    needle,
  ).toArray();
  const out: CountedFailure[] = [];
  for (const hit of hits) {
    if (!rayId.includes("-") && !new RegExp(` ${rayId}(?:-[A-Z]{3,4})? `).test(hit.list)) continue;
    // One row per batch and cell: a Ray ID repeated within one batch is counted that many times.
    const times = hit.list.split(needle).length - 1;
    for (let i = 0; i < times && out.length < MAX_MATCHES; i++) out.push(describe(sql, hit));
  }
  return out;
}

function describe(sql: SqlStorage, hit: { minute: number; code: number; colo: string }): CountedFailure {
  const [count] = sql.exec<{ n: number | null }>("SELECT SUM(n) AS n FROM counts_m WHERE b = ? AND code = ? AND colo = ?", hit.minute, hit.code, hit.colo).toArray();
  const [near] = sql.exec<{ ray: string; uid: string; ms: number }>(
    "SELECT ray, uid, ms FROM samples WHERE code = ? AND colo = ? ORDER BY abs(minute - ?), ms DESC LIMIT 1",
    hit.code, hit.colo, hit.minute,
  ).toArray();
  return {
    minute: new Date(hit.minute * 60_000).toISOString(),
    error_code: hit.code,
    colo: hit.colo,
    count_in_minute: count?.n ?? 0,
    nearest_sample: near ? { ray_id: near.ray, uid: near.uid, timestamp: new Date(near.ms).toISOString() } : null,
  };
}
