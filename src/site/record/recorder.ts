/**
 * Writes incidents to KV off the response path (`waitUntil`), within the write budget.
 * A KV failure is counted and logged, never thrown at the visitor.
 */
import { findingOf } from "../../core/finding";
import type { Failure } from "../../core/classify";
import { type Admission, type BudgetOptions, WriteBudget } from "./budget";
import { within } from "../../core/time";
import { fallbackKey, type IncidentRecord, indexKey, newUid, type OriginAttempt, recordKey, scrubQuery, summarize } from "../../core/incident";
import { SiteHosts } from "./hosts";

export interface IncidentOptions {
  /** KV binding name. Default "INCIDENTS". */
  readonly binding: string;
  /** Days a record is kept. Default 30. */
  readonly ttlDays: number;
  /** Keep query strings in records. Default false: they often carry personal data or tokens. */
  readonly storeQuery: boolean;
  /** Keep the client IP (`cf-connecting-ip`). Default false. */
  readonly storeClientIp: boolean;
  readonly budget: BudgetOptions;
  /** Longest wait for a record's KV writes (or a ledger call) before it counts as failed. Default 5000. */
  readonly writeTimeoutMs: number;
  /** Durable Object namespace binding of the `IncidentLedger`. Default "INCIDENT_LEDGER"; without it, isolates write KV themselves. */
  readonly ledgerBinding: string;
  /** The zone's site hostnames (SITE_HOSTS); other hosts are counted as `other`. Default: none, the first 16 seen. */
  readonly hosts: readonly string[];
  /** Samples the ledger writes per code per minute, zone-wide (INCIDENT_SAMPLES). Default 30. */
  readonly samplesPerMinute: number;
}

/** The incident log's defaults; README.md lists the vars that change them. */
export const DEFAULT_INCIDENTS: IncidentOptions = {
  binding: "INCIDENTS",
  ttlDays: 30,
  storeQuery: false,
  storeClientIp: false,
  writeTimeoutMs: 5_000,
  ledgerBinding: "INCIDENT_LEDGER",
  hosts: [],
  samplesPerMinute: 30,
  budget: { perWindow: 25, windowMs: 10_000, sampleRate: 1 },
};

export interface IncidentInput {
  readonly failure: Failure;
  readonly rayId: string;
  readonly time: Date;
  readonly request: Request;
  readonly locale: string;
  readonly format: string;
  /** `request.url` already parsed, when the caller has it; parsed here otherwise. */
  readonly url?: URL;
  /** Set when the visitor got something other than the error page (a last good copy). */
  readonly served?: "stale";
  /** Every try at an origin, when there was more than one. */
  readonly attempts?: readonly OriginAttempt[];
}

/** What this isolate's recorder has done: suppressions and write failures are counted, never silent. */
export interface RecorderCounters {
  stored: number;
  suppressed: number;
  rollups: number;
  writeErrors: number;
}

const MAX_EVIDENCE_BODY = 1024;

type CfProps = { colo?: string; country?: string; city?: string; asn?: number; httpProtocol?: string; tlsVersion?: string };

export function buildRecord(input: IncidentInput, weight: number, options: IncidentOptions): IncidentRecord {
  const { failure, request } = input;
  const url = input.url ?? new URL(request.url);
  const cf = (request as { cf?: CfProps }).cf ?? {};
  const observed = options.storeQuery ? failure.evidence : scrubQuery(failure.evidence, url.search);
  const evidence = observed.source === "response" ? { ...observed, bodyPrefix: observed.bodyPrefix.slice(0, MAX_EVIDENCE_BODY) } : observed;
  const ip = request.headers.get("cf-connecting-ip");
  const ua = request.headers.get("user-agent");
  return {
    v: 1,
    ray_id: input.rayId,
    timestamp: input.time.toISOString(),
    error_code: failure.status,
    error_name: failure.name,
    error_category: failure.category,
    hop: failure.hop,
    kind: failure.kind,
    rule: failure.rule,
    ...(failure.subCode !== undefined ? { sub_code: failure.subCode } : {}),
    method: request.method,
    host: url.hostname,
    path: url.pathname.slice(0, 2048),
    ...(options.storeQuery && url.search ? { query: url.search.slice(0, 2048) } : {}),
    ...(ua ? { user_agent: ua.slice(0, 256) } : {}),
    locale: input.locale,
    format: input.format,
    ...(cf.colo ? { colo: cf.colo } : {}),
    ...(cf.country ? { country: cf.country } : {}),
    ...(cf.city ? { city: cf.city } : {}),
    ...(cf.asn ? { asn: cf.asn } : {}),
    ...(cf.httpProtocol ? { http_protocol: cf.httpProtocol } : {}),
    ...(cf.tlsVersion ? { tls_version: cf.tlsVersion } : {}),
    ...(options.storeClientIp && ip ? { client_ip: ip } : {}),
    weight,
    finding: findingOf(failure),
    evidence,
    ...(input.served ? { served: input.served } : {}),
    ...(input.attempts && input.attempts.length > 1 ? { attempts: input.attempts } : {}),
  };
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  const result = await within(p, ms);
  if ("timedOut" in result) throw new Error(`${what} took longer than ${ms} ms`);
  return result.value;
}

/**
 * The isolate writing KV itself, within a per-isolate budget: the only writer when there is no
 * ledger binding, and the fallback when the ledger cannot be reached. Its records carry their
 * counts in `weight` and get an `f:` key, which the stats add to the ledger's aggregates.
 */
export class IncidentRecorder {
  readonly budget: WriteBudget;
  readonly counters: RecorderCounters = { stored: 0, suppressed: 0, rollups: 0, writeErrors: 0 };

  constructor(
    readonly options: IncidentOptions,
    readonly hosts: SiteHosts = new SiteHosts(options.hosts),
  ) {
    this.budget = new WriteBudget(options.budget);
  }

  /**
   * Decides synchronously and returns the KV work to hand to `waitUntil`, or undefined when a
   * failure is only counted: in a storm that is nearly every request, and each `waitUntil` costs.
   * `fallback`: the ledger exists but could not be reached (marked on the records).
   */
  record(kv: KVNamespace, input: IncidentInput, fallback = false): Promise<void> | undefined {
    const host = this.hosts.bucket((input.url ?? new URL(input.request.url)).hostname);
    const key = this.budget.slotKey(`${input.failure.status}|${host}`);
    const admission: Admission = this.budget.admit(key);
    const build = (weight: number): IncidentRecord => ({ ...buildRecord(input, weight, this.options), v: 2, uid: newUid(), ...(fallback ? { fallback: true } : {}) });
    if (admission.store) {
      const record = build(admission.weight);
      // A failed write's weight is back in the budget; one roll-up at the window's end saves it
      // even if no other failure of this kind comes along to carry it.
      return this.#write(kv, key, record).then((ok) => {
        const flushAt = ok ? undefined : this.budget.claimRollup(key);
        return flushAt === undefined ? undefined : this.#rollup(kv, key, record, flushAt);
      });
    }
    this.counters.suppressed++;
    if (admission.flushAt === undefined) return undefined;
    // The first suppressed failure of a window writes the roll-up when the window closes.
    return this.#rollup(kv, key, build(0), admission.flushAt);
  }

  async #rollup(kv: KVNamespace, key: string, record: IncidentRecord, flushAt: number): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, flushAt - Date.now())));
    const pending = this.budget.takePending(key);
    if (pending === 0) return;
    this.counters.rollups++;
    await this.#write(kv, key, { ...record, weight: pending, rollup: true });
  }

  /** Writes the three keys of a record; false (counted, logged, weight given back) when KV fails. */
  async #write(kv: KVNamespace, key: string, record: IncidentRecord): Promise<boolean> {
    const ms = Date.parse(record.timestamp);
    const expirationTtl = Math.max(60, Math.round(this.options.ttlDays * 86_400));
    try {
      // All keys at once: a roll-up must finish inside waitUntil's 30 s even when KV is slow.
      const metadata = summarize(record);
      await withTimeout(
        Promise.all([
          kv.put(recordKey(record.ray_id, record.uid), JSON.stringify(record), { expirationTtl }),
          kv.put(indexKey(ms, record.ray_id, record.uid), "", { expirationTtl, metadata }),
          kv.put(fallbackKey(ms, record.ray_id, record.uid ?? newUid()), "", { expirationTtl, metadata }),
        ]),
        this.options.writeTimeoutMs,
        "KV put",
      );
      this.counters.stored++;
      return true;
    } catch (err) {
      this.counters.writeErrors++;
      this.budget.restore(key, record.weight);
      console.error(JSON.stringify({ msg: "incident write failed", ray_id: record.ray_id, error: String(err) }));
      return false;
    }
  }
}
