/**
 * errorPages' options: what each one means and its default, and the checks run on them once,
 * when the middleware is created.
 */
import type { ErrorCode } from "../core/codes";
import type { Locale } from "../core/i18n";
import { ConfigError } from "../core/vars";
import { DEFAULT_INCIDENTS, type IncidentOptions } from "./record/recorder";
import type { KnownOutageOptions } from "./outage";
import type { StaleOptions } from "./stale/policy";

/** {@link ErrorPagesOptions.probeTimeoutMs}'s default, and the connect check's (PROBE_TIMEOUT_MS). */
export const DEFAULT_PROBE_TIMEOUT_MS = 1500;

export interface ErrorPagesOptions {
  /** Language when Accept-Language names none we have. Default "en". */
  readonly defaultLocale?: Locale;
  /** Name shown as the page's logo text. Default: the request's host. */
  readonly brand?: string;
  /** HTML templates. Default: the bundled `templates/`. */
  readonly templates?: { readonly page: string; readonly overrides?: Partial<Record<ErrorCode, string>> };
  /** Probe the origin after a failed fetch to tell refused, timeouts, TLS and DNS apart. Default true. */
  readonly probe?: boolean;
  /** Budget for a probe and for reading a failing body's prefix, in ms. Default 1500. */
  readonly probeTimeoutMs?: number;
  /** Bytes of a failing body read for evidence. Default 8192. */
  readonly prefixBytes?: number;
  /**
   * Pass an origin's own JSON 5XX on to every client that did not ask for HTML first (API
   * clients, `fetch()`, curl), with `Vary: Accept` and `Cache-Control: no-store`. False: they get
   * this Worker's answer instead (JSON, Markdown or the page, by Accept). Default true.
   */
  readonly passThroughJson?: boolean;
  /**
   * Throw a fault of the app's own code on (after recording it) instead of answering it with a
   * 500 page, so a Worker that called `ctx.passThroughOnException()` hands the request to the
   * origin. Failures of the origin still get their pages. Default false.
   */
  readonly rethrowFaults?: boolean;
  /** Incident log settings; false turns recording off. Default: on, see {@link DEFAULT_INCIDENTS}. */
  readonly incidents?: Partial<Omit<IncidentOptions, "budget">> & { readonly budget?: Partial<IncidentOptions["budget"]> } | false;
  /**
   * Keep last good copies of shareable pages in the Cache API and serve one when the origin
   * fails (docs/resilience.md). Default: off; `paths` must name where.
   */
  readonly lastGoodCopy?: Partial<StaleOptions> & Pick<StaleOptions, "paths">;
  /** The owner's status page, linked from every error page and the banner. Default: none. */
  readonly statusPageUrl?: string;
  /**
   * The known-outage notice on error pages, read from what the incident ledger's alerts write to
   * KV; false turns it off. Default: on, see {@link DEFAULT_KNOWN_OUTAGE}.
   */
  readonly knownOutage?: Partial<KnownOutageOptions> | false;
}

export function check(ok: boolean, message: string): void {
  if (!ok) throw new ConfigError(message);
}

export function resolveIncidents(o: ErrorPagesOptions["incidents"]): IncidentOptions | false {
  if (o === false) return false;
  const merged = { ...DEFAULT_INCIDENTS, ...o, budget: { ...DEFAULT_INCIDENTS.budget, ...o?.budget } };
  const b = merged.budget;
  check(b.sampleRate >= 0 && b.sampleRate <= 1, `incidents.budget.sampleRate must be between 0 and 1, got ${b.sampleRate}`);
  check(Number.isInteger(b.perWindow) && b.perWindow >= 0, `incidents.budget.perWindow must be a whole number ≥ 0`);
  check(b.windowMs >= 1000 && b.windowMs <= 20_000, `incidents.budget.windowMs must be 1000–20000 (roll-ups must finish within waitUntil's 30 s)`);
  check(merged.writeTimeoutMs >= 100 && b.windowMs + merged.writeTimeoutMs <= 28_000, `incidents.writeTimeoutMs must be ≥ 100 and leave the roll-up within waitUntil's 30 s`);
  check(merged.ttlDays > 0, `incidents.ttlDays must be > 0`);
  return merged;
}
