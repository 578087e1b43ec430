// @ts-check
/**
 * For `npm start`: once the Worker answers, sends it one failing request with a Ray ID of our own
 * (as Cloudflare's edge would in `cf-ray`), so a fresh demo has an incident to look up and the
 * banner can print a lookup that finds it.
 */
import { randomBytes } from "node:crypto";

/**
 * @param {string} workerUrl e.g. http://127.0.0.1:8787
 * @param {string} path a path that fails in the current mode
 * @param {{ limitMs?: number, intervalMs?: number }} [options]
 * @returns {Promise<{ rayId: string, status: number } | undefined>} undefined when the Worker never answered
 */
export async function seedIncident(workerUrl, path, { limitMs = 180_000, intervalMs = 500 } = {}) {
  const rayId = randomBytes(8).toString("hex");
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(workerUrl + path, { headers: { "cf-ray": rayId, accept: "text/html" }, signal: AbortSignal.timeout(30_000) });
      await res.arrayBuffer();
      return { rayId, status: res.status };
    } catch {
      // wrangler is still starting (connection refused): try again shortly.
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
  return undefined;
}

/**
 * Seeds the incident, then prints its Ray ID with the CLI and dashboard lookups (the token is read
 * from .dev.vars by the shell, never printed).
 * @param {{ workerUrl: string, path: string, adminBase: string, dashboard: string, stopped: () => boolean }} where
 */
export function announceFirstIncident({ workerUrl, path, adminBase, dashboard, stopped }) {
  void seedIncident(workerUrl, path).then((seeded) => {
    if (!seeded || stopped()) return;
    console.log(`
edge-error-pages: the demo recorded a first incident (GET ${path} → ${seeded.status}), Ray ID ${seeded.rayId}. Look it up:
    EDGE_ERRORS_TOKEN="$(sed -n 's/^ADMIN_TOKEN=//p' .dev.vars)" npm run incidents -- --url ${adminBase} --ray ${seeded.rayId}
    ${dashboard}/incidents/${seeded.rayId}
`);
  });
}
