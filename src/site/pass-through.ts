/**
 * The site Worker's `fetch` with a fast lane for the request nothing needs to answer: not the
 * owner's path, no maintenance in force, an origin answer errorPages leaves as it is. Such a
 * request goes to the origin as it came and its answer back as it was sent (with a last good copy
 * taken alongside when one may be kept), and no Hono Context is built for it: a Context costs
 * about as many instructions in workerd as the rest of this Worker's pass-through work
 * (BENCHMARKS.md), and every visitor's request passes here.
 *
 * Anything else takes the full way, through the same layers with a Context: the owner's path and
 * a maintenance flag that is on (or not read yet) from the start, and a failed or 5XX answer from
 * the point errorPages takes over, with the time the origin was asked.
 */
import { Context } from "hono";
import type { SiteBindings } from "./bindings";
import { isAdminPath } from "./admin-forward";
import type { Fetch } from "./chain";
import { type ErrorPagesParts, passes } from "./error-pages";
import type { MaintenanceCheck } from "./maintenance";

type E = { Bindings: SiteBindings };

export interface PassThroughParts {
  /** The site's whole handler as a Worker's `fetch`: gates, errorPages and the origin. */
  readonly full: Fetch<E>;
  /** Sends the request to the origin (with the retry and backup origin, where configured). */
  readonly origin: (request: Request) => Promise<Response>;
  readonly pages: ErrorPagesParts;
  /** ADMIN_PATH, or null when the owner's path is not routed through this Worker. */
  readonly adminPath: string | null;
  readonly maintenance: MaintenanceCheck | undefined;
  /** The path as the app reads it (Hono's getPath), for the admin path and the Context. */
  readonly getPath: (request: Request) => string;
  /** The app's onError, for an error that escapes errorPages (a fault rethrown on a zone route). */
  readonly onError: (err: unknown, c: Context<E>) => Response;
}

/** The Worker's `fetch`: the fast lane where it may be taken, `full` otherwise. */
export function passThrough(parts: PassThroughParts): Fetch<E> {
  const { full, origin, pages, adminPath, maintenance, getPath, onError } = parts;
  const contextOf = (request: Request, env: SiteBindings, ctx: ExecutionContext) => new Context<E>(request, { path: getPath(request), env, executionCtx: ctx });
  const healthy = (request: Request, env: SiteBindings, ctx: ExecutionContext, res: Response): Response => {
    try {
      return pages.healthy(request, res, ctx);
    } catch (err) {
      // As the full way would: a fault of taking the copy reaches the app's onError.
      return onError(err, contextOf(request, env, ctx));
    }
  };
  const settle = (request: Request, env: SiteBindings, ctx: ExecutionContext, started: number, res: Response | undefined, error?: unknown): Promise<Response> => {
    const c = contextOf(request, env, ctx);
    if (res) c.res = res;
    return pages.settle(c, res === undefined, error, started).then(
      () => c.res,
      (err: unknown) => onError(err, c),
    );
  };
  return (request, env, ctx) => {
    if (adminPath !== null && isAdminPath(getPath(request), adminPath)) return full(request, env, ctx);
    if (maintenance && !maintenance.open(env, ctx)) return full(request, env, ctx);
    const started = Date.now();
    let sent: Promise<Response>;
    try {
      sent = origin(request);
    } catch (err) {
      sent = Promise.reject(err);
    }
    return sent.then(
      (res) => (passes(res) ? healthy(request, env, ctx, res) : settle(request, env, ctx, started, res)),
      (err: unknown) => settle(request, env, ctx, started, undefined, err),
    );
  };
}
