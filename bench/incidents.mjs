// @ts-check
/**
 * Counts what the Worker wrote to its incident log for one host. With the ledger bound, its
 * alarm's work is run first (so the last minute is in KV), failures are the host's counts in the
 * day aggregates (`a:d:`), and KV puts are what the ledger reports it made; records an isolate
 * wrote itself (`f:` keys, 3 puts each, their weights counts) are added. Records are the `t:`
 * index entries for the host (samples, and roll-ups among the isolate-written ones).
 */

/**
 * @typedef {object} IncidentCount
 * @property {number} records     incidents stored (index entries) for the host
 * @property {number} rollups     of which roll-ups written at a window's end
 * @property {number} puts        KV writes
 * @property {number} weight      failures counted for the host
 */

/** @param {any} kv @param {string} prefix @param {(key: { name: string, metadata?: any }) => void} each */
async function scan(kv, prefix, each) {
  /** @type {string | undefined} */
  let cursor;
  do {
    const page = await kv.list({ prefix, ...(cursor ? { cursor } : {}) });
    for (const key of page.keys) each(key);
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
}

/** @param {import("miniflare").Miniflare} mf @param {boolean} flush run the alarm's work now */
async function ledgerPuts(mf, flush) {
  try {
    const ns = await mf.getDurableObjectNamespace("INCIDENT_LEDGER");
    const stub = /** @type {any} */ (ns.get(ns.idFromName("zone")));
    if (flush) await stub.flush();
    const usage = await stub.usage();
    return Number(await usage.kv_puts);
  } catch {
    return 0; // no ledger bound
  }
}

/**
 * @param {import("miniflare").Miniflare} mf
 * @param {string} host
 * @param {boolean} [flush] run the ledger's alarm work first, as its next alarm would
 * @returns {Promise<IncidentCount>}
 */
export async function countIncidents(mf, host, flush = false) {
  const ledger = await ledgerPuts(mf, flush);
  const kv = await mf.getKVNamespace("INCIDENTS");
  let records = 0;
  let rollups = 0;
  await scan(kv, "t:", (key) => {
    if (key.metadata?.h !== host) return;
    records++;
    if (key.metadata?.r === 1) rollups++;
  });
  let weight = 0;
  let own = 0;
  await scan(kv, "f:", (key) => {
    if (key.metadata?.h !== host) return;
    own++;
    weight += key.metadata?.w ?? 0;
  });
  /** @type {string[]} */
  const days = [];
  await scan(kv, "a:d:", (key) => void days.push(key.name));
  for (const day of days) {
    const value = /** @type {{ cells?: [number, string, string, string, number][] } | null} */ (await kv.get(day, "json"));
    for (const [, h, , , n] of value?.cells ?? []) if (h === host) weight += n;
  }
  return { records, rollups, puts: ledger + own * 3, weight };
}

/**
 * Polls until the count stops changing (isolates send their counts once a window, after the
 * responses), or `limitMs` passes.
 * @param {import("miniflare").Miniflare} mf
 * @param {string} host
 * @param {number} quietMs how long the count must stay the same
 * @param {number} limitMs
 */
export async function settledIncidents(mf, host, quietMs, limitMs) {
  const end = Date.now() + limitMs;
  // One alarm's worth of writes now, instead of waiting for the minute's alarm.
  let last = await countIncidents(mf, host, true);
  let since = Date.now();
  while (Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = await countIncidents(mf, host);
    if (now.records !== last.records || now.weight !== last.weight) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) break;
  }
  return last;
}
