// @ts-check
/**
 * Local secrets for `npm start`, which runs both Workers in one `wrangler dev` session.
 *
 * wrangler gives `--var` to the first config only, and reads `.dev.vars` beside each config; both
 * configs sit at the repository root. So the admin token goes in `.dev.vars` (git-ignored, never
 * deployed), and the site Worker is pointed with `--env-file` at a copy of `.dev.vars` without the
 * token: the developer's own local vars (a brand, a locale) reach the site Worker, and the token
 * lives in the admin Worker only, locally too.
 */
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * A new local admin token: 192 random bits, base64url (32 characters). Random per checkout, so a
 * page that reaches the local admin Worker (DNS rebinding, a local proxy) cannot guess it the way
 * it could guess a fixed string published in the README.
 */
export function newDevToken() {
  return `local-${randomBytes(24).toString("base64url")}`;
}

const HEADER = "# The admin Worker's local secrets for `npm start` (wrangler dev). Never deployed.";

/**
 * @typedef {object} LocalSecrets
 * @property {string} siteEnvFile  Pass to `wrangler dev --env-file`: `.dev.vars` without ADMIN_TOKEN, for the site Worker.
 * @property {string} token        The admin token the dev session uses (never to be printed).
 * @property {string} tokenFile    Where it is: the `.dev.vars` file.
 * @property {string | null} note  What was written, if anything, to tell the developer.
 */

/**
 * The ADMIN_TOKEN line of a dotenv text, unquoted; undefined when there is none.
 * @param {string} text
 * @returns {string | undefined}
 */
function tokenIn(text) {
  const m = /^\s*(?:export\s+)?ADMIN_TOKEN\s*=\s*(.*?)\s*$/m.exec(text);
  if (!m) return undefined;
  const raw = m[1] ?? "";
  return /^(["']).*\1$/.test(raw) ? raw.slice(1, -1) : raw.replace(/\s+#.*$/, "");
}

const TOKEN_LINE = /^\s*(?:export\s+)?ADMIN_TOKEN\s*=/;

/**
 * The site Worker's local env file: every line of `.dev.vars` but the token's.
 * @param {string} file @param {string} devVarsText
 */
function writeSiteEnv(file, devVarsText) {
  const kept = devVarsText.split(/\r?\n/).filter((line) => !TOKEN_LINE.test(line) && line !== HEADER);
  const body = kept.join("\n").trim();
  writeFileSync(file, `# Written by \`npm start\` from .dev.vars without the admin token: the site Worker's local vars.\n${body ? `${body}\n` : ""}`, { mode: 0o600 });
}

/**
 * Makes sure `.dev.vars` holds an ADMIN_TOKEN (adding a new random one if it does not, never
 * changing one that is there), then writes the site Worker's env file from it. The token is never
 * printed: the note says where it is.
 * @param {string} root  The repository root.
 * @returns {LocalSecrets}
 */
export function prepareLocalSecrets(root) {
  const devVars = join(root, ".dev.vars");
  const siteEnvFile = join(root, ".wrangler", "dev", "site.env");
  mkdirSync(dirname(siteEnvFile), { recursive: true });

  if (!existsSync(devVars)) {
    const token = newDevToken();
    writeFileSync(devVars, `${HEADER}\nADMIN_TOKEN=${token}\n`, { mode: 0o600 });
    writeSiteEnv(siteEnvFile, "");
    return { siteEnvFile, token, tokenFile: devVars, note: `Wrote a new random ADMIN_TOKEN to ${devVars} for the admin Worker.` };
  }
  const text = readFileSync(devVars, "utf8");
  writeSiteEnv(siteEnvFile, text);
  const existing = tokenIn(text);
  if (existing) return { siteEnvFile, token: existing, tokenFile: devVars, note: null };
  const token = newDevToken();
  appendFileSync(devVars, `${text === "" || text.endsWith("\n") ? "" : "\n"}${HEADER}\nADMIN_TOKEN=${token}\n`);
  return { siteEnvFile, token, tokenFile: devVars, note: `Added a new random ADMIN_TOKEN to ${devVars} for the admin Worker.` };
}
