/**
 * One safe retry and a backup origin. A request is only sent again when doing so cannot do
 * harm: its method is idempotent (or it carries an Idempotency-Key), it has no body, and the
 * first connection failed before any response byte. Every attempt is kept for the incident.
 */
import type { OriginAttempt } from "../core/incident";
import { type ConnectCheck, fetchOrigin, OriginFetchError, type ProxyOptions } from "./proxy";

export interface RetryOptions {
  /** Retry a connection that failed before any response byte once. Default true. */
  readonly retry: boolean;
  /** Base delay before the retry, in ms; the actual delay is 50–150 % of it. Default 100. */
  readonly delayMs: number;
  /** Where the same request goes when the primary fails in a retryable way. Default: none. */
  readonly backupUrl?: URL;
  /**
   * With ORIGIN_URL: after this many ms without response headers, look whether the origin
   * accepts connections, and if not, end the attempt as a connect timeout (retryable). 0: never.
   * Default 19000 (Cloudflare's own connect timeout).
   */
  readonly connectTimeoutMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { retry: true, delayMs: 100, connectTimeoutMs: 19_000 };

/** The header on an answer that came from the backup origin. */
export const BACKUP_HEADER = "x-served-from";
export const BACKUP_VALUE = "backup-origin";

/** One try at an origin, as the incident keeps it. */
export type Attempt = OriginAttempt;

/** The attempts behind a failed answer (an error thrown or a response returned), when there were several. */
const attemptsByResult = new WeakMap<object, readonly Attempt[]>();

export const attemptsOf = (result: unknown): readonly Attempt[] | undefined =>
  typeof result === "object" && result !== null ? attemptsByResult.get(result) : undefined;

const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS"]);

/** True when sending `request` twice cannot do harm. */
export function mayRetry(request: Request): boolean {
  if (request.body !== null) return false;
  return IDEMPOTENT.has(request.method) || request.headers.has("idempotency-key");
}

/**
 * Statuses the platform reports for a subrequest whose connection failed before the origin sent
 * anything (on a zone route): refused, connect timeout, TLS handshake, certificate.
 */
const CONNECT_STATUSES = new Set([521, 522, 525, 526]);

/**
 * True when a fetch failed before any response byte. workerd says "Network connection lost" for
 * refused, reset and closed-before-reply connections; an https origin whose TLS fails gives an
 * "internal error" (on plain http that message also means garbage came back, so it is not retried).
 * A header timeout is not retried: the origin may be working on the request.
 */
export function failedBeforeResponse(err: unknown): boolean {
  if (!(err instanceof OriginFetchError) || err.timedOut) return false;
  if (err.connectTimedOut) return true;
  const message = err.cause instanceof Error ? err.cause.message : String(err.cause);
  if (/network connection lost/i.test(message)) return true;
  return err.origin.protocol === "https:" && /internal error/i.test(message);
}

const jitter = (ms: number): number => Math.round(ms * (0.5 + Math.random()));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/** Below this much of the budget left, another attempt could not get an answer anyway. */
const MIN_ATTEMPT_MS = 50;

type Outcome = { readonly res: Response } | { readonly err: unknown };

function attemptOf(origin: Attempt["origin"], outcome: Outcome, elapsedMs: number, delayMs?: number): Attempt {
  const base = { origin, elapsed_ms: elapsedMs, ...(delayMs !== undefined ? { delay_ms: delayMs } : {}) };
  if ("res" in outcome) return { ...base, outcome: outcome.res.status };
  const err = outcome.err;
  const message = err instanceof OriginFetchError && err.cause instanceof Error ? err.cause.message : String(err);
  const kind = err instanceof OriginFetchError && err.timedOut ? "timeout" : failedBeforeResponse(err) ? "connect_failed" : "error";
  return { ...base, outcome: kind, error: message.slice(0, 200) };
}

const retryable = (o: Outcome): boolean => ("res" in o ? CONNECT_STATUSES.has(o.res.status) : failedBeforeResponse(o.err));

async function attempt(request: Request, options: ProxyOptions, check: ConnectCheck | undefined): Promise<Outcome> {
  try {
    return { res: await fetchOrigin(request, options, check) };
  } catch (err) {
    return { err };
  }
}

function fromBackup(res: Response): Response {
  const answer = new Response(res.body, res);
  answer.headers.set(BACKUP_HEADER, BACKUP_VALUE);
  return answer;
}

/** An answer after several attempts: a failing one keeps them, for its incident. */
function answered(res: Response, attempts: readonly Attempt[]): Response {
  if (res.status >= 500) attemptsByResult.set(res, attempts);
  return res;
}

/** The primary's failure, handed on to errorPages with every attempt attached. */
function failWith(outcome: Outcome, attempts: readonly Attempt[]): Response {
  if ("err" in outcome) {
    if (typeof outcome.err === "object" && outcome.err !== null) attemptsByResult.set(outcome.err, attempts);
    throw outcome.err;
  }
  attemptsByResult.set(outcome.res, attempts);
  return outcome.res;
}

/**
 * The slow path, taken only after a first attempt failed in a retryable way: a jittered retry of
 * the primary within what is left of the header budget, then the backup origin.
 */
async function recover(request: Request, first: Outcome, firstMs: number, options: ProxyOptions, retry: RecoveryOptions, started: number): Promise<Response> {
  const budget = options.timeoutMs ?? 100_000;
  const attempts: Attempt[] = [attemptOf("primary", first, firstMs)];
  let last = first;
  const left = () => budget - (Date.now() - started);
  if (retry.retry) {
    const delay = jitter(retry.delayMs);
    if (left() - delay >= MIN_ATTEMPT_MS) {
      if ("res" in last) await last.res.body?.cancel().catch(() => undefined);
      await sleep(delay);
      const at = Date.now();
      const next = await attempt(request, { ...options, timeoutMs: left() }, retry.connectCheck);
      attempts.push(attemptOf("primary", next, Date.now() - at, delay));
      if (!retryable(next)) return "res" in next ? answered(next.res, attempts) : failWith(next, attempts);
      last = next;
    }
  }
  if (retry.backupUrl && left() >= MIN_ATTEMPT_MS) {
    const at = Date.now();
    const backup = await attempt(request, { ...options, originUrl: retry.backupUrl, timeoutMs: left() }, retry.connectCheck);
    attempts.push(attemptOf("backup", backup, Date.now() - at));
    if (!retryable(backup) && "res" in backup) {
      if ("res" in last) await last.res.body?.cancel().catch(() => undefined);
      return answered(fromBackup(backup.res), attempts);
    }
    if ("res" in backup) await backup.res.body?.cancel().catch(() => undefined);
  }
  return failWith(last, attempts);
}

/**
 * Fetches like {@link fetchOrigin}, recovering from a failed connection for requests that may be
 * sent again. The healthy path is the plain fetch and one status check: whether the request may
 * be sent twice is only asked once it failed.
 */
export async function fetchWithRecovery(request: Request, options: ProxyOptions, retry: RecoveryOptions): Promise<Response> {
  const started = Date.now();
  let res: Response;
  try {
    res = await fetchOrigin(request, options, retry.connectCheck);
  } catch (err) {
    if (failedBeforeResponse(err) && mayRetry(request)) return recover(request, { err }, Date.now() - started, options, retry, started);
    throw err;
  }
  if (CONNECT_STATUSES.has(res.status) && mayRetry(request)) return recover(request, { res }, Date.now() - started, options, retry, started);
  return res;
}

/** The retry's options with the connect check built from `connectTimeoutMs` (where it applies). */
export type RecoveryOptions = Omit<RetryOptions, "connectTimeoutMs"> & { readonly connectCheck?: ConnectCheck };

/**
 * The origin fetch with recovery; a plain {@link fetchOrigin} when both retry and backup are off.
 * `connects` looks at the origin for the connect check (connect-check.ts in the site Worker).
 */
export function recoveringFetch(options: ProxyOptions, retry: RetryOptions, connects?: ConnectCheck["connects"]): (request: Request) => Promise<Response> {
  if (!retry.retry && !retry.backupUrl) return (request) => fetchOrigin(request, options);
  const { connectTimeoutMs, ...rest } = retry;
  // On a zone route the platform times the connect itself and answers 522, which is retried.
  const check = connects && options.originUrl && connectTimeoutMs > 0 ? { afterMs: connectTimeoutMs, applies: mayRetry, connects } : undefined;
  const recovery: RecoveryOptions = check ? { ...rest, connectCheck: check } : rest;
  return (request) => fetchWithRecovery(request, options, recovery);
}
