/**
 * The overview page: filters and Ray ID search, errors over time, and the table by status code
 * whose rows open into the newest incidents of that code. Built from one stats scan.
 */
import { ERROR_CODES, isErrorCode } from "../../core/codes";
import { messagesFor } from "../../core/i18n";
import { formatUtc } from "../../core/time";
import { BUCKETS } from "../api/buckets";
import { renderChart, renderLegend } from "./chart";
import { type Html, h } from "./html";
import { langField, layout, type PageContext } from "./layout";
import { fill, RANGES } from "./messages";
import type { Filters } from "../api/params";
import type { IncidentEntry } from "../api/scan";
import type { Stats } from "../api/stats";

export interface OverviewData {
  readonly filters: Filters;
  /** The `since` value as given (a range key like "24h", or a custom time). */
  readonly since: string;
  readonly stats: Stats;
  readonly recent: ReadonlyMap<number, readonly IncidentEntry[]>;
}

/** Newest incidents shown per code. */
export const RECENT_PER_CODE = 10;

const titleOf = (ctx: PageContext, code: number, fallback: string): string =>
  isErrorCode(code) ? messagesFor(ctx.locale).codes[code].title : fallback;

const when = (iso: string): string => formatUtc(new Date(iso)).replace(" UTC", "");

/** Link to one incident's page, in the current language. */
export const incidentHref = (ctx: PageContext, ray: string): string => `${ctx.base}/incidents/${encodeURIComponent(ray)}?lang=${ctx.locale}`;

function filterForm(ctx: PageContext, f: Filters, since: string): Html {
  const { m } = ctx;
  // An origin's own 5XX (507) is a filter too: listed while it is the one chosen, so the form keeps it.
  const listed = f.code === undefined || isErrorCode(f.code) ? ERROR_CODES : [...ERROR_CODES, f.code].sort((a, b) => a - b);
  const other = messagesFor(ctx.locale).originStatus.title;
  const codes = listed.map((c) => h`<option value="${c}"${c === f.code ? h` selected` : ""}>${c} ${titleOf(ctx, c, other)}</option>`);
  const custom = (RANGES as readonly string[]).includes(since) ? "" : h`<option value="${since}" selected>${m.ranges.custom}: ${since}</option>`;
  const ranges = RANGES.map((r) => h`<option value="${r}"${r === since ? h` selected` : ""}>${m.ranges[r]}</option>`);
  return h`<form class="row" method="get" action="${ctx.base}/">${langField(ctx)}
<label>${m.code}<select name="code"><option value="">${m.allCodes}</option>${codes}</select></label>
<label>${m.host}<input name="host" value="${f.host ?? ""}" placeholder="${m.anyHost}" autocomplete="off" spellcheck="false"></label>
<label>${m.range}<select name="since">${ranges}${custom}</select></label>
<button type="submit">${m.apply}</button></form>`;
}

function rayForm(ctx: PageContext): Html {
  const { m } = ctx;
  return h`<form class="row" method="get" action="${ctx.base}/incidents">${langField(ctx)}
<label>${m.rayHint}<input name="ray" required maxlength="21" pattern="[0-9A-Fa-f]{16}(-[A-Za-z]{3,4})?" placeholder="8f2c1a9b3d4e5f60" autocomplete="off" spellcheck="false"></label>
<button type="submit">${m.find}</button></form>`;
}

/** The filter and search forms, side by side. */
export function searchForms(ctx: PageContext, f: Filters, since: string): Html {
  const { m } = ctx;
  return h`<div class="forms"><section class="card" aria-label="${m.filters}">${filterForm(ctx, f, since)}</section><section class="card" aria-label="${m.rayTitle}"><strong>${m.rayTitle}</strong>${rayForm(ctx)}</section></div>`;
}

function incidentRows(ctx: PageContext, entries: readonly IncidentEntry[]): Html {
  const { m } = ctx;
  const rows = entries.map(
    (e) => h`<tr><td class="mono nw">${when(e.timestamp)}</td><td class="mono">${e.method} ${e.host}${e.path}</td><td>${e.summary ?? ""}</td><td>${e.colo ?? ""}</td><td class="num">${e.weight}${e.rollup ? h`<span class="tag">${m.rollup}</span>` : ""}</td><td class="mono nw"><a href="${incidentHref(ctx, e.ray_id)}">${e.ray_id}</a></td></tr>`,
  );
  return h`<table><thead><tr><th>${m.time}</th><th>${m.url}</th><th>${m.seen}</th><th>${m.colo}</th><th class="num" title="${m.weightHint}">${m.weight}</th><th>Ray ID</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function apiHref(ctx: PageContext, f: Filters, code: string): string {
  const q = new URLSearchParams({ code, since: new Date(f.sinceMs).toISOString(), until: new Date(f.untilMs).toISOString() });
  if (f.host) q.set("host", f.host);
  return `${ctx.base}/api/incidents?${q}`;
}

function codeTable(ctx: PageContext, data: OverviewData, order: readonly string[]): Html {
  const { m } = ctx;
  const { stats } = data;
  if (order.length === 0) return h`<p class="card">${m.noIncidents}</p>`;
  const items = order.map((code) => {
    const count = stats.by_code[code] ?? 0;
    const entries = data.recent.get(Number(code)) ?? [];
    const name = entries[0]?.error_name ?? "";
    const share = stats.total > 0 ? `${Math.round((count / stats.total) * 1000) / 10}%` : "";
    return h`<details class="code"><summary><span class="sr"><span class="badge">${code}</span><span>${titleOf(ctx, Number(code), name)} <span class="muted mono">${name}</span></span><span class="num">${count}</span><span class="num">${share}</span></span></summary>
<div class="inner"><h3>${m.recent}</h3>${incidentRows(ctx, entries)}<p class="muted">${ctx.apiLinks ? h`<a href="${apiHref(ctx, data.filters, code)}">JSON</a> · ` : ""}${m.weightHint}</p></div></details>`;
  });
  return h`<div class="head" aria-hidden="true"><span>${m.code}</span><span></span><span class="num">${m.errors}</span><span class="num">${m.share}</span></div>${items}`;
}

/** The overview page, complete. */
export function renderOverview(ctx: PageContext, data: OverviewData): string {
  const { m } = ctx;
  const { stats, filters } = data;
  const order = Object.keys(stats.by_code).sort((a, b) => (stats.by_code[b] ?? 0) - (stats.by_code[a] ?? 0) || Number(a) - Number(b));
  const summary = fill(m.chartSummary, { total: stats.total, since: formatUtc(new Date(stats.since)), until: formatUtc(new Date(stats.until)) });
  const truncated = stats.truncated && stats.complete_since ? h`<p class="note" role="status">${fill(m.truncated, { time: formatUtc(new Date(stats.complete_since)) })}</p>` : "";
  const body = h`<h1>${m.title}</h1><p class="muted">${m.subtitle}</p>
${searchForms(ctx, filters, data.since)}
${truncated}
<section aria-labelledby="over-time"><h2 id="over-time">${m.chartTitle}</h2><p class="muted">${stats.total > 0 ? summary : m.chartEmpty}</p>
<div class="card">${renderChart(stats.series, BUCKETS[stats.bucket], order, summary)}${renderLegend(stats.by_code, order)}</div></section>
<section aria-labelledby="by-code"><h2 id="by-code">${m.byCode}</h2>${codeTable(ctx, data, order)}</section>`;
  return layout(ctx, m.title, body);
}

/** A page that says what went wrong (bad parameter, store unavailable, unknown Ray ID). */
export function renderProblem(ctx: PageContext, lead: string, detail: string): string {
  const body = h`<h1>${ctx.m.title}</h1><p class="note" role="alert">${lead} ${detail}</p><p><a href="${ctx.base}/?lang=${ctx.locale}">${ctx.m.back}</a></p>`;
  return layout(ctx, ctx.m.title, body);
}
