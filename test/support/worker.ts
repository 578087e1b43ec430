/**
 * Runs the built Worker in workerd through Miniflare with real local KV. Several copies with
 * different vars (e.g. origins that refuse or hang) share one runtime and one KV namespace.
 */
import { resolve } from "node:path";
import { Miniflare } from "miniflare";
import { BUNDLE_DIR } from "./build";

export interface WorkerSpec {
  readonly name: string;
  readonly vars: Readonly<Record<string, string>>;
}

export interface RunningWorkers {
  readonly mf: Miniflare;
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

export async function startWorkers(specs: readonly WorkerSpec[]): Promise<RunningWorkers> {
  const mf = new Miniflare({
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
    workers: specs.map((spec) => ({
      name: spec.name,
      modules: true,
      modulesRules: [{ type: "Text", include: ["**/*.html"] }],
      scriptPath: resolve(BUNDLE_DIR, "index.js"),
      compatibilityDate: "2026-04-01",
      bindings: { ...spec.vars },
      kvNamespaces: { INCIDENTS: "incidents" },
    })),
  });
  await mf.ready;
  return {
    mf,
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
