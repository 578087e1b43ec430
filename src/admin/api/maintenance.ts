/**
 * Maintenance mode on the owner's side: `GET`/`PUT`/`DELETE ADMIN_PATH/api/maintenance`, the
 * dashboard's form, and the owner check the site Worker asks for (through ADMIN) while
 * maintenance is on. This Worker alone holds the token, so it alone answers that question.
 */
import type { Context, Hono, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { getCookie } from "hono/cookie";
import { MaintenanceInputProblem, type MaintenanceRecord, OWNER_CHECK_PATH, OWNER_PASS_COOKIE } from "../../core/maintenance";
import { checkOwner, deniedJson, requireOwner, type Verdict } from "../auth/auth";
import type { AdminDeps, AdminEnv } from "./api";
import { endMaintenance, readMaintenance, startMaintenance, verifyPass } from "./maintenance-store";
import { mountMaintenancePage } from "../dashboard/maintenance";

type C = Context<AdminEnv>;

const stateOf = (record: MaintenanceRecord | null) => (record ? { active: true, ...record } : { active: false });

const small = bodyLimit({ maxSize: 8 * 1024, onError: (c) => c.json({ error: "too_large", detail: "the body is larger than 8 KiB" }, 413) });

function inputProblem(c: C, err: unknown): Response {
  if (err instanceof MaintenanceInputProblem) return c.json({ error: err.error, detail: err.detail }, 400);
  throw err;
}

/** The owner check: the usual credentials (token, session), or the pass the dashboard gave. */
async function ownerCheck(c: C, deps: AdminDeps): Promise<Response> {
  const now = Date.now();
  const pass = getCookie(c, OWNER_PASS_COOKIE);
  if (pass !== undefined && (await verifyPass(await deps.keys(), pass, now))) return c.json({ owner: true, by: "pass" });
  const verdict = await checkOwner(c, deps.check, now);
  if ("owner" in verdict) return c.json({ owner: true, by: verdict.owner.via });
  return deniedJson(c, verdict.denial, verdict.access);
}

/**
 * Registers the maintenance routes. Mount before the app-wide owner check: the owner check route
 * must answer 401 itself, and the others carry their own `requireOwner`.
 */
export function mountMaintenance(app: Hono<AdminEnv>, deps: AdminDeps, base: string, onDenied: (c: C, verdict: Exclude<Verdict, { owner: unknown }>) => Response | Promise<Response>): void {
  const owner: MiddlewareHandler<AdminEnv> = requireOwner<AdminEnv>(deps.check, (c, verdict) => deniedJson(c, verdict.denial, verdict.access));
  app.get(OWNER_CHECK_PATH, (c) => ownerCheck(c, deps));

  app.get("/api/maintenance", owner, async (c) => c.json(stateOf(await readMaintenance(c, deps, Date.now()))));

  app.put("/api/maintenance", owner, small, async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return inputProblem(c, new MaintenanceInputProblem("invalid_body", 'the body must be JSON: { "until": "2026-05-01T18:00:00Z", "message": { "en": "…", "ko": "…" } }'));
    }
    try {
      return c.json(stateOf(await startMaintenance(c, deps, body, Date.now())));
    } catch (err) {
      return inputProblem(c, err);
    }
  });

  app.delete("/api/maintenance", owner, async (c) => {
    await endMaintenance(c, deps);
    return c.json(stateOf(null));
  });

  mountMaintenancePage(app, deps, base, requireOwner<AdminEnv>(deps.check, onDenied));
}
