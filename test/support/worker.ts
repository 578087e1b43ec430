/**
 * Runs the built Worker in workerd through Miniflare with real local KV. Several copies with
 * different vars (e.g. origins that refuse or hang) share one runtime and one KV namespace.
 * A copy whose vars set ADMIN_TOKEN gets its admin Worker too (see admin-worker.ts).
 */
import { Miniflare, type WorkerOptions } from "./miniflare";
import { adminWorker, ledgerBindings, SITE_SCRIPT, splitOwner } from "./admin-worker";

export interface WorkerSpec {
  readonly name: string;
  /**
   * The Worker's vars. ADMIN_TOKEN is not given to it: it starts an admin Worker
   * `${name}-admin` with the token (and ADMIN_PATH, DEFAULT_LOCALE), bound as ADMIN.
   */
  readonly vars: Readonly<Record<string, string>>;
  /**
   * Miniflare routes for requests that arrive over HTTP (e.g. `"shop.example.com/down/*"`,
   * matched after `upstream` rewrites the URL). Requests no route matches go to the first Worker.
   */
  readonly routes?: readonly string[];
  /** Bind the `IncidentLedger` (shared by every Worker of the run that asks for it). Default false: isolates write KV themselves. */
  readonly ledger?: boolean;
}

/**
 * Optional settings for the HTTP server Miniflare always runs (browsers reach the Workers
 * through it). Omitted, Miniflare's own defaults apply: 127.0.0.1 on a free port.
 */
export interface HttpOptions {
  readonly host?: string;
  /** 0 (the default) picks a free port; `RunningWorkers.url` says which. */
  readonly port?: number;
  /**
   * Rewrites every HTTP request's URL onto this origin (Miniflare's `upstream`), so the browser
   * talks to 127.0.0.1 while the Worker sees e.g. `https://shop.example.com/status/502`.
   */
  readonly upstream?: string;
  /**
   * `request.cf` for HTTP requests. `false` uses Miniflare's placeholder. Set it outside vitest:
   * when it is unset and NODE_ENV is not "test", Miniflare downloads the real object.
   */
  readonly cf?: boolean | Record<string, unknown>;
}

export interface RunningWorkers {
  readonly mf: Miniflare;
  /** Where the HTTP server listens, e.g. `http://127.0.0.1:41234/`. */
  readonly url: string;
  /** Sends a request to the named Worker (the first one by default). */
  fetch(name: string, url: string, init?: RequestInit & { cf?: Record<string, unknown> }): Promise<Response>;
  kv(): Promise<KVNamespaceLike>;
  close(): Promise<void>;
}

export interface KVNamespaceLike {
  get(key: string): Promise<string | null>;
  list(options?: { prefix?: string; limit?: number; cursor?: string }): Promise<{
    keys: { name: string; metadata?: unknown; expiration?: number }[];
    list_complete: boolean;
    cursor?: string;
  }>;
  getWithMetadata(key: string): Promise<{ value: string | null; metadata: unknown }>;
}

/**
 * Site Workers first, in the given order (requests no route matches go to the first one), then
 * the admin Workers, which no route reaches: only their site Worker's ADMIN binding.
 */
function workersFor(specs: readonly WorkerSpec[]): WorkerOptions[] {
  const sites: WorkerOptions[] = [];
  const admins: WorkerOptions[] = [];
  const owner = specs.find((s) => s.ledger)?.name;
  for (const spec of specs) {
    const { siteVars, serviceBindings, admin } = splitOwner(spec.name, spec.vars);
    sites.push({
      name: spec.name,
      ...SITE_SCRIPT,
      bindings: siteVars,
      kvNamespaces: { INCIDENTS: "incidents" },
      serviceBindings,
      ...(spec.routes !== undefined ? { routes: [...spec.routes] } : {}),
      ...(spec.ledger ? ledgerBindings(owner, spec.name) : {}),
    });
    if (admin) admins.push({ ...adminWorker(admin.name, admin.vars), ...(spec.ledger ? ledgerBindings(owner, admin.name) : {}) });
  }
  return [...sites, ...admins];
}

export async function startWorkers(specs: readonly WorkerSpec[], http: HttpOptions = {}): Promise<RunningWorkers> {
  const mf = new Miniflare({
    ...(http.host !== undefined ? { host: http.host } : {}),
    ...(http.port !== undefined ? { port: http.port } : {}),
    ...(http.upstream !== undefined ? { upstream: http.upstream } : {}),
    ...(http.cf !== undefined ? { cf: http.cf } : {}),
    // workerd logs every failed subrequest with a native stack; the tests assert on the outcome.
    handleRuntimeStdio(stdout, stderr) {
      if (process.env.DEBUG_WORKERD) {
        stdout.pipe(process.stdout);
        stderr.pipe(process.stderr);
      } else {
        stdout.resume();
        stderr.resume();
      }
    },
    workers: workersFor(specs),
  });
  const url = (await mf.ready).href;
  return {
    mf,
    url,
    async fetch(name, url, init) {
      const worker = await mf.getWorker(name);
      return (await worker.fetch(url, init as never)) as unknown as Response;
    },
    async kv() {
      return (await mf.getKVNamespace("INCIDENTS", specs[0]?.name)) as unknown as KVNamespaceLike;
    },
    close: () => mf.dispose(),
  };
}

/** Polls until `probe` returns a value: waitUntil work finishes after the response. */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, limitMs = 15_000): Promise<T> {
  const end = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
