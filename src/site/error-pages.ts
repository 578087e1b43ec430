/**
 * `errorPages(options)`: the Hono middleware at the heart of the product. Healthy responses pass
 * untouched; a 5XX or a failed origin fetch becomes a precise, localized error answer and an
 * incident record. Options are merged and validated once, here, never per request.
 */
import type { Context, MiddlewareHandler } from "hono";
import { templates as bundledTemplates } from "../../templates/index";
import { classify, type Failure } from "../core/classify";
import { CODES, isBrokenStatus } from "../core/codes";
import { isLocale, LOCALES, pickLocale } from "../core/i18n";
import { check, DEFAULT_PROBE_TIMEOUT_MS, type ErrorPagesOptions, resolveIncidents } from "./error-pages-options";
import { LedgerClient, type LedgerNamespace } from "./record/ledger-client";
import { type InspectOptions, observeError, observeFault, observePassedOn, observeResponse } from "./inspect";
import { ProbeCache } from "./probe-cache";
import { executionContext } from "./execution-context";
import { OriginFetchError } from "./proxy";
import { negotiation } from "./render/negotiate";
import { compileTemplates } from "./render/page";
import { fallbackResponse, passThroughResponse, respond } from "./render/respond";
import { buildView } from "./render/view";
import { DEFAULT_KNOWN_OUTAGE, OutageReader } from "./outage";
import { rayIdFor } from "../core/ray";
import { parseRetryAfter } from "../core/time";
import { type Attempt, attemptsOf } from "./retry";
import { serveCopy } from "./stale/banner";
import { coversFailure, DEFAULT_STALE } from "./stale/policy";
import { LastGoodCopies } from "./stale/store";

export { DEFAULT_INCIDENTS } from "./record/recorder";
export type { ErrorPagesOptions } from "./error-pages-options";

/** What the recorder is told besides the failure: how the visitor was answered, and every attempt. */
interface RecordExtra {
  readonly served?: "stale";
  readonly attempts?: readonly Attempt[];
}

/** Creates the middleware. Throws {@link ConfigError} on invalid options. */
export function errorPages(options: ErrorPagesOptions = {}): MiddlewareHandler {
  return createErrorPages(options).middleware;
}

/**
 * errorPages in parts, for a caller that runs the handler itself (the site Worker, which builds
 * a Hono Context only for a request that needs one): `middleware` is {@link errorPages};
 * `healthy` is what it does with an answer that {@link passes}; `settle` is what it does after
 * `next()` with everything else, given whether the handler threw, the error, and when it started.
 */
export interface ErrorPagesParts {
  readonly middleware: MiddlewareHandler;
  readonly healthy: (request: Request, res: Response, ctx: Pick<ExecutionContext, "waitUntil">) => Response;
  readonly settle: (c: Context, thrown: boolean, error: unknown, started: number) => Promise<void>;
}

/**
 * True for an answer errorPages leaves as it is: below 500 is an answer, even one an error
 * handler chose on purpose (HTTPException 401), unless its status is one no response can carry
 * (600, an interim 1XX), which would make the runtime fail the request.
 */
export const passes = (res: Response): boolean => res.status < 500 && !isBrokenStatus(res.status);

/** {@link errorPages} in parts. Throws {@link ConfigError} on invalid options. */
export function createErrorPages(options: ErrorPagesOptions = {}): ErrorPagesParts {
  const defaultLocale = options.defaultLocale ?? "en";
  check(isLocale(defaultLocale), `defaultLocale must be one of ${LOCALES.join(", ")}, got "${String(defaultLocale)}"`);
  const inspect: InspectOptions = {
    probe: options.probe ?? true,
    probeTimeoutMs: options.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
    prefixBytes: options.prefixBytes ?? 8192,
    probes: new ProbeCache(),
  };
  check(inspect.probeTimeoutMs > 0 && inspect.probeTimeoutMs <= 30_000, "probeTimeoutMs must be 1–30000");
  check(inspect.prefixBytes >= 64 && inspect.prefixBytes <= 1 << 20, "prefixBytes must be 64–1048576");
  const source = options.templates ?? bundledTemplates;
  const templates = compileTemplates(source.page, source.overrides);
  const incidents = resolveIncidents(options.incidents);
  const recorder = incidents ? new LedgerClient(incidents) : undefined;
  let warnedNoLedger = false;
  const passThroughJson = options.passThroughJson ?? true;
  const copies = options.lastGoodCopy && options.lastGoodCopy.paths.length > 0 ? new LastGoodCopies({ ...DEFAULT_STALE, ...options.lastGoodCopy }) : undefined;
  const statusPageUrl = options.statusPageUrl;
  if (statusPageUrl !== undefined) check(/^https?:\/\//.test(statusPageUrl), `statusPageUrl must be an http(s) URL, got "${statusPageUrl}"`);
  const rethrowFaults = options.rethrowFaults ?? false;
  const known = options.knownOutage === false ? undefined : { ...DEFAULT_KNOWN_OUTAGE, ...options.knownOutage };
  if (known) {
    check(known.refreshMs >= 1000 && known.refreshMs <= 300_000, "knownOutage.refreshMs must be 1000–300000");
    check(known.waitMs >= 1 && known.waitMs <= 2000, "knownOutage.waitMs must be 1–2000");
  }
  const outages = known ? new OutageReader(known) : undefined;
  // The notice is extra: a broken binding or a failing read leaves the page as it would be without it.
  const outageFor = async (c: Context, host: string) => {
    if (!outages || !known) return undefined;
    try {
      const kv = (c.env as Record<string, unknown> | undefined)?.[known.binding] as KVNamespace | undefined;
      const ctx = executionContext(c);
      return await outages.forHost(kv, host, (p) => ctx?.waitUntil(p));
    } catch (err) {
      console.error(JSON.stringify({ msg: "known-outage notice skipped", error: observeFault(err).errorMessage }));
      return undefined;
    }
  };

  /** The recording work to hand to `waitUntil`; undefined when there is none (recording off, no binding, only counted). */
  const recording = (c: Context, failure: Failure, rayId: string, time: Date, locale: string, format: string, url?: URL, extra: RecordExtra = {}): Promise<void> | undefined => {
    if (!recorder || !incidents) return undefined;
    // Recording is a side effect: whatever goes wrong here must not change the visitor's answer.
    try {
      const env = c.env as Record<string, unknown> | undefined;
      const kv = env?.[incidents.binding] as KVNamespace | undefined;
      const ledger = env?.[incidents.ledgerBinding] as LedgerNamespace | undefined;
      const input = { failure, rayId, time, request: c.req.raw, locale, format, url, ...extra };
      if (ledger && typeof ledger.idFromName === "function") return recorder.record({ ledger, kv }, input);
      if (!kv) return void console.error(JSON.stringify({ msg: `KV binding ${incidents.binding} missing: incident not recorded`, ray_id: rayId }));
      if (!warnedNoLedger) console.warn(JSON.stringify({ msg: `no ${incidents.ledgerBinding} binding: this isolate writes incidents to KV itself, within its own budget` }));
      warnedNoLedger = true;
      return recorder.direct.record(kv, input);
    } catch (err) {
      console.error(JSON.stringify({ msg: "incident not recorded", ray_id: rayId, error: observeFault(err).errorMessage }));
      return undefined;
    }
  };

  const record = (...args: Parameters<typeof recording>): void => {
    const work = recording(...args);
    const ctx = work && executionContext(args[0]);
    if (ctx && work) ctx.waitUntil(work);
  };

  /**
   * An API's own error body is the most useful thing for its client: it goes on as sent, streamed.
   * Its headers alone cannot tell Cloudflare's structured error from the origin's own JSON, so a
   * teed prefix is read and classified off the response path, as the error path would.
   */
  const passOn = (c: Context, res: Response, elapsedMs: number, rayId: string, time: Date): void => {
    const passed = recorder ? observePassedOn(res, elapsedMs, inspect) : undefined;
    c.res = undefined;
    c.res = passThroughResponse(passed?.response ?? res);
    if (!passed) return;
    const work = passed.observation
      .then((o) => recording(c, classify(o), rayId, time, defaultLocale, "passthrough"))
      .catch((err: unknown) => console.error(JSON.stringify({ msg: "incident not recorded", ray_id: rayId, error: observeFault(err).errorMessage })));
    executionContext(c)?.waitUntil(work);
  };

  const healthy: ErrorPagesParts["healthy"] = (request, res, ctx) => (copies ? copies.keep(request, res, ctx, Date.now()) : res);

  /** What the middleware does after `next()`, given how the handler ended and when it started. */
  const settle = async (c: Context, thrown: boolean, error: unknown, started: number): Promise<void> => {
    const failed = thrown || error !== undefined;
    if (failed && rethrowFaults && !(error instanceof OriginFetchError)) {
      record(c, classify(observeFault(error)), rayIdFor(c.req.raw.headers), new Date(), defaultLocale, "passthrough");
      throw error;
    }
    const res = c.res;
    if (!thrown && passes(res)) {
      if (copies && !failed) keepCopy(c, res, healthy);
      return;
    }
    const rayId = rayIdFor(c.req.raw.headers);
    const time = new Date();
    const asked = negotiation(c.req.header("accept"));
    if (!failed && !isBrokenStatus(res.status) && passThroughJson && asked.passThrough && isJson(res.headers.get("content-type"))) {
      passOn(c, res, Date.now() - started, rayId, time);
      return;
    }
    let failure: Failure | undefined;
    try {
      const observation = failed ? await observeError(error, inspect) : await observeResponse(res, Date.now() - started, inspect);
      failure = classify(observation);
      const locale = pickLocale(c, defaultLocale);
      const format = asked.format;
      const originRetry = failure.evidence.source === "response" ? failure.evidence.retryAfter : null;
      const retryAfter = parseRetryAfter(originRetry, time) ?? specRetryAfter(failure);
      const url = new URL(c.req.url);
      const attempts = attemptsOf(failed ? error : res);
      if (copies && coversFailure(failure, copies.options.onOriginStatus) && copies.qualifies(c.req.raw, url)) {
        const copy = await copies.find(url, time.getTime());
        if (copy) {
          const timeZone = (c.req.raw as { cf?: { timezone?: unknown } }).cf?.timezone;
          const answer = await serveCopy({ copy, code: failure.code, rayId, time, locale, ...(typeof timeZone === "string" ? { timeZone } : {}), ...(statusPageUrl ? { statusPageUrl } : {}) }, time.getTime());
          c.res = undefined;
          c.res = answer;
          record(c, failure, rayId, time, locale, "stale", url, { served: "stale", ...(attempts ? { attempts } : {}) });
          return;
        }
      }
      const bothOriginsFailed = attempts?.some((a) => a.origin === "backup") ?? false;
      const outage = await outageFor(c, url.hostname);
      const view = buildView({ failure, locale, rayId, time, url, colo: colo(c.req.raw), retryAfter, bothOriginsFailed, ...(outage ? { outage } : {}), ...(statusPageUrl ? { statusPageUrl } : {}) });
      const answer = await respond(view, format, { templates, brand: options.brand, head: c.req.method === "HEAD", languageFromHeader: !languageFromQuery(c) });
      c.res = undefined; // drop the origin's response, headers included
      c.res = answer;
      record(c, failure, rayId, time, locale, format, url, attempts ? { attempts } : {});
    } catch (fault) {
      const status = failure?.status ?? (error instanceof OriginFetchError ? 502 : !failed && res.status >= 500 && res.status <= 599 ? res.status : 500);
      c.res = undefined;
      c.res = fallbackResponse(status, rayId, c.req.method === "HEAD");
      record(c, classify(observeFault(fault)), rayId, time, defaultLocale, "fallback");
    }
  };

  const middleware: MiddlewareHandler = async function errorPagesMiddleware(c, next) {
    const started = Date.now();
    try {
      await next();
    } catch (value) {
      // Hono hands only Error instances to onError and rethrows anything else: caught here, a
      // handler's `throw "x"` still gets a page instead of failing the whole request.
      return settle(c, true, value, started);
    }
    return settle(c, false, c.error, started);
  };

  return { middleware, settle, healthy };
}

/** A healthy answer, with a last good copy taken alongside when the page may be kept. */
function keepCopy(c: Context, res: Response, healthy: ErrorPagesParts["healthy"]): void {
  const ctx = executionContext(c);
  if (!ctx) return;
  const kept = healthy(c.req.raw, res, ctx);
  if (kept === res) return;
  c.res = undefined;
  c.res = kept;
}

/** `application/json`, `application/problem+json`, any `+json` (and `text/json`): what an API sends as its error body. */
const isJson = (contentType: string | null): boolean => /^\s*[\w.+-]+\/(?:[\w.+-]*[+.-])?json\s*(?:;|$)/i.test(contentType ?? "");

/** `?lang=en` or `?lang=ko` chose the language, so Accept-Language did not (a wrong guess only adds to Vary). */
const languageFromQuery = (c: Context): boolean => isLocale((c.req.query("lang") ?? "").trim().toLowerCase());

function specRetryAfter(f: Failure): number | null {
  return f.retryable ? CODES[f.code].retryAfter : null;
}

function colo(request: Request): string | undefined {
  const c = (request as { cf?: { colo?: unknown } }).cf?.colo;
  return typeof c === "string" && /^[A-Z]{3,4}$/.test(c) ? c : undefined;
}
