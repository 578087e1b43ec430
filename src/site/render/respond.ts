/** Builds the visitor's answer for a failure in the negotiated format, with the headers every error answer carries. */
import type { Format } from "./negotiate";
import { contentSecurityPolicy, type PageTemplates, renderPage } from "./page";
import { markdown } from "./markdown";
import { plainText, problemDetails } from "./problem";
import type { ErrorView } from "./view";

export interface RespondOptions {
  readonly templates: PageTemplates;
  readonly brand?: string;
  readonly head: boolean;
  /**
   * True when the language came from Accept-Language (or the default for lack of it), false when
   * `?lang=` chose it: only then does the answer's form depend on that header.
   */
  readonly languageFromHeader: boolean;
}

/** A plain record, not a Headers: the Response builds its own Headers from it, once. */
function baseHeaders(v: ErrorView, contentType: string, options: RespondOptions): Record<string, string> {
  const headers: Record<string, string> = {
    "content-type": contentType,
    "cache-control": "no-store",
    "x-robots-tag": "noindex",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "content-language": v.locale,
    // The format always depends on Accept; the language on Accept-Language unless ?lang= chose it.
    vary: options.languageFromHeader ? "Accept, Accept-Language" : "Accept",
  };
  if (v.failure.retryable && v.retryAfter !== null) headers["retry-after"] = String(v.retryAfter);
  return headers;
}

export async function respond(v: ErrorView, format: Format, options: RespondOptions): Promise<Response> {
  let body: string | Uint8Array;
  let headers: Record<string, string>;
  switch (format) {
    case "html": {
      const page = renderPage(options.templates, v, options.brand);
      headers = baseHeaders(v, "text/html; charset=utf-8", options);
      headers["content-security-policy"] = await contentSecurityPolicy(page.template);
      body = page.body;
      break;
    }
    case "json":
    case "problem":
      // The same body; the Content-Type mirrors what was asked for, as Cloudflare's does.
      headers = baseHeaders(v, format === "json" ? "application/json; charset=utf-8" : "application/problem+json; charset=utf-8", options);
      body = JSON.stringify(problemDetails(v));
      break;
    case "markdown":
      headers = baseHeaders(v, "text/markdown; charset=utf-8", options);
      body = markdown(v);
      break;
    case "text":
      headers = baseHeaders(v, "text/plain; charset=utf-8", options);
      body = plainText(v);
      break;
  }
  return new Response(options.head ? null : body, { status: v.code, headers });
}

/**
 * The last resort when classifying or rendering itself failed: no templates, no i18n, nothing
 * that could throw again. Keeps the status so clients and caches still see the right code.
 */
export function fallbackResponse(status: number, rayId: string, head: boolean): Response {
  const body = `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Error ${status}</title><h1>Error ${status}</h1><p>The site is having trouble answering. Please try again in a few minutes.</p><p>Ray ID: ${rayId}</p></html>`;
  return new Response(head ? null : body, {
    status,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "x-robots-tag": "noindex",
      "content-security-policy": "default-src 'none'",
    },
  });
}

/** Headers that let a cache keep a response; a passed-through error must not be kept. */
const CACHE_HEADERS = ["expires", "cdn-cache-control", "cloudflare-cdn-cache-control", "surrogate-control"] as const;

/** `vary` with `Accept` added, unless it is already there (or `*`, which covers it). */
export function varyOnAccept(vary: string | null): string {
  if (!vary) return "Accept";
  const names = vary.split(",").map((n) => n.trim().toLowerCase());
  return names.includes("accept") || names.includes("*") ? vary : `${vary}, Accept`;
}

/**
 * The origin's own JSON error, passed on as it came (status, headers, the body still streaming),
 * except what decides caching: whether a client got this JSON or a page depended on its Accept,
 * and an error is never worth keeping, whatever the origin said.
 */
export function passThroughResponse(res: Response): Response {
  const out = new Response(res.body, res);
  out.headers.set("cache-control", "no-store");
  for (const name of CACHE_HEADERS) out.headers.delete(name);
  out.headers.set("vary", varyOnAccept(res.headers.get("vary")));
  return out;
}
