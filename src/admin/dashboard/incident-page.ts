/**
 * One incident, as the owner needs it to act or to hand to a hosting provider: what failed,
 * where, when, what was seen, and what to check for that code.
 */
import { isErrorCode, isSubCode } from "../../core/codes";
import type { IncidentRecord } from "../../core/incident";
import { messagesFor } from "../../core/i18n";
import { formatUtc } from "../../core/time";
import { type Html, h } from "./html";
import { layout, type PageContext } from "./layout";
import type { AdminMessages, FieldName } from "./messages";

type Row = readonly [FieldName, string | number | undefined];

function rows(r: IncidentRecord, m: AdminMessages): Row[] {
  const time = Date.parse(r.timestamp);
  const location = [r.city, r.country, r.asn ? `AS${r.asn}` : undefined].filter(Boolean).join(", ");
  const protocol = [r.http_protocol, r.tls_version].filter(Boolean).join(", ");
  return [
    ["ray_id", r.ray_id],
    ["timestamp", Number.isFinite(time) ? formatUtc(new Date(time)) : r.timestamp],
    ["error", `${r.error_code}${r.sub_code !== undefined ? ` (${r.sub_code})` : ""} ${r.error_name}`],
    ["category", r.error_category],
    ["hop", r.hop],
    ["kind", r.kind],
    ["method", r.method],
    ["url", `${r.host}${r.path}${r.query ?? ""}`],
    ["colo", r.colo],
    ["location", location || undefined],
    ["protocol", protocol || undefined],
    ["client_ip", r.client_ip],
    ["user_agent", r.user_agent],
    ["page", `${r.format}, ${r.locale}`],
    ["weight", r.rollup ? `${r.weight} (${m.rollup})` : r.weight],
  ];
}

function checks(ctx: PageContext, r: IncidentRecord): Html {
  const text = messagesFor(ctx.locale);
  const sub = r.sub_code !== undefined && isSubCode(r.sub_code) ? text.subCodes[r.sub_code] : undefined;
  const code = isErrorCode(r.error_code) ? text.codes[r.error_code] : undefined;
  const items = sub?.owner ?? code?.owner ?? [];
  if (items.length === 0) return h``;
  return h`<h2>${ctx.m.whatToCheck}</h2><div class="card"><p><strong>${sub?.title ?? code?.title ?? ""}</strong></p><ul>${items.map((i) => h`<li>${i}</li>`)}</ul></div>`;
}

/** The page for one incident record. */
export function renderIncident(ctx: PageContext, r: IncidentRecord): string {
  const { m } = ctx;
  const list = rows(r, m)
    .filter(([, v]) => v !== undefined && v !== "")
    .map(([name, v]) => h`<dt>${m.fields[name]}</dt><dd${name === "ray_id" || name === "url" ? h` class="mono"` : ""}>${v}</dd>`);
  const body = h`<p><a href="${ctx.base}/?lang=${ctx.locale}">← ${m.back}</a></p>
<h1>${m.incident} <span class="mono">${r.ray_id}</span></h1>
<div class="card"><dl>${list}</dl></div>
${checks(ctx, r)}
<h2>${m.evidence}</h2><pre>${JSON.stringify(r.evidence, null, 2)}</pre>`;
  return layout(ctx, `${m.incident} ${r.ray_id}`, body);
}
