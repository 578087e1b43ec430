/**
 * The I/O half of classification: reads a bounded prefix of a failing response and probes an
 * origin that could not be fetched, producing the observations `classify` works on.
 */
import type { BodyDecoding, ErrorObservation, FaultObservation, ProbeResult, ResponseObservation } from "../core/classify";
import { probeOrigin } from "./probe";
import type { ProbeCache } from "./probe-cache";
import { OriginFetchError } from "./proxy";

export interface InspectOptions {
  /** Bytes of a failing body to read for branding and 1xxx codes. */
  readonly prefixBytes: number;
  /** Longest wait for that prefix, and the whole budget of a probe. */
  readonly probeTimeoutMs: number;
  /** Probe the origin after a failed fetch (off on a zone route, where the platform reports 52x itself). */
  readonly probe: boolean;
  /** Recent and in-flight probes per origin, so a failing origin is not probed once per request. */
  readonly probes: ProbeCache;
}

/**
 * Reads at most `maxBytes` of `body` within `ms`, then cancels the rest so a huge or stalled
 * error body costs the origin connection nothing more.
 */
export async function readPrefix(body: ReadableStream<Uint8Array> | null, maxBytes: number, ms: number): Promise<Uint8Array> {
  if (!body) return new Uint8Array();
  const reader = body.getReader();
  // One timer for the whole read: cancelling the reader ends a pending read() as done. It is not
  // cleared: cancelling a reader twice is harmless, and the runtime drops the timer with the
  // request, which saves a clearTimeout on every error page of a storm.
  setTimeout(() => void reader.cancel().catch(() => undefined), ms);
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < maxBytes) {
      const next = await reader.read();
      if (next.done) break;
      chunks.push(next.value);
      size += next.value.byteLength;
    }
  } catch {
    // A body that breaks mid-way still leaves what was read as evidence.
  } finally {
    reader.cancel().catch(() => undefined);
  }
  return concat(chunks, Math.min(size, maxBytes));
}

function concat(chunks: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    if (offset >= length) break;
    const part = chunk.subarray(0, length - offset);
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Lenient (non-fatal) and used without `stream`, so one decoder serves every request. */
const decoder = new TextDecoder();

/** Reads the evidence of a failing response: its headers and a bounded prefix of `body` (its own by default). */
export async function observeResponse(
  res: Response,
  elapsedMs: number,
  options: InspectOptions,
  body: ReadableStream<Uint8Array> | null = res.body,
): Promise<ResponseObservation> {
  const started = Date.now();
  const raw = await readPrefix(body, options.prefixBytes, options.probeTimeoutMs);
  const encoding = res.headers.get("content-encoding");
  const remainingMs = Math.max(1, options.probeTimeoutMs - (Date.now() - started));
  const decoded = await decodePrefix(raw, encoding, options.prefixBytes, remainingMs);
  return {
    source: "response",
    status: res.status,
    contentType: res.headers.get("content-type"),
    retryAfter: res.headers.get("retry-after"),
    server: res.headers.get("server"),
    cfRay: res.headers.get("cf-ray"),
    contentEncoding: encoding,
    bodyDecoding: decoded.decoding,
    bodyPrefix: decoder.decode(decoded.bytes),
    bodyBytesRead: raw.byteLength,
    elapsedMs,
  };
}

/**
 * A failing response that goes on to its client as sent, observed all the same: its body is teed,
 * one branch streams to the client, and the other yields the bounded prefix the error path reads
 * (then is cancelled, which leaves the client's branch alone). Nothing waits for the observation
 * but the caller's `waitUntil`.
 */
export function observePassedOn(res: Response, elapsedMs: number, options: InspectOptions): { response: Response; observation: Promise<ResponseObservation> } {
  if (!res.body) return { response: res, observation: observeResponse(res, elapsedMs, options) };
  const [client, evidence] = res.body.tee();
  return { response: new Response(client, res), observation: observeResponse(res, elapsedMs, options, evidence) };
}

/**
 * Decodes a prefix that is still compressed, within `maxBytes` of output and `ms`. The runtime's
 * fetch already decodes gzip and br (keeping the Content-Encoding header), while a deflate body, or
 * a body a Hono app built itself, arrives as sent: so the bytes decide, not the header alone.
 * br cannot be decoded here (no DecompressionStream format for it in workerd): such a prefix is
 * left out and recorded as `undecodable`, and the headers alone decide.
 */
export async function decodePrefix(
  raw: Uint8Array,
  contentEncoding: string | null,
  maxBytes: number,
  ms: number,
): Promise<{ bytes: Uint8Array; decoding: BodyDecoding }> {
  const encoding = contentEncoding?.split(",").pop()?.trim().toLowerCase() ?? "";
  const plain = { bytes: raw, decoding: "none" as const };
  if (raw.byteLength === 0 || encoding === "" || encoding === "identity") return plain;
  const format = formatOf(encoding, raw);
  const bytes = format ? await inflate(raw, format, maxBytes, ms) : undefined;
  if (format && bytes && bytes.byteLength > 0) return { bytes, decoding: format };
  return looksLikeText(raw) ? plain : { bytes: new Uint8Array(), decoding: "undecodable" };
}

type Format = "gzip" | "deflate" | "deflate-raw";

/** The format the bytes are still in, if any: "deflate" is zlib-wrapped by the spec, raw from some servers. */
function formatOf(encoding: string, raw: Uint8Array): Format | undefined {
  if (encoding === "gzip" || encoding === "x-gzip") return isGzip(raw) ? "gzip" : undefined;
  if (encoding !== "deflate") return undefined;
  if (isZlib(raw)) return "deflate";
  return looksLikeText(raw) ? undefined : "deflate-raw";
}

const isGzip = (b: Uint8Array): boolean => b[0] === 0x1f && b[1] === 0x8b;

/** RFC 1950's header: method 8 and a check value making the first two bytes a multiple of 31. */
const isZlib = (b: Uint8Array): boolean => b.byteLength > 1 && ((b[0] ?? 0) & 0x0f) === 8 && (((b[0] ?? 0) << 8) | (b[1] ?? 0)) % 31 === 0;

/** No control bytes but tab, newline, carriage return and escape in the first 256: text, not a compressed stream. */
function looksLikeText(b: Uint8Array): boolean {
  const end = Math.min(b.byteLength, 256);
  for (let i = 0; i < end; i++) {
    const c = b[i] ?? 0;
    if (c < 0x09 || (c > 0x0d && c < 0x20 && c !== 0x1b)) return false;
  }
  return true;
}

/** A prefix cut mid-stream still yields what it holds; a stream that is not this format yields nothing. */
async function inflate(raw: Uint8Array, format: Format, maxBytes: number, ms: number): Promise<Uint8Array | undefined> {
  try {
    const stream = new Blob([raw]).stream().pipeThrough(new DecompressionStream(format));
    return await readPrefix(stream, maxBytes, ms);
  } catch {
    return undefined;
  }
}

export async function observeError(error: unknown, options: InspectOptions): Promise<ErrorObservation | FaultObservation> {
  if (!(error instanceof OriginFetchError)) return observeFault(error);
  const cause = error.cause instanceof Error ? error.cause : new Error(String(error.cause));
  return {
    source: "exception",
    errorName: cause.name,
    errorMessage: cause.message,
    timedOut: error.timedOut,
    ...(error.connectTimedOut ? { connectTimedOut: true } : {}),
    ...(error.timeoutMs !== undefined ? { timeoutMs: error.timeoutMs } : {}),
    elapsedMs: error.elapsedMs,
    origin: error.origin.origin,
    probe: options.probe ? await probeShared(error, options) : "skipped",
  };
}

/**
 * The probe for a failed fetch, shared with other failures of the same origin (see probe-cache.ts).
 * A HEAD replay only follows a fetch that did not time out, and asks for the failing URL itself,
 * whose answer can differ from another path's: such probes are shared per URL.
 */
function probeShared(error: OriginFetchError, options: InspectOptions): Promise<ProbeResult> {
  const replay = !error.timedOut;
  const variant = replay ? `replay ${error.origin.pathname}${error.origin.search}` : "";
  return options.probes.probe(error.origin, () => probeOrigin(error.origin, options.probeTimeoutMs, { replay }), options.probeTimeoutMs, variant);
}

export function observeFault(error: unknown): FaultObservation {
  const err = error instanceof Error ? error : new Error(describeThrown(error));
  return { source: "fault", errorName: err.name, errorMessage: err.message, ...(err.stack ? { stack: err.stack } : {}) };
}

/** Anything can be thrown, including values String() throws on (`Object.create(null)`). */
function describeThrown(value: unknown): string {
  try {
    return String(value);
  } catch {
    return `thrown ${Object.prototype.toString.call(value)}`;
  }
}
