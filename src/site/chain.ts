/**
 * Middleware and a final handler composed once, at creation, into one Hono handler.
 *
 * Registered one by one, Hono composes its middleware anew for every request: an async
 * dispatch per layer, each with its own promises. Every visitor's request passes through the
 * site Worker's layers, and in workerd each of those layers costs about as many instructions as
 * the header timeout (BENCHMARKS.md), so the site app registers this one handler instead. The
 * layers keep Hono's contract: each gets `(c, next)`, may answer by returning a Response or by
 * setting `c.res`, and an error thrown below it reaches it through `await next()`.
 */
import { Context, type Env, type MiddlewareHandler } from "hono";

/** A handler that always answers with a promise, as the proxy does. */
export type AsyncHandler<E extends Env> = (c: Context<E>) => Promise<Response>;

type Run<E extends Env> = (c: Context<E>) => Promise<void>;

/** `handler` behind `layers`, outermost first, as one handler for `app.all("*", …)`. */
export function chain<E extends Env>(layers: readonly MiddlewareHandler<E>[], handler: AsyncHandler<E>): AsyncHandler<E> {
  let run: Run<E> = (c) =>
    handler(c).then((res) => {
      c.res = res;
    });
  for (let i = layers.length - 1; i >= 0; i--) run = layered(layers[i] as MiddlewareHandler<E>, run);
  const outer = run;
  return (c) => outer(c).then(() => c.res);
}

function layered<E extends Env>(layer: MiddlewareHandler<E>, inner: Run<E>): Run<E> {
  return (c) =>
    layer(c, () => inner(c)).then((res) => {
      // As Hono's own compose: a returned Response counts only if nothing answered yet.
      if (res && !c.finalized) c.res = res;
    });
}

/** What a Worker's `fetch` is handed besides the request. */
export type Fetch<E extends Env> = (request: Request, env: E["Bindings"], ctx: ExecutionContext) => Promise<Response>;

/**
 * `handler` as a Worker's `fetch`, for an app whose only route is `app.all("*", handler)`: the
 * same Hono `Context` that app would build (with the path as its `getPath` reads it), without
 * the router's match and the dispatch promises around the one handler. `onError` is the app's
 * `onError`, for an error that escapes the handler.
 */
export function serve<E extends Env>(handler: AsyncHandler<E>, getPath: (request: Request) => string, onError: (err: unknown, c: Context<E>) => Response): Fetch<E> {
  return (request, env, ctx) => {
    const c = new Context<E>(request, { path: getPath(request), env, executionCtx: ctx });
    try {
      return handler(c).catch((err: unknown) => onError(err, c));
    } catch (err) {
      return Promise.resolve(onError(err, c));
    }
  };
}
