/**
 * A KV binding that fails on demand, for real, inside workerd: a wrapped binding whose methods
 * ask the test (through a Node-side service binding) what to do, then either reach the real local
 * namespace, reject the way KV does when it is rate-limited or down, or hang until released.
 *
 *   const kv = faultyKv();
 *   startHarness([{ name, host, vars, incidents: kv.binding("shop") }], [kv.helper]);
 *   kv.set("shop", "put", "reject-429");
 */
import { faultHelper } from "./fault-control";
import type { WorkerOptions } from "./miniflare";

export type KvOp = "get" | "getWithMetadata" | "put" | "list" | "delete";
export type KvFault = "ok" | "reject-429" | "reject-outage" | "hang";

export interface OpStats {
  calls: number;
  rejected: number;
  /** Operations hanging right now. */
  hanging: number;
}

export interface FaultyKv {
  /** Add to the harness's helper Workers. */
  readonly helper: WorkerOptions;
  /** The designator for one Worker's INCIDENTS; `name` keys its faults and stats. */
  binding(name: string): { scriptName: string; bindings: Record<string, string> };
  set(name: string, op: KvOp | "*", fault: KvFault): void;
  stats(name: string, op: KvOp): OpStats;
  /** Lets every hanging operation finish (as a failure), e.g. before shutting workerd down. */
  releaseAll(): void;
}

const SCRIPT = `
const FAULT_MESSAGES = {
  "reject-429": (op) => "KV " + op.toUpperCase() + " failed: 429 Too Many Requests",
  "reject-outage": (op) => "KV " + op.toUpperCase() + " failed: 503 Service Unavailable",
};

class FaultyKV {
  constructor(env) {
    this.env = env;
    this.inner = env.INNER;
    this.name = env.NAME;
  }
  async gate(op) {
    const fault = await askTest(this.env, this.name + "/" + op);
    if (fault === "ok") return;
    if (fault === "hang") {
      await askTest(this.env, this.name + "/" + op + "/hang");
      throw new Error("KV " + op + " was released after hanging");
    }
    throw new Error((FAULT_MESSAGES[fault] ?? (() => "KV failed: " + fault))(op));
  }
  async get(key, options) { await this.gate("get"); return this.inner.get(key, options); }
  async getWithMetadata(key, options) { await this.gate("getWithMetadata"); return this.inner.getWithMetadata(key, options); }
  async put(key, value, options) { await this.gate("put"); return this.inner.put(key, value, options); }
  async list(options) { await this.gate("list"); return this.inner.list(options); }
  async delete(key) { await this.gate("delete"); return this.inner.delete(key); }
}

export default function (env) {
  return new FaultyKV(env);
}
`;

export function faultyKv(helperName = "faulty-kv"): FaultyKv {
  const faults = new Map<string, KvFault>();
  const stats = new Map<string, OpStats>();
  const waiting = new Set<() => void>();
  const statsOf = (name: string, op: string): OpStats => {
    const key = `${name}/${op}`;
    let s = stats.get(key);
    if (!s) stats.set(key, (s = { calls: 0, rejected: 0, hanging: 0 }));
    return s;
  };
  const faultOf = (name: string, op: string): KvFault => faults.get(`${name}/${op}`) ?? faults.get(`${name}/*`) ?? "ok";

  const answer = async (path: string): Promise<string> => {
    const [name = "", op = "", hang] = path.split("/");
    const s = statsOf(name, op);
    if (hang === "hang") {
      s.hanging++;
      await new Promise<void>((resolve) => waiting.add(resolve));
      s.hanging--;
      return "released";
    }
    s.calls++;
    const fault = faultOf(name, op);
    if (fault !== "ok" && fault !== "hang") s.rejected++;
    return fault;
  };

  return {
    helper: faultHelper({ name: helperName, script: SCRIPT, answer, bindings: { kvNamespaces: { INNER: "incidents" } } }),
    binding: (name) => ({ scriptName: helperName, bindings: { NAME: name } }),
    set: (name, op, fault) => void faults.set(`${name}/${op}`, fault),
    stats: (name, op) => ({ ...statsOf(name, op) }),
    releaseAll() {
      for (const release of waiting) release();
      waiting.clear();
    },
  };
}
