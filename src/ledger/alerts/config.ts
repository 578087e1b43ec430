/**
 * The alert settings, read once per ledger object from the site Worker's vars. Like the rest of
 * the ledger's config, a bad value falls back to its default with a log line: a typo in an alert
 * var must never stop the ledger from counting or the site from answering.
 */
import { isLocale } from "../../core/i18n";
import { readAdminPath, readLocale, Reader, type Vars } from "../../core/vars";
import type { ChannelTarget } from "./delivery";
import { type AlertPolicy, DEFAULT_ALERT_POLICY } from "./policy";

export interface AlertConfig {
  readonly policy: AlertPolicy;
  /** The configured channels; empty: incidents are still tracked (dashboard, visitor notice), nothing is sent. */
  readonly targets: readonly ChannelTarget[];
  /**
   * Base of the dashboard links in messages; `{host}` is the incident's host.
   * Default `https://{host}<ADMIN_PATH>` (`ALERT_DASHBOARD_URL`).
   */
  readonly dashboardBase: string;
  /** The first retry's wait; later ones keep the same proportions. Default 30 s (`ALERT_RETRY_S`). */
  readonly retryScale: number;
  /** Each bad var, said once: the build's config check refuses them, the ledger logs them. */
  readonly problems: readonly string[];
}

/** The first wait of the default backoff plan, which `ALERT_RETRY_S` rescales. */
export const DEFAULT_RETRY_S = 30;

/** Reads the alert vars; a bad one is in `problems` and falls back to its default. */
export function readAlertConfig(env: Vars): AlertConfig {
  const r = new Reader(env);
  const d = DEFAULT_ALERT_POLICY;
  const fallbackLocale = readLocale(r);
  const rawLocale = r.string("ALERT_LOCALE");
  if (rawLocale !== undefined && !isLocale(rawLocale)) r.problems.push(`ALERT_LOCALE must be "en" or "ko", got "${rawLocale}"`);
  const policy: AlertPolicy = {
    threshold: Math.floor(r.number("ALERT_THRESHOLD", d.threshold, 1, 1_000_000)),
    downThreshold: Math.floor(r.number("ALERT_DOWN_THRESHOLD", d.downThreshold, 1, 1_000_000)),
    windowMs: r.number("ALERT_WINDOW_S", d.windowMs / 1000, 10, 86_400) * 1000,
    quietMs: r.number("ALERT_QUIET_S", d.quietMs / 1000, 1, 86_400) * 1000,
    escalateFactor: r.number("ALERT_ESCALATE_FACTOR", d.escalateFactor, 1.5, 1000),
    minIntervalMs: r.number("ALERT_MIN_INTERVAL_S", d.minIntervalMs / 1000, 1, 86_400) * 1000,
    locale: rawLocale !== undefined && isLocale(rawLocale) ? rawLocale : fallbackLocale,
  };
  const targets: ChannelTarget[] = [];
  const webhook = r.url("ALERT_WEBHOOK_URL");
  const secret = r.string("ALERT_WEBHOOK_SECRET");
  if (webhook) {
    if (!secret) r.problems.push("ALERT_WEBHOOK_URL is set without ALERT_WEBHOOK_SECRET: the webhook is sent unsigned");
    targets.push({ channel: "webhook", url: webhook.href, ...(secret ? { secret } : {}) });
  }
  const slack = r.url("ALERT_SLACK_URL");
  if (slack) targets.push({ channel: "slack", url: slack.href });
  const discord = r.url("ALERT_DISCORD_URL");
  if (discord) targets.push({ channel: "discord", url: discord.href });
  const adminPath = readAdminPath(r);
  const dashboard = r.url("ALERT_DASHBOARD_URL");
  const config: AlertConfig = {
    policy,
    targets,
    dashboardBase: dashboard ? dashboard.href.replace(/\/+$/, "") : `https://{host}${adminPath}`,
    retryScale: r.number("ALERT_RETRY_S", DEFAULT_RETRY_S, 0.1, 3600) / DEFAULT_RETRY_S,
    problems: r.problems,
  };
  return config;
}

/** {@link readAlertConfig}, with a log line per problem: what the ledger does once per object. */
export function loadAlertConfig(env: Vars): AlertConfig {
  const config = readAlertConfig(env);
  for (const problem of config.problems) console.error(JSON.stringify({ msg: "alert config: using the default", problem }));
  return config;
}

/** The dashboard base for one host. */
export const dashboardFor = (config: AlertConfig, host: string): string => config.dashboardBase.replace("{host}", host);
