/**
 * Sign-in attempts are counted by Cloudflare's Rate Limiting binding (wrangler.admin.toml,
 * `[[ratelimits]]`), per client address: guessing the token through the form costs a guesser
 * the binding's limit per period, whatever the number of isolates. Counts are per Cloudflare
 * location and eventually consistent, as the binding documents: a brake, not an exact quota.
 */
import type { Context } from "hono";

/** The binding's period, which is also what a refused client is told to wait. */
export const LOGIN_PERIOD_S = 60;

interface RateLimiter {
  limit(options: { key: string }): Promise<{ success: boolean }>;
}

let warned = false;

/** The limiter bound as `binding`, or undefined (with one log line per isolate) when it is not. */
function limiterOf(c: Context, binding: string): RateLimiter | undefined {
  const limiter = (c.env as Record<string, unknown> | undefined)?.[binding] as RateLimiter | undefined;
  if (limiter && typeof limiter.limit === "function") return limiter;
  if (!warned) {
    warned = true;
    console.warn(JSON.stringify({ msg: "edge-error-pages admin config warning", warning: `the Rate Limiting binding ${binding} is missing: sign-in attempts are not limited (see wrangler.admin.toml)` }));
  }
  return undefined;
}

/**
 * True when this sign-in attempt may go ahead. Keyed by `CF-Connecting-IP` (set by Cloudflare,
 * not by the client, on a zone). A limiter that throws lets the attempt through: the token check
 * still stands behind it, and the owner must not be locked out by a platform fault.
 */
export async function mayTrySignIn(c: Context, binding: string): Promise<boolean> {
  const limiter = limiterOf(c, binding);
  if (!limiter) return true;
  const key = `login:${c.req.header("cf-connecting-ip") ?? "unknown"}`;
  try {
    return (await limiter.limit({ key })).success;
  } catch (err) {
    console.error(JSON.stringify({ msg: "sign-in rate limiter failed", error: String(err) }));
    return true;
  }
}
