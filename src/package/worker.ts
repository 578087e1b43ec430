/**
 * `edge-error-pages/worker`: the site Worker, ready to deploy as the `main` of a wrangler config
 * (re-export its default), configured by the vars in the README. `createApp` builds the same app
 * from a parsed config.
 */
export { default, createApp } from "../site/index";
export { loadConfig, type Config } from "../site/config";
