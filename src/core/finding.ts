/**
 * What was actually seen, as one closed union: the owner's texts (page, JSON, copy block) say
 * this rather than only what the status code means. Derived purely from a failure's evidence.
 * Public-safe by construction: a port, a timeout, an alert name, a date, never a host or an IP
 * (the incident keeps those in its evidence).
 */
import type { ErrorObservation, Failure, ProbeResult } from "./classify";
import type { TlsEvidence } from "./probe-evidence";

type Port = { readonly port: number };

export type Finding =
  | { readonly kind: "origin_status"; readonly status: number }
  | { readonly kind: "edge_status"; readonly status: number }
  /** The platform answered with a 52x/530 itself: that status is all the Worker saw. */
  | { readonly kind: "reported"; readonly status: number }
  | { readonly kind: "sub_code"; readonly code: number }
  | { readonly kind: "sub_code_missing" }
  | ({ readonly kind: "refused" } & Port)
  /** The TCP connect did not complete within the probe's budget. */
  | ({ readonly kind: "connect_timeout"; readonly waitedMs: number } & Port)
  /** No response headers within the Worker's header timeout. */
  | { readonly kind: "no_headers"; readonly timeoutMs: number }
  | ({ readonly kind: "empty_reply" } & Port)
  | ({ readonly kind: "not_http" } & Port)
  | ({ readonly kind: "closed_before_headers" } & Port)
  | ({ readonly kind: "headers_too_large" } & Port)
  /** A bad reply the replay could not pin down (it did not repeat, or was not tried). */
  | ({ readonly kind: "bad_reply" } & Port)
  | ({ readonly kind: "tls_alert"; readonly alert: string } & Port)
  | ({ readonly kind: "tls_not_tls" } & Port)
  | ({ readonly kind: "tls_silent" } & Port)
  | ({ readonly kind: "tls_legacy"; readonly version: string } & Port)
  | ({ readonly kind: "cert_self_signed" } & Port)
  | ({ readonly kind: "cert_expired"; readonly date: string } & Port)
  | ({ readonly kind: "cert_not_yet_valid"; readonly date: string } & Port)
  | ({ readonly kind: "cert_wrong_host" } & Port)
  /** TLS 1.3: the certificate travels encrypted, so why it failed cannot be seen. */
  | ({ readonly kind: "cert_hidden"; readonly version: string } & Port)
  /** Visible, in date, naming the host, and still refused: an untrusted issuer or a missing intermediate. */
  | ({ readonly kind: "cert_untrusted" } & Port)
  | ({ readonly kind: "unreachable" } & Port)
  | { readonly kind: "dns" }
  | { readonly kind: "worker_fault" };

export type FindingKind = Finding["kind"];

/** Every kind, for tests and for checking that each language has a text for each. */
export const FINDING_KINDS = [
  "origin_status", "edge_status", "reported", "sub_code", "sub_code_missing", "refused", "connect_timeout",
  "no_headers", "empty_reply", "not_http", "closed_before_headers", "headers_too_large", "bad_reply",
  "tls_alert", "tls_not_tls", "tls_silent", "tls_legacy", "cert_self_signed", "cert_expired",
  "cert_not_yet_valid", "cert_wrong_host", "cert_hidden", "cert_untrusted", "unreachable", "dns", "worker_fault",
] as const satisfies readonly FindingKind[];

function portOf(origin: string): number {
  try {
    const url = new URL(origin);
    return Number(url.port || (url.protocol === "https:" ? 443 : 80));
  } catch {
    return 0;
  }
}

const day = (iso: string): string => iso.slice(0, 10);

function replyFinding(probe: ProbeResult | "skipped", port: number, lost: boolean): Finding {
  const http = probe === "skipped" ? undefined : probe.http;
  switch (http?.outcome) {
    case "empty":
    case "not_http":
    case "closed_before_headers":
    case "headers_too_large":
      return { kind: http.outcome === "empty" ? "empty_reply" : http.outcome, port };
    case "complete":
    case "timeout":
    case undefined:
      return { kind: lost ? "closed_before_headers" : "bad_reply", port };
  }
}

function certificateFinding(tls: TlsEvidence | undefined, port: number): Finding {
  const c = tls?.certificate;
  if (!c) return tls?.version === "TLS 1.3" ? { kind: "cert_hidden", version: tls.version, port } : { kind: "cert_untrusted", port };
  if (c.expired) return { kind: "cert_expired", date: day(c.notAfter), port };
  if (c.notYetValid) return { kind: "cert_not_yet_valid", date: day(c.notBefore), port };
  if (!c.hostMatches) return { kind: "cert_wrong_host", port };
  return c.selfSigned ? { kind: "cert_self_signed", port } : { kind: "cert_untrusted", port };
}

function handshakeFinding(probe: ProbeResult | "skipped", port: number): Finding {
  if (probe === "skipped") return { kind: "tls_silent", port };
  const alert = probe.tlsDetail?.alert;
  switch (probe.tls) {
    case "alert":
      return { kind: "tls_alert", alert: alert ?? "unknown", port };
    case "legacy":
      return { kind: "tls_legacy", version: probe.tlsDetail?.version ?? "TLS 1.1", port };
    case "not_tls":
      return { kind: "tls_not_tls", port };
    default:
      return { kind: "tls_silent", port };
  }
}

function thrownFinding(f: Failure, e: ErrorObservation): Finding {
  const port = portOf(e.origin);
  const lost = /network connection lost/i.test(e.errorMessage);
  const probe = e.probe === "skipped" ? undefined : e.probe;
  switch (f.kind) {
    case "refused":
      return { kind: "refused", port };
    case "connect_timeout":
      return { kind: "connect_timeout", waitedMs: probe?.tcpMs ?? 0, port };
    case "response_timeout":
      return { kind: "no_headers", timeoutMs: e.timeoutMs ?? e.elapsedMs };
    case "tls_certificate":
      return certificateFinding(probe?.tlsDetail, port);
    case "tls_handshake":
      return handshakeFinding(e.probe, port);
    case "unreachable":
      return { kind: "unreachable", port };
    case "dns":
      return { kind: "dns" };
    default:
      return replyFinding(e.probe, port, lost);
  }
}

/** What was seen, from the failure alone. */
export function findingOf(f: Failure): Finding {
  const e = f.evidence;
  if (e.source === "fault" || f.kind === "worker_fault") return { kind: "worker_fault" };
  if (e.source === "exception") return thrownFinding(f, e);
  if (f.code === 530) return f.subCode !== undefined ? { kind: "sub_code", code: f.subCode } : { kind: "sub_code_missing" };
  if (f.kind === "edge_status") return { kind: "edge_status", status: e.status };
  return f.kind === "reported" ? { kind: "reported", status: e.status } : { kind: "origin_status", status: e.status };
}

/**
 * A finding's values as text placeholders: its own fields (`{port}`, `{alert}`, `{version}`,
 * `{date}`, `{status}`, `{code}`) and `{s}`, the timeout or wait in seconds.
 */
export function findingValues(f: Finding): Readonly<Record<string, string>> {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(f)) values[key] = String(value);
  const ms = f.kind === "no_headers" ? f.timeoutMs : f.kind === "connect_timeout" ? f.waitedMs : undefined;
  if (ms !== undefined) values.s = seconds(ms);
  return values;
}

/** `5`, `1.5`, `0.25`: seconds without trailing zeros. */
export function seconds(ms: number): string {
  return String(Math.round(ms / 10) / 100);
}

/** Replaces `{name}` with its value; unknown placeholders stay as they are. */
export function fill(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(values, name) ? (values[name] as string) : whole));
}
