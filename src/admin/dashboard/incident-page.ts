/**
 * One incident, as the owner needs it to act or to hand to a hosting provider: what failed,
 * where, when, what was seen, and what to check for that code.
 */
import { isErrorCode, isSubCode } from "../../core/codes";
import type { CountedFailure } from "../../core/aggregate";
import type { IncidentRecord } from "../../core/incident";
import { messagesFor } from "../../core/i18n";
import { formatUtc } from "../../core/time";
import { type Html, h } from "./html";
import { layout, type PageContext } from "./layout";
import { type AdminMessages, type FieldName, fill } from "./messages";

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

function recordSection(ctx: PageContext, r: IncidentRecord): Html {
  const { m } = ctx;
  const list = rows(r, m)
    .filter(([, v]) => v !== undefined && v !== "")
    .map(([name, v]) => h`<dt>${m.fields[name]}</dt><dd${name === "ray_id" || name === "url" ? h` class="mono"` : ""}>${v}</dd>`);
  return h`<section class="record"><div class="card"><dl>${list}</dl></div>
${checks(ctx, r)}
<h2>${m.evidence}</h2><pre>${JSON.stringify(r.evidence, null, 2)}</pre></section>`;
}

function countedSection(ctx: PageContext, counted: readonly CountedFailure[]): Html {
  if (counted.length === 0) return h``;
  const { m } = ctx;
  const items = counted.map((c) => {
    const line = fill(m.countedLine, { minute: formatUtc(new Date(c.minute)), colo: c.colo || "?", code: c.error_code, count: c.count_in_minute });
    const near = c.nearest_sample
      ? h` ${m.nearestSample}: <a class="mono" href="${ctx.base}/incident/${c.nearest_sample.ray_id}?lang=${ctx.locale}">${c.nearest_sample.ray_id}</a> (${formatUtc(new Date(c.nearest_sample.timestamp))})`
      : h``;
    return h`<li>${line}${near}</li>`;
  });
  return h`<h2>${m.counted}</h2><div class="card"><ul class="counted">${items}</ul></div>`;
}

/** The page for one Ray ID: every record stored with it, and what was counted under it. */
export function renderIncident(ctx: PageContext, ray: string, records: readonly IncidentRecord[], counted: readonly CountedFailure[] = []): string {
  const { m } = ctx;
  const many = records.length > 1 ? h`<p class="note" role="status">${fill(m.sameRay, { count: records.length })}</p>` : h``;
  const body = h`<p><a href="${ctx.base}/?lang=${ctx.locale}">← ${m.back}</a></p>
<h1>${m.incident} <span class="mono">${ray}</span></h1>
${many}${records.map((r) => recordSection(ctx, r))}${countedSection(ctx, counted)}`;
  return layout(ctx, `${m.incident} ${ray}`, body);
}
