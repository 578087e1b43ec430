/** Builds the visitor's answer for a failure in the negotiated format, with the headers every error answer carries. */
import type { Format } from "./negotiate";
import { contentSecurityPolicy, type PageTemplates, renderPage } from "./page";
import { plainText, problemDetails } from "./problem";
import type { ErrorView } from "./view";

export interface RespondOptions {
  readonly templates: PageTemplates;
  readonly brand?: string;
  readonly head: boolean;
}

/** A plain record, not a Headers: the Response builds its own Headers from it, once. */
function baseHeaders(v: ErrorView, contentType: string): Record<string, string> {
  const headers: Record<string, string> = {
    "content-type": contentType,
    "cache-control": "no-store",
    "x-robots-tag": "noindex",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "content-language": v.locale,
    vary: "Accept, Accept-Language",
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
      headers = baseHeaders(v, "text/html; charset=utf-8");
      headers["content-security-policy"] = await contentSecurityPolicy(page.template);
      body = page.body;
      break;
    }
    case "problem":
      headers = baseHeaders(v, "application/problem+json; charset=utf-8");
      body = JSON.stringify(problemDetails(v));
      break;
    case "text":
      headers = baseHeaders(v, "text/plain; charset=utf-8");
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
