/** RFC 9457 problem details with Cloudflare's structured-error fields. */
import type { ErrorView } from "./view";

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  error_code: number;
  error_name: string;
  error_category: string;
  hop: string;
  sub_code?: number;
  ray_id: string;
  timestamp: string;
  zone: string;
  retryable: boolean;
  retry_after: number | null;
  owner_action_required: boolean;
  what_you_should_do: string;
  owner_checks: readonly string[];
}

const DOCS = "https://developers.cloudflare.com/support/troubleshooting/http-status-codes/cloudflare-5xx-errors/";

export function problemDetails(v: ErrorView): ProblemDetails {
  const f = v.failure;
  return {
    type: `${DOCS}error-${v.code}/`,
    title: v.title,
    status: v.code,
    // What the code means, then what was actually seen (public-safe: a port, never a host).
    detail: `${v.happened} ${v.observed}`,
    error_code: v.code,
    error_name: f.name,
    error_category: f.category,
    hop: f.hop,
    ...(v.subCode !== undefined ? { sub_code: v.subCode } : {}),
    ray_id: v.rayId,
    timestamp: v.time.toISOString(),
    zone: v.host,
    retryable: f.retryable,
    retry_after: f.retryable ? v.retryAfter : null,
    // An edge fault is the platform's to fix; everything else needs the site owner.
    owner_action_required: f.category !== "cloudflare",
    what_you_should_do: v.visitor,
    owner_checks: v.owner,
  };
}

export function plainText(v: ErrorView): string {
  const ui = v.messages.ui;
  const headline = ui.plainHeadline.replace("{code}", String(v.code)).replace("{title}", v.title).replace("{ray}", v.rayId);
  return `${headline}\n\n${v.happened}\n${ui.notYourFault} ${v.visitor}\n\n${ui.rayId}: ${v.rayId}\n${ui.timeUtc}: ${v.timeUtc}\n`;
}
