/**
 * What the ledger answers about alerts (`IncidentLedger.alerts()` / `testAlert()`), and what the
 * owner API (`ADMIN_PATH/api/alerts`), the dashboard and the CLI show. Times are ISO 8601 UTC.
 */

export type AlertChannel = "webhook" | "slack" | "discord";

export interface AttemptView {
  readonly at: string;
  readonly ok: boolean;
  /** An HTTP status (`HTTP 500`) or the error, for a failed attempt. */
  readonly error: string | null;
}

export interface DeliveryView {
  readonly channel: AlertChannel;
  /** `pending` (will be tried again at `next_at`), `delivered`, or `failed` (given up). */
  readonly state: "pending" | "delivered" | "failed";
  readonly attempts: number;
  readonly next_at: string | null;
  readonly last_error: string | null;
  readonly tries: readonly AttemptView[];
}

export interface TimelineEntry {
  readonly event: "opened" | "escalated" | "resolved" | "test";
  readonly at: string;
  /** Failures counted by then. */
  readonly count: number;
  readonly deliveries: readonly DeliveryView[];
}

export interface AlertIncidentView {
  readonly incident_id: string;
  readonly state: "open" | "resolved";
  readonly host: string;
  readonly error_code: number | null;
  readonly title: string;
  readonly since: string;
  readonly resolved_at: string | null;
  readonly count: number;
  readonly ray_id: string | null;
  readonly colos: Readonly<Record<string, number>>;
  readonly notified: boolean;
  readonly dashboard_url: string;
  readonly timeline: readonly TimelineEntry[];
}

export interface ChannelHealth {
  readonly channel: AlertChannel;
  readonly configured: boolean;
  readonly last_attempt_at: string | null;
  readonly last_ok_at: string | null;
  readonly last_error: string | null;
  /** Failed attempts since the last success: a channel that keeps failing shows here. */
  readonly failing_streak: number;
  /** Deliveries waiting for a retry, and deliveries given up. */
  readonly pending: number;
  readonly given_up: number;
}

export interface AlertsReport {
  readonly open: readonly AlertIncidentView[];
  /** Resolved incidents of the last week, newest first (at most 50). */
  readonly recent: readonly AlertIncidentView[];
  /** Test messages of the last week, newest first (at most 10). */
  readonly tests: readonly TimelineEntry[];
  readonly channels: readonly ChannelHealth[];
  readonly policy: {
    readonly threshold: number;
    readonly down_threshold: number;
    readonly window_s: number;
    readonly quiet_s: number;
    readonly escalate_factor: number;
    readonly min_interval_s: number;
    readonly locale: string;
  };
}

export interface TestResult {
  readonly channel: AlertChannel;
  readonly ok: boolean;
  readonly error: string | null;
}
