/**
 * The owner's alert routes: `GET /api/alerts` (open and recent incidents with their timelines,
 * channel health) and `POST /api/alerts/test` (a `test` message to every configured channel,
 * now, with the outcome per channel). Both ask the incident ledger, which holds the alert state.
 */
import type { Context, Hono, MiddlewareHandler } from "hono";
import { csrf } from "hono/csrf";
import { LEDGER_BINDING, LEDGER_NAME, type LedgerApi } from "../../core/aggregate";
import { StoreUnavailable } from "../errors";
import type { AdminEnv } from "./api";

export interface LedgerAlerts {
  idFromName(name: string): DurableObjectId;
  get(id: DurableObjectId): Pick<LedgerApi, "alerts" | "testAlert">;
}

/** The ledger's stub; 503 when the admin Worker is not bound to it. */
export function alertLedger(c: Context): Pick<LedgerApi, "alerts" | "testAlert"> {
  const ns = (c.env as Record<string, unknown> | undefined)?.[LEDGER_BINDING] as LedgerAlerts | undefined;
  if (!ns || typeof ns.idFromName !== "function") {
    throw new StoreUnavailable(`the ${LEDGER_BINDING} Durable Object binding is missing: alerts live in the incident ledger (wrangler.admin.toml)`);
  }
  return ns.get(ns.idFromName(LEDGER_NAME));
}

/** The host a test message names: `?host=`, or the host the dashboard is reached on. */
export function testHost(c: Context): string {
  const given = c.req.query("host")?.trim().toLowerCase();
  if (given && /^[a-z0-9.-]{1,100}$/.test(given)) return given;
  return new URL(c.req.url).hostname;
}

/** A ledger that cannot answer is a 503 with a reason, not a 500. */
export async function askLedger<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof StoreUnavailable) throw err;
    throw new StoreUnavailable(`the incident ledger did not answer: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

const sameOrigin = csrf();

/**
 * A browser's session cookie is sent with a cross-site form post, so those are refused; a bearer
 * token is not (no other site can make a browser send it), so scripts need no Origin header.
 */
export const formsSameOrigin: MiddlewareHandler = (c, next) => (c.req.header("authorization") !== undefined ? next() : sameOrigin(c, next));

export function mountAlertsApi(app: Hono<AdminEnv>): void {
  app.get("/api/alerts", async (c) => c.json(await askLedger(() => alertLedger(c).alerts())));

  app.post("/api/alerts/test", formsSameOrigin, async (c) => {
    const results = await askLedger(() => alertLedger(c).testAlert(testHost(c)));
    const status = results.length === 0 ? 409 : 200;
    if (results.length === 0) return c.json({ error: "no_channel", detail: "no alert channel is configured: set ALERT_WEBHOOK_URL, ALERT_SLACK_URL or ALERT_DISCORD_URL on the site Worker", results }, status);
    return c.json({ results }, status);
  });
}
