/**
 * Everything one error answer says, in one localized, format-neutral object. HTML, problem+json
 * and plain text are all rendered from it, so they never disagree.
 */
import type { Failure } from "../../core/classify";
import { isSubCode, reasonPhrase } from "../../core/codes";
import { fill, type Finding, findingOf, findingValues } from "../../core/finding";
import type { Locale, Messages } from "../../core/i18n";
import { LOCALES, messagesFor } from "../../core/i18n";
import { formatUtc } from "../../core/time";

export interface ErrorView {
  readonly failure: Failure;
  /** The status sent and shown: the code's, or an origin's own 5XX without a row (`failure.status`). */
  readonly code: number;
  readonly locale: Locale;
  readonly messages: Messages;
  readonly title: string;
  readonly happened: string;
  readonly visitor: string;
  /** The finding's own steps first, then the code's. */
  readonly owner: readonly string[];
  /** What was seen, from the evidence alone. */
  readonly finding: Finding;
  /** {@link finding} in one public line (a port, never a host or IP): the copy block's "observed". */
  readonly observed: string;
  /**
   * Whether the page may reload itself. False when retrying cannot help, and for 524: the request
   * may still be running at the origin (a checkout, an export), so repeating it is the visitor's call.
   */
  readonly autoRetry: boolean;
  readonly subCode?: number;
  readonly subTitle?: string;
  readonly rayId: string;
  readonly time: Date;
  readonly timeUtc: string;
  readonly host: string;
  readonly url: string;
  /** The data centre that answered: `request.cf.colo`, else the Ray ID's suffix (`…-ICN`). */
  readonly colo?: string;
  /** `https://<host>/cdn-cgi/trace`: Cloudflare's diagnostics for this host, which support asks for. */
  readonly traceUrl: string;
  readonly retryAfter: number | null;
  /** The language switch: the same query with `lang` set, relative so it keeps the path. */
  readonly otherLanguageHref: string;
  /** The backup origin was tried and failed too. */
  readonly bothOriginsFailed: boolean;
  /** The owner's status page, linked from the page. */
  readonly statusPageUrl?: string;
  /** An open alert incident for this host, if the ledger reported one. */
  readonly outage?: KnownOutageView;
}

export interface KnownOutageView {
  readonly since: Date;
  readonly notified: boolean;
  /** The sentence the page shows: since when, in the page's language. */
  readonly text: string;
}

export interface ViewInput {
  readonly failure: Failure;
  readonly locale: Locale;
  readonly rayId: string;
  readonly time: Date;
  readonly url: URL;
  readonly colo?: string;
  readonly retryAfter: number | null;
  readonly bothOriginsFailed?: boolean;
  readonly outage?: { readonly since: Date; readonly notified: boolean };
  readonly statusPageUrl?: string;
}

/** Long URLs are shortened for display; the incident record keeps what it is allowed to. */
const MAX_URL = 300;
const shorten = (s: string): string => (s.length > MAX_URL ? `${s.slice(0, MAX_URL - 1)}…` : s);

/**
 * `?…&lang=ko`: a query-only reference, so the visitor's path is never turned into a link target
 * (`//evil.example` as a path would be). Overlong queries are not repeated.
 */
export function languageHref(url: URL, locale: Locale): string {
  const other = LOCALES.find((l) => l !== locale) ?? locale;
  const search = url.search;
  // Without a query (the usual case) the answer is known: `?lang=` alone.
  if (search === "" || search.length > 1024) return `?lang=${other}`;
  const params = new URLSearchParams(search);
  params.set("lang", other);
  return `?${params}`;
}

const fillStatus = (text: string, status: number, phrase: string): string => text.replaceAll("{status}", String(status)).replaceAll("{phrase}", phrase);

/** The one-line "what was observed" for the copy block: public-safe, no host or IP. */
export function observedLine(failure: Failure, m: Messages): string {
  return observedOf(findingOf(failure), m);
}

const observedOf = (finding: Finding, m: Messages): string => fill(m.findings[finding.kind].observed, findingValues(finding));

function texts(failure: Failure, m: Messages) {
  const base = m.codes[failure.code];
  if (failure.category === "worker") {
    return { title: base.title, happened: m.workerFault.happened, owner: m.workerFault.owner, subTitle: undefined, visitor: base.visitor };
  }
  if (failure.status !== failure.code) {
    // The origin's own status, with its own reason phrase; the text is the origin's generic one.
    const t = m.originStatus;
    const phrase = reasonPhrase(failure.status) ?? t.title;
    return { title: phrase, happened: fillStatus(t.happened, failure.status, phrase), owner: t.owner.map((o) => fillStatus(o, failure.status, phrase)), subTitle: undefined, visitor: t.visitor };
  }
  const edge = failure.hop === "edge" && failure.category === "cloudflare" && failure.code <= 504;
  const variant = edge ? m.edgeVariants[failure.code as 500 | 502 | 503 | 504] : undefined;
  const sub = failure.subCode !== undefined && isSubCode(failure.subCode) ? m.subCodes[failure.subCode] : undefined;
  return {
    title: sub?.title ?? base.title,
    happened: sub?.happened ?? variant?.happened ?? base.happened,
    owner: sub?.owner ?? variant?.owner ?? base.owner,
    // A known 1xxx code already gives the headline; its title is only repeated for unknown ones.
    subTitle: failure.subCode === undefined || sub ? undefined : m.ui.subCodeUnknown,
    visitor: sub?.visitor ?? base.visitor,
  };
}

/** `8f2c1a9b3d4e5f60-ICN` → `ICN`: a Ray ID names the data centre that handled the request. */
const coloOfRay = (rayId: string): string | undefined => /-([A-Z]{3,4})$/.exec(rayId)?.[1];

export function buildView(input: ViewInput): ErrorView {
  const { failure } = input;
  const colo = input.colo ?? coloOfRay(input.rayId);
  const messages = messagesFor(input.locale);
  const t = texts(failure, messages);
  const finding = findingOf(failure);
  const values = findingValues(finding);
  const findingOwner = (messages.findings[finding.kind].owner ?? []).map((line) => fill(line, values));
  return {
    failure,
    code: failure.status,
    locale: input.locale,
    messages,
    title: t.title,
    happened: t.happened,
    visitor: t.visitor,
    owner: findingOwner.length > 0 ? [...findingOwner, ...t.owner] : t.owner,
    finding,
    observed: observedOf(finding, messages),
    autoRetry: failure.retryable && failure.code !== 524,
    ...(failure.subCode !== undefined ? { subCode: failure.subCode, subTitle: t.subTitle ?? "" } : {}),
    rayId: input.rayId,
    time: input.time,
    timeUtc: formatUtc(input.time),
    host: input.url.hostname,
    url: shorten(input.url.href),
    ...(colo ? { colo } : {}),
    traceUrl: `https://${input.url.hostname}/cdn-cgi/trace`,
    retryAfter: input.retryAfter,
    otherLanguageHref: languageHref(input.url, input.locale),
    bothOriginsFailed: input.bothOriginsFailed ?? false,
    ...(input.outage ? { outage: { ...input.outage, text: messages.ui.knownOutage.replace("{since}", formatUtc(input.outage.since)) } } : {}),
    ...(input.statusPageUrl ? { statusPageUrl: input.statusPageUrl } : {}),
  };
}

/**
 * The copy-ready block for the hosting provider, what the article says to hand over: code and
 * message, time and zone, URL, Ray ID; plus the data centre and what was observed. The page adds
 * the link to this host's `/cdn-cgi/trace` as its last line ({@link traceLine}).
 */
export function reportText(v: ErrorView): string {
  const ui = v.messages.ui;
  const lines = [
    `${ui.errorCode}: ${v.code} ${v.title}`,
    ...(v.subCode !== undefined ? [`${ui.subCode}: ${v.subCode} ${v.subTitle ?? ""}`.trimEnd()] : []),
    `${ui.observed}: ${v.observed}`,
    `${ui.timeUtc}: ${v.timeUtc}`,
    `${ui.url}: ${v.url}`,
    `${ui.rayId}: ${v.rayId}`,
    ...(v.colo ? [`${ui.dataCentre}: ${v.colo}`] : []),
  ];
  return lines.join("\n");
}

/** The report's last line: where this host's `/cdn-cgi/trace` is (Cloudflare support asks for its output). */
export const traceLine = (v: ErrorView): string => `${v.messages.ui.trace}: ${v.traceUrl}`;
