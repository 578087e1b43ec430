/**
 * The owner API's JSON routes: the incident listing, one incident by Ray ID, and the stats.
 * Every parameter is checked before KV is touched.
 */
import type { Context, Hono } from "hono";
import type { SecureHeadersVariables } from "hono/secure-headers";
import type { Locale } from "../../core/i18n";
import { pickBucket } from "./buckets";
import { checkCursorFilters, decodeCursor, encodeCursor } from "./cursor";
import { BadRequest, StoreUnavailable } from "../errors";
import type { OwnerCheck, OwnerVariables } from "../auth/auth";
import type { AdminKeys } from "../auth/keys";
import { DEFAULT_STATS_RANGE_MS, type Filters, OLDEST_MS, parseFilters, parseLimit, type Query } from "./params";
import { listIncidents, lookupRay, START } from "./query";
import { computeStats } from "./stats";

/**
 * The admin Worker's bindings, written out rather than taken from the generated `AdminWorkerEnv`
 * (src/admin/env.d.ts), a global of this repository's build that does not ship in the package.
 * ADMIN_TOKEN is a secret and may be missing; the vars are optional text.
 */
export type AdminBindings = {
  /** The site Worker's namespace: incidents, aggregates, maintenance, revoked sessions. */
  readonly INCIDENTS: KVNamespace;
  readonly DEFAULT_LOCALE?: string;
  readonly ADMIN_TOKEN?: string;
  readonly ADMIN_PATH?: string;
  readonly ADMIN_HOST?: string;
  readonly ADMIN_LOCAL_ONLY?: string;
  readonly ACCESS_TEAM_DOMAIN?: string;
  readonly ACCESS_AUD?: string;
  /** Optional: without it sign-in attempts are not limited (and a warning is logged). */
  readonly LOGIN_RATE_LIMIT?: RateLimit;
};

/** The admin app's Hono environment. */
export type AdminEnv = { Bindings: AdminBindings; Variables: SecureHeadersVariables & Partial<OwnerVariables> };

export interface AdminDeps {
  /** KV binding that holds the incidents. */
  readonly binding: string;
  /** The dashboard's language when the request names none we have. */
  readonly defaultLocale: Locale;
  /** The keys derived from ADMIN_TOKEN (computed once, then cached). */
  readonly keys: () => Promise<AdminKeys>;
  /** Who is the owner, and how (see auth/auth.ts). */
  readonly check: OwnerCheck;
  /** Rate Limiting binding for sign-in attempts. */
  readonly loginLimit: string;
}

/** The incident namespace of this request's env; 503 when the binding is missing. */
export function storeOf(c: Context, binding: string): KVNamespace {
  const kv = (c.env as Record<string, unknown> | undefined)?.[binding] as KVNamespace | undefined;
  if (!kv || typeof kv.list !== "function") throw new StoreUnavailable(`the KV binding ${binding} is missing: add it to wrangler.toml`);
  return kv;
}

/**
 * Query reader where `?code=` (empty) counts as absent, as forms send it. A parameter given twice
 * with different values is a {@link BadRequest}: picking one would answer a question nobody asked.
 */
export const queryOf =
  (c: Context): Query =>
  (name) => {
    const values = new Set(c.req.queries(name)?.filter((v) => v !== ""));
    if (values.size > 1) throw new BadRequest("repeated_parameter", `${name} was given more than once with different values; give it once`);
    return values.values().next().value;
  };

/** Registers the JSON routes on the admin app. */
export function mountApi(app: Hono<AdminEnv>, deps: AdminDeps): void {
  app.get("/api/incidents", async (c) => {
    const q = queryOf(c);
    const keys = await deps.keys();
    const given = parseFilters(q, Date.now(), OLDEST_MS);
    const limit = parseLimit(q("limit"));
    let filters: Filters = given;
    let from = START;
    const raw = q("cursor");
    if (raw !== undefined) {
      const state = await decodeCursor(keys.cursor, raw);
      checkCursorFilters(state.filters, given);
      ({ filters, position: from } = state);
    }
    const page = await listIncidents(storeOf(c, deps.binding), filters, limit, from);
    const cursor = page.next ? await encodeCursor(keys.cursor, { filters, position: page.next }) : null;
    return c.json({ incidents: page.incidents, cursor });
  });

  app.get("/api/incidents/:ray", async (c) => {
    const [body, status] = await lookupRay(c, deps.binding, c.req.param("ray"));
    return c.json(body, status);
  });

  app.get("/api/stats", async (c) => {
    const q = queryOf(c);
    const filters = parseFilters(q, Date.now(), DEFAULT_STATS_RANGE_MS);
    const bucket = pickBucket(q("bucket"), filters.sinceMs, filters.untilMs);
    const { stats } = await computeStats(storeOf(c, deps.binding), filters, bucket);
    return c.json(stats);
  });
}
