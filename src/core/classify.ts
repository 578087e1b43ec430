/**
 * Turns what was observed about a failed request into one precise failure, with its evidence.
 * Pure: all I/O (reading the body prefix, probing) happens before, in `inspect.ts`.
 */
import { findSubCode, type PageRule, recognize, type SubCodeForm } from "./cloudflare-page";
import { CODES, type Category, type ErrorCode, type Hop, isBrokenStatus, isErrorCode, isSubCode, originStatusSpec, SUBCODES } from "./codes";
import type { HttpReplyEvidence, TlsEvidence } from "./probe-evidence";

export type TcpOutcome = "open" | "failed" | "timeout";
/**
 * `valid`: a validated TLS session opened. `tls`: the port answers a ClientHello with a
 * handshake record (it speaks TLS, so validation is what failed). `alert`: it answers with a
 * TLS alert. `not_tls`: it answers with something else or hangs up. `timeout`: no answer.
 * `legacy`: it speaks only TLS 1.1 or older and its certificate shows no defect, so the version
 * is what fails (Cloudflare and workerd want TLS 1.2 or newer).
 */
export type TlsOutcome = "valid" | "tls" | "alert" | "not_tls" | "timeout" | "legacy";

export interface ProbeResult {
  readonly tcp: TcpOutcome;
  readonly tcpMs: number;
  readonly tls?: TlsOutcome;
  readonly tlsMs?: number;
  /** The runtime's message when the TCP connect failed. */
  readonly detail?: string;
  /** What the ClientHello got back (version, alert, certificate), when it got anything. */
  readonly tlsDetail?: TlsEvidence;
  /** What a replayed `HEAD` got, when the port was open and the fetch failed without a timeout. */
  readonly http?: HttpReplyEvidence;
  /** True when this is a recent probe of the same origin, reused (see src/site/probe-cache.ts). */
  readonly cached?: boolean;
}

/** Every way a request can fail, closed: a new kind must be handled everywhere it matters. */
export type FailureKind =
  | "origin_status" // the origin answered with a 5XX of its own
  | "edge_status" // a 500–504 that Cloudflare's edge generated (see cloudflare-page.ts)
  | "reported" // a 52x/530 the platform reported for the subrequest
  | "refused"
  | "connect_timeout"
  | "response_timeout"
  | "empty_reply"
  | "bad_reply"
  | "connection_lost"
  | "tls_handshake"
  | "tls_certificate"
  | "dns"
  | "unreachable"
  | "worker_fault";

/**
 * The rule that decided a failure: one row of the decision table in docs/classification.md, each
 * held by a test. Recorded with the incident so an owner can see why a code was chosen.
 */
export type Rule =
  | PageRule
  /** 501, 505–511 and other 5XX without a row of their own: sent on with their own status. */
  | "origin_other_status"
  /** 520–527, or a 530 whose 1xxx code could not be found. */
  | "reported_status"
  /** A 530 and its 1xxx code, by where the code was found. */
  | `sub_code_${SubCodeForm}`
  /** A status no response can carry (above 599, or an interim 1XX as the answer): a broken origin. */
  | "status_out_of_range"
  | "timeout_port_open"
  | "connect_timeout"
  /** The connect check (ORIGIN_CONNECT_TIMEOUT_MS) found the origin accepting no connection. */
  | "connect_check"
  /** The same, and the probe after it found the port closed. */
  | "connect_check_closed"
  | "timeout_port_closed"
  | "lost_port_closed"
  | "connect_failed_ip"
  | "connect_failed_name"
  | "lost_after_connect"
  | "error_after_connect"
  | "tls_handshake_record"
  | "tls_alert"
  | "tls_not_tls"
  | "tls_silent"
  /** A ServerHello for TLS 1.1 or older, with no visible certificate defect. */
  | "tls_legacy"
  | "unprobed_timeout"
  | "unprobed_lost"
  | "unprobed_error"
  | "worker_exception";

/** What was seen when the origin answered with a 5XX (or a status no response can carry). */
export interface ResponseObservation {
  readonly source: "response";
  readonly status: number;
  readonly contentType: string | null;
  readonly retryAfter: string | null;
  /** The `Server` header: `cloudflare` is evidence, never proof on its own. */
  readonly server: string | null;
  /** The `cf-ray` header on the origin's response: it passed through Cloudflare. */
  readonly cfRay: string | null;
  readonly contentEncoding: string | null;
  /**
   * How the prefix was decoded: `none` (it arrived decoded, or was never encoded), by the named
   * format here, or `undecodable` (encoded in a format this runtime cannot decode; left out).
   */
  readonly bodyDecoding: BodyDecoding;
  /** The first bytes of the body, decoded leniently. */
  readonly bodyPrefix: string;
  readonly bodyBytesRead: number;
  readonly elapsedMs: number;
}

export type BodyDecoding = "none" | "gzip" | "deflate" | "deflate-raw" | "undecodable";

/** What was seen when fetching the origin threw. */
export interface ErrorObservation {
  readonly source: "exception";
  readonly errorName: string;
  readonly errorMessage: string;
  readonly timedOut: boolean;
  /** True when the connect check ended the wait: no connection within `ORIGIN_CONNECT_TIMEOUT_MS`. */
  readonly connectTimedOut?: boolean;
  /** The header timeout that was in force (`ORIGIN_TIMEOUT_MS`). */
  readonly timeoutMs?: number;
  readonly elapsedMs: number;
  readonly origin: string;
  readonly probe: ProbeResult | "skipped";
}

/** A fault of the Worker itself (or, inside another Hono app, of that app's handler). */
export interface FaultObservation {
  readonly source: "fault";
  readonly errorName: string;
  readonly errorMessage: string;
  readonly stack?: string;
}

export type Observation = ResponseObservation | ErrorObservation | FaultObservation;

export interface Failure {
  readonly kind: FailureKind;
  /** The row of the code table ({@link CODES}) whose facts and texts apply. */
  readonly code: ErrorCode;
  /**
   * The status sent to the visitor: `code`, except for an origin's 5XX without a row of its own
   * (501, 505–511, …), which keeps its status.
   */
  readonly status: number;
  readonly name: string;
  readonly category: Category;
  readonly hop: Hop;
  readonly retryable: boolean;
  /** The rule that decided: see {@link Rule}. */
  readonly rule: Rule;
  readonly subCode?: number;
  readonly evidence: Observation;
}

interface Decision {
  readonly kind: FailureKind;
  readonly rule: Rule;
  readonly subCode?: number;
}

function decideResponse(o: ResponseObservation): Decision {
  if (isBrokenStatus(o.status)) return { kind: "bad_reply", rule: "status_out_of_range" };
  if (!isErrorCode(o.status)) return { kind: "origin_status", rule: "origin_other_status" };
  if (o.status === 530) {
    const found = findSubCode(o.bodyPrefix);
    return found ? { kind: "reported", rule: `sub_code_${found.form}`, subCode: found.code } : { kind: "reported", rule: "reported_status" };
  }
  if (o.status >= 520) return { kind: "reported", rule: "reported_status" };
  const verdict = recognize({ status: o.status, server: o.server, cfRay: o.cfRay, body: o.bodyPrefix });
  if (verdict.side === "origin") return { kind: "origin_status", rule: verdict.rule };
  // Cloudflare's own page may name a 1xxx code with a 500–504 too (1101, 1102: a Worker upstream failed).
  const found = findSubCode(o.bodyPrefix);
  return { kind: "edge_status", rule: verdict.rule, ...(found ? { subCode: found.code } : {}) };
}

function decideTls(tls: TlsOutcome, lost: boolean): Decision {
  switch (tls) {
    case "valid":
      return lost ? { kind: "empty_reply", rule: "lost_after_connect" } : { kind: "bad_reply", rule: "error_after_connect" };
    case "tls":
      return { kind: "tls_certificate", rule: "tls_handshake_record" };
    case "alert":
      return { kind: "tls_handshake", rule: "tls_alert" };
    case "not_tls":
      return { kind: "tls_handshake", rule: "tls_not_tls" };
    case "timeout":
      return { kind: "tls_handshake", rule: "tls_silent" };
    case "legacy":
      return { kind: "tls_handshake", rule: "tls_legacy" };
  }
}

function decideError(o: ErrorObservation): Decision {
  const lost = /network connection lost/i.test(o.errorMessage);
  const probe = o.probe;
  if (o.connectTimedOut) {
    // Our own connect already failed; the probe after it only says whether the port is closed.
    return probe !== "skipped" && probe.tcp === "failed" ? { kind: "refused", rule: "connect_check_closed" } : { kind: "connect_timeout", rule: "connect_check" };
  }
  if (probe === "skipped") {
    if (o.timedOut) return { kind: "response_timeout", rule: "unprobed_timeout" };
    return lost ? { kind: "connection_lost", rule: "unprobed_lost" } : { kind: "bad_reply", rule: "unprobed_error" };
  }
  if (probe.tcp === "timeout") return { kind: "connect_timeout", rule: "connect_timeout" };
  if (o.timedOut) return probe.tcp === "open" ? { kind: "response_timeout", rule: "timeout_port_open" } : { kind: "refused", rule: "timeout_port_closed" };
  if (probe.tcp === "failed") {
    if (lost) return { kind: "refused", rule: "lost_port_closed" };
    return isIpLiteral(new URL(o.origin).hostname) ? { kind: "unreachable", rule: "connect_failed_ip" } : { kind: "dns", rule: "connect_failed_name", subCode: 1016 };
  }
  // A plain-HTTP origin has no TLS probe: the port is open, so, as after a valid session, the reply failed.
  return decideTls(probe.tls ?? "valid", lost);
}

function codeOf(kind: FailureKind, o: Observation): ErrorCode {
  switch (kind) {
    case "origin_status":
    case "edge_status":
    case "reported":
      // Statuses without a row of their own read the 500 row (the origin's generic failure).
      return o.source === "response" && isErrorCode(o.status) ? o.status : 500;
    case "refused":
      return 521;
    case "connect_timeout":
      return 522;
    case "unreachable":
      return 523;
    case "response_timeout":
      return 524;
    case "empty_reply":
    case "bad_reply":
    case "connection_lost":
      return 520;
    case "tls_handshake":
      return 525;
    case "tls_certificate":
      return 526;
    case "dns":
      return 530;
    case "worker_fault":
      return 500;
  }
}

const decide = (o: Observation): Decision =>
  o.source === "response" ? decideResponse(o) : o.source === "exception" ? decideError(o) : { kind: "worker_fault", rule: "worker_exception" };

export function classify(o: Observation): Failure {
  const { kind, rule, subCode } = decide(o);
  const code = codeOf(kind, o);
  const spec = CODES[code];
  // Only an origin's own 5XX without a row keeps a status the table does not have.
  const other = kind === "origin_status" && o.source === "response" && !isErrorCode(o.status) ? originStatusSpec(o.status) : undefined;
  const sub = subCode !== undefined && isSubCode(subCode) ? SUBCODES[subCode] : undefined;
  const edge = kind === "edge_status";
  return {
    kind,
    code,
    status: other && o.source === "response" ? o.status : code,
    name: sub?.name ?? other?.name ?? spec.name,
    category: edge ? "cloudflare" : kind === "worker_fault" ? "worker" : spec.category,
    hop: edge || kind === "worker_fault" ? "edge" : spec.hop,
    retryable: sub?.retryable ?? other?.retryable ?? spec.retryable,
    rule,
    ...(subCode !== undefined ? { subCode } : {}),
    evidence: o,
  };
}

/** IPv4 dotted quads and IPv6 literals: no DNS involved, so a failed connect cannot be a DNS error. */
export function isIpLiteral(hostname: string): boolean {
  return /^\d{1,3}(?:\.\d{1,3}){3}$/.test(hostname) || hostname.startsWith("[") || hostname.includes(":");
}
