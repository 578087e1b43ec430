// @ts-check
/**
 * `npm start`: the local demo. Starts the demo origins (demo/origin.mjs) on 127.0.0.1, then one
 * `wrangler dev` session (local mode, local KV) running both Workers: the site Worker with
 * ORIGIN_URL pointing at the chosen origin, and the admin Worker behind its ADMIN binding, with
 * the admin token from `.dev.vars` (see dev-secrets.mjs).
 *
 *   npm start                               the scenario server (a path per failure)
 *   npm start -- --origin refused           a port that refuses connections      → 521
 *   npm start -- --origin connect-timeout   a port whose connects hang (python3) → 522
 *   npm start -- --origin tls-plain         https:// against the plain HTTP port → 525
 *   npm start -- --origin tls-invalid       TLS with a self-signed certificate   → 526
 *   npm start -- --port 8790                another port for the Worker (default 8787)
 *
 * The scenario server listens on 127.0.0.1:8788 unless ORIGIN_PORT is set. Nothing is
 * downloaded and nothing but loopback is used.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startOrigins } from "../demo/origin.mjs";
import { DEV_TOKEN, prepareLocalSecrets } from "./dev-secrets.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const HOST = "127.0.0.1";
/** Short, so the /hang demo answers 524 in seconds rather than Cloudflare's 100 s. */
const DEV_ORIGIN_TIMEOUT_MS = 8000;

const MODES = /** @type {const} */ (["scenarios", "refused", "connect-timeout", "tls-plain", "tls-invalid"]);
/** @typedef {(typeof MODES)[number]} Mode */

const USAGE = `Usage: npm start -- [--origin ${MODES.join("|")}] [--port <worker port>]

  --origin scenarios        the demo origin with a path per failure (default)
  --origin refused          an origin port that refuses connections      → 521
  --origin connect-timeout  an origin port whose connects never complete → 522 (needs python3)
  --origin tls-plain        https:// against a plain HTTP port           → 525
  --origin tls-invalid      TLS with a self-signed certificate           → 526
  --port <n>                the Worker's port (default 8787)

Environment: ORIGIN_PORT sets the scenario server's port (default 8788).`;

/**
 * @param {string} message
 * @returns {never}
 */
function fail(message) {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

/**
 * @param {string | undefined} raw
 * @param {string} what
 * @returns {number}
 */
function portArg(raw, what) {
  const n = Number(raw);
  if (raw === undefined || !/^\d+$/.test(raw) || n < 1 || n > 65535) fail(`${what} must be a port from 1 to 65535, got ${JSON.stringify(raw)}`);
  return n;
}

let args;
try {
  args = parseArgs({
    options: {
      origin: { type: "string", default: "scenarios" },
      port: { type: "string", default: "8787" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
    allowPositionals: false,
  }).values;
} catch (err) {
  fail(/** @type {Error} */ (err).message);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const mode = /** @type {Mode} */ (args.origin);
if (!MODES.includes(mode)) fail(`Unknown --origin ${JSON.stringify(args.origin)}.`);
const workerPort = portArg(args.port, "--port");
const originPort = process.env.ORIGIN_PORT === undefined ? 8788 : portArg(process.env.ORIGIN_PORT, "ORIGIN_PORT");

const wrangler =
  process.platform === "win32"
    ? { cmd: process.execPath, pre: [join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js")] }
    : { cmd: join(ROOT, "node_modules", ".bin", "wrangler"), pre: [] };
if (!existsSync(wrangler.pre[0] ?? wrangler.cmd)) {
  console.error(`wrangler is not installed in ${ROOT}/node_modules: run \`npm install\` first.`);
  process.exit(1);
}

const secrets = prepareLocalSecrets(ROOT);
// A token of the developer's own choosing stays off the screen.
const shownToken = secrets.token === DEV_TOKEN ? DEV_TOKEN : "<ADMIN_TOKEN from .dev.vars>";

/** @type {import("../demo/origin.mjs").Origins} */
let origins;
try {
  // The full-backlog port needs a python3 child and a 1 s self-check: only start it when used.
  origins = await startOrigins({ port: originPort, backlog: mode === "connect-timeout" });
} catch (err) {
  const e = /** @type {NodeJS.ErrnoException} */ (err);
  console.error(
    e.code === "EADDRINUSE"
      ? `Port ${originPort} is taken: stop whatever uses it, or set ORIGIN_PORT to another port.`
      : `Could not start the demo origins: ${e.message}`,
  );
  process.exit(1);
}

/** @type {Record<Mode, string | null>} */
const originUrls = {
  scenarios: origins.http,
  refused: `http://${HOST}:${origins.refusedPort}`,
  "connect-timeout": origins.backlogPort === null ? null : `http://${HOST}:${origins.backlogPort}`,
  "tls-plain": `https://${HOST}:${origins.port}`,
  "tls-invalid": `https://${HOST}:${origins.tlsPort}`,
};
const originUrl = originUrls[mode];
if (originUrl === null) {
  console.error("--origin connect-timeout needs python3 (to hold a port whose accept queue is full); see the message above.");
  await origins.close();
  process.exit(1);
}

const W = `http://${HOST}:${workerPort}`;
const describeMode = {
  scenarios: `the demo scenario server, ${origins.http}`,
  refused: `a refused port, ${originUrl} → expect 521 on every path`,
  "connect-timeout": `a port whose connects never complete, ${originUrl} → expect 522 after ${DEV_ORIGIN_TIMEOUT_MS / 1000} s`,
  "tls-plain": `TLS against the plain HTTP port, ${originUrl} → expect 525 on every path`,
  "tls-invalid": `TLS with a self-signed certificate, ${originUrl} → expect 526 on every path`,
}[mode];

const scenarioGuide = `
  Try (open in a browser, or curl -i):
    ${W}/                        the demo index: every scenario as a link
    ${W}/ok                      a healthy page, passed through
    ${W}/status/502              the origin's own 502           → 502 page
    ${W}/branded/502             a cloudflare-nginx 502 body    → 502 page blaming the edge
    ${W}/garbage                 a reply that is not HTTP       → 520
    ${W}/empty                   closes without replying        → 520
    ${W}/hang                    never answers                  → 524 after ORIGIN_TIMEOUT_MS
                                      (${DEV_ORIGIN_TIMEOUT_MS} ms here via --var; 100000 in production)
    ${W}/cf530/1016              530 "error code: 1016"         → 530 page for 1016
    curl -i -H 'Accept: application/json' ${W}/json/500
                                 an API's JSON error            → passed to JSON clients`;

/** @type {Record<Mode, string>} */
const modeResult = {
  scenarios: "the scenario server (a path per failure)",
  refused: "→ 521 (connection refused)",
  "connect-timeout": "→ 522 (connect never completes; needs python3)",
  "tls-plain": "→ 525 (TLS against a plain HTTP port)",
  "tls-invalid": "→ 526 (self-signed certificate)",
};
const otherModes = MODES.filter((m) => m !== mode)
  .map((m) => `    npm start -- --origin ${m.padEnd(16)} ${modeResult[m]}`)
  .join("\n");

console.log(`
edge-error-pages: local demo
  Worker   ${W}   (wrangler dev, local mode, local KV; the admin Worker runs beside it)
  Origin   ${describeMode}
${mode === "scenarios" ? scenarioGuide : `\n  Every path fails the same way in this mode, e.g. curl -i ${W}/`}

  Other origin failures (restart with):
${otherModes}

  Incidents are recorded in local KV (.wrangler/state). Read them in the dashboard at
    ${W}/__errors/   (sign in with the token below)
  or from a terminal:
    npm run incidents -- --url ${W} --token ${shownToken} --since 1h
  The admin Worker's token is in .dev.vars${secrets.token === DEV_TOKEN ? ` (${DEV_TOKEN}): for local development only, never use it in a deployment` : ""}.${secrets.note ? `\n  ${secrets.note}` : ""}
`);

const child = spawn(
  wrangler.cmd,
  [
    ...wrangler.pre,
    "dev",
    // The first config is the one served on --port and given --var and --env-file.
    "-c",
    "wrangler.toml",
    "-c",
    "wrangler.admin.toml",
    "--port",
    String(workerPort),
    "--ip",
    HOST,
    "--env-file",
    secrets.siteEnvFile,
    "--var",
    `ORIGIN_URL:${originUrl}`,
    "--var",
    `ORIGIN_TIMEOUT_MS:${DEV_ORIGIN_TIMEOUT_MS}`,
  ],
  {
    cwd: ROOT,
    stdio: "inherit",
    shell: false,
    env: {
      ...process.env,
      // Loopback only: no telemetry, no error reports, no update check (it runs with the
      // banner), no download of the request.cf data.
      WRANGLER_SEND_METRICS: process.env.WRANGLER_SEND_METRICS ?? "false",
      WRANGLER_SEND_ERROR_REPORTS: process.env.WRANGLER_SEND_ERROR_REPORTS ?? "false",
      WRANGLER_HIDE_BANNER: process.env.WRANGLER_HIDE_BANNER ?? "true",
      CLOUDFLARE_CF_FETCH_ENABLED: process.env.CLOUDFLARE_CF_FETCH_ENABLED ?? "false",
    },
  },
);

let exiting = false;
/** @param {number} code */
async function shutdown(code) {
  if (exiting) return;
  exiting = true;
  const force = setTimeout(() => process.exit(code), 5000);
  force.unref();
  await origins.close().catch(() => undefined);
  process.exit(code);
}

child.on("error", (err) => {
  console.error(`Could not start wrangler: ${err.message}`);
  void shutdown(1);
});
child.on("exit", (code, signal) => {
  const signals = /** @type {Record<string, number>} */ ({ SIGINT: 2, SIGTERM: 15, SIGKILL: 9, SIGHUP: 1 });
  void shutdown(code ?? (signal ? 128 + (signals[signal] ?? 1) : 1));
});

/** @param {NodeJS.Signals} signal */
function forward(signal) {
  // On Ctrl-C the terminal already signals wrangler (same process group); forwarding is for
  // signals sent to this process alone. Either way we exit when wrangler does.
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  const kill = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }, 10_000);
  kill.unref();
}
process.on("SIGINT", () => forward("SIGINT"));
process.on("SIGTERM", () => forward("SIGTERM"));
