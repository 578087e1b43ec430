/**
 * Reads what a server sends back to the probe's ClientHello, record by record, until it is clear
 * what it speaks: an alert, a ServerHello (and, up to TLS 1.2, the certificate sent in clear), or
 * bytes that are no TLS at all. Pure and incremental, so it can be fed socket reads as they come.
 */

/** The alerts a server can send in answer to a ClientHello, by number (the TLS alert registry); others read as `alert_<n>`. */
const ALERTS: Readonly<Record<number, string>> = {
  0: "close_notify", 10: "unexpected_message", 22: "record_overflow", 40: "handshake_failure",
  47: "illegal_parameter", 49: "access_denied", 50: "decode_error", 70: "protocol_version",
  71: "insufficient_security", 80: "internal_error", 86: "inappropriate_fallback",
  109: "missing_extension", 110: "unsupported_extension", 112: "unrecognized_name", 120: "no_application_protocol",
};

export const alertName = (n: number): string => ALERTS[n] ?? `alert_${n}`;

/** "SSL 3.0", "TLS 1.0" … "TLS 1.3"; anything else in hex. */
export const versionName = (n: number): string =>
  n === 0x0300 ? "SSL 3.0" : n > 0x0300 && n <= 0x0304 ? `TLS 1.${n - 0x0301}` : `0x${n.toString(16).padStart(4, "0")}`;

export type ReplyVerdict =
  | { readonly kind: "pending" }
  | { readonly kind: "not_tls" }
  | { readonly kind: "alert"; readonly alert: string }
  | {
      readonly kind: "hello";
      /** The negotiated version, from supported_versions when present. */
      readonly version: number;
      readonly cipher: number;
      /** DER of the leaf certificate, once seen (never for TLS 1.3). */
      readonly certificate?: Uint8Array;
      /** Nothing more worth waiting for: TLS 1.3, the certificate, or the end of the server's flight. */
      readonly complete: boolean;
    };

const RECORD_HANDSHAKE = 0x16;
const RECORD_ALERT = 0x15;
const HS_SERVER_HELLO = 2;
const HS_CERTIFICATE = 11;
const HS_SERVER_HELLO_DONE = 14;
/** More than a ServerHello and a long certificate chain: past this the reply is not worth reading. */
export const MAX_REPLY_BYTES = 64 * 1024;

const be16 = (b: Uint8Array, i: number): number => ((b[i] ?? 0) << 8) | (b[i + 1] ?? 0);
const be24 = (b: Uint8Array, i: number): number => ((b[i] ?? 0) << 16) | be16(b, i + 1);

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

interface Hello {
  version: number;
  cipher: number;
}

/** ServerHello body → negotiated version and cipher; undefined when malformed. */
export function parseServerHello(body: Uint8Array): Hello | undefined {
  let i = 2 + 32; // legacy_version, random
  const sessionIdLength = body[i];
  if (sessionIdLength === undefined) return undefined;
  i += 1 + sessionIdLength;
  if (i + 3 > body.length) return undefined;
  const hello = { version: be16(body, 0), cipher: be16(body, i) };
  i += 3; // cipher_suite, compression_method
  const end = Math.min(body.length, i + 2 + be16(body, i));
  for (i += 2; i + 4 <= end; ) {
    const type = be16(body, i);
    const length = be16(body, i + 2);
    if (type === 0x002b && length === 2) hello.version = be16(body, i + 4); // supported_versions
    i += 4 + length;
  }
  return hello;
}

/** Incremental reader of the server's first flight. */
export class ServerReply {
  private buffer: Uint8Array = new Uint8Array(0);
  private handshake: Uint8Array = new Uint8Array(0);
  private hello: Hello | undefined;
  private certificate: Uint8Array | undefined;
  private flightDone = false;
  private verdict: ReplyVerdict = { kind: "pending" };
  total = 0;

  /** Adds bytes and returns what is known so far. */
  push(chunk: Uint8Array): ReplyVerdict {
    this.total += chunk.length;
    this.buffer = concat(this.buffer, chunk);
    while (this.verdict.kind === "pending" || (this.verdict.kind === "hello" && !this.verdict.complete)) {
      if (this.buffer.length < 5) break;
      const type = this.buffer[0];
      if ((type !== RECORD_HANDSHAKE && type !== RECORD_ALERT) || this.buffer[1] !== 3) {
        if (!this.hello) this.verdict = { kind: "not_tls" };
        else this.flightDone = true; // e.g. ChangeCipherSpec: the certificate is not coming in clear
        this.update();
        break;
      }
      const length = be16(this.buffer, 3);
      if (this.buffer.length < 5 + length) break;
      const payload = this.buffer.subarray(5, 5 + length);
      this.buffer = this.buffer.slice(5 + length);
      if (type === RECORD_ALERT) {
        if (!this.hello) this.verdict = { kind: "alert", alert: alertName(payload[1] ?? 255) };
        else this.flightDone = true;
      } else {
        this.handshake = concat(this.handshake, payload);
        this.readMessages();
      }
      this.update();
    }
    return this.verdict;
  }

  /** What is known so far, without ending. */
  get current(): ReplyVerdict {
    return this.verdict;
  }

  /** The verdict when the stream ended or the budget ran out: whatever was seen by then. */
  end(): ReplyVerdict {
    if (this.verdict.kind === "hello") return { ...this.verdict, complete: true };
    return this.verdict.kind === "pending" ? { kind: "not_tls" } : this.verdict;
  }

  private readMessages(): void {
    while (this.handshake.length >= 4) {
      const length = be24(this.handshake, 1);
      if (this.handshake.length < 4 + length) return;
      const type = this.handshake[0];
      const body = this.handshake.subarray(4, 4 + length);
      this.handshake = this.handshake.slice(4 + length);
      if (type === HS_SERVER_HELLO && !this.hello) {
        this.hello = parseServerHello(body);
        if (!this.hello) return void (this.verdict = { kind: "not_tls" });
      } else if (type === HS_CERTIFICATE && !this.certificate) {
        // certificate_list<0..2^24-1>, each ASN.1Cert<1..2^24-1>: the first one is the leaf.
        const first = be24(body, 3);
        if (first > 0 && 6 + first <= body.length) this.certificate = body.slice(6, 6 + first);
        this.flightDone = true;
      } else if (type === HS_SERVER_HELLO_DONE) this.flightDone = true;
    }
  }

  private update(): void {
    if (this.verdict.kind === "not_tls" || this.verdict.kind === "alert" || !this.hello) return;
    const { version, cipher } = this.hello;
    const complete = version >= 0x0304 || this.flightDone || this.total >= MAX_REPLY_BYTES;
    this.verdict = { kind: "hello", version, cipher, ...(this.certificate ? { certificate: this.certificate } : {}), complete };
  }
}
