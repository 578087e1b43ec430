/**
 * `edge-error-pages/worker`: the site Worker, ready to deploy as the `main` of a wrangler config
 * (re-export its default and `IncidentLedger`, the Durable Object class its `INCIDENT_LEDGER` binding names), configured by the vars in the README. `createApp` builds the same app
 * from a parsed config.
 */
export { default, createApp, IncidentLedger } from "../site/index";
export { loadConfig, type Config } from "../site/config";
export type { SiteBindings } from "../site/bindings";
