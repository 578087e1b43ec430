/**
 * Which `Host` values get counts of their own. With SITE_HOSTS set, only those (the zone's site
 * hostnames); without it, the first few an isolate sees. Anything else is counted as `other`, so
 * a flood of made-up Host headers costs one slot, not one per name.
 */
export const OTHER_HOST = "other";
/** Hosts an isolate names on its own when SITE_HOSTS is not set. */
export const MAX_AUTO_HOSTS = 16;

export class SiteHosts {
  readonly #configured: ReadonlySet<string>;
  readonly #seen = new Set<string>();

  constructor(configured: Iterable<string> = []) {
    this.#configured = new Set(configured);
  }

  /** The host name counts are kept under; O(1). */
  bucket(hostname: string): string {
    if (this.#configured.size > 0) return this.#configured.has(hostname) ? hostname : OTHER_HOST;
    if (this.#seen.has(hostname)) return hostname;
    if (this.#seen.size >= MAX_AUTO_HOSTS || hostname.length > 100) return OTHER_HOST;
    this.#seen.add(hostname);
    return hostname;
  }

  /** Upper bound on distinct values {@link bucket} returns. */
  get size(): number {
    return (this.#configured.size > 0 ? this.#configured.size : MAX_AUTO_HOSTS) + 1;
  }
}
