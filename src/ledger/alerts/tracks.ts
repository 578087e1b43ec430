/**
 * The alert state as SQLite holds it: tracks per (host, subject), and the transitions they made,
 * each with one delivery row per configured channel. Everything here runs inside the caller's
 * `transactionSync`, so a transition, its event and its deliveries commit together or not at all.
 */
import type { AlertConfig } from "./config";
import { dashboardFor } from "./config";
import { newPlan } from "./delivery";
import type { AlertTrack, Step, Transition } from "./machine";
import { composeMessage, type AlertMessage } from "./payload";

export function readTrack(sql: SqlStorage, host: string, subject: string): AlertTrack | undefined {
  const [row] = sql.exec<{ track: string }>("SELECT track FROM alert_tracks WHERE host = ? AND subject = ?", host, subject).toArray();
  return row ? (JSON.parse(row.track) as AlertTrack) : undefined;
}

export function allTracks(sql: SqlStorage): AlertTrack[] {
  return sql.exec<{ track: string }>("SELECT track FROM alert_tracks").toArray().map((r) => JSON.parse(r.track) as AlertTrack);
}

/** Stores the step's track (or forgets it) and, for a transition, its event and deliveries. True on a transition. */
export function keep(sql: SqlStorage, host: string, subject: string, s: Step, config: AlertConfig): boolean {
  if (s.track) sql.exec("INSERT INTO alert_tracks (host, subject, track) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET track = excluded.track", host, subject, JSON.stringify(s.track));
  else sql.exec("DELETE FROM alert_tracks WHERE host = ? AND subject = ?", host, subject);
  if (!s.transition) return false;
  addEvent(sql, s.transition, config);
  return true;
}

function addEvent(sql: SqlStorage, t: Transition, config: AlertConfig): void {
  const message = composeMessage(t.event, t.incident, t.at, config.policy, dashboardFor(config, t.incident.host));
  const id = insertEvent(sql, message);
  for (const target of config.targets) {
    const plan = newPlan(t.at);
    sql.exec("INSERT INTO alert_deliveries (event_id, channel, attempts, state, next_at) VALUES (?, ?, ?, ?, ?)", id, target.channel, plan.attempts, plan.state, plan.nextAt);
  }
  console.log(JSON.stringify({ msg: `alert: incident ${t.event}`, incident_id: message.incidentId, host: message.host, error_code: message.code, count: message.count, channels: config.targets.map((x) => x.channel) }));
}

/** Stores a composed message as an event; its id. */
export function insertEvent(sql: SqlStorage, m: AlertMessage): number {
  const [row] = sql.exec<{ id: number }>(
    "INSERT INTO alert_events (incident, event, at, message) VALUES (?, ?, ?, ?) RETURNING id",
    m.incidentId, m.event, m.at, JSON.stringify(m),
  ).toArray();
  return row!.id;
}

/** True when a message about this incident reached at least one channel. */
export function notified(sql: SqlStorage, incidentId: string): boolean {
  return sql.exec(
    "SELECT 1 FROM alert_events e JOIN alert_deliveries d ON d.event_id = e.id WHERE e.incident = ? AND d.state = 'delivered' LIMIT 1",
    incidentId,
  ).toArray().length > 0;
}
