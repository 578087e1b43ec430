/**
 * `errorPages(options)`: the Hono middleware at the heart of the product. Healthy responses pass
 * untouched; a 5XX or a failed origin fetch becomes a precise, localized error answer and an
 * incident record. Options are merged and validated once, here, never per request.
 */
import type { Context, MiddlewareHandler } from "hono";
import { templates as bundledTemplates } from "../../templates/index";
import { classify, type Failure } from "../core/classify";
import { ConfigError } from "../core/vars";
import { CODES, type ErrorCode, isBrokenStatus } from "../core/codes";
import type { Locale } from "../core/i18n";
import { isLocale, LOCALES, pickLocale } from "../core/i18n";
import { DEFAULT_INCIDENTS, type IncidentOptions } from "./record/recorder";
import { LedgerClient, type LedgerNamespace } from "./record/ledger-client";
import { type InspectOptions, observeError, observeFault, observePassedOn, observeResponse } from "./inspect";
import { ProbeCache } from "./probe-cache";
import { executionContext } from "./execution-context";
import { OriginFetchError } from "./proxy";
import { negotiation } from "./render/negotiate";
import { compileTemplates } from "./render/page";
import { fallbackResponse, passThroughResponse, respond } from "./render/respond";
import { buildView } from "./render/view";
import { DEFAULT_KNOWN_OUTAGE, type KnownOutageOptions, OutageReader } from "./outage";
import { rayIdFor } from "../core/ray";
import { parseRetryAfter } from "../core/time";
import { type Attempt, attemptsOf } from "./retry";
import { serveCopy } from "./stale/banner";
import { coversFailure, DEFAULT_STALE, type StaleOptions } from "./stale/policy";
import { LastGoodCopies } from "./stale/store";

export { DEFAULT_INCIDENTS } from "./record/recorder";

export interface ErrorPagesOptions {
  /** Language when Accept-Language names none we have. Default "en". */
  readonly defaultLocale?: Locale;
  /** Name shown as the page's logo text. Default: the request's host. */
  readonly brand?: string;
  /** HTML templates. Default: the bundled `templates/`. */
  readonly templates?: { readonly page: string; readonly overrides?: Partial<Record<ErrorCode, string>> };
  /** Probe the origin after a failed fetch to tell refused, timeouts, TLS and DNS apart. Default true. */
  readonly probe?: boolean;
  /** Budget for a probe and for reading a failing body's prefix, in ms. Default 1500. */
  readonly probeTimeoutMs?: number;
  /** Bytes of a failing body read for evidence. Default 8192. */
  readonly prefixBytes?: number;
  /**
   * Pass an origin's own JSON 5XX on to every client that did not ask for HTML first (API
   * clients, `fetch()`, curl), with `Vary: Accept` and `Cache-Control: no-store`. False: they get
   * this Worker's answer instead (JSON, Markdown or the page, by Accept). Default true.
   */
  readonly passThroughJson?: boolean;
  /**
   * Throw a fault of the app's own code on (after recording it) instead of answering it with a
   * 500 page, so a Worker that called `ctx.passThroughOnException()` hands the request to the
   * origin. Failures of the origin still get their pages. Default false.
   */
  readonly rethrowFaults?: boolean;
  /** Incident log settings; false turns recording off. Default: on, see {@link DEFAULT_INCIDENTS}. */
  readonly incidents?: Partial<Omit<IncidentOptions, "budget">> & { readonly budget?: Partial<IncidentOptions["budget"]> } | false;
  /**
   * Keep last good copies of shareable pages in the Cache API and serve one when the origin
   * fails (docs/resilience.md). Default: off; `paths` must name where.
   */
  readonly lastGoodCopy?: Partial<StaleOptions> & Pick<StaleOptions, "paths">;
  /** The owner's status page, linked from every error page and the banner. Default: none. */
  readonly statusPageUrl?: string;
  /**
   * The known-outage notice on error pages, read from what the incident ledger's alerts write to
   * KV; false turns it off. Default: on, see {@link DEFAULT_KNOWN_OUTAGE}.
   */
  readonly knownOutage?: Partial<KnownOutageOptions> | false;
}

/** What the recorder is told besides the failure: how the visitor was answered, and every attempt. */
interface RecordExtra {
  readonly served?: "stale";
  readonly attempts?: readonly Attempt[];
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new ConfigError(message);
}

function resolveIncidents(o: ErrorPagesOptions["incidents"]): IncidentOptions | false {
  if (o === false) return false;
  const merged = { ...DEFAULT_INCIDENTS, ...o, budget: { ...DEFAULT_INCIDENTS.budget, ...o?.budget } };
  const b = merged.budget;
  check(b.sampleRate >= 0 && b.sampleRate <= 1, `incidents.budget.sampleRate must be between 0 and 1, got ${b.sampleRate}`);
  check(Number.isInteger(b.perWindow) && b.perWindow >= 0, `incidents.budget.perWindow must be a whole number ≥ 0`);
  check(b.windowMs >= 1000 && b.windowMs <= 20_000, `incidents.budget.windowMs must be 1000–20000 (roll-ups must finish within waitUntil's 30 s)`);
  check(merged.writeTimeoutMs >= 100 && b.windowMs + merged.writeTimeoutMs <= 28_000, `incidents.writeTimeoutMs must be ≥ 100 and leave the roll-up within waitUntil's 30 s`);
  check(merged.ttlDays > 0, `incidents.ttlDays must be > 0`);
  return merged;
}

/** Creates the middleware. Throws {@link ConfigError} on invalid options. */
export function errorPages(options: ErrorPagesOptions = {}): MiddlewareHandler {
  const defaultLocale = options.defaultLocale ?? "en";
  check(isLocale(defaultLocale), `defaultLocale must be one of ${LOCALES.join(", ")}, got "${String(defaultLocale)}"`);
  const inspect: InspectOptions = {
    probe: options.probe ?? true,
    probeTimeoutMs: options.probeTimeoutMs ?? 1500,
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

  return async function errorPagesMiddleware(c, next) {
    const started = Date.now();
    let thrown = false;
    let error: unknown = undefined;
    try {
      await next();
      error = c.error;
    } catch (value) {
      // Hono hands only Error instances to onError and rethrows anything else: caught here, a
      // handler's `throw "x"` still gets a page instead of failing the whole request.
      thrown = true;
      error = value;
    }
    const failed = thrown || error !== undefined;
    if (failed && rethrowFaults && !(error instanceof OriginFetchError)) {
      record(c, classify(observeFault(error)), rayIdFor(c.req.raw.headers), new Date(), defaultLocale, "passthrough");
      throw error;
    }
    const res = c.res;
    // Below 500 is an answer, even one an error handler chose on purpose (HTTPException 401); a
    // status no response can carry (600, an interim 1XX) would make the runtime fail the request.
    if (!thrown && res.status < 500 && !isBrokenStatus(res.status)) {
      if (copies && !failed) keepCopy(c, copies, res);
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
}

/** A healthy answer, with a last good copy taken alongside when the page may be kept. */
function keepCopy(c: Context, copies: LastGoodCopies, res: Response): void {
  const ctx = executionContext(c);
  if (!ctx) return;
  const kept = copies.keep(c.req.raw, res, ctx, Date.now());
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
