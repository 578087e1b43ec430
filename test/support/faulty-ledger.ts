/**
 * An `INCIDENT_LEDGER` binding that fails on demand, for real, inside workerd: a wrapped binding
 * whose `record()` asks the test (through a Node-side service binding) what to do, then reaches
 * the real ledger, rejects as an unreachable object does, or delivers the batches and then throws
 * (the acknowledgement lost on the way back, so the isolate sends the same batches again).
 *
 *   const ledger = faultyLedger("iso-0");        // the Worker that defines the ledger
 *   startHarness([{ name: "iso-1", ..., ledger: ledger.binding("iso-1") }], [ledger.helper]);
 *   ledger.set("iso-1", "reject");
 */
import type { WorkerOptions } from "./miniflare";

export type LedgerFault = "ok" | "reject" | "ack-lost";

export interface FaultyLedger {
  readonly helper: WorkerOptions;
  binding(name: string): { scriptName: string; bindings: Record<string, string> };
  set(name: string, fault: LedgerFault): void;
  /** record() calls by outcome. */
  stats(name: string): { calls: number; rejected: number; ackLost: number };
}

// Reached over RPC (the tests' Miniflare turns a wrapped binding into an RPC entrypoint): the
// namespace's ids are plain names, and the stub is an RpcTarget so its record() can be called.
const SCRIPT = `
import { RpcTarget } from "cloudflare:workers";
class Stub extends RpcTarget {
  constructor(inner, control, name) { super(); this.inner = inner; this.control = control; this.name = name; }
  async record(batches) {
    const fault = await (await this.control.fetch("http://control/" + this.name)).text();
    if (fault === "reject") throw new Error("Durable Object is unreachable (test fault)");
    const ack = await this.inner.record(batches);
    if (fault === "ack-lost") throw new Error("Network connection lost after delivery (test fault)");
    return ack;
  }
}
export default function (env) {
  return {
    idFromName: (name) => name,
    get: (name) => new Stub(env.INNER.get(env.INNER.idFromName(name)), env.CONTROL, env.NAME),
  };
}
`;

export function faultyLedger(owner: string, helperName = "faulty-ledger"): FaultyLedger {
  const faults = new Map<string, LedgerFault>();
  const stats = new Map<string, { calls: number; rejected: number; ackLost: number }>();
  const statsOf = (name: string) => {
    let s = stats.get(name);
    if (!s) stats.set(name, (s = { calls: 0, rejected: 0, ackLost: 0 }));
    return s;
  };
  const control = async (request: Request): Promise<Response> => {
    const name = new URL(request.url).pathname.slice(1);
    const fault = faults.get(name) ?? "ok";
    const s = statsOf(name);
    s.calls++;
    if (fault === "reject") s.rejected++;
    if (fault === "ack-lost") s.ackLost++;
    return new Response(fault);
  };
  return {
    helper: {
      name: helperName,
      modules: true,
      script: SCRIPT,
      durableObjects: { INNER: { className: "IncidentLedger", scriptName: owner, useSQLite: true } },
      serviceBindings: { CONTROL: control },
    },
    binding: (name) => ({ scriptName: helperName, bindings: { NAME: name } }),
    set: (name, fault) => void faults.set(name, fault),
    stats: (name) => ({ ...statsOf(name) }),
  };
}
