/**
 * One alert, worded once, then shaped for each channel: the generic JSON webhook (signed), Slack
 * and Discord. What a message says: what is failing, since when, how many, which data centres, a
 * sample Ray ID, the remediation headline for that code and a link to the dashboard filtered to it.
 */
import { CODES, type ErrorCode } from "../../core/codes";
import { messagesFor } from "../../core/i18n";
import { formatUtc } from "../../core/time";
import type { AlertEvent, OpenTrack } from "./machine";
import type { AlertPolicy } from "./policy";
import { ALERT_TEXTS, fillText } from "./texts";

export type Channel = "webhook" | "slack" | "discord";
export const CHANNELS: readonly Channel[] = ["webhook", "slack", "discord"];

/** The facts of one message, the same on every channel. */
export interface AlertMessage {
  readonly event: AlertEvent | "test";
  readonly incidentId: string;
  readonly code: ErrorCode | null;
  readonly host: string;
  readonly count: number;
  /** ms */
  readonly since: number;
  /** ms: when the transition happened. */
  readonly at: number;
  readonly rayId: string | null;
  readonly colos: Readonly<Record<string, number>>;
  readonly dashboardUrl: string;
  readonly headline: string;
  /** The first owner step for the code, from the page's texts. */
  readonly remediation: string | null;
  readonly locale: AlertPolicy["locale"];
}

/** Where the dashboard lives, e.g. `https://errors.example.com/__errors` or `https://www.example.com/__errors`. */
export function dashboardLink(base: string, m: { code: ErrorCode | null; host: string; since: number }, locale: string): string {
  const q = new URLSearchParams({ ...(m.code !== null ? { code: String(m.code) } : {}), host: m.host, since: new Date(m.since).toISOString(), lang: locale });
  return `${base.replace(/\/+$/, "")}/?${q}`;
}

export function composeMessage(event: AlertEvent, incident: OpenTrack, at: number, policy: AlertPolicy, dashboardBase: string): AlertMessage {
  const t = ALERT_TEXTS[policy.locale];
  const texts = messagesFor(policy.locale);
  const what =
    incident.subject === "origin_down"
      ? `${t.originDown} (${incident.code})`
      : fillText(t.codeSubject, { code: incident.code, title: texts.codes[incident.code].title });
  return {
    event,
    incidentId: incident.id,
    code: incident.code,
    host: incident.host,
    count: incident.count,
    since: incident.since,
    at,
    rayId: incident.rayId,
    colos: incident.colos,
    dashboardUrl: dashboardLink(dashboardBase, { code: incident.code, host: incident.host, since: incident.since }, policy.locale),
    headline: fillText(t.headline[event], { host: incident.host, what }),
    remediation: texts.codes[incident.code].owner[0] ?? null,
    locale: policy.locale,
  };
}

/** A `test` message for checking a channel: no incident, no counts. */
export function testMessage(host: string, at: number, policy: AlertPolicy, dashboardBase: string): AlertMessage {
  const t = ALERT_TEXTS[policy.locale];
  return {
    event: "test",
    incidentId: `test-${at.toString(36)}`,
    code: null,
    host,
    count: 0,
    since: at,
    at,
    rayId: null,
    colos: {},
    dashboardUrl: dashboardLink(dashboardBase, { code: null, host, since: at }, policy.locale),
    headline: fillText(t.headline.test, { host }),
    remediation: null,
    locale: policy.locale,
  };
}

const coloList = (colos: Readonly<Record<string, number>>): string =>
  Object.entries(colos)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 10)
    .map(([colo, n]) => `${colo} ${n}`)
    .join(", ");

/** The generic webhook's JSON: the issue's contract fields first, then the words. */
export function webhookBody(m: AlertMessage): string {
  return JSON.stringify({
    event: m.event,
    incident_id: m.incidentId,
    error_code: m.code,
    error_name: m.code !== null ? CODES[m.code].name : null,
    host: m.host,
    count: m.count,
    since: new Date(m.since).toISOString(),
    at: new Date(m.at).toISOString(),
    ray_id: m.rayId,
    colos: m.colos,
    dashboard_url: m.dashboardUrl,
    title: m.headline,
    remediation: m.remediation,
    locale: m.locale,
  });
}

/** A channel's markup: how to escape text and how to make a label bold. */
interface Markup {
  readonly esc: (s: string) => string;
  readonly bold: (s: string) => string;
}

/** Lines shared by Slack and Discord. Ray IDs have a fixed shape (hex, dash, letters): safe in a code span. */
function lines(m: AlertMessage, { esc, bold }: Markup): string[] {
  const t = ALERT_TEXTS[m.locale];
  if (m.event === "test") return [esc(t.testBody)];
  const label = (s: string): string => bold(`${esc(s)}:`);
  const out = [`${label(t.since)} ${esc(formatUtc(new Date(m.since)))}`, `${label(t.failures)} ${m.count}`];
  const colos = coloList(m.colos);
  if (colos) out.push(`${label(t.dataCentres)} ${esc(colos)}`);
  if (m.rayId) out.push(`${label(t.sampleRay)} \`${m.rayId}\``);
  if (m.event === "resolved") out.push(esc(fillText(t.lasted, { minutes: Math.max(1, Math.round((m.at - m.since) / 60_000)) })));
  else if (m.remediation) out.push(`${label(t.whatToCheck)} ${esc(m.remediation)}`);
  return out;
}

/** Slack's mrkdwn treats only &, < and > specially; escaping them keeps a link or mention from forming. */
const slackEscape = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function slackBody(m: AlertMessage): string {
  const t = ALERT_TEXTS[m.locale];
  const body = lines(m, { esc: slackEscape, bold: (s) => `*${s}*` }).join("\n");
  const text = `*${slackEscape(m.headline)}*\n${body}\n<${m.dashboardUrl}|${slackEscape(t.dashboard)}>`;
  return JSON.stringify({ text, unfurl_links: false, unfurl_media: false });
}

/** Discord markdown: backslash-escape its markup (masked links need `[`); mentions are disabled outright. */
const discordEscape = (s: string): string => s.replace(/[\\*_~`|>#[\]]/g, (c) => `\\${c}`);

const DISCORD_COLOURS: Readonly<Record<AlertMessage["event"], number>> = { opened: 0xd93025, escalated: 0x8b0000, resolved: 0x188038, test: 0x1a73e8 };

export function discordBody(m: AlertMessage): string {
  const t = ALERT_TEXTS[m.locale];
  return JSON.stringify({
    allowed_mentions: { parse: [] },
    embeds: [
      {
        title: m.headline.slice(0, 256),
        url: m.dashboardUrl,
        description: `${lines(m, { esc: discordEscape, bold: (s) => `**${s}**` }).join("\n")}\n[${discordEscape(t.dashboard)}](${m.dashboardUrl})`.slice(0, 4096),
        color: DISCORD_COLOURS[m.event],
        timestamp: new Date(m.at).toISOString(),
      },
    ],
  });
}

export function bodyFor(channel: Channel, m: AlertMessage): string {
  switch (channel) {
    case "webhook":
      return webhookBody(m);
    case "slack":
      return slackBody(m);
    case "discord":
      return discordBody(m);
  }
}
