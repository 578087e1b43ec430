/**
 * The site Worker's bindings, as its code relies on them. The `Env` that `npm run types` generates
 * (src/site/env.d.ts) is a global of this repository's own build: it does not ship in the package,
 * so nothing a consumer's types can see names it.
 */
export interface SiteBindings {
  /** The incident log and the maintenance flag. Without it nothing is recorded and maintenance is never on. */
  readonly INCIDENTS?: KVNamespace;
  /** The admin Worker, for requests under `ADMIN_PATH` and the owner check during maintenance. */
  readonly ADMIN?: Fetcher;
  /** The zone's incident ledger (the `IncidentLedger` Durable Object). */
  readonly INCIDENT_LEDGER?: DurableObjectNamespace;
}
