/** The owner's view of alerts, read from the ledger's tables: incidents with their timelines, and channel health. */
import type { AlertChannel, AlertIncidentView, AlertsReport, ChannelHealth, DeliveryView, TimelineEntry } from "../../core/alert-report";
import type { AlertConfig } from "./config";
import type { AlertTrack } from "./machine";
import { type AlertMessage, CHANNELS } from "./payload";
import { allTracks, notified } from "./tracks";

const WEEK_MS = 7 * 86_400_000;
const MAX_RECENT = 50;
const MAX_TESTS = 10;

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

type EventRow = {
  readonly id: number;
  readonly incident: string;
  readonly event: TimelineEntry["event"];
  readonly at: number;
  readonly message: string;
};

function deliveries(sql: SqlStorage, eventId: number): DeliveryView[] {
  const rows = sql.exec<{ channel: AlertChannel; state: DeliveryView["state"]; attempts: number; next_at: number; last_error: string | null }>(
    "SELECT channel, state, attempts, next_at, last_error FROM alert_deliveries WHERE event_id = ? ORDER BY channel", eventId,
  ).toArray();
  const tries = sql.exec<{ channel: string; at: number; ok: number; error: string | null }>("SELECT channel, at, ok, error FROM alert_attempts WHERE event_id = ? ORDER BY id", eventId).toArray();
  return rows.map((d) => ({
    channel: d.channel,
    state: d.state,
    attempts: d.attempts,
    next_at: d.state === "pending" ? iso(d.next_at) : null,
    last_error: d.last_error,
    tries: tries.filter((t) => t.channel === d.channel).map((t) => ({ at: iso(t.at)!, ok: t.ok === 1, error: t.error })),
  }));
}

const entry = (sql: SqlStorage, e: EventRow, m: AlertMessage): TimelineEntry => ({ event: e.event, at: iso(e.at)!, count: m.count, deliveries: deliveries(sql, e.id) });

function incidentView(sql: SqlStorage, id: string, open: AlertTrack | undefined): AlertIncidentView | undefined {
  const events = sql.exec<EventRow>("SELECT id, incident, event, at, message FROM alert_events WHERE incident = ? ORDER BY id", id).toArray();
  const first = events[0];
  if (!first) return undefined;
  const messages = events.map((e) => JSON.parse(e.message) as AlertMessage);
  const last = messages.at(-1)!;
  const resolved = events.find((e) => e.event === "resolved");
  const live = open?.phase === "open" ? open : undefined;
  return {
    incident_id: id,
    state: resolved ? "resolved" : "open",
    host: last.host,
    error_code: live?.code ?? last.code,
    title: last.headline,
    since: iso(last.since)!,
    resolved_at: resolved ? iso(resolved.at) : null,
    count: live?.count ?? last.count,
    ray_id: live?.rayId ?? last.rayId,
    colos: live?.colos ?? last.colos,
    notified: notified(sql, id),
    dashboard_url: last.dashboardUrl,
    timeline: events.map((e, i) => entry(sql, e, messages[i]!)),
  };
}

function channelHealth(sql: SqlStorage, channel: AlertChannel, configured: boolean): ChannelHealth {
  const [last] = sql.exec<{ at: number; ok: number; error: string | null }>("SELECT at, ok, error FROM alert_attempts WHERE channel = ? ORDER BY id DESC LIMIT 1", channel).toArray();
  const [ok] = sql.exec<{ at: number; id: number }>("SELECT at, id FROM alert_attempts WHERE channel = ? AND ok = 1 ORDER BY id DESC LIMIT 1", channel).toArray();
  const [streak] = sql.exec<{ n: number }>("SELECT count(*) AS n FROM alert_attempts WHERE channel = ? AND ok = 0 AND id > ?", channel, ok?.id ?? 0).toArray();
  const [states] = sql.exec<{ pending: number | null; failed: number | null }>(
    "SELECT SUM(state = 'pending') AS pending, SUM(state = 'failed') AS failed FROM alert_deliveries WHERE channel = ?", channel,
  ).toArray();
  return {
    channel,
    configured,
    last_attempt_at: iso(last?.at ?? null),
    last_ok_at: iso(ok?.at ?? null),
    last_error: last && last.ok === 0 ? last.error : null,
    failing_streak: streak?.n ?? 0,
    pending: states?.pending ?? 0,
    given_up: states?.failed ?? 0,
  };
}

export function alertsReport(sql: SqlStorage, config: AlertConfig, now: number): AlertsReport {
  const tracks = new Map(allTracks(sql).flatMap((t) => (t.phase === "open" ? [[t.id, t] as const] : [])));
  const open = [...tracks.keys()].flatMap((id) => incidentView(sql, id, tracks.get(id)) ?? []);
  const ids = sql.exec<{ incident: string }>(
    "SELECT incident, MAX(at) AS at FROM alert_events WHERE event = 'resolved' AND at >= ? GROUP BY incident ORDER BY at DESC LIMIT ?", now - WEEK_MS, MAX_RECENT,
  ).toArray();
  const recent = ids.flatMap((r) => incidentView(sql, r.incident, undefined) ?? []);
  const tests = sql.exec<EventRow>("SELECT id, incident, event, at, message FROM alert_events WHERE event = 'test' AND at >= ? ORDER BY id DESC LIMIT ?", now - WEEK_MS, MAX_TESTS)
    .toArray()
    .map((e) => entry(sql, e, JSON.parse(e.message) as AlertMessage));
  const configured = new Set(config.targets.map((t) => t.channel));
  const p = config.policy;
  return {
    open,
    recent,
    tests,
    channels: CHANNELS.map((c) => channelHealth(sql, c, configured.has(c))),
    policy: {
      threshold: p.threshold,
      down_threshold: p.downThreshold,
      window_s: p.windowMs / 1000,
      quiet_s: p.quietMs / 1000,
      escalate_factor: p.escalateFactor,
      min_interval_s: p.minIntervalMs / 1000,
      locale: p.locale,
    },
  };
}
