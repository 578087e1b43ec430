/**
 * The admin Worker's vars and secret, validated once per isolate. ADMIN_PATH and DEFAULT_LOCALE
 * are read exactly as the site Worker reads them, since the two Workers must agree on the path.
 */
import { ConfigError, readAdminPath, readLocale, Reader, type Vars } from "../core/vars";
import type { Locale } from "../core/i18n";

export { ConfigError };

/** The KV binding both Workers share: the site Worker writes incidents there, this one reads them. */
export const INCIDENTS_BINDING = "INCIDENTS";
/** The Rate Limiting binding that counts sign-in attempts (wrangler.admin.toml `[[ratelimits]]`). */
export const LOGIN_LIMIT_BINDING = "LOGIN_RATE_LIMIT";

/**
 * Where the owner side is served. `own-host`: on hostnames of its own (ADMIN_HOST), an origin no
 * page of the site shares. `same-site`: under ADMIN_PATH on the site, through the ADMIN binding,
 * where every page of the site is same-origin with the dashboard.
 */
export type AdminMode = "own-host" | "same-site";

/** Cloudflare Access in front of the admin Worker. */
export interface AccessConfig {
  /** The team's origin, e.g. "https://acme.cloudflareaccess.com": the JWT's `iss`, and where the keys are. */
  readonly teamOrigin: string;
  /** The application's Audience (AUD) tag: the JWT's `aud` must contain it. */
  readonly aud: string;
  /** `<teamOrigin>/cdn-cgi/access/certs`. */
  readonly certsUrl: string;
}

export interface AdminConfig {
  /** Where the owner API and dashboard live. Default "/__errors". */
  readonly path: string;
  /** The bearer token, and the root of every key derived for cursors and sessions. */
  readonly token: string;
  /** KV binding that holds the incidents. */
  readonly binding: string;
  /** The dashboard's language when neither `?lang=` nor `Accept-Language` names one we have. */
  readonly defaultLocale: Locale;
  /** See {@link AdminMode}: "own-host" when ADMIN_HOST is set. Default "same-site". */
  readonly mode: AdminMode;
  /** ADMIN_HOST: the only hosts (`name` or `name:port`, lower case) answered in own-host mode. */
  readonly hosts: readonly string[];
  /** ADMIN_LOCAL_ONLY: answer only loopback Host values (local development). Default false. */
  readonly localOnly: boolean;
  /** ACCESS_TEAM_DOMAIN and ACCESS_AUD, or null when Access is not used. */
  readonly access: AccessConfig | null;
  /** Rate Limiting binding for sign-in attempts. */
  readonly loginLimit: string;
}

/**
 * An invalid admin config. `token` is the configured ADMIN_TOKEN when that one value is valid, so
 * the owner can still be told what is wrong; everyone else only learns that something is.
 */
export class AdminConfigError extends ConfigError {
  constructor(
    message: string,
    readonly token: string | undefined,
    problems?: readonly string[],
  ) {
    super(message, problems);
  }
}

const HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/;

function readHosts(r: Reader): string[] {
  const raw = r.string("ADMIN_HOST");
  if (raw === undefined) return [];
  const hosts = raw.split(",").map((h) => h.trim().toLowerCase()).filter((h) => h !== "");
  for (const host of hosts) {
    if (!HOST.test(host)) r.problems.push(`ADMIN_HOST must be host names (e.g. "errors.example.com"), comma-separated, without scheme or path; got "${host}"`);
  }
  if (hosts.length === 0) r.problems.push(`ADMIN_HOST must name at least one host, got "${raw}"`);
  return hosts;
}

/** True for http:// team domains, which only loopback may use (tests run a key server there). */
const isLoopbackHost = (hostname: string): boolean => hostname === "localhost" || hostname === "[::1]" || /^127(?:\.\d{1,3}){3}$/.test(hostname);

function readAccess(r: Reader): AccessConfig | null {
  const domain = r.string("ACCESS_TEAM_DOMAIN");
  const aud = r.string("ACCESS_AUD");
  if (domain === undefined && aud === undefined) return null;
  if (domain === undefined || aud === undefined) {
    r.problems.push("ACCESS_TEAM_DOMAIN and ACCESS_AUD go together: set both (Cloudflare Access) or neither");
    return null;
  }
  if (!/^[\x21-\x7e]{1,256}$/.test(aud)) r.problems.push("ACCESS_AUD must be the Access application's Audience (AUD) tag");
  let url: URL | undefined;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(domain) ? domain : `https://${domain}`);
  } catch {
    url = undefined;
  }
  const pathless = url !== undefined && (url.pathname === "/" || url.pathname === "") && !url.search && !url.hash && !url.username;
  const secure = url?.protocol === "https:" || (url?.protocol === "http:" && isLoopbackHost(url.hostname));
  if (!url || !pathless || !secure) {
    r.problems.push(`ACCESS_TEAM_DOMAIN must be your Access team domain, e.g. "acme.cloudflareaccess.com" (https; http only on loopback, for tests), got "${domain}"`);
    return null;
  }
  return { teamOrigin: url.origin, aud, certsUrl: `${url.origin}/cdn-cgi/access/certs` };
}

function readToken(r: Reader): string | undefined {
  // The value itself never goes into a message: problems may be shown.
  const token = r.string("ADMIN_TOKEN");
  if (token === undefined) r.problems.push("ADMIN_TOKEN is not set: `npx wrangler secret put ADMIN_TOKEN -c wrangler.admin.toml`");
  else if (token.length < 16) r.problems.push("ADMIN_TOKEN must be at least 16 characters");
  else return token;
  return undefined;
}

/** Reads the admin Worker's config from `env`. Throws {@link AdminConfigError} listing every problem. */
export function loadAdminConfig(env: Vars): AdminConfig {
  const r = new Reader(env);
  const path = readAdminPath(r);
  const defaultLocale = readLocale(r);
  const token = readToken(r);
  const hosts = readHosts(r);
  const localOnly = r.boolean("ADMIN_LOCAL_ONLY");
  const access = readAccess(r);
  if (r.problems.length > 0 || token === undefined) throw new AdminConfigError(`invalid configuration: ${r.problems.join("; ")}`, token, r.problems);
  return {
    path,
    token,
    binding: INCIDENTS_BINDING,
    defaultLocale,
    mode: hosts.length > 0 ? "own-host" : "same-site",
    hosts,
    localOnly,
    access,
    loginLimit: LOGIN_LIMIT_BINDING,
  };
}

export { isLoopbackHost };
