/**
 * `edge-error-pages/ledger`: the `IncidentLedger` Durable Object class. A Worker that records
 * incidents through the ledger exports it from its main module and binds it as
 * `INCIDENT_LEDGER` (`[[durable_objects]]` with a `new_sqlite_classes` migration, as in this
 * repository's `wrangler.toml`).
 */
export { IncidentLedger, type LedgerUsage } from "../ledger/ledger";
export type { CountedFailure, LedgerAck, LedgerApi, LedgerBatch } from "../core/aggregate";
