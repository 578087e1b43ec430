/**
 * The ledger's settings, read from the site Worker's vars (a Durable Object gets the env of the
 * Worker that defines it). A bad value falls back to its default with a log line: the ledger
 * must keep counting whatever the vars say.
 */
import { parseHosts, Reader, type Vars } from "../core/vars";

export interface LedgerConfig {
  /** Seconds between alarm runs that write KV. Default 60. */
  readonly flushMs: number;
  /** Sample records written per code per minute, zone-wide. Default 30. */
  readonly samplesPerMinute: number;
  /** Days KV keeps what the ledger writes. Default 30. */
  readonly ttlDays: number;
  /** The zone's site hostnames; any other host is counted as `other`. Empty: hosts as the isolates bounded them. */
  readonly hosts: ReadonlySet<string>;
}

export const DEFAULT_LEDGER: Omit<LedgerConfig, "hosts"> = { flushMs: 60_000, samplesPerMinute: 30, ttlDays: 30 };

/** The ledger's settings and every problem with its vars (each one fell back to its default). */
export function readLedgerConfig(env: Vars): { readonly config: LedgerConfig; readonly problems: readonly string[] } {
  const r = new Reader(env);
  const config: LedgerConfig = {
    flushMs: r.number("INCIDENT_FLUSH_S", DEFAULT_LEDGER.flushMs / 1000, 1, 3600) * 1000,
    samplesPerMinute: Math.floor(r.number("INCIDENT_SAMPLES", DEFAULT_LEDGER.samplesPerMinute, 0, 1000)),
    ttlDays: r.number("INCIDENT_TTL_DAYS", DEFAULT_LEDGER.ttlDays, 1, 365),
    hosts: parseHosts(r.string("SITE_HOSTS")),
  };
  return { config, problems: r.problems };
}

export function loadLedgerConfig(env: Vars): LedgerConfig {
  const { config, problems } = readLedgerConfig(env);
  for (const problem of problems) console.error(JSON.stringify({ msg: "incident ledger config: using the default", problem }));
  return config;
}
