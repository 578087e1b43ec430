/**
 * `errorPages(options)`: the Hono middleware at the heart of the product. Healthy responses pass
 * untouched; a 5XX or a failed origin fetch becomes a precise, localized error answer and an
 * incident record. Options are merged and validated once, here, never per request.
 */
import type { Context, MiddlewareHandler } from "hono";
import { templates as bundledTemplates } from "../../templates/index";
import { classify, type Failure, type ResponseObservation } from "../core/classify";
import { ConfigError } from "../core/vars";
import { CODES, type ErrorCode, isBrokenStatus } from "../core/codes";
import type { Locale } from "../core/i18n";
import { isLocale, LOCALES, pickLocale } from "../core/i18n";
import { DEFAULT_INCIDENTS, type IncidentOptions, IncidentRecorder } from "./record/recorder";
import { type InspectOptions, observeError, observeFault, observeResponse } from "./inspect";
import { OriginFetchError } from "./proxy";
import { negotiation } from "./render/negotiate";
import { compileTemplates } from "./render/page";
import { fallbackResponse, passThroughResponse, respond } from "./render/respond";
import { buildView } from "./render/view";
import { rayIdFor } from "../core/ray";
import { parseRetryAfter } from "../core/time";

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
  /** Incident log settings; false turns recording off. Default: on, see {@link DEFAULT_INCIDENTS}. */
  readonly incidents?: Partial<Omit<IncidentOptions, "budget">> & { readonly budget?: Partial<IncidentOptions["budget"]> } | false;
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

// Hono's own ExecutionContext type: the one workers-types declares has members Hono does not pass on.
function executionContext(c: Context): Context["executionCtx"] | undefined {
  try {
    return c.executionCtx;
  } catch {
    return undefined; // e.g. app.request() in unit tests
  }
}

/** Creates the middleware. Throws {@link ConfigError} on invalid options. */
export function errorPages(options: ErrorPagesOptions = {}): MiddlewareHandler {
  const defaultLocale = options.defaultLocale ?? "en";
  check(isLocale(defaultLocale), `defaultLocale must be one of ${LOCALES.join(", ")}, got "${String(defaultLocale)}"`);
  const inspect: InspectOptions = {
    probe: options.probe ?? true,
    probeTimeoutMs: options.probeTimeoutMs ?? 1500,
    prefixBytes: options.prefixBytes ?? 8192,
  };
  check(inspect.probeTimeoutMs > 0 && inspect.probeTimeoutMs <= 30_000, "probeTimeoutMs must be 1–30000");
  check(inspect.prefixBytes >= 64 && inspect.prefixBytes <= 1 << 20, "prefixBytes must be 64–1048576");
  const source = options.templates ?? bundledTemplates;
  const templates = compileTemplates(source.page, source.overrides);
  const incidents = resolveIncidents(options.incidents);
  const recorder = incidents ? new IncidentRecorder(incidents) : undefined;
  const passThroughJson = options.passThroughJson ?? true;

  const record = (c: Context, failure: Failure, rayId: string, time: Date, locale: string, format: string, url?: URL) => {
    if (!recorder || !incidents) return;
    // Recording is a side effect: whatever goes wrong here must not change the visitor's answer.
    try {
      const kv = (c.env as Record<string, unknown> | undefined)?.[incidents.binding] as KVNamespace | undefined;
      if (!kv) return void console.error(JSON.stringify({ msg: `KV binding ${incidents.binding} missing: incident not recorded`, ray_id: rayId }));
      const work = recorder.record(kv, { failure, rayId, time, request: c.req.raw, locale, format, url });
      const ctx = work && executionContext(c);
      if (ctx) ctx.waitUntil(work);
    } catch (err) {
      console.error(JSON.stringify({ msg: "incident not recorded", ray_id: rayId, error: observeFault(err).errorMessage }));
    }
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
    const res = c.res;
    // Below 500 is an answer, even one an error handler chose on purpose (HTTPException 401); a
    // status no response can carry (600, an interim 1XX) would make the runtime fail the request.
    if (!thrown && res.status < 500 && !isBrokenStatus(res.status)) return;
    const rayId = rayIdFor(c.req.raw.headers);
    const time = new Date();
    const asked = negotiation(c.req.header("accept"));
    if (!failed && !isBrokenStatus(res.status) && passThroughJson && asked.passThrough && isJson(res.headers.get("content-type"))) {
      // An API's own error body is the most useful thing for its client: keep it, but log the failure.
      const failure = classify(unreadResponse(res, Date.now() - started));
      c.res = undefined;
      c.res = passThroughResponse(res);
      record(c, failure, rayId, time, defaultLocale, "passthrough");
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
      const view = buildView({ failure, locale, rayId, time, url, colo: colo(c.req.raw), retryAfter });
      const answer = await respond(view, format, { templates, brand: options.brand, head: c.req.method === "HEAD", languageFromHeader: !languageFromQuery(c) });
      c.res = undefined; // drop the origin's response, headers included
      c.res = answer;
      record(c, failure, rayId, time, locale, format, url);
    } catch (fault) {
      const status = failure?.status ?? (error instanceof OriginFetchError ? 502 : !failed && res.status >= 500 && res.status <= 599 ? res.status : 500);
      c.res = undefined;
      c.res = fallbackResponse(status, rayId, c.req.method === "HEAD");
      record(c, classify(observeFault(fault)), rayId, time, defaultLocale, "fallback");
    }
  };
}

/** A response passed through unread: its headers are the evidence, its body is the client's. */
function unreadResponse(res: Response, elapsedMs: number): ResponseObservation {
  const h = res.headers;
  return {
    source: "response",
    status: res.status,
    contentType: h.get("content-type"),
    retryAfter: h.get("retry-after"),
    server: h.get("server"),
    cfRay: h.get("cf-ray"),
    contentEncoding: h.get("content-encoding"),
    bodyDecoding: "none",
    bodyPrefix: "",
    bodyBytesRead: 0,
    elapsedMs,
  };
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
