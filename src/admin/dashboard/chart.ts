/**
 * The errors-over-time chart as inline SVG, drawn on the server: stacked bars per time bucket,
 * one colour per status code, a tooltip (`<title>`) per bar. No script, no external request.
 */
import type { SeriesPoint } from "../api/buckets";
import { type Html, h } from "./html";

const W = 760;
const H = 220;
const LEFT = 44;
const RIGHT = 8;
const TOP = 10;
const BOTTOM = 26;
const PLOT_W = W - LEFT - RIGHT;
const PLOT_H = H - TOP - BOTTOM;
/** Codes beyond the first six share one grey. */
const PALETTE = 6;

/** The smallest 1, 2 or 5 × 10^k at or above `n` (at least 1): round axis labels. */
export function niceCeil(n: number): number {
  if (n <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(n));
  return ([1, 2, 5, 10].map((f) => f * p).find((v) => v >= n) ?? 10 * p);
}

/** CSS class of a code's colour, given the codes ordered by count (largest first). */
export const colourOf = (code: string, order: readonly string[]): string => {
  const i = order.indexOf(code);
  return i >= 0 && i < PALETTE ? `k${i}` : "kx";
};

const fmt = (n: number): string => String(Math.round(n * 100) / 100);

/** `04-01 14:00` for sub-day buckets, `2026-04-01` for days. */
export function axisLabel(iso: string, bucketMs: number): string {
  return bucketMs >= 86_400_000 ? iso.slice(0, 10) : `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
}

function bar(point: SeriesPoint, x: number, width: number, yMax: number, order: readonly string[]): Html {
  let y = TOP + PLOT_H;
  const rects = order
    .filter((code) => (point.by_code[code] ?? 0) > 0)
    .map((code) => {
      const height = ((point.by_code[code] ?? 0) / yMax) * PLOT_H;
      y -= height;
      return h`<rect class="${colourOf(code, order)}" x="${fmt(x)}" y="${fmt(y)}" width="${fmt(width)}" height="${fmt(Math.max(height, 0.5))}"/>`;
    });
  const parts = order.filter((c) => point.by_code[c]).map((c) => `${c}: ${point.by_code[c]}`);
  const tip = `${point.start.slice(0, 16).replace("T", " ")} UTC: ${point.total}${parts.length ? ` (${parts.join(", ")})` : ""}`;
  return h`<g><title>${tip}</title>${rects}</g>`;
}

function axes(yMax: number, series: readonly SeriesPoint[], bucketMs: number): Html {
  const ticks = yMax >= 2 ? [0, yMax / 2, yMax] : [0, yMax];
  const grid = ticks.map((t) => {
    const y = TOP + PLOT_H - (t / yMax) * PLOT_H;
    return h`<line class="grid" x1="${LEFT}" x2="${W - RIGHT}" y1="${fmt(y)}" y2="${fmt(y)}"/><text x="${LEFT - 6}" y="${fmt(y + 4)}" text-anchor="end">${fmt(t)}</text>`;
  });
  const n = series.length;
  const picks = [...new Set([0, Math.floor((n - 1) / 2), n - 1])].filter((i) => i >= 0);
  const labels = picks.map((i, k) => {
    const point = series[i];
    if (!point) return "";
    const x = LEFT + (i + 0.5) * (PLOT_W / n);
    const anchor = picks.length === 1 ? "middle" : k === 0 ? "start" : k === picks.length - 1 ? "end" : "middle";
    return h`<text x="${fmt(anchor === "start" ? LEFT : anchor === "end" ? W - RIGHT : x)}" y="${H - 8}" text-anchor="${anchor}">${axisLabel(point.start, bucketMs)}</text>`;
  });
  return h`${grid}${labels}`;
}

/** The chart; `label` is its accessible name (e.g. "12 errors from … to …"). */
export function renderChart(series: readonly SeriesPoint[], bucketMs: number, order: readonly string[], label: string): Html {
  const yMax = niceCeil(Math.max(0, ...series.map((p) => p.total)));
  const step = PLOT_W / Math.max(series.length, 1);
  const width = Math.max(step * 0.8, 1);
  const bars = series.map((p, i) => (p.total > 0 ? bar(p, LEFT + i * step + (step - width) / 2, width, yMax, order) : ""));
  return h`<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="chart-title" xmlns="http://www.w3.org/2000/svg"><title id="chart-title">${label}</title>${axes(yMax, series, bucketMs)}${bars}</svg>`;
}

/** The colour key under the chart. */
export function renderLegend(byCode: Readonly<Record<string, number>>, order: readonly string[]): Html {
  const items = order.map((code) => h`<li><span class="sw ${colourOf(code, order)}"></span>${code} <span class="muted">(${byCode[code] ?? 0})</span></li>`);
  return h`<ul class="legend">${items}</ul>`;
}
