/**
 * What the connect check looks at (ORIGIN_CONNECT_TIMEOUT_MS): whether the origin accepts a TCP
 * connection now, by a bare connect of our own. The runtime's fetch says nothing while it waits,
 * so without this a connect that hangs could not be told from a slow answer before the whole
 * header timeout had passed, too late for the retry or the backup origin.
 */
import type { ProbeResult } from "../core/classify";
import { DEFAULT_PROBE_TIMEOUT_MS } from "./error-pages-options";
import { tcpProbe } from "./probe";
import { ProbeCache } from "./probe-cache";

/**
 * `connects` for the connect check, each look given up after `probeMs` (PROBE_TIMEOUT_MS). Results
 * are shared per origin for a few seconds, so a hung origin with many requests waiting on it gets
 * about one look per isolate, not one per request.
 */
export function originConnects(probeMs = DEFAULT_PROBE_TIMEOUT_MS, cache = new ProbeCache({ ttlMs: 5_000 })): (origin: URL) => Promise<boolean> {
  const look = async (origin: URL): Promise<ProbeResult> => {
    const started = Date.now();
    const tcp = await tcpProbe(origin, probeMs);
    return { ...tcp, tcpMs: Date.now() - started };
  };
  return async (origin) => {
    const result = await cache.probe(origin, () => look(origin), probeMs, "connect");
    return result.tcp === "open";
  };
}
