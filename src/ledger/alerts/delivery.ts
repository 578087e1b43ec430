/**
 * Delivering a message to one channel: a plan of attempts with backoff, and the one fetch that
 * makes an attempt. Each (message, channel) pair is delivered on its own, so a channel that keeps
 * failing never holds back the others; a pair that succeeded is never sent again.
 */
import { importSigningKey, signBody } from "./sign";
import { type AlertMessage, bodyFor, type Channel } from "./payload";

/** Waits before attempt 2, 3, …: about 2½ hours of trying in all, then the pair is given up. */
export const BACKOFF_MS: readonly number[] = [30_000, 120_000, 300_000, 900_000, 1_800_000, 3_600_000];
export const MAX_ATTEMPTS = BACKOFF_MS.length + 1;
/** A receiver that has not answered by then is counted as failed (and retried). */
export const SEND_TIMEOUT_MS = 10_000;

export type DeliveryState = "pending" | "delivered" | "failed";

export interface DeliveryPlan {
  readonly attempts: number;
  readonly state: DeliveryState;
  /** When to try next (ms), for a pending pair. */
  readonly nextAt: number;
  /** The last failure, for the dashboard: an HTTP status or the error's message. */
  readonly lastError: string | null;
}

export const newPlan = (now: number): DeliveryPlan => ({ attempts: 0, state: "pending", nextAt: now, lastError: null });

export type AttemptOutcome = { readonly ok: true } | { readonly ok: false; readonly error: string };

/**
 * The plan after one attempt. `jitter` in [0, 1) spreads retries of many pairs apart; `scale`
 * multiplies every wait (`ALERT_RETRY_S` / 30: 1 by default).
 */
export function afterAttempt(plan: DeliveryPlan, outcome: AttemptOutcome, now: number, jitter: number, scale = 1): DeliveryPlan {
  const attempts = plan.attempts + 1;
  if (outcome.ok) return { attempts, state: "delivered", nextAt: now, lastError: null };
  const wait = BACKOFF_MS[attempts - 1];
  if (wait === undefined) return { attempts, state: "failed", nextAt: now, lastError: outcome.error };
  return { attempts, state: "pending", nextAt: now + Math.round(wait * scale * (1 + 0.2 * jitter)), lastError: outcome.error };
}

export interface ChannelTarget {
  readonly channel: Channel;
  readonly url: string;
  /** Only for the generic webhook: ALERT_WEBHOOK_SECRET. */
  readonly secret?: string;
}

const keys = new Map<string, Promise<CryptoKey>>();

function keyFor(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) keys.set(secret, (key = importSigningKey(secret)));
  return key;
}

/** The request for one attempt; the generic webhook is signed over the exact bytes sent. */
export async function buildRequest(target: ChannelTarget, m: AlertMessage, nowMs: number): Promise<Request> {
  const body = bodyFor(target.channel, m);
  const headers = new Headers({ "content-type": "application/json", "user-agent": "edge-error-pages-alerts" });
  if (target.channel === "webhook") {
    const ts = Math.floor(nowMs / 1000);
    headers.set("x-timestamp", String(ts));
    // Lets a receiver drop a repeat if an attempt's answer was lost after it was processed.
    headers.set("x-alert-id", `${m.incidentId}:${m.event}`);
    if (target.secret) headers.set("x-signature", await signBody(await keyFor(target.secret), ts, body));
  }
  return new Request(target.url, { method: "POST", headers, body });
}

/** One attempt: any 2xx is delivered; anything else, a timeout or a network error is a failure to retry. */
export async function attempt(target: ChannelTarget, m: AlertMessage, nowMs: number, fetcher: typeof fetch = fetch): Promise<AttemptOutcome> {
  try {
    const res = await fetcher(await buildRequest(target, m, nowMs), { signal: AbortSignal.timeout(SEND_TIMEOUT_MS) });
    await res.body?.cancel();
    return res.ok ? { ok: true } : { ok: false, error: `HTTP ${res.status}` };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 200) : "unknown error" };
  }
}
