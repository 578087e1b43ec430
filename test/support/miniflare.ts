/**
 * Miniflare for the tests, in the option shape they are written in. The Miniflare that wrangler
 * ships (one copy in the tree) takes a new option shape and reports workerd's output as parsed log
 * lines; `convertV4MiniflareOptions` is its own bridge from the earlier shape, and
 * `handleRuntimeStdio` is kept here as two streams fed from those lines, so the tests' log
 * assertions read what the Workers printed, as before. The bridge does not locate a bundle's
 * other modules (`modules: true` with `modulesRules`), so a wrangler-built bundle's modules are
 * listed here from its folder, typed by the same rules. Nor does it have wrapped bindings: each
 * one becomes a service binding to an RPC entrypoint that forwards KV's methods to the object the
 * wrapping module makes, so a wrapped KV still fails, for real, inside workerd.
 */
import { readdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { PassThrough, type Readable } from "node:stream";
import {
  Miniflare as Base,
  convertV4MiniflareOptions,
  type V4MiniflareOptions,
  type V4ModuleDefinition,
  type V4ModuleRule,
  type V4WorkerOptions,
} from "miniflare";

/** One Worker's options, as the tests write them. */
export type WorkerOptions = V4WorkerOptions;

/** The tests' Miniflare options: the earlier shape, with workerd's output as two streams. */
export type MiniflareOptions = V4MiniflareOptions & {
  handleRuntimeStdio?: (stdout: Readable, stderr: Readable) => void;
};

/** `**\/*.html` → files ending in `.html`: the only rule shape the tests and wrangler configs use. */
function ruleMatches(rule: V4ModuleRule, file: string): boolean {
  return rule.include.some((glob) => {
    const suffix = /^\*\*\/\*(\.[\w.]+)$/.exec(glob)?.[1];
    if (!suffix) throw new Error(`test Miniflare: unsupported module rule glob ${glob}`);
    return file.endsWith(suffix);
  });
}

/** A bundle folder's modules, the entry first: JavaScript as ES modules, the rest by rule. */
function listModules(scriptPath: string, rules: readonly V4ModuleRule[]): V4ModuleDefinition[] {
  const root = dirname(scriptPath);
  const others = readdirSync(root, { recursive: true, encoding: "utf8" })
    .map((name) => join(root, name))
    .filter((path) => path !== scriptPath)
    .flatMap((path): V4ModuleDefinition[] => {
      const rule = rules.find((r) => ruleMatches(r, relative(root, path)));
      if (rule) return [{ type: rule.type, path }];
      return /\.m?js$/.test(path) ? [{ type: "ESModule", path }] : [];
    });
  return [{ type: "ESModule", path: scriptPath }, ...others];
}

function convertWorker(worker: WorkerOptions): WorkerOptions {
  const { modulesRules, ...rest } = worker as WorkerOptions & { modulesRules?: V4ModuleRule[] };
  const scriptPath = (worker as { scriptPath?: string }).scriptPath;
  if (worker.modules !== true || scriptPath === undefined || "script" in worker) return worker;
  const { scriptPath: _, ...withoutPath } = rest as typeof rest & { scriptPath?: string };
  return { ...withoutPath, modules: listModules(scriptPath, modulesRules ?? []), modulesRoot: dirname(scriptPath) } as WorkerOptions;
}

/** The RPC face of a wrapped binding: KV's methods, forwarded to what the wrapping module makes. */
const WRAPPER_ENTRY = `
import { WorkerEntrypoint } from "cloudflare:workers";
import make from "./wrapped.mjs";
export default class Wrapped extends WorkerEntrypoint {
  get inner() { return (this.made ??= make(this.env)); }
  get(...args) { return this.inner.get(...args); }
  getWithMetadata(...args) { return this.inner.getWithMetadata(...args); }
  put(...args) { return this.inner.put(...args); }
  list(...args) { return this.inner.list(...args); }
  delete(...args) { return this.inner.delete(...args); }
}
`;

type Designator = string | { scriptName: string; bindings?: Record<string, unknown> };

function unwrapBindings(workers: readonly WorkerOptions[]): WorkerOptions[] {
  const byName = new Map(workers.map((w) => [w.name, w]));
  const wrappers: WorkerOptions[] = [];
  const targets = new Set<string>();
  const sites = workers.map((worker) => {
    const { wrappedBindings, ...rest } = worker as WorkerOptions & { wrappedBindings?: Record<string, Designator> };
    if (!wrappedBindings) return worker;
    const serviceBindings = { ...(rest.serviceBindings as Record<string, unknown> | undefined) };
    for (const [binding, designator] of Object.entries(wrappedBindings)) {
      const { scriptName, bindings = {} } = typeof designator === "string" ? { scriptName: designator } : designator;
      const helper = byName.get(scriptName) as (WorkerOptions & { script?: unknown }) | undefined;
      if (typeof helper?.script !== "string") throw new Error(`test Miniflare: wrapped binding ${binding} names ${scriptName}, which is no script Worker`);
      targets.add(scriptName);
      const name = `${scriptName}--${worker.name ?? "main"}--${binding}`;
      const { script, ...helperRest } = helper;
      wrappers.push({
        ...helperRest,
        name,
        modules: [
          { type: "ESModule", path: "entry.mjs", contents: WRAPPER_ENTRY },
          { type: "ESModule", path: "wrapped.mjs", contents: script as string },
        ],
        bindings: { ...(helper.bindings as Record<string, never> | undefined), ...(bindings as Record<string, never>) },
      } as WorkerOptions);
      serviceBindings[binding] = name;
    }
    return { ...rest, serviceBindings } as WorkerOptions;
  });
  return [...sites.filter((w) => !targets.has(w.name ?? "")), ...wrappers];
}

function convert(options: MiniflareOptions): ConstructorParameters<typeof Base>[0] {
  const { handleRuntimeStdio, ...shared } = options;
  const rest = ("workers" in shared ? { ...shared, workers: unwrapBindings(shared.workers).map(convertWorker) } : convertWorker(shared as WorkerOptions)) as V4MiniflareOptions;
  if (!handleRuntimeStdio) return convertV4MiniflareOptions(rest);
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  handleRuntimeStdio(stdout, stderr);
  return convertV4MiniflareOptions({
    ...rest,
    handleStructuredLogs: ({ level, message }) => (level === "error" || level === "warn" ? stderr : stdout).write(`${message}\n`),
  } as V4MiniflareOptions);
}

export class Miniflare extends Base {
  constructor(options: MiniflareOptions) {
    super(convert(options));
  }
}
