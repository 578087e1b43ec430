#!/usr/bin/env node
// @ts-check
/**
 * `npm run incidents -- --url <worker base URL> --token <token>`: recent incidents from the
 * owner API as a table or JSON, or one incident by Ray ID; `npm run incidents -- alerts …`: the
 * alert incidents with their timelines and channel health, or (`--test`) a test alert. Plain
 * Node, no dependencies.
 */
import { parseArgs } from "node:util";

const USAGE = `Usage: npm run incidents -- --url <worker base URL> [--token <token>] [options]
       npm run incidents -- alerts --url <worker base URL> [--token <token>] [--test] [--json]

Prints the incidents edge-error-pages recorded, newest first, read through its owner API.
With \`alerts\`: the open and recently resolved alert incidents, each transition and delivery
attempt, and each channel's health; with --test, sends a test alert to every channel first.

  --url <url>          the Worker's base URL: https://www.example.com, or http://127.0.0.1:8787 for npm start
  --token <token>      the admin Worker's ADMIN_TOKEN. Or set EDGE_ERRORS_TOKEN instead, which keeps the
                       token out of your shell history and the process list
  --code <n>           only this status code, e.g. 502
  --host <host>        only this host
  --path <prefix>      only paths that start with this
  --since <time>       from this time on: 30m, 1h, 7d, or ISO 8601 (default: all that is kept)
  --until <time>       up to this time (default: now)
  --limit <n>          at most this many incidents (default 50, up to 10000)
  --ray <ray id>       print one incident, with its evidence, instead of a list
  --json               print JSON instead of a table
  --test               with alerts: send a test alert to every configured channel and print each outcome
  --admin-path <path>  where the owner API lives on the site (default /__errors, the Workers' ADMIN_PATH)
  -h, --help           show this help

Maintenance mode (the same --url and --token):

  maintenance on --until <time> [--message-en <text>] [--message-ko <text>]
                       turn it on: visitors get a 503 maintenance page until then (30m, 2h, 1d,
                       or ISO 8601 with a zone); the origin is not asked
  maintenance off      turn it off now
  maintenance status   say whether it is on, and until when

Exit codes: 0 done, 1 request failed (network, 5xx, not the owner API), 2 bad usage or
parameters (the API's 400), 3 unauthorized (401), 4 no incident with that Ray ID.`;

const EXIT = { failed: 1, usage: 2, unauthorized: 3, notFound: 4 };
const TIMEOUT_MS = 30_000;
const MAX_LIMIT = 10_000;
const PAGE = 1000;

class CliError extends Error {
  /** @param {string} message @param {number} code */
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

/** @param {string} message @returns {never} */
function usage(message) {
  throw new CliError(`${message}\n\n${USAGE}`, EXIT.usage);
}

function readArgs() {
  try {
    const parsed = parseArgs({
      options: {
        url: { type: "string" },
        token: { type: "string" },
        code: { type: "string" },
        host: { type: "string" },
        path: { type: "string" },
        since: { type: "string" },
        until: { type: "string" },
        limit: { type: "string" },
        ray: { type: "string" },
        "message-en": { type: "string" },
        "message-ko": { type: "string" },
        json: { type: "boolean", default: false },
        test: { type: "boolean", default: false },
        "admin-path": { type: "string", default: "/__errors" },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: true,
    });
    return parsed;
  } catch (err) {
    return usage(/** @type {Error} */ (err).message);
  }
}

/**
 * The owner API's base URL: the Worker's origin plus the admin path.
 * @param {string | undefined} raw
 * @param {string} adminPath
 */
function apiBase(raw, adminPath) {
  if (!raw) usage("--url is required.");
  let url;
  try {
    url = new URL(raw);
  } catch {
    return usage(`--url must be an absolute URL like https://www.example.com, got ${JSON.stringify(raw)}.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") usage(`--url must be http:// or https://, got ${JSON.stringify(raw)}.`);
  const path = `/${adminPath.replace(/^\/+|\/+$/g, "")}`;
  return `${url.origin}${path}`;
}

/** @param {string | undefined} raw */
function limitOf(raw) {
  if (raw === undefined) return 50;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > MAX_LIMIT) usage(`--limit must be a whole number from 1 to ${MAX_LIMIT}, got ${JSON.stringify(raw)}.`);
  return n;
}

/**
 * One request to the API (a GET unless `method` says otherwise); the parsed JSON, or a CliError saying what went wrong.
 * @param {string} url
 * @param {string} token
 * @param {string} [method]
 * @param {unknown} [send] a JSON body
 * @returns {Promise<any>}
 */
async function getJson(url, token, method = "GET", send = undefined) {
  let res;
  try {
    /** @type {Record<string, string>} */
    const headers = { authorization: `Bearer ${token}`, accept: "application/json", "user-agent": "edge-error-pages-cli" };
    if (send !== undefined) headers["content-type"] = "application/json";
    res = await fetch(url, {
      method,
      headers,
      ...(send !== undefined ? { body: JSON.stringify(send) } : {}),
      redirect: "manual",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    const e = /** @type {Error & { cause?: { code?: string, message?: string } }} */ (err);
    const why = e.name === "TimeoutError" ? `no answer within ${TIMEOUT_MS / 1000} s` : (e.cause?.code ?? e.cause?.message ?? e.message);
    throw new CliError(`Cannot reach ${new URL(url).origin}: ${why}.`, EXIT.failed);
  }
  const location = res.headers.get("location");
  if (res.status >= 300 && res.status < 400 && location) {
    // Not followed: the token must not travel to wherever a redirect points.
    await res.body?.cancel();
    throw new CliError(`${new URL(url).origin} redirects to ${new URL(location, url).origin}: pass that as --url.`, EXIT.failed);
  }
  const type = res.headers.get("content-type") ?? "";
  const body = /json/i.test(type) ? await res.json().catch(() => undefined) : (await res.body?.cancel(), undefined);
  if (body === undefined) {
    throw new CliError(
      `${new URL(url).origin} did not answer with the owner API (HTTP ${res.status}, ${type || "no content type"}). ` +
        "Is the admin Worker bound to the site Worker (ADMIN), and does --admin-path match its ADMIN_PATH?",
      EXIT.failed,
    );
  }
  if (res.ok || (res.status === 409 && body.error === "no_channel")) return body;
  const detail = visible(typeof body.detail === "string" ? body.detail : JSON.stringify(body));
  if (res.status === 401) throw new CliError(`Unauthorized: ${detail}. Check --token or EDGE_ERRORS_TOKEN.`, EXIT.unauthorized);
  if (res.status === 400) throw new CliError(`Bad request: ${detail}.`, EXIT.usage);
  if (res.status === 404) throw new CliError(`Not found: ${detail}.`, EXIT.notFound);
  if (res.status === 503) throw new CliError(`The Worker cannot read its incident store right now: ${detail}.`, EXIT.failed);
  throw new CliError(`HTTP ${res.status}: ${detail}.`, EXIT.failed);
}

/**
 * Follows cursors until `limit` incidents or the end.
 * @param {string} base @param {string} token @param {Record<string, string | undefined>} filters @param {number} limit
 */
async function listAll(base, token, filters, limit) {
  /** @type {any[]} */
  const incidents = [];
  /** @type {string | null} */
  let cursor = null;
  do {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(filters)) if (v !== undefined) query.set(k, v);
    query.set("limit", String(Math.min(PAGE, limit - incidents.length)));
    if (cursor) query.set("cursor", cursor);
    const page = await getJson(`${base}/api/incidents?${query}`, token);
    incidents.push(...page.incidents);
    cursor = page.cursor;
  } while (cursor && incidents.length < limit);
  return { incidents, cursor };
}

/**
 * Characters a terminal or a text viewer acts on instead of showing: C0 and C1 controls (escape
 * sequences can rewrite the screen or the title) and the bidi overrides, isolates and marks
 * (they reorder what follows, so a path can pretend to be another). Any field can hold them: paths,
 * user agents and evidence come from visitors and the origin.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** The same, but tab and newline: JSON.stringify already escapes every C0 inside strings. */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** @param {string} c */
const escapeChar = (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

/**
 * A field as one line of visible text: every unsafe character (tab and newline too, which would
 * forge table rows) as `\uXXXX`.
 * @param {unknown} value
 */
const visible = (value) => String(value).replace(UNSAFE, escapeChar);

/**
 * JSON as printed: still valid JSON for the same data, with the characters JSON.stringify leaves
 * raw written as `\uXXXX` escapes.
 * @param {unknown} value
 */
const safeJson = (value) => JSON.stringify(value, null, 2).replace(UNSAFE_IN_JSON, escapeChar);

/** @param {string} iso */
const when = (iso) => visible(iso.slice(0, 19).replace("T", " "));

/** @param {string} s @param {number} max */
const cut = (s, max) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** @param {any[]} incidents @param {string | null} cursor */
function printTable(incidents, cursor) {
  if (incidents.length === 0) {
    console.log("No incidents.");
    return;
  }
  const head = ["RAY ID", "TIME (UTC)", "CODE", "HOST", "PATH", "WEIGHT"];
  const rows = incidents.map((i) =>
    [i.ray_id, when(String(i.timestamp)), String(i.error_code), cut(visible(i.host), 40), cut(visible(i.path), 60), `${i.weight}${i.rollup ? " (roll-up)" : ""}`].map(visible),
  );
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (/** @type {string[]} */ cells) =>
    cells.map((cell, c) => (c === 2 || c === 5 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join("  ").trimEnd();
  console.log(line(head));
  for (const r of rows) console.log(line(r));
  const failures = incidents.reduce((n, i) => n + (Number(i.weight) || 0), 0);
  console.log(`\n${incidents.length} incident record(s) standing for ${failures} failure(s).${cursor ? " More are available: raise --limit or narrow --since." : ""}`);
}

/** @param {any} r */
function printRecord(r) {
  const fields = [
    ["Ray ID", r.ray_id],
    ["Time (UTC)", when(r.timestamp)],
    ["Error", `${r.error_code}${r.sub_code !== undefined ? ` (${r.sub_code})` : ""} ${r.error_name} (${r.error_category}, ${r.kind}, failed hop: ${r.hop})`],
    ["Request", `${r.method} ${r.host}${r.path}${r.query ?? ""}`],
    ["Data centre", r.colo],
    ["Location", [r.city, r.country, r.asn ? `AS${r.asn}` : undefined].filter(Boolean).join(", ") || undefined],
    ["User agent", r.user_agent],
    ["Client IP", r.client_ip],
    ["Weight", `${r.weight}${r.rollup ? " (roll-up)" : ""}`],
    ["Served", r.served === "stale" ? "the last good copy (stale)" : undefined],
    [
      "Attempts",
      Array.isArray(r.attempts)
        ? r.attempts.map((/** @type {any} */ a) => `${a.origin}: ${a.outcome}${a.error ? ` (${a.error})` : ""}, ${a.elapsed_ms} ms${a.delay_ms !== undefined ? ` after ${a.delay_ms} ms` : ""}`).join("; ")
        : undefined,
    ],
  ].filter(([, v]) => v !== undefined && v !== "");
  const width = Math.max(...fields.map(([k]) => k.length));
  for (const [k, v] of fields) console.log(`${k.padEnd(width)}  ${visible(v)}`);
  console.log(`\nEvidence:\n${safeJson(r.evidence).replace(/^/gm, "  ")}`);
}

/** @param {any} state */
function printMaintenance(state) {
  if (!state.active) {
    console.log("Maintenance mode is off.");
    return;
  }
  console.log(`Maintenance mode is on until ${when(state.until)} UTC (since ${when(state.since)} UTC).`);
  for (const [lang, text] of Object.entries(state.message ?? {})) console.log(`  message (${lang}): ${text}`);
  console.log("Changes reach every data centre within about a minute (Workers KV), plus MAINTENANCE_CHECK_S.");
}

/**
 * `maintenance on|off|status`.
 * @param {string[]} positionals @param {ReturnType<typeof readArgs>["values"]} args @param {string} base @param {string} token
 */
async function maintenance(positionals, args, base, token) {
  const [, action, ...rest] = positionals;
  if (rest.length > 0) usage(`Unexpected arguments: ${rest.join(" ")}.`);
  const url = `${base}/api/maintenance`;
  let state;
  if (action === "on") {
    if (!args.until) usage("maintenance on needs --until, e.g. --until 2h or --until 2026-05-01T18:00:00Z.");
    /** @type {Record<string, string>} */
    const message = {};
    if (args["message-en"] !== undefined) message.en = args["message-en"];
    if (args["message-ko"] !== undefined) message.ko = args["message-ko"];
    state = await getJson(url, token, "PUT", { until: args.until, message });
  } else if (action === "off") state = await getJson(url, token, "DELETE");
  else if (action === "status") state = await getJson(url, token);
  else usage(`maintenance takes on, off or status, got ${JSON.stringify(action ?? "")}.`);
  if (args.json) console.log(JSON.stringify(state, null, 2));
  else printMaintenance(state);
}


/** @param {any} d */
function deliveryLine(d) {
  const tries = (d.tries ?? []).map((/** @type {any} */ t) => `${when(t.at)} ${t.ok ? "ok" : visible(t.error)}`).join("; ");
  const next = d.state === "pending" && d.next_at ? `, next try ${when(d.next_at)}` : "";
  return `      ${visible(d.channel).padEnd(8)} ${visible(d.state)} after ${d.attempts} attempt(s)${next}${tries ? ` [${tries}]` : ""}`;
}

/** @param {any} i */
function printAlertIncident(i) {
  const colos = Object.entries(i.colos ?? {}).map(([c, n]) => `${visible(c)} ${n}`).join(", ");
  console.log(`${visible(i.incident_id)}  ${visible(i.state).toUpperCase()}  ${i.error_code ?? ""} ${visible(i.host)}`);
  console.log(`  ${visible(i.title)}`);
  console.log(`  since ${when(i.since)}${i.resolved_at ? `, resolved ${when(i.resolved_at)}` : ""}; ${i.count} failure(s)${colos ? ` (${colos})` : ""}; ${i.notified ? "owner notified" : "not delivered yet"}`);
  if (i.ray_id) console.log(`  sample Ray ID ${visible(i.ray_id)}`);
  for (const e of i.timeline ?? []) {
    console.log(`    ${when(e.at)}  ${visible(e.event)} (${e.count} failure(s))`);
    for (const d of e.deliveries ?? []) console.log(deliveryLine(d));
  }
}

/** @param {string} base @param {string} token @param {boolean | undefined} test @param {boolean | undefined} json */
async function alerts(base, token, test, json) {
  const tested = test ? await getJson(`${base}/api/alerts/test`, token, "POST") : undefined;
  const report = await getJson(`${base}/api/alerts`, token);
  if (json) {
    console.log(safeJson(tested ? { test: tested, ...report } : report));
    return;
  }
  if (tested) {
    if (tested.error) console.log(`Test alert: ${visible(tested.detail)}`);
    for (const r of tested.results ?? []) console.log(`Test alert to ${visible(r.channel)}: ${r.ok ? "delivered" : `failed (${visible(r.error)})`}`);
    console.log("");
  }
  console.log(report.open.length ? `Open incidents (${report.open.length}):` : "No open incident.");
  for (const i of report.open) printAlertIncident(i);
  console.log(report.recent.length ? `\nResolved in the last 7 days (${report.recent.length}):` : "\nNothing resolved in the last 7 days.");
  for (const i of report.recent) printAlertIncident(i);
  console.log("\nChannels:");
  for (const c of report.channels) {
    if (!c.configured && !c.last_attempt_at) {
      console.log(`  ${visible(c.channel).padEnd(8)} not configured`);
      continue;
    }
    const last = c.last_attempt_at ? `last attempt ${when(c.last_attempt_at)}${c.last_error ? ` failed: ${visible(c.last_error)}` : " ok"}` : "never used";
    console.log(`  ${visible(c.channel).padEnd(8)} ${c.configured ? "" : "(no longer configured) "}${last}; ${c.failing_streak} failure(s) in a row, ${c.pending} waiting to retry, ${c.given_up} given up`);
  }
  if (tested?.results?.some((/** @type {any} */ r) => !r.ok)) process.exitCode = EXIT.failed;
}

async function main() {
  const { values: args, positionals } = readArgs();
  if (args.help) {
    console.log(USAGE);
    return;
  }
  if (positionals.length > 0 && positionals[0] !== "maintenance" && positionals[0] !== "alerts") usage(`Unknown command: ${positionals[0]}.`);
  if (args.test && positionals[0] !== "alerts") usage("--test goes with the alerts command: npm run incidents -- alerts --test …");
  const base = apiBase(args.url, args["admin-path"] ?? "/__errors");
  const token = args.token ?? process.env.EDGE_ERRORS_TOKEN;
  if (!token) usage("No token: pass --token or set EDGE_ERRORS_TOKEN.");
  if (positionals[0] === "maintenance") return maintenance(positionals, args, base, token);
  if (positionals[0] === "alerts") {
    if (positionals.length > 1) usage(`Unknown command: ${positionals.join(" ")}: alerts takes no further words.`);
    return alerts(base, token, args.test, args.json);
  }
  if (args.ray !== undefined) {
    const record = await getJson(`${base}/api/incidents/${encodeURIComponent(args.ray.trim())}`, token);
    if (args.json) console.log(safeJson(record));
    else printRecord(record);
    return;
  }
  const filters = { code: args.code, host: args.host, path: args.path, since: args.since, until: args.until };
  const { incidents, cursor } = await listAll(base, token, filters, limitOf(args.limit));
  if (args.json) console.log(safeJson({ incidents, cursor }));
  else printTable(incidents, cursor);
}

main().catch((err) => {
  if (err instanceof CliError) {
    console.error(err.message);
    process.exitCode = err.code;
  } else {
    console.error(err);
    process.exitCode = EXIT.failed;
  }
});
