/**
 * Evidence gathering after a failed origin fetch. workerd reports most failures with the same
 * coarse messages (see docs/classification.md), so we look at the origin ourselves: a bare TCP
 * connect; for https origins a validated TLS connect and, when that fails, a raw ClientHello
 * whose answer is read record by record; and when the port speaks (plain HTTP, or TLS that
 * validates) a `HEAD` for the same path, to see how the reply breaks.
 */
import { connect } from "cloudflare:sockets";
import { isIpLiteral, type ProbeResult, type TlsOutcome } from "../core/classify";
import { HEADER_LIMIT, type HttpReplyEvidence, type TlsEvidence } from "../core/probe-evidence";
import { httpReplyOf } from "./http-reply";
import { within } from "../core/time";
import { clientHello } from "./tls/client-hello";
import { MAX_REPLY_BYTES, type ReplyVerdict, ServerReply, versionName } from "./tls/server-reply";
import { inspectCertificate } from "./tls/x509";

export type { ProbeResult, TcpOutcome, TlsOutcome } from "../core/classify";

export { clientHello } from "./tls/client-hello";

export interface ProbeOptions {
  /** Replay a `HEAD` when the port turns out to speak. Off after a header timeout: it would only hang again. Default true. */
  readonly replay?: boolean;
}

const portOf = (url: URL): number => Number(url.port || (url.protocol === "https:" ? 443 : 80));
const hostOf = (url: URL): string => url.hostname.replace(/^\[|\]$/g, "");

function closeQuietly(socket: Socket): void {
  socket.close().catch(() => undefined);
}

/** A bare TCP connect to `url`'s host and port, given up after `ms`. */
export async function tcpProbe(url: URL, ms: number): Promise<Pick<ProbeResult, "tcp" | "detail">> {
  const socket = connect({ hostname: hostOf(url), port: portOf(url) });
  try {
    const opened = await within(socket.opened, ms);
    return "timedOut" in opened ? { tcp: "timeout" } : { tcp: "open" };
  } catch (err) {
    return { tcp: "failed", detail: err instanceof Error ? err.message : String(err) };
  } finally {
    closeQuietly(socket);
  }
}

/** A validated TLS session, or undefined when validation (or anything else) failed. */
async function validatedTls(url: URL, ms: number): Promise<Socket | undefined> {
  const socket = connect({ hostname: hostOf(url), port: portOf(url) }, { secureTransport: "on", allowHalfOpen: false });
  try {
    const opened = await within(socket.opened, ms);
    if (!("timedOut" in opened)) return socket;
  } catch {
    // the reason stays inside the runtime: the raw ClientHello finds out what it can
  }
  closeQuietly(socket);
  return undefined;
}

/** Reads from `socket` into `consume` until it says stop, the stream ends, or `ms` pass. */
async function readUntil(socket: Socket, ms: number, consume: (chunk: Uint8Array) => boolean): Promise<"done" | "ended" | "timeout"> {
  const reader = socket.readable.getReader();
  const deadline = Date.now() + ms;
  try {
    for (;;) {
      const read = await within(reader.read(), deadline - Date.now());
      if ("timedOut" in read) return "timeout";
      if (read.value.done) return "ended";
      if (consume(read.value.value)) return "done";
    }
  } catch {
    return "ended"; // reset: what was read so far is the evidence
  } finally {
    reader.releaseLock();
  }
}

function tlsEvidence(verdict: ReplyVerdict, host: string): TlsEvidence {
  if (verdict.kind === "alert") return { alert: verdict.alert };
  if (verdict.kind !== "hello") return {};
  const certificate = verdict.certificate && inspectCertificate(verdict.certificate, host, new Date());
  return {
    version: versionName(verdict.version),
    cipher: verdict.cipher.toString(16).padStart(4, "0"),
    ...(certificate ? { certificate } : {}),
  };
}

/** What the answer means for the failed validated connect. */
function outcomeOf(verdict: ReplyVerdict, tls: TlsEvidence): TlsOutcome {
  switch (verdict.kind) {
    case "pending":
      return "timeout";
    case "not_tls":
      return "not_tls";
    case "alert":
      return "alert";
    case "hello": {
      const c = tls.certificate;
      const defect = c !== undefined && (c.selfSigned || c.expired || c.notYetValid || !c.hostMatches);
      // Below TLS 1.2 the version alone makes validated clients refuse; only a visibly bad certificate outranks it.
      return verdict.version < 0x0303 && !defect ? "legacy" : "tls";
    }
  }
}

async function clientHelloProbe(url: URL, ms: number): Promise<{ tls: TlsOutcome; tlsDetail?: TlsEvidence }> {
  const host = hostOf(url);
  const socket = connect({ hostname: host, port: portOf(url) });
  const reply = new ServerReply();
  let verdict: ReplyVerdict = { kind: "pending" };
  const settled = (v: ReplyVerdict): boolean => (v.kind === "hello" ? v.complete : v.kind !== "pending");
  try {
    const writer = socket.writable.getWriter();
    await writer.write(clientHello(isIpLiteral(url.hostname) ? undefined : url.hostname));
    writer.releaseLock();
    const how = await readUntil(socket, ms, (chunk) => settled(reply.push(chunk)) || reply.total >= MAX_REPLY_BYTES);
    // A timeout before any answer stays "pending"; otherwise whatever was seen is the verdict.
    verdict = how === "timeout" && reply.current.kind === "pending" ? reply.current : reply.end();
  } catch {
    verdict = reply.end();
  } finally {
    closeQuietly(socket);
  }
  const tlsDetail = tlsEvidence(verdict, host);
  return { tls: outcomeOf(verdict, tlsDetail), ...(Object.keys(tlsDetail).length > 0 ? { tlsDetail } : {}) };
}

/** Sends `HEAD` for the failed path over `socket` (plain or validated TLS) and reads the header block. */
async function replayHead(socket: Socket, url: URL, ms: number): Promise<HttpReplyEvidence> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let evidence: HttpReplyEvidence | undefined;
  const collected = () => {
    const all = new Uint8Array(size);
    let at = 0;
    for (const c of chunks) all.set(c, (at += c.length) - c.length);
    return all;
  };
  try {
    const writer = socket.writable.getWriter();
    const request = `HEAD ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nUser-Agent: edge-error-pages-probe\r\nConnection: close\r\n\r\n`;
    await writer.write(new TextEncoder().encode(request));
    writer.releaseLock();
    const how = await readUntil(socket, ms, (chunk) => {
      chunks.push(chunk);
      size += chunk.length;
      evidence = httpReplyOf(collected(), false, false);
      return evidence !== undefined || size > HEADER_LIMIT;
    });
    evidence ??= httpReplyOf(collected(), how === "ended", how === "timeout");
  } catch {
    evidence ??= httpReplyOf(collected(), true, false);
  } finally {
    closeQuietly(socket);
  }
  return evidence ?? { outcome: "timeout", bytes: size };
}

/** Probes `url` within `budgetMs` in all. */
export async function probeOrigin(url: URL, budgetMs: number, options: ProbeOptions = {}): Promise<ProbeResult> {
  const start = Date.now();
  const left = () => budgetMs - (Date.now() - start);
  const replay = options.replay ?? true;
  const tcp = await tcpProbe(url, left());
  const tcpMs = Date.now() - start;
  if (tcp.tcp !== "open") return { ...tcp, tcpMs };
  if (url.protocol !== "https:") {
    if (!replay || left() <= 0) return { ...tcp, tcpMs };
    const http = await replayHead(connect({ hostname: hostOf(url), port: portOf(url) }), url, left());
    return { ...tcp, tcpMs, http };
  }
  const tlsStart = Date.now();
  const secure = await validatedTls(url, left());
  if (secure) {
    const tlsMs = Date.now() - tlsStart;
    if (replay && left() > 0) return { ...tcp, tcpMs, tls: "valid", tlsMs, http: await replayHead(secure, url, left()) };
    closeQuietly(secure);
    return { ...tcp, tcpMs, tls: "valid", tlsMs };
  }
  const hello = left() > 0 ? await clientHelloProbe(url, left()) : { tls: "timeout" as const };
  return { ...tcp, tcpMs, ...hello, tlsMs: Date.now() - tlsStart };
}
