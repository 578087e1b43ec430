// @ts-check
/**
 * The bench's resilience phases: what keeping last good copies costs the healthy pass-through,
 * and what serving a copy costs next to answering the same failure with the error page.
 *
 *   - "copying": this Worker with STALE_PATHS=/* in front of the healthy origin, measured in the
 *     pass-through phase beside the bare Worker (each URL is copied at most once per
 *     STALE_REFRESH_S per isolate, so wrk's /ok costs the policy checks; a run with
 *     STALE_REFRESH_S=1 tees and writes the cache once a second as well);
 *   - "stale": this Worker with STALE_PATHS=/* in front of a TCP relay to the origin. /ok is copied
 *     while the relay is up, then the relay is closed, so its port refuses: /ok is then answered
 *     with the copy, /nocopy (never copied) with the 521 page. Both pay the same refused fetch and
 *     probe; the difference is serving the copy instead of rendering the page.
 */
import net from "node:net";
import { startWorker } from "./workers.mjs";

/**
 * A TCP relay to `port` that can be closed for good, leaving a port that refuses.
 * @param {number} port
 */
async function startRelay(port) {
  /** @type {Set<net.Socket>} */
  const sockets = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: "127.0.0.1", port });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", () => r(undefined)));
  const address = /** @type {net.AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r(undefined));
      }),
  };
}

/** @param {string} url */
async function get(url) {
  const res = await fetch(url, { headers: { accept: "text/html", "accept-language": "en" }, signal: AbortSignal.timeout(15_000) });
  return { status: res.status, cacheStatus: res.headers.get("cache-status"), body: await res.text() };
}

/**
 * Starts both Workers and leaves "stale" with a copy of /ok and a refusing origin.
 * @param {{ entry: string }} bundle @param {Record<string, string>} vars @param {number} originPort
 */
export async function startResilienceWorkers(bundle, vars, originPort) {
  const copying = await startWorker({ name: "copying", scriptPath: bundle.entry, vars: { ...vars, STALE_PATHS: "/*" }, kv: true });
  const copyingOften = await startWorker({ name: "copying-1s", scriptPath: bundle.entry, vars: { ...vars, STALE_PATHS: "/*", STALE_REFRESH_S: "1" }, kv: true });
  const relay = await startRelay(originPort);
  const stale = await startWorker({
    name: "stale",
    scriptPath: bundle.entry,
    // No retry: both targets must pay exactly one refused fetch.
    vars: { ...vars, ORIGIN_URL: relay.url, STALE_PATHS: "/*", ORIGIN_RETRY: "false" },
    kv: true,
  });
  const seeded = await get(`${stale.url}/ok`);
  if (seeded.status !== 200) throw new Error(`stale Worker: /ok answered ${seeded.status} while the origin was up`);
  // The copy is written in waitUntil, after the answer: give it a moment, then check it is served.
  await new Promise((r) => setTimeout(r, 1000));
  await relay.close();
  const copy = await get(`${stale.url}/ok`);
  if (copy.status !== 200 || !copy.cacheStatus?.startsWith("edge-error-pages; fwd=stale; fwd-status=521")) {
    throw new Error(`stale Worker: /ok was not answered with its copy once the origin refused (status ${copy.status}, Cache-Status ${copy.cacheStatus})`);
  }
  const page = await get(`${stale.url}/nocopy`);
  if (page.status !== 521) throw new Error(`stale Worker: /nocopy answered ${page.status}, not the 521 page`);
  return {
    copying,
    copyingOften,
    stale,
    sizes: { copy: Buffer.byteLength(copy.body), page: Buffer.byteLength(page.body) },
    close: async () => {
      await copying.close();
      await copyingOften.close();
      await stale.close();
    },
  };
}

/** @param {number[]} xs */
const med = (xs) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? /** @type {number} */ (s[(s.length - 1) / 2]) : (/** @type {number} */ (s[s.length / 2 - 1]) + /** @type {number} */ (s[s.length / 2])) / 2;
};

/**
 * Medians of per-round ratios from the two phases' rounds.
 * @param {{ rounds: Record<string, { rps: number, p50Ms: number }>[] }} passThrough
 * @param {{ rounds: Record<string, { rps: number, p50Ms: number }>[] }} serving
 * @param {{ copy: number, page: number }} sizes
 */
export function resilienceFigures(passThrough, serving, sizes) {
  const ratio = (/** @type {typeof passThrough} */ p, /** @type {string} */ a, /** @type {string} */ b, /** @type {"rps" | "p50Ms"} */ f) =>
    med(p.rounds.map((r) => (r[a] && r[b] ? /** @type {number} */ (r[a]?.[f]) / /** @type {number} */ (r[b]?.[f]) : NaN)));
  const rps = (/** @type {typeof passThrough} */ p, /** @type {string} */ k) => med(p.rounds.map((r) => r[k]?.rps ?? NaN));
  return {
    copyingVsBare: ratio(passThrough, "copying", "bare", "rps"),
    copyingOftenVsBare: ratio(passThrough, "copyingOften", "bare", "rps"),
    edgeVsBare: ratio(passThrough, "edge", "bare", "rps"),
    copyingVsEdge: ratio(passThrough, "copying", "edge", "rps"),
    copyRps: rps(serving, "copy"),
    pageRps: rps(serving, "page"),
    copyVsPage: ratio(serving, "copy", "page", "rps"),
    copyP50VsPage: ratio(serving, "copy", "page", "p50Ms"),
    sizes,
  };
}

/** @param {ReturnType<typeof resilienceFigures>} f */
export function resilienceMarkdown(f) {
  const x = (/** @type {number} */ n) => (Number.isFinite(n) ? n.toFixed(2) : "–");
  return `## Resilience

| measured | figure |
|---|---|
| pass-through with last good copies on (\`STALE_PATHS=/*\`, default refresh), ÷ bare Worker | ${x(f.copyingVsBare)} (this Worker without copies: ${x(f.edgeVsBare)}; with ÷ without: ${x(f.copyingVsEdge)}) |
| the same with \`STALE_REFRESH_S=1\` (a tee and a cache write every second), ÷ bare Worker | ${x(f.copyingOftenVsBare)} |
| serving the copy (${f.sizes.copy} B) vs the 521 error page (${f.sizes.page} B) for a refused origin | ${Math.round(f.copyRps)} vs ${Math.round(f.pageRps)} req/s, ratio ${x(f.copyVsPage)}; p50 ratio ${x(f.copyP50VsPage)} |
`;
}
