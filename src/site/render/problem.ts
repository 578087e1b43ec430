/**
 * RFC 9457 problem details with Cloudflare's structured-error fields, named as Cloudflare names
 * them (docs/formats.md sets them side by side), and the short text for `text/plain`.
 */
import type { ErrorView } from "./view";

export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  /** The Ray ID, as Cloudflare sets it. */
  readonly instance: string;
  readonly error_code: number;
  readonly error_name: string;
  readonly error_category: string;
  readonly hop: string;
  readonly sub_code?: number;
  readonly ray_id: string;
  readonly timestamp: string;
  readonly zone: string;
  readonly cloudflare_error: boolean;
  readonly retryable: boolean;
  readonly retry_after: number | null;
  readonly owner_action_required: boolean;
  readonly what_you_should_do: string;
  readonly owner_checks: readonly string[];
  readonly footer: string;
  /** While an alert incident is open for this host: since when (ISO), and whether the owner was told. */
  readonly incident?: { readonly since: string; readonly notified: boolean };
  readonly status_page?: string;
}

const DOCS = "https://developers.cloudflare.com/support/troubleshooting/http-status-codes/";

/**
 * Each code's page in Cloudflare's troubleshooting docs, checked against their index pages:
 * 502 and 504 share one page; 527 (Railgun, discontinued) and any other status have none, and
 * get a URN instead, a name that is never dereferenced.
 */
const FIVE_XX_PAGES: Readonly<Record<number, string>> = {
  500: "error-500",
  501: "error-501",
  502: "error-502-504",
  503: "error-503",
  504: "error-502-504",
  520: "error-520",
  521: "error-521",
  522: "error-522",
  523: "error-523",
  524: "error-524",
  525: "error-525",
  526: "error-526",
  530: "error-530",
};

/** 1xxx codes a 530 can carry that have their own page: the page for the detail is the better one. */
const ONE_XXX_PAGES: ReadonlySet<number> = new Set([1000, 1001, 1002, 1003, 1004, 1014, 1016, 1018, 1019, 1033]);

/** The Workers failures Cloudflare sends with a 500/503: their codes are explained on the Workers errors page. */
const WORKER_ERRORS_PAGE = "https://developers.cloudflare.com/workers/observability/errors/";
const WORKER_CODES: ReadonlySet<number> = new Set([1101, 1102]);

/** The problem `type`: Cloudflare's page for the code (or for its 1xxx code), else a URN. */
export function problemType(code: number, subCode?: number): string {
  if (subCode !== undefined && ONE_XXX_PAGES.has(subCode)) return `${DOCS}cloudflare-1xxx-errors/error-${subCode}/`;
  if (subCode !== undefined && WORKER_CODES.has(subCode)) return WORKER_ERRORS_PAGE;
  const page = FIVE_XX_PAGES[code];
  return page ? `${DOCS}cloudflare-5xx-errors/${page}/` : `urn:edge-error-pages:error:${code}`;
}

/** `Error 522: Connection timed out`, Cloudflare's title and heading, in the answer's language. */
export const errorHeading = (v: ErrorView): string => v.messages.ui.errorHeading.replace("{code}", String(v.code)).replace("{title}", v.title);

export function problemDetails(v: ErrorView): ProblemDetails {
  const f = v.failure;
  return {
    type: problemType(v.code, v.subCode),
    title: errorHeading(v),
    status: v.code,
    // What the code means, then what was actually seen (public-safe: a port, never a host).
    detail: `${v.happened} ${v.observed}`,
    instance: v.rayId,
    error_code: v.code,
    error_name: f.name,
    error_category: f.category,
    hop: f.hop,
    ...(v.subCode !== undefined ? { sub_code: v.subCode } : {}),
    ray_id: v.rayId,
    timestamp: v.time.toISOString(),
    zone: v.host,
    // Cloudflare's sense: this body was made at the edge, it is not the origin's (an origin's own
    // JSON is passed through unchanged and carries no such field). Who failed is error_category.
    cloudflare_error: true,
    retryable: f.retryable,
    retry_after: f.retryable ? v.retryAfter : null,
    // An edge fault is the platform's to fix; everything else needs the site owner.
    owner_action_required: f.category !== "cloudflare",
    what_you_should_do: v.visitor,
    owner_checks: v.owner,
    footer: v.messages.ui.machineFooter,
    ...(v.outage ? { incident: { since: v.outage.since.toISOString(), notified: v.outage.notified } } : {}),
    ...(v.statusPageUrl ? { status_page_url: v.statusPageUrl } : {}),
    ...(v.statusPageUrl ? { status_page: v.statusPageUrl } : {}),
  };
}

export function plainText(v: ErrorView): string {
  const ui = v.messages.ui;
  const headline = ui.plainHeadline.replace("{code}", String(v.code)).replace("{title}", v.title).replace("{ray}", v.rayId);
  const known = v.outage ? `\n${v.outage.text}${v.outage.notified ? ` ${ui.ownerNotified}` : ""}\n` : "";
  const status = v.statusPageUrl ? `${ui.statusPage}: ${v.statusPageUrl}\n` : "";
  return `${headline}\n\n${v.happened}\n${ui.notYourFault} ${v.visitor}\n${known}\n${ui.rayId}: ${v.rayId}\n${ui.timeUtc}: ${v.timeUtc}\n${status}`;
}
