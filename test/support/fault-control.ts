/**
 * What every binding that fails on demand shares: a helper Worker, inside workerd, whose code asks
 * the test before each call what to do, through a Node-side service binding (CONTROL). The test
 * answers with a word (a fault, "ok", or anything the helper's script understands), can count the
 * calls, and can make an answer wait (a hanging call). The product code under test binds the
 * helper as it would the real binding and runs unchanged.
 *
 *   faultHelper({ name, script: `... await askTest(env, "shop/put") ...`, answer: (path) => "ok" })
 */
import { COMPATIBILITY_DATE } from "./admin-worker";
import type { WorkerOptions } from "./miniflare";

/** Defines `askTest(env, path)` for the helper's script: the test's answer for `path`, as text. */
const ASK_TEST = `const askTest = async (env, path) => (await env.CONTROL.fetch("http://control/" + path)).text();`;

export interface FaultHelperSpec {
  readonly name: string;
  /** The helper's ES module; it may call `askTest(env, path)`. */
  readonly script: string;
  /** The test's answer to `askTest(env, path)` (`path` without its leading slash). */
  readonly answer: (path: string) => string | Promise<string>;
  /** The helper's other bindings (the real namespace it forwards to). */
  readonly bindings: Pick<WorkerOptions, "kvNamespaces" | "durableObjects">;
}

/** The helper Worker, at the compatibility date the Workers deploy with (RPC to a Durable Object needs one that has it). */
export function faultHelper(spec: FaultHelperSpec): WorkerOptions {
  const control = async (request: Request): Promise<Response> => new Response(await spec.answer(new URL(request.url).pathname.slice(1)));
  return {
    name: spec.name,
    modules: true,
    script: `${ASK_TEST}\n${spec.script}`,
    compatibilityDate: COMPATIBILITY_DATE,
    ...spec.bindings,
    serviceBindings: { CONTROL: control },
  } as WorkerOptions;
}
