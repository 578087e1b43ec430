/**
 * When an outage is worth telling the owner about. Read once from the site Worker's vars (the
 * ledger runs in that Worker's script), validated like every other option.
 */
import type { ErrorCode } from "../../core/codes";
import type { Locale } from "../../core/i18n";

/**
 * What an alert is about. The codes that mean "the origin cannot be reached at all" share one
 * subject, so an outage that flips between 521 and 522 is one incident, not two.
 */
export type AlertSubject = "origin_down" | `code_${ErrorCode}`;

/** 521 refused, 522 connect timeout, 523 unreachable, 525/526 TLS: any sustained run means the site is down. */
const ORIGIN_DOWN: ReadonlySet<number> = new Set([521, 522, 523, 525, 526]);

export function subjectOf(code: ErrorCode): AlertSubject {
  return ORIGIN_DOWN.has(code) ? "origin_down" : `code_${code}`;
}

export interface AlertPolicy {
  /** Failures within `windowMs` that open an incident. Default 20 (`ALERT_THRESHOLD`). */
  readonly threshold: number;
  /** The same for `origin_down`, where any sustained failure is an outage. Default 5 (`ALERT_DOWN_THRESHOLD`). */
  readonly downThreshold: number;
  /** The sliding window the thresholds count over. Default 120 s (`ALERT_WINDOW_S`). */
  readonly windowMs: number;
  /** Silence that resolves an open incident. Default 300 s (`ALERT_QUIET_S`). */
  readonly quietMs: number;
  /** The window rate, as a multiple of the rate that opened it, that escalates (once). Default 5. */
  readonly escalateFactor: number;
  /**
   * Least time between two messages about the same host and subject, and between a resolve and
   * the next open: flapping cannot turn into a stream of messages. Default 60 s.
   */
  readonly minIntervalMs: number;
  /** Language of the messages. Default: `DEFAULT_LOCALE` (`ALERT_LOCALE`). */
  readonly locale: Locale;
}

export const DEFAULT_ALERT_POLICY: AlertPolicy = {
  threshold: 20,
  downThreshold: 5,
  windowMs: 120_000,
  quietMs: 300_000,
  escalateFactor: 5,
  minIntervalMs: 60_000,
  locale: "en",
};

export function thresholdFor(subject: AlertSubject, policy: AlertPolicy): number {
  return subject === "origin_down" ? policy.downThreshold : policy.threshold;
}
