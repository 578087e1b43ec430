// @ts-check
/**
 * `npm start`: the local demo. Starts the demo origins (demo/origin.mjs) on 127.0.0.1, then two
 * `wrangler dev` sessions (local mode, one local KV under .wrangler/state): the admin Worker on a
 * port of its own (the own-hostname setup the README recommends, here localhost:8789), and the
 * site Worker with ORIGIN_URL pointing at the chosen origin and its ADMIN binding connected to the
 * admin session through a dev registry kept in this checkout. The admin token comes from
 * `.dev.vars` (see dev-secrets.mjs); the admin Worker answers loopback Host values only.
 *
 *   npm start                               the scenario server (a path per failure)
 *   npm start -- --origin refused           a port that refuses connections      → 521
 *   npm start -- --origin connect-timeout   a port whose connects hang (python3) → 522
 *   npm start -- --origin tls-plain         https:// against the plain HTTP port → 525
 *   npm start -- --origin tls-invalid       TLS with a self-signed certificate   → 526
 *   npm start -- --port 8790                another port for the Worker (default 8787)
 *   npm start -- --admin-port 8791          another port for the admin Worker (default 8789)
 *   npm start -- --admin same-site          the owner side under /__errors on the site instead
 *
 * The scenario server listens on 127.0.0.1:8788 unless ORIGIN_PORT is set. Nothing is
 * downloaded and nothing but loopback is used.
 */
import { spawn } from "node:child_process";
import { connect } from "node:net";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startOrigins } from "../demo/origin.mjs";
import { announceFirstIncident } from "./dev-seed.mjs";
import { prepareLocalSecrets } from "./dev-secrets.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const HOST = "127.0.0.1";
/** Short, so the /hang demo answers 524 in seconds rather than Cloudflare's 100 s. */
const DEV_ORIGIN_TIMEOUT_MS = 8000;

const MODES = /** @type {const} */ (["scenarios", "refused", "connect-timeout", "tls-plain", "tls-invalid"]);
/** @typedef {(typeof MODES)[number]} Mode */

const ADMIN_MODES = /** @type {const} */ (["own-port", "same-site"]);
/** @typedef {(typeof ADMIN_MODES)[number]} AdminMode */

const USAGE = `Usage: npm start -- [--origin ${MODES.join("|")}] [--port <worker port>] [--admin own-port|same-site] [--admin-port <port>]

  --origin scenarios        the demo origin with a path per failure (default)
  --origin refused          an origin port that refuses connections      → 521
  --origin connect-timeout  an origin port whose connects never complete → 522 (needs python3)
  --origin tls-plain        https:// against a plain HTTP port           → 525
  --origin tls-invalid      TLS with a self-signed certificate           → 526
  --port <n>                the Worker's port (default 8787)
  --admin own-port          the owner side on a port of its own, http://localhost:8789 (default)
  --admin same-site         the owner side under /__errors on the site's port (the configs' default)
  --admin-port <n>          the admin Worker's port (default 8789)

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
      admin: { type: "string", default: "own-port" },
      "admin-port": { type: "string", default: "8789" },
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
const adminMode = /** @type {AdminMode} */ (args.admin);
if (!ADMIN_MODES.includes(adminMode)) fail(`Unknown --admin ${JSON.stringify(args.admin)}.`);
const adminPort = portArg(args["admin-port"], "--admin-port");
if (adminPort === workerPort) fail("--admin-port must differ from --port.");
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
/** `localhost`, not 127.0.0.1: cookies ignore ports, so the site's origin on 127.0.0.1 never sees the admin's cookie. */
const A = `http://localhost:${adminPort}`;
const adminUrl = adminMode === "own-port" ? `${A}/__errors` : `${W}/__errors`;
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
  Worker   ${W}   (wrangler dev, local mode, local KV, the incident ledger beside it)
  Admin    ${adminMode === "own-port" ? `${A}/   (the admin Worker, on a port of its own)` : `${W}/__errors/   (same-site mode; the admin Worker's session runs on ${adminPort})`}
  Origin   ${describeMode}
${mode === "scenarios" ? scenarioGuide : `\n  Every path fails the same way in this mode, e.g. curl -i ${W}/`}

  Other origin failures (restart with):
${otherModes}

  Incidents are counted by the incident ledger (a Durable Object, local SQLite) and written to
  local KV (.wrangler/state) within about 5 seconds. Read them in the dashboard at
    ${adminUrl}/   (${adminMode === "own-port" ? "the admin Worker on a port of its own, as on its own hostname in production" : "same-site mode: under the site's own origin"})
  or from a terminal:
    EDGE_ERRORS_TOKEN="$(sed -n 's/^ADMIN_TOKEN=//p' .dev.vars)" npm run incidents -- --url ${adminMode === "own-port" ? A : W} --since 1h
  Sign in with the admin token kept in ${secrets.tokenFile} (ADMIN_TOKEN=…; never printed).${secrets.note ? `\n  ${secrets.note}` : ""}
  ${adminMode === "own-port" ? `The site's ${W}/__errors is refused (421): the owner side lives on its own origin. npm start -- --admin same-site puts it there.` : `The recommended setup, the owner side on its own origin: npm start (without --admin same-site).`}

  Expected: for each failure the demo causes on purpose, wrangler prints a red "✘ [ERROR]" block
  (e.g. "Network connection lost", "internal error"). That is the origin failing as asked and the
  Worker turning it into a page, not a problem with the demo.
`);

// Both sessions find each other (the site's ADMIN binding) through a dev registry of this
// checkout only: another checkout's `npm start` on the same machine is not connected to it.
const registry = join(ROOT, ".wrangler", "dev", "registry");
const childEnv = {
  ...process.env,
  WRANGLER_REGISTRY_PATH: registry,
  // Loopback only: no telemetry, no error reports, no update check (it runs with the
  // banner), no download of the request.cf data.
  WRANGLER_SEND_METRICS: process.env.WRANGLER_SEND_METRICS ?? "false",
  WRANGLER_SEND_ERROR_REPORTS: process.env.WRANGLER_SEND_ERROR_REPORTS ?? "false",
  WRANGLER_HIDE_BANNER: process.env.WRANGLER_HIDE_BANNER ?? "true",
  CLOUDFLARE_CF_FETCH_ENABLED: process.env.CLOUDFLARE_CF_FETCH_ENABLED ?? "false",
};

/** @param {string[]} args */
function wranglerDev(args) {
  return spawn(wrangler.cmd, [...wrangler.pre, "dev", ...args], { cwd: ROOT, stdio: "inherit", shell: false, env: childEnv });
}

// The admin Worker first, so the site's binding finds it. It reads .dev.vars (its token) itself.
const adminVars = [
  // DNS rebinding: a page on a name that resolves to 127.0.0.1 gets nothing from it.
  "--var",
  "ADMIN_LOCAL_ONLY:true",
  // Own-hostname mode on loopback: only this port's names (see src/admin/auth/host.ts).
  ...(adminMode === "own-port" ? ["--var", `ADMIN_HOST:localhost:${adminPort},127.0.0.1:${adminPort},[::1]:${adminPort}`] : []),
];
const siteArgs = [
  "-c",
  "wrangler.toml",
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
  // Locally the ledger sends and writes every few seconds instead of every 10 s and minute.
  "--var",
  "INCIDENT_WINDOW_S:2",
  "--var",
  "INCIDENT_FLUSH_S:3",
];
/** @type {import("node:child_process").ChildProcess[]} */
const children = [wranglerDev(["-c", "wrangler.admin.toml", "--port", String(adminPort), "--ip", HOST, ...adminVars])];

/**
 * Resolves once something accepts connections on `port`. The site session starts after the admin
 * one is up: started together, both would pick the same free debugger port, and the loser stops.
 * @param {number} port
 */
async function listening(port) {
  for (let i = 0; i < 240 && !exiting; i++) {
    const up = await new Promise((resolve) => {
      const socket = connect({ host: HOST, port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on("error", () => resolve(false));
    });
    if (up) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

let exiting = false;
/** @param {number} code */
async function shutdown(code) {
  if (exiting) return;
  exiting = true;
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  const force = setTimeout(() => process.exit(code), 5000);
  force.unref();
  await origins.close().catch(() => undefined);
  process.exit(code);
}

/** @param {NodeJS.Signals} signal */
function forward(signal) {
  // On Ctrl-C the terminal already signals wrangler (same process group); forwarding is for
  // signals sent to this process alone. Either way we exit when wrangler does.
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const kill = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }, 10_000);
    kill.unref();
  }
}
process.on("SIGINT", () => forward("SIGINT"));
process.on("SIGTERM", () => forward("SIGTERM"));

/** @param {import("node:child_process").ChildProcess} child */
function watch(child) {
  child.on("error", (err) => {
    console.error(`Could not start wrangler: ${err.message}`);
    void shutdown(1);
  });
  // One session alone is no demo: when either ends, both do.
  child.on("exit", (code, signal) => {
    const signals = /** @type {Record<string, number>} */ ({ SIGINT: 2, SIGTERM: 15, SIGKILL: 9, SIGHUP: 1 });
    void shutdown(code ?? (signal ? 128 + (signals[signal] ?? 1) : 1));
  });
}
for (const child of children) watch(child);
if (await listening(adminPort)) {
  const site = wranglerDev(siteArgs);
  children.push(site);
  watch(site);
  // One incident to look up from the start, with its lookup printed once it is recorded.
  announceFirstIncident({ workerUrl: W, path: mode === "scenarios" ? "/status/502" : "/", adminBase: adminMode === "own-port" ? A : W, dashboard: adminUrl, stopped: () => exiting });
} else if (!exiting) {
  console.error(`The admin Worker did not start listening on ${HOST}:${adminPort}; see wrangler's messages above.`);
  void shutdown(1);
}
