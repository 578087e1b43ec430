/**
 * An `INCIDENT_LEDGER` that fails on demand, for real, inside workerd: a Durable Object class
 * `FaultyLedger` whose `record()` asks the test (through a Node-side service binding) what to do,
 * then forwards to the real ledger, rejects as an unreachable object does, or delivers the
 * batches and then throws (the acknowledgement lost on the way back, so the isolate sends the
 * same batches again). The site Worker under test binds it as its INCIDENT_LEDGER, a real
 * Durable Object namespace, so the product code runs unchanged.
 *
 *   const ledger = faultyLedger("iso-0", "flaky");   // iso-0 defines the real ledger
 *   startHarness([{ name: "flaky", ..., ledger: ledger.binding }], [ledger.helper]);
 *   ledger.set("reject");
 */
import { faultHelper } from "./fault-control";
import type { WorkerOptions } from "./miniflare";

export type LedgerFault = "ok" | "reject" | "ack-lost";

export interface FaultyLedger {
  readonly helper: WorkerOptions;
  /** The Durable Object designator to bind as the site Worker's INCIDENT_LEDGER. */
  readonly binding: { className: string; scriptName: string; useSQLite: boolean };
  set(fault: LedgerFault): void;
  /** record() calls by outcome. */
  stats(): { calls: number; rejected: number; ackLost: number };
}

const SCRIPT = `
import { DurableObject } from "cloudflare:workers";
export class FaultyLedger extends DurableObject {
  async record(batches) {
    const fault = await askTest(this.env, "");
    if (fault === "reject") throw new Error("Durable Object is unreachable (test fault)");
    const ack = await this.env.INNER.get(this.env.INNER.idFromName("zone")).record(batches);
    if (fault === "ack-lost") throw new Error("Network connection lost after delivery (test fault)");
    return ack;
  }
}
export default { fetch() { return new Response(null, { status: 404 }); } };
`;

export function faultyLedger(owner: string, name: string): FaultyLedger {
  let fault: LedgerFault = "ok";
  const stats = { calls: 0, rejected: 0, ackLost: 0 };
  const helperName = `${name}-faulty-ledger`;
  const answer = (): string => {
    stats.calls++;
    if (fault === "reject") stats.rejected++;
    if (fault === "ack-lost") stats.ackLost++;
    return fault;
  };
  return {
    helper: faultHelper({
      name: helperName,
      script: SCRIPT,
      answer,
      bindings: {
        durableObjects: {
          SELF: { className: "FaultyLedger", useSQLite: true },
          INNER: { className: "IncidentLedger", scriptName: owner, useSQLite: true },
        },
      },
    }),
    binding: { className: "FaultyLedger", scriptName: helperName, useSQLite: true },
    set: (f) => void (fault = f),
    stats: () => ({ ...stats }),
  };
}
