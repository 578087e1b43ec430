/**
 * The admin Worker's vars and secret, validated once per isolate. ADMIN_PATH and DEFAULT_LOCALE
 * are read exactly as the site Worker reads them, since the two Workers must agree on the path.
 */
import { ConfigError, readAdminPath, readLocale, Reader, throwIfProblems, type Vars } from "../core/vars";
import type { Locale } from "../core/i18n";

export { ConfigError };

/** The KV binding both Workers share: the site Worker writes incidents there, this one reads them. */
export const INCIDENTS_BINDING = "INCIDENTS";

export interface AdminConfig {
  /** Where the owner API and dashboard live. Default "/__errors". */
  readonly path: string;
  /** The bearer token, and the root of every key derived for cursors and sessions. */
  readonly token: string;
  /** KV binding that holds the incidents. */
  readonly binding: string;
  /** The dashboard's language when neither `?lang=` nor `Accept-Language` names one we have. */
  readonly defaultLocale: Locale;
}

/** Reads the admin Worker's config from `env`. Throws ConfigError listing every problem. */
export function loadAdminConfig(env: Vars): AdminConfig {
  const r = new Reader(env);
  const path = readAdminPath(r);
  const defaultLocale = readLocale(r);
  // The value itself never goes into a message: problems are shown to whoever asks.
  const token = r.string("ADMIN_TOKEN");
  if (token === undefined) r.problems.push("ADMIN_TOKEN is not set: `npx wrangler secret put ADMIN_TOKEN -c wrangler.admin.toml`");
  else if (token.length < 16) r.problems.push("ADMIN_TOKEN must be at least 16 characters");
  throwIfProblems(r);
  // An unset token was a problem above, so it is set here.
  return { path, token: token as string, binding: INCIDENTS_BINDING, defaultLocale };
}
