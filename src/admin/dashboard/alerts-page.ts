/**
 * The alerts page: open incidents and those resolved this week, each with its timeline (every
 * transition and every delivery attempt with its outcome), the health of each channel, and the
 * "send a test alert" form (a same-origin POST, like sign-in).
 */
import type { AlertIncidentView, AlertsReport, ChannelHealth, DeliveryView, TestResult, TimelineEntry } from "../../core/alert-report";
import { formatUtc } from "../../core/time";
import { type AlertsMessages, alertsMessages } from "./alerts-messages";
import { type Html, h } from "./html";
import { langField, layout, type PageContext } from "./layout";
import { fill } from "./messages";

const when = (iso: string | null, m: AlertsMessages): string => (iso === null ? m.never : formatUtc(new Date(iso)));

function delivery(d: DeliveryView, m: AlertsMessages): Html {
  const tries = d.tries.map((t) => h`<li class="${t.ok ? "ok" : "bad"}">${formatUtc(new Date(t.at))}: ${t.ok ? "2xx" : t.error ?? "?"}</li>`);
  const next = d.state === "pending" && d.next_at ? h` · ${fill(m.nextTry, { time: formatUtc(new Date(d.next_at)) })}` : h``;
  return h`<tr><td class="nw">${d.channel}</td><td class="${d.state === "delivered" ? "ok nw" : d.state === "failed" ? "bad nw" : ""}">${m.states[d.state]}${next}</td><td class="num">${d.attempts}</td><td><ul class="tries">${tries}</ul></td></tr>`;
}

function timeline(entries: readonly TimelineEntry[], m: AlertsMessages): Html {
  return h`${entries.map(
    (e) => h`<h4>${m.events[e.event]} · ${formatUtc(new Date(e.at))}${e.event === "test" ? "" : h` · ${m.failures} ${e.count}`}</h4>
<table><thead><tr><th>${m.channel}</th><th></th><th class="num">${m.attempts}</th><th></th></tr></thead><tbody>${e.deliveries.map((d) => delivery(d, m))}</tbody></table>`,
  )}`;
}

function incident(ctx: PageContext, i: AlertIncidentView, m: AlertsMessages): Html {
  const colos = Object.entries(i.colos).sort((a, b) => b[1] - a[1]).slice(0, 10).map(([c, n]) => `${c} ${n}`).join(", ");
  const errors = `${ctx.base}/?lang=${ctx.locale}&host=${encodeURIComponent(i.host)}${i.error_code !== null ? `&code=${i.error_code}` : ""}`;
  return h`<details class="code"${i.state === "open" ? h` open` : h``}><summary><span class="badge">${i.error_code ?? ""}</span> ${i.title} <span class="tag">${i.notified ? m.notified : m.notNotified}</span></summary>
<div class="inner"><dl><dt>${m.since}</dt><dd>${when(i.since, m)}</dd>${i.resolved_at ? h`<dt>${m.resolvedAt}</dt><dd>${when(i.resolved_at, m)}</dd>` : h``}
<dt>${m.failures}</dt><dd>${i.count}</dd>${colos ? h`<dt>${m.dataCentres}</dt><dd>${colos}</dd>` : h``}${i.ray_id ? h`<dt>${m.sampleRay}</dt><dd><a class="mono" href="${ctx.base}/incidents/${i.ray_id}?lang=${ctx.locale}">${i.ray_id}</a></dd>` : h``}</dl>
<p><a href="${errors}">${m.viewErrors}</a></p>${timeline(i.timeline, m)}</div></details>`;
}

function channelRow(c: ChannelHealth, m: AlertsMessages): Html {
  if (!c.configured && c.last_attempt_at === null) return h`<tr><td class="nw">${c.channel}</td><td colspan="5" class="muted">${m.notConfigured}</td></tr>`;
  return h`<tr><td class="nw">${c.channel}${c.configured ? "" : h` <span class="tag">${m.notConfigured}</span>`}</td><td>${when(c.last_attempt_at, m)}${c.last_error ? h` <span class="bad">${c.last_error}</span>` : h``}</td><td>${when(c.last_ok_at, m)}</td><td class="num${c.failing_streak > 0 ? " bad" : ""}">${c.failing_streak}</td><td class="num">${c.pending}</td><td class="num">${c.given_up}</td></tr>`;
}

function testForm(ctx: PageContext, report: AlertsReport, m: AlertsMessages, results: readonly TestResult[] | undefined): Html {
  const any = report.channels.some((c) => c.configured);
  const outcome = results
    ? h`<p role="status">${m.testSent}</p><ul>${results.map((r) => h`<li class="${r.ok ? "ok" : "bad"}">${r.channel}: ${r.ok ? m.states.delivered : r.error ?? "?"}</li>`)}</ul>`
    : h``;
  const form = any
    ? h`<form class="row" method="post" action="${ctx.base}/alerts/test?lang=${ctx.locale}">${langField(ctx)}<button type="submit">${m.testButton}</button></form>`
    : h`<p class="muted">${m.testNoChannel}</p>`;
  return h`<div class="card"><h2>${m.testTitle}</h2><p class="muted">${m.testHint}</p>${form}${outcome}</div>`;
}

/** The whole page; `results` after the test form was sent. */
export function renderAlerts(ctx: PageContext, report: AlertsReport, results?: readonly TestResult[]): string {
  const m = alertsMessages(ctx.locale);
  const p = report.policy;
  const policy = fill(m.policyLine, { threshold: p.threshold, down: p.down_threshold, window: p.window_s, quiet: p.quiet_s, factor: p.escalate_factor, interval: p.min_interval_s });
  const body = h`<p><a href="${ctx.base}/?lang=${ctx.locale}">← ${ctx.m.back}</a></p>
<h1>${m.title}</h1><p class="muted">${m.intro}</p>
<h2>${m.open}</h2>${report.open.length ? report.open.map((i) => incident(ctx, i, m)) : h`<p>${m.noOpen}</p>`}
<h2>${m.channels}</h2><div class="card inner"><table><thead><tr><th>${m.channel}</th><th>${m.lastAttempt}</th><th>${m.lastOk}</th><th class="num">${m.failingStreak}</th><th class="num">${m.pending}</th><th class="num">${m.givenUp}</th></tr></thead><tbody>${report.channels.map((c) => channelRow(c, m))}</tbody></table></div>
${testForm(ctx, report, m, results)}
${report.tests.length ? h`<h2>${m.tests}</h2><div class="card inner">${timeline(report.tests, m)}</div>` : h``}
<h2>${m.recent}</h2>${report.recent.length ? report.recent.map((i) => incident(ctx, i, m)) : h`<p>${m.noRecent}</p>`}
<h2>${m.policy}</h2><p class="muted">${policy}</p>`;
  return layout(ctx, m.title, body);
}
