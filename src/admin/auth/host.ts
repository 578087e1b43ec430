/**
 * Which Host values the admin Worker answers. In own-host mode (ADMIN_HOST) only its own: the
 * site's ADMIN_PATH, still handed over by the ADMIN binding, is refused, so the owner side has one
 * origin and no page of the site shares it. With ADMIN_LOCAL_ONLY (`npm start`) only loopback
 * names: a page on another name that resolves to 127.0.0.1 (DNS rebinding) gets nothing.
 *
 * Two routes are answered on the site's hosts in own-host mode too. The owner check the site
 * Worker asks while maintenance is on carries the visitor's URL, so it names the site's host;
 * refusing it would shut the owner out of their own site. It gives no data, only yes or no for the
 * credentials sent: what the site itself tells a request carrying them while maintenance is on.
 * The hand-over sets the owner's pass on the site's host for a link the dashboard signed for that
 * host; without one it only says no.
 */
import { OWNER_CHECK_PATH, OWNER_HANDOVER_PATH } from "../../core/maintenance";
import type { AdminConfig } from "../config";
import { isLoopbackHost } from "../config";

/** Why a request's host was refused, or null when it may be answered. */
export type HostRefusal = "not_loopback" | "not_admin_host";

export const HOST_REFUSAL_DETAIL: Readonly<Record<HostRefusal, string>> = {
  not_loopback: "this admin Worker runs for local development (ADMIN_LOCAL_ONLY) and answers only loopback hosts: open it as http://localhost:<port> or http://127.0.0.1:<port>",
  // The admin hostname is not named: whoever asks on the site's host need not learn it.
  not_admin_host: "the owner side is served on a hostname of its own (ADMIN_HOST), not on this host",
};

const hostnameOf = (host: string): string => (host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : (host.split(":")[0] ?? ""));

/** The hosts a request names: its URL's, and the Host header when it differs (both must pass). */
function hostsOf(request: Request): string[] {
  const url = new URL(request.url).host.toLowerCase();
  const header = request.headers.get("host")?.toLowerCase();
  return header === undefined || header === url ? [url] : [url, header];
}

/** The routes answered on the site's hosts: the owner check, and the hand-over that sets the pass there. */
function isSiteRoute(config: Pick<AdminConfig, "path">, request: Request): boolean {
  if (request.method !== "GET") return false;
  const path = new URL(request.url).pathname;
  return path === `${config.path}${OWNER_CHECK_PATH}` || path === `${config.path}${OWNER_HANDOVER_PATH}`;
}

/** Null when `request` may be answered under `config`, otherwise why not. */
export function checkHost(config: Pick<AdminConfig, "mode" | "hosts" | "localOnly" | "path">, request: Request): HostRefusal | null {
  const hosts = hostsOf(request);
  if (config.localOnly && !hosts.every((h) => isLoopbackHost(hostnameOf(h)))) return "not_loopback";
  if (config.mode === "own-host" && !isSiteRoute(config, request) && !hosts.every((h) => config.hosts.includes(h) || config.hosts.includes(hostnameOf(h)))) return "not_admin_host";
  return null;
}
