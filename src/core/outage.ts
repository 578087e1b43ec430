/**
 * The known-outage notice: one small KV value the incident ledger rewrites whenever the set of
 * open alert incidents (or whether their owner has been told) changes, and the site Worker's
 * error path reads through an in-isolate cache. docs/storage.md describes it.
 *
 *   o:open   { v: 1, hosts: { "<host>": [{ since, code, notified }] } }
 *
 * `host` is the host as the ledger counts it (one of SITE_HOSTS, or as isolates bounded it).
 */

export const OUTAGE_KEY = "o:open";

/** One open incident, as a visitor's page tells it. */
export interface OpenIncident {
  /** When it opened, ISO 8601 UTC. */
  readonly since: string;
  /** The code that opened it. */
  readonly code: number;
  /** True once a message about it reached at least one configured channel. */
  readonly notified: boolean;
}

export interface OutageNotice {
  readonly v: 1;
  readonly hosts: Readonly<Record<string, readonly OpenIncident[]>>;
}

export const NO_OUTAGE: OutageNotice = { v: 1, hosts: {} };

const isOpen = (x: unknown): x is OpenIncident => {
  const o = x as Partial<OpenIncident> | null;
  return !!o && typeof o === "object" && typeof o.since === "string" && Number.isFinite(Date.parse(o.since)) && typeof o.code === "number" && typeof o.notified === "boolean";
};

/** Parses the stored value; anything else (missing, another version, damaged) reads as no outage. */
export function parseOutage(raw: unknown): OutageNotice {
  const n = raw as Partial<OutageNotice> | null;
  if (!n || typeof n !== "object" || n.v !== 1 || !n.hosts || typeof n.hosts !== "object") return NO_OUTAGE;
  const hosts: Record<string, OpenIncident[]> = {};
  for (const [host, list] of Object.entries(n.hosts)) {
    if (Array.isArray(list)) {
      const ok = list.filter(isOpen);
      if (ok.length > 0) hosts[host] = ok;
    }
  }
  return { v: 1, hosts };
}

/** What one host's page says: the earliest open incident's start, and whether any was notified. */
export function noticeFor(n: OutageNotice, host: string): { readonly since: Date; readonly notified: boolean } | undefined {
  const list = Object.hasOwn(n.hosts, host) ? n.hosts[host] : undefined;
  if (!list || list.length === 0) return undefined;
  const since = Math.min(...list.map((i) => Date.parse(i.since)));
  return { since: new Date(since), notified: list.some((i) => i.notified) };
}
