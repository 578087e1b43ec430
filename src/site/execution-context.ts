import type { Context } from "hono";

/**
 * The request's ExecutionContext, or undefined where there is none (`app.request()` in unit
 * tests): Hono's getter throws then. Hono's own type, since the one workers-types declares has
 * members Hono does not pass on.
 */
export function executionContext(c: Context): Context["executionCtx"] | undefined {
  try {
    return c.executionCtx;
  } catch {
    return undefined;
  }
}
