/**
 * The ledger's SQLite tables. Counts are summed exactly per minute; hours and days are folded
 * from minutes by the alarm, so one batch writes one row per (minute, code, host, colo, category).
 *
 * - `batches`: (isolate, seq) already applied, so a resent batch is counted once.
 * - `counts_m` / `counts_h` / `counts_d`: counts per bucket; `counts_m.folded` is how much of `n`
 *   is already in the hour and day tables.
 * - `dirty`: buckets whose KV aggregate must be (re)written; `gen` changes when a bucket changes
 *   again while its write is under way, so that write does not clear it.
 * - `candidates`: samples sent by isolates, waiting for the alarm to choose (state 0) or chosen
 *   and not yet written (state 1).
 * - `samples`: samples written to KV, for "the nearest stored sample" of a lookup.
 * - `rays`: Ray IDs of counted failures per (minute, code, colo), one row per batch and cell.
 */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS batches (isolate TEXT NOT NULL, seq INTEGER NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (isolate, seq)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS batches_by_time ON batches (at);
CREATE TABLE IF NOT EXISTS counts_m (b INTEGER NOT NULL, code INTEGER NOT NULL, host TEXT NOT NULL, colo TEXT NOT NULL, category TEXT NOT NULL, n INTEGER NOT NULL, folded INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (b, code, host, colo, category)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS counts_m_unfolded ON counts_m (b) WHERE n > folded;
CREATE TABLE IF NOT EXISTS counts_h (b INTEGER NOT NULL, code INTEGER NOT NULL, host TEXT NOT NULL, colo TEXT NOT NULL, category TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (b, code, host, colo, category)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS counts_d (b INTEGER NOT NULL, code INTEGER NOT NULL, host TEXT NOT NULL, colo TEXT NOT NULL, category TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (b, code, host, colo, category)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS dirty (unit TEXT NOT NULL, b INTEGER NOT NULL, gen INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (unit, b)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS candidates (id INTEGER PRIMARY KEY, minute INTEGER NOT NULL, code INTEGER NOT NULL, colo TEXT NOT NULL, state INTEGER NOT NULL DEFAULT 0, record TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS candidates_by_cell ON candidates (minute, code, colo);
CREATE TABLE IF NOT EXISTS samples (code INTEGER NOT NULL, colo TEXT NOT NULL, minute INTEGER NOT NULL, uid TEXT NOT NULL, ray TEXT NOT NULL, ms INTEGER NOT NULL, PRIMARY KEY (code, colo, minute, uid)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rays (id INTEGER PRIMARY KEY, minute INTEGER NOT NULL, code INTEGER NOT NULL, colo TEXT NOT NULL, list TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS rays_by_minute ON rays (minute);
CREATE TABLE IF NOT EXISTS kv_writes (day INTEGER PRIMARY KEY, puts INTEGER NOT NULL);
`;

/** Bucket tables by unit: minutes are where batches land, hours and days are folded into. */
export const TABLE = { m: "counts_m", h: "counts_h", d: "counts_d" } as const;

/**
 * The alert tables (docs/alerts.md):
 *
 * - `alert_counts`: failures per (host, subject, 10-second slot of arrival, code), for the sliding
 *   window the thresholds count over; pruned once older than the window.
 * - `alert_tracks`: the state machine's track per (host, subject), JSON.
 * - `alert_events`: every transition (and test message) with the message composed once, so every
 *   channel and every retry sends the same facts.
 * - `alert_deliveries`: one row per (event, channel): its plan, so a delivered pair is never sent
 *   again, whatever restarts or retried alarms happen.
 * - `alert_attempts`: each attempt and its outcome, for the timeline and channel health.
 * - `alert_meta`: the notice last written to KV, so it is rewritten only when it changes.
 */
export const ALERT_SCHEMA = `
CREATE TABLE IF NOT EXISTS alert_counts (host TEXT NOT NULL, subject TEXT NOT NULL, slot INTEGER NOT NULL, code INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (host, subject, slot, code)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS alert_counts_by_slot ON alert_counts (slot);
CREATE TABLE IF NOT EXISTS alert_tracks (host TEXT NOT NULL, subject TEXT NOT NULL, track TEXT NOT NULL, PRIMARY KEY (host, subject)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS alert_events (id INTEGER PRIMARY KEY, incident TEXT NOT NULL, event TEXT NOT NULL, at INTEGER NOT NULL, message TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS alert_events_by_incident ON alert_events (incident);
CREATE INDEX IF NOT EXISTS alert_events_by_time ON alert_events (at);
CREATE TABLE IF NOT EXISTS alert_deliveries (event_id INTEGER NOT NULL, channel TEXT NOT NULL, attempts INTEGER NOT NULL, state TEXT NOT NULL, next_at INTEGER NOT NULL, last_error TEXT, PRIMARY KEY (event_id, channel)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS alert_deliveries_due ON alert_deliveries (next_at) WHERE state = 'pending';
CREATE TABLE IF NOT EXISTS alert_attempts (id INTEGER PRIMARY KEY, event_id INTEGER NOT NULL, channel TEXT NOT NULL, at INTEGER NOT NULL, ok INTEGER NOT NULL, error TEXT);
CREATE INDEX IF NOT EXISTS alert_attempts_by_event ON alert_attempts (event_id);
CREATE TABLE IF NOT EXISTS alert_meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
`;
