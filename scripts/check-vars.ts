/**
 * The vars of a wrangler config checked by the Workers' own loaders, so `npm run build` and
 * `npm run deploy` refuse exactly what the deployed Worker would have to fall back from (or, for
 * the admin Worker, refuse to start with). Bundled and run by check-config.mjs; imported by the
 * tests that check every config example in the docs.
 */
import { loadAdminConfig } from "../src/admin/config";
import { ConfigError, type Vars } from "../src/core/vars";
import { readLedgerConfig } from "../src/ledger/config";
import { loadConfig } from "../src/site/config";
import { readAlertConfig } from "../src/ledger/alerts/config";

export type WorkerKind = "site" | "admin";

export interface VarCheck {
  /** Invalid values, by var name: the build stops on any. */
  readonly errors: readonly string[];
  /** Worth reading, not worth stopping for: e.g. a var no Worker reads (a typo?). */
  readonly warnings: readonly string[];
}

/** Stands in for the secret, which is never in a config file, so only the vars are judged. */
const SECRET_PLACEHOLDER = "x".repeat(32);

/** `vars`, noting every name the loader asks for: what is left over is not a var it reads. */
function watched(vars: Vars, seen: Set<string>): Vars {
  return new Proxy(vars, {
    get(target, name) {
      if (typeof name === "string") seen.add(name);
      return target[name as string];
    },
  });
}

function problemsOf(load: () => unknown): string[] {
  try {
    const config = load() as { problems?: readonly string[] };
    return [...(config.problems ?? [])];
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
}

const WHERE: Record<WorkerKind, string> = { site: "the site Worker", admin: "the admin Worker" };

/** Checks one `[vars]` table as the `kind` Worker would read it. */
export function checkVars(kind: WorkerKind, vars: Readonly<Record<string, unknown>>): VarCheck {
  const seen = new Set<string>();
  const errors: string[] = [];
  if (vars.ADMIN_TOKEN !== undefined) {
    errors.push("ADMIN_TOKEN is a secret: remove it from [vars] (it would be stored in plain text) and use `npx wrangler secret put ADMIN_TOKEN -c wrangler.admin.toml`");
  }
  const { ADMIN_TOKEN: _, ...rest } = vars;
  if (kind === "site") {
    errors.push(...problemsOf(() => loadConfig(watched(rest, seen))));
    // The ledger Durable Object runs in the site Worker's script and reads its vars too.
    for (const problem of readLedgerConfig(watched(rest, seen)).problems) if (!errors.includes(problem)) errors.push(problem);
    // Alerts are read by the ledger too; a var the site Worker's own loader already judged
    // (DEFAULT_LOCALE, ADMIN_PATH…) is said once.
    for (const problem of readAlertConfig(watched(rest, seen)).problems) if (!errors.some((e) => e.startsWith(`${problem.split(" ")[0]} `))) errors.push(problem);
  }
  else errors.push(...problemsOf(() => loadAdminConfig(watched({ ...rest, ADMIN_TOKEN: SECRET_PLACEHOLDER }, seen))));
  const warnings = Object.keys(rest)
    .filter((name) => !seen.has(name))
    .map((name) => `${name} is not a var ${WHERE[kind]} reads: a typo, or meant for the other Worker?`);
  return { errors, warnings };
}

/** The names the `kind` Worker reads (vars, secrets and bindings alike). */
export function varsRead(kind: WorkerKind): Set<string> {
  const seen = new Set<string>();
  problemsOf(() => (kind === "site" ? loadConfig(watched({}, seen)) : loadAdminConfig(watched({}, seen))));
  if (kind === "site") readLedgerConfig(watched({}, seen));
  if (kind === "site") readAlertConfig(watched({}, seen));
  return seen;
}
