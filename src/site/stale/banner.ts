/**
 * Serving a last good copy: the banner, put first in the page's body as it streams through
 * HTMLRewriter, and the headers that say what this answer is. The page itself is left as saved.
 */
import bannerSource from "../../../templates/stale-banner.html";
import { formatUtc } from "../../core/time";
import { type Locale, messagesFor } from "../../core/i18n";
import { fillText, formatLocalTime, RESILIENCE_TEXT } from "../../core/i18n/resilience";
import { sha256 } from "../render/page";
import { compile, render } from "../render/template";
import { KEPT_HEADERS } from "./policy";
import type { StoredCopy } from "./store";

/** This product's name in `Cache-Status` (RFC 9211). */
export const CACHE_STATUS_NAME = "edge-error-pages";

const banner = compile(bannerSource);

export interface BannerInput {
  readonly copy: StoredCopy;
  readonly code: number;
  readonly rayId: string;
  readonly time: Date;
  readonly locale: Locale;
  readonly timeZone?: string;
  readonly statusPageUrl?: string;
}

export function bannerHtml(input: BannerInput): string {
  const t = RESILIENCE_TEXT[input.locale];
  const ui = messagesFor(input.locale).ui;
  const saved = formatLocalTime(new Date(input.copy.storedAt), input.locale, input.timeZone);
  return render(banner, {
    lang: input.locale,
    title: t.staleTitle,
    saved: fillText(t.staleSaved, { time: saved }),
    problem: fillText(t.staleProblem, { code: String(input.code) }),
    label_code: ui.errorCode,
    label_ray: ui.rayId,
    label_time: ui.timeUtc,
    label_status: t.statusPage,
    code: String(input.code),
    ray_id: input.rayId,
    time_utc: formatUtc(input.time).slice(0, -4),
    status_page_url: input.statusPageUrl,
  });
}

let styleHash: Promise<string> | undefined;

/** The banner's `<style>`, as a CSP source: computed once. */
const bannerStyleSource = (): Promise<string> => (styleHash ??= sha256(banner.styles[0] ?? ""));

/**
 * The saved page's own CSP, with the banner's style admitted by its hash. Left alone where inline
 * styles are already allowed: adding a hash next to 'unsafe-inline' would turn it off and break
 * the page's own styles. Nothing else in the policy changes.
 */
export function admitStyle(csp: string, source: string): string {
  const directives = csp.split(";").map((d) => d.trim()).filter((d) => d !== "");
  const find = (name: string) => directives.findIndex((d) => d.toLowerCase() === name || d.toLowerCase().startsWith(`${name} `));
  const admits = (d: string) => /'unsafe-inline'/i.test(d) && !/'(?:nonce|sha(?:256|384|512))-/i.test(d);
  const add = (d: string) => d.replace(/\s+'none'/i, "") + ` ${source}`;
  for (const name of ["style-src-elem", "style-src"]) {
    const i = find(name);
    if (i === -1) continue;
    const d = directives[i] as string;
    if (!admits(d)) directives[i] = add(d);
    if (name === "style-src-elem") break;
  }
  if (find("style-src-elem") === -1 && find("style-src") === -1) {
    const fallback = find("default-src");
    if (fallback !== -1) {
      const d = directives[fallback] as string;
      if (!admits(d)) directives.push(add(`style-src${d.slice("default-src".length)}`));
    }
  }
  return directives.join("; ");
}

/** The headers a saved page is served with: the saved ones, plus what says this is a copy. */
async function copyHeaders(input: BannerInput, nowMs: number): Promise<Headers> {
  const saved = input.copy.response.headers;
  const headers = new Headers();
  for (const name of KEPT_HEADERS) {
    const value = saved.get(name);
    if (value !== null) headers.set(name, value);
  }
  const csp = saved.get("content-security-policy");
  if (csp) headers.set("content-security-policy", admitStyle(csp, await bannerStyleSource()));
  const age = Math.max(0, Math.round((nowMs - input.copy.storedAt) / 1000));
  // RFC 9211 ttl: the freshness left, negative once stale; a copy is served only as stale.
  headers.set("cache-status", `${CACHE_STATUS_NAME}; fwd=stale; fwd-status=${input.code}; ttl=${age === 0 ? 0 : -age}; detail=last-good-copy`);
  headers.set("cache-control", "no-store");
  return headers;
}

/** The saved page with the banner first in its body, status 200, streamed. */
export async function serveCopy(input: BannerInput, nowMs: number): Promise<Response> {
  const headers = await copyHeaders(input, nowMs);
  const html = bannerHtml(input);
  let placed = false;
  const rewritten = new HTMLRewriter()
    .on("body", {
      element(body) {
        if (placed) return;
        placed = true;
        body.prepend(html, { html: true });
      },
    })
    .onDocument({
      end(end) {
        // A page without a <body> tag still gets the banner: browsers put it in the implied body.
        if (!placed) end.append(html, { html: true });
      },
    })
    .transform(new Response(input.copy.response.body, { status: 200, headers }));
  return rewritten;
}
