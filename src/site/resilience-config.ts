/**
 * The site Worker's resilience vars: the last good copy, the retry and backup origin, maintenance
 * mode and the status page link. Read once per isolate with the rest of the config.
 */
import type { Reader } from "../core/vars";
import { compileAllowList } from "./maintenance";
import { DEFAULT_RETRY, type RetryOptions } from "./retry";
import { compilePaths, DEFAULT_STALE, type StaleOptions } from "./stale/policy";

export interface ResilienceConfig {
  /** Null unless STALE_PATHS names paths. */
  readonly stale: StaleOptions | null;
  readonly retry: RetryOptions;
  /** The in-isolate trust of the maintenance flag, in ms; 0 turns the check off. */
  readonly maintenanceCheckMs: number;
  readonly maintenanceAllowIps: readonly string[];
  readonly statusPageUrl?: string;
}

export function readResilience(r: Reader): ResilienceConfig {
  const paths = r.list("STALE_PATHS");
  try {
    compilePaths(paths);
  } catch (err) {
    r.problems.push((err as Error).message);
  }
  const stale: StaleOptions = {
    paths,
    maxAgeS: r.number("STALE_MAX_AGE_S", DEFAULT_STALE.maxAgeS, 1, 31_536_000),
    maxBytes: Math.floor(r.number("STALE_MAX_BYTES", DEFAULT_STALE.maxBytes, 1024, 25 * 1024 * 1024)),
    refreshS: r.number("STALE_REFRESH_S", DEFAULT_STALE.refreshS, 1, 86_400),
    bypassCookies: r.list("STALE_BYPASS_COOKIES"),
    onOriginStatus: r.boolean("STALE_ON_5XX"),
  };
  const backupUrl = r.url("BACKUP_ORIGIN_URL");
  const retry: RetryOptions = {
    retry: r.boolean("ORIGIN_RETRY", true),
    delayMs: r.number("ORIGIN_RETRY_DELAY_MS", 100, 0, 5000),
    connectTimeoutMs: r.number("ORIGIN_CONNECT_TIMEOUT_MS", DEFAULT_RETRY.connectTimeoutMs, 0, 600_000),
    ...(backupUrl ? { backupUrl } : {}),
  };
  const statusPageUrl = r.url("STATUS_PAGE_URL")?.href;
  const allowIps = r.list("MAINTENANCE_ALLOW_IPS");
  try {
    compileAllowList(allowIps);
  } catch (err) {
    r.problems.push((err as Error).message);
  }
  return {
    stale: paths.length > 0 ? stale : null,
    retry,
    maintenanceCheckMs: r.number("MAINTENANCE_CHECK_S", 10, 0, 300) * 1000,
    maintenanceAllowIps: allowIps,
    ...(statusPageUrl ? { statusPageUrl } : {}),
  };
}
