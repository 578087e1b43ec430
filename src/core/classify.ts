/**
 * Turns what was observed about a failed request into one precise failure, with its evidence.
 * Pure: all I/O (reading the body prefix, probing) happens before, in `inspect.ts`.
 */
import { CODES, type Category, type ErrorCode, type Hop, isErrorCode, isSubCode, parseSubCode, SUBCODES } from "./codes";

export type TcpOutcome = "open" | "failed" | "timeout";
/**
 * `valid`: a validated TLS session opened. `tls`: the port answers a ClientHello with a
 * handshake record (it speaks TLS, so validation is what failed). `alert`: it answers with a
 * TLS alert. `not_tls`: it answers with something else or hangs up. `timeout`: no answer.
 */
export type TlsOutcome = "valid" | "tls" | "alert" | "not_tls" | "timeout";

export interface ProbeResult {
  readonly tcp: TcpOutcome;
  readonly tcpMs: number;
  readonly tls?: TlsOutcome;
  readonly tlsMs?: number;
  /** The runtime's message when the TCP connect failed. */
  readonly detail?: string;
}

/** Every way a request can fail, closed: a new kind must be handled everywhere it matters. */
export type FailureKind =
  | "origin_status" // the origin answered with a 5XX of its own
  | "edge_status" // a 500–504 whose body carries Cloudflare's branding: the edge failed
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

/** What was seen when the origin answered with a 5XX. */
export interface ResponseObservation {
  readonly source: "response";
  readonly status: number;
  readonly contentType: string | null;
  readonly retryAfter: string | null;
  /** The first bytes of the body, decoded leniently. */
  readonly bodyPrefix: string;
  readonly bodyBytesRead: number;
  readonly elapsedMs: number;
}

/** What was seen when fetching the origin threw. */
export interface ErrorObservation {
  readonly source: "exception";
  readonly errorName: string;
  readonly errorMessage: string;
  readonly timedOut: boolean;
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
  readonly code: ErrorCode;
  readonly name: string;
  readonly category: Category;
  readonly hop: Hop;
  readonly retryable: boolean;
  readonly subCode?: number;
  readonly evidence: Observation;
}

const BRANDING = /cloudflare/i;

function kindOfResponse(o: ResponseObservation): FailureKind {
  if (o.status >= 520 && isErrorCode(o.status)) return "reported";
  if (o.status <= 504 && o.status !== 501 && BRANDING.test(o.bodyPrefix)) return "edge_status";
  return "origin_status";
}

function kindOfError(o: ErrorObservation): FailureKind {
  const lost = /network connection lost/i.test(o.errorMessage);
  const probe = o.probe;
  if (probe === "skipped") return o.timedOut ? "response_timeout" : lost ? "connection_lost" : "bad_reply";
  if (probe.tcp === "timeout") return "connect_timeout";
  if (o.timedOut) return probe.tcp === "open" ? "response_timeout" : "refused";
  if (probe.tcp === "failed") {
    if (lost) return "refused";
    return isIpLiteral(new URL(o.origin).hostname) ? "unreachable" : "dns";
  }
  if (probe.tls === undefined) return lost ? "empty_reply" : "bad_reply";
  switch (probe.tls) {
    case "valid":
      return lost ? "empty_reply" : "bad_reply";
    case "tls":
      return "tls_certificate";
    case "alert":
    case "not_tls":
    case "timeout":
      return "tls_handshake";
  }
}

function codeOf(kind: FailureKind, o: Observation): ErrorCode {
  switch (kind) {
    case "origin_status":
    case "edge_status":
    case "reported": {
      const status = o.source === "response" ? o.status : 500;
      return isErrorCode(status) ? status : 500;
    }
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

export function classify(o: Observation): Failure {
  const kind = o.source === "response" ? kindOfResponse(o) : o.source === "exception" ? kindOfError(o) : "worker_fault";
  const code = codeOf(kind, o);
  const spec = CODES[code];
  const edge = kind === "edge_status" || kind === "worker_fault";
  const subCode = code !== 530 ? undefined : kind === "dns" ? 1016 : o.source === "response" ? parseSubCode(o.bodyPrefix) : undefined;
  const retryable = subCode !== undefined && isSubCode(subCode) ? SUBCODES[subCode].retryable : spec.retryable;
  return {
    kind,
    code,
    name: subCode !== undefined && isSubCode(subCode) ? SUBCODES[subCode].name : spec.name,
    category: edge ? "cloudflare" : spec.category,
    hop: edge ? "edge" : spec.hop,
    retryable,
    ...(subCode !== undefined ? { subCode } : {}),
    evidence: o,
  };
}

/** IPv4 dotted quads and IPv6 literals: no DNS involved, so a failed connect cannot be a DNS error. */
export function isIpLiteral(hostname: string): boolean {
  return /^\d{1,3}(?:\.\d{1,3}){3}$/.test(hostname) || hostname.startsWith("[") || hostname.includes(":");
}
