/**
 * The built Worker in workerd, served over real HTTP on 127.0.0.1, for reliability and security
 * tests: requests are routed to a Worker by Host (Miniflare routes), workerd's output can be kept
 * to check what was logged, and a Worker's INCIDENTS binding can be replaced by a wrapped binding
 * (see faulty-kv.ts) so KV can fail for real inside workerd. A Worker whose vars set ADMIN_TOKEN
 * gets its admin Worker too, reaching KV the same way (see admin-worker.ts).
 */
import type { Readable } from "node:stream";
import { Miniflare, type WorkerOptions } from "./miniflare";
import { adminWorker, COMPATIBILITY_DATE, ledgerBindings, SITE_SCRIPT, splitOwner } from "./admin-worker";
import type { KVNamespaceLike } from "./worker";

export interface HarnessWorker {
  readonly name: string;
  /** The Worker's vars; ADMIN_TOKEN goes to its admin Worker `${name}-admin` instead. */
  readonly vars: Readonly<Record<string, string>>;
  /** Requests with this Host reach this Worker; the first Worker also gets everything unmatched. */
  readonly host: string;
  /** Replaces the real local KV binding, e.g. `faultyKv().binding("shop")`; false: no binding at all. */
  readonly incidents?: NonNullable<WorkerOptions["wrappedBindings"]>[string] | false;
  /**
   * The `IncidentLedger`: true binds the ledger shared by every Worker that asks for it (the
   * first such Worker defines it); a Durable Object designator (e.g. `faultyLedger(...).binding`)
   * binds another class in its place. Default: none, isolates write KV themselves.
   */
  readonly ledger?: true | { className: string; scriptName: string; useSQLite: boolean };
}

export interface Harness {
  readonly mf: Miniflare;
  /** `http://127.0.0.1:<port>/` */
  readonly url: URL;
  readonly port: number;
  /** The shared local KV namespace every Worker's INCIDENTS reaches (directly or wrapped). */
  kv(): Promise<KVNamespaceLike>;
  /** Everything workerd has printed so far (console.log / console.error of the Workers). */
  logs(): string;
  close(): Promise<void>;
}

/** How a Worker reaches the incidents: the shared namespace, a wrapper, or not at all. */
function incidentsOf(w: HarnessWorker): Pick<WorkerOptions, "kvNamespaces" | "wrappedBindings"> {
  if (w.incidents === false) return {};
  return w.incidents ? { wrappedBindings: { INCIDENTS: w.incidents } } : { kvNamespaces: { INCIDENTS: "incidents" } };
}

/** Site Workers first (the first one also gets unmatched requests), then admin Workers, without routes. */
/** The Worker that defines the shared ledger: the first one bound to it directly. */
export const ledgerOwner = (workers: readonly HarnessWorker[]): string | undefined => workers.find((w) => w.ledger === true)?.name;

function ledgerOf(w: HarnessWorker, owner: string | undefined): Pick<WorkerOptions, "durableObjects"> {
  if (w.ledger === undefined) return {};
  if (w.ledger === true) return ledgerBindings(owner, w.name);
  return { durableObjects: { INCIDENT_LEDGER: w.ledger } };
}

function harnessWorkers(workers: readonly HarnessWorker[]): WorkerOptions[] {
  const sites: WorkerOptions[] = [];
  const admins: WorkerOptions[] = [];
  const owner = ledgerOwner(workers);
  for (const w of workers) {
    const { siteVars, serviceBindings, admin } = splitOwner(w.name, w.vars);
    const ledger = ledgerOf(w, owner);
    sites.push({ name: w.name, ...SITE_SCRIPT, bindings: siteVars, routes: [`${w.host}/*`], serviceBindings, ...incidentsOf(w), ...ledger });
    const adminLedger = w.ledger === undefined ? {} : ledgerBindings(owner, `${w.name}-admin`);
    if (admin) admins.push({ ...adminWorker(admin.name, admin.vars, incidentsOf(w)), ...adminLedger });
  }
  return [...sites, ...admins];
}

export async function startHarness(workers: readonly HarnessWorker[], helpers: readonly WorkerOptions[] = []): Promise<Harness> {
  const printed: string[] = [];
  // A plain Worker bound to the shared namespace, so tests can read KV even when every Worker
  // under test reaches it through a faulty wrapper.
  const reader: WorkerOptions = {
    name: "kv-reader",
    modules: true,
    script: "export default { fetch() { return new Response(null, { status: 404 }); } };",
    compatibilityDate: COMPATIBILITY_DATE,
    kvNamespaces: { INCIDENTS: "incidents" },
    routes: ["kv-reader.invalid/*"],
  };
  const mf = new Miniflare({
    host: "127.0.0.1",
    port: 0,
    handleRuntimeStdio(stdout: Readable, stderr: Readable) {
      for (const stream of [stdout, stderr]) {
        stream.setEncoding("utf8");
        stream.on("data", (chunk: string) => printed.push(chunk));
        if (process.env.DEBUG_WORKERD) stream.pipe(stream === stdout ? process.stdout : process.stderr);
      }
    },
    workers: [...harnessWorkers(workers), reader, ...helpers],
  });
  const url = await mf.ready;
  return {
    mf,
    url,
    port: Number(url.port),
    kv: async () => (await mf.getKVNamespace("INCIDENTS", "kv-reader")) as unknown as KVNamespaceLike,
    logs: () => printed.join(""),
    close: () => mf.dispose(),
  };
}

/** The JSON lines the Worker logged (its console.error/log calls), parsed. */
export function loggedJson(logs: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of logs.split("\n")) {
    const start = line.indexOf("{");
    if (start === -1) continue;
    try {
      const value: unknown = JSON.parse(line.slice(start));
      if (value && typeof value === "object") out.push(value as Record<string, unknown>);
    } catch {
      // workerd's own lines are not JSON
    }
  }
  return out;
}
