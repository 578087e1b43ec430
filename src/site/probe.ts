/**
 * Evidence gathering after a failed origin fetch. workerd reports most failures with the same
 * coarse messages (see docs/classification.md), so we look at the origin ourselves: a bare TCP
 * connect, then for https origins a validated TLS connect and a raw ClientHello.
 */
import { connect } from "cloudflare:sockets";
import { isIpLiteral, type ProbeResult, type TlsOutcome } from "../core/classify";
import { within } from "../core/time";

export type { ProbeResult, TcpOutcome, TlsOutcome } from "../core/classify";


const portOf = (url: URL): number => Number(url.port || (url.protocol === "https:" ? 443 : 80));
const hostOf = (url: URL): string => url.hostname.replace(/^\[|\]$/g, "");

function closeQuietly(socket: Socket): void {
  socket.close().catch(() => undefined);
}

async function tcpProbe(url: URL, ms: number): Promise<Pick<ProbeResult, "tcp" | "detail">> {
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

async function validatedTls(url: URL, ms: number): Promise<boolean> {
  const socket = connect({ hostname: hostOf(url), port: portOf(url) }, { secureTransport: "on", allowHalfOpen: false });
  try {
    const opened = await within(socket.opened, ms);
    return !("timedOut" in opened);
  } catch {
    return false;
  } finally {
    closeQuietly(socket);
  }
}

async function clientHelloProbe(url: URL, ms: number): Promise<TlsOutcome> {
  const socket = connect({ hostname: hostOf(url), port: portOf(url) });
  try {
    const writer = socket.writable.getWriter();
    await writer.write(clientHello(isIpLiteral(url.hostname) ? undefined : url.hostname));
    const read = await within(socket.readable.getReader().read(), ms);
    if ("timedOut" in read) return "timeout";
    const first = read.value.value?.[0];
    return first === 0x16 ? "tls" : first === 0x15 ? "alert" : "not_tls";
  } catch {
    return "not_tls";
  } finally {
    closeQuietly(socket);
  }
}

/** Probes `url` within `budgetMs` in all. */
export async function probeOrigin(url: URL, budgetMs: number): Promise<ProbeResult> {
  const start = Date.now();
  const left = () => budgetMs - (Date.now() - start);
  const tcp = await tcpProbe(url, left());
  const tcpMs = Date.now() - start;
  if (tcp.tcp !== "open" || url.protocol !== "https:") return { ...tcp, tcpMs };
  const tlsStart = Date.now();
  const tls: TlsOutcome = (await validatedTls(url, left()))
    ? "valid"
    : left() > 0
      ? await clientHelloProbe(url, left())
      : "timeout";
  return { ...tcp, tcpMs, tls, tlsMs: Date.now() - tlsStart };
}

const u16 = (n: number): number[] => [(n >> 8) & 0xff, n & 0xff];
const u24 = (n: number): number[] => [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
const ext = (type: number, body: number[]): number[] => [...u16(type), ...u16(body.length), ...body];

/** A minimal TLS 1.2 ClientHello: enough for any TLS server to answer with a ServerHello or an alert. */
export function clientHello(sni?: string): Uint8Array {
  const suites = [0xc02f, 0xc030, 0xc02b, 0xc02c, 0x1301, 0x1302, 0x1303, 0x009c, 0x009d, 0x002f, 0x0035];
  const sigAlgs = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601, 0x0201];
  const extensions = [
    ...ext(0x000a, [...u16(6), ...u16(0x001d), ...u16(0x0017), ...u16(0x0018)]),
    ...ext(0x000b, [1, 0]),
    ...ext(0x000d, [...u16(sigAlgs.length * 2), ...sigAlgs.flatMap(u16)]),
  ];
  if (sni) {
    const name = [...new TextEncoder().encode(sni)];
    extensions.push(...ext(0x0000, [...u16(name.length + 3), 0, ...u16(name.length), ...name]));
  }
  const random = [...crypto.getRandomValues(new Uint8Array(32))];
  const body = [
    3, 3, ...random, 0,
    ...u16(suites.length * 2), ...suites.flatMap(u16),
    1, 0,
    ...u16(extensions.length), ...extensions,
  ];
  const handshake = [1, ...u24(body.length), ...body];
  return new Uint8Array([0x16, 3, 1, ...u16(handshake.length), ...handshake]);
}
