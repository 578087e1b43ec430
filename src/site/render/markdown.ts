/**
 * The Markdown answer for `text/markdown` (and `text/*`) clients, AI agents and crawlers among
 * them: Cloudflare's layout (YAML front matter, `# Error …`, `## What Happened`, `## What You
 * Should Do`, then the footer) with the same facts and field names as the JSON answer.
 */
import { errorHeading, problemDetails } from "./problem";
import type { ErrorView } from "./view";

type Scalar = string | number | boolean | null;

/** YAML words and forms that a plain scalar would turn into something other than a string. */
const NOT_A_PLAIN_STRING = /^(?:true|false|yes|no|on|off|null|~|[-+.\d].*)$/i;

/**
 * A YAML scalar. Strings stay plain only when they cannot be read as anything else; otherwise
 * they are written as JSON strings, which YAML reads as double-quoted scalars.
 */
function yaml(value: Scalar): string {
  if (typeof value !== "string") return String(value);
  return /^[A-Za-z_][\w.:/-]*$/.test(value) && !NOT_A_PLAIN_STRING.test(value) ? value : JSON.stringify(value);
}

/** One line of prose: the texts are single sentences, but nothing here may start a new block. */
const line = (s: string): string => s.replace(/\s+/g, " ").trim();

export function markdown(v: ErrorView): string {
  const p = problemDetails(v);
  // Cloudflare's front matter: its fields minus the RFC 9457 members the prose already says.
  const front: [string, Scalar][] = [
    ["error_code", p.error_code],
    ["error_name", p.error_name],
    ["error_category", p.error_category],
    ["hop", p.hop],
    ...(p.sub_code !== undefined ? ([["sub_code", p.sub_code]] as [string, Scalar][]) : []),
    ["status", p.status],
    ["ray_id", p.ray_id],
    ["timestamp", p.timestamp],
    ["zone", p.zone],
    ["cloudflare_error", p.cloudflare_error],
    ["retryable", p.retryable],
    ["retry_after", p.retry_after],
    ["owner_action_required", p.owner_action_required],
    // The known-outage notice, flattened: front matter stays one level deep.
    ...(p.incident ? ([["incident_since", p.incident.since], ["incident_notified", p.incident.notified]] as [string, Scalar][]) : []),
  ];
  const ui = v.messages.ui;
  const known = v.outage ? ["", line(`${v.outage.text}${v.outage.notified ? ` ${ui.ownerNotified}` : ""}`)] : [];
  const status = v.statusPageUrl ? ["", `${line(ui.statusPage)}: <${v.statusPageUrl}>`] : [];
  return [
    "---",
    ...front.map(([k, value]) => `${k}: ${yaml(value)}`),
    "---",
    "",
    `# ${line(errorHeading(v))}`,
    "",
    "## What Happened",
    "",
    line(p.detail),
    ...known,
    "",
    "## What You Should Do",
    "",
    line(p.what_you_should_do),
    ...status,
    "",
    "## What the Site Owner Should Check",
    "",
    ...p.owner_checks.map((check) => `- ${line(check)}`),
    "",
    "---",
    "",
    line(p.footer),
    "",
  ].join("\n");
}
