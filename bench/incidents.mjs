// @ts-check
/**
 * Counts what the Worker wrote to its incident log (KV) for one host: every incident is two KV
 * puts (`r:<ray>` record, `t:<time>:<ray>` index entry), and the weights on the index entries
 * add up to the failures they stand for (stored ones, plus suppressed ones carried by later
 * records or by a window's roll-up).
 */

/**
 * @typedef {object} IncidentCount
 * @property {number} records     incidents stored (index entries) for the host
 * @property {number} rollups     of which roll-ups written at a window's end
 * @property {number} puts        KV writes: 2 per incident
 * @property {number} weight      failures the records stand for (sum of weights)
 */

/**
 * @param {import("miniflare").Miniflare} mf
 * @param {string} host
 * @returns {Promise<IncidentCount>}
 */
export async function countIncidents(mf, host) {
  const kv = await mf.getKVNamespace("INCIDENTS");
  /** @type {string[]} */
  const rays = [];
  let weight = 0;
  /** @type {string | undefined} */
  let cursor;
  do {
    const page = await kv.list({ prefix: "t:", ...(cursor ? { cursor } : {}) });
    for (const key of page.keys) {
      const meta = /** @type {{ h?: string, w?: number } | undefined} */ (key.metadata);
      if (meta?.h !== host) continue;
      weight += meta.w ?? 0;
      rays.push(key.name.slice(key.name.lastIndexOf(":") + 1));
    }
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  let rollups = 0;
  for (const ray of rays) {
    const value = await kv.get(`r:${ray}`);
    if (value && JSON.parse(value).rollup === true) rollups++;
  }
  return { records: rays.length, rollups, puts: rays.length * 2, weight };
}

/**
 * Polls until the count stops changing (roll-ups are written when a budget window closes,
 * after the responses), or `limitMs` passes.
 * @param {import("miniflare").Miniflare} mf
 * @param {string} host
 * @param {number} quietMs how long the count must stay the same
 * @param {number} limitMs
 */
export async function settledIncidents(mf, host, quietMs, limitMs) {
  const end = Date.now() + limitMs;
  let last = await countIncidents(mf, host);
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
