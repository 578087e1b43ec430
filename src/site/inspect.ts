/**
 * The I/O half of classification: reads a bounded prefix of a failing response and probes an
 * origin that could not be fetched, producing the observations `classify` works on.
 */
import type { ErrorObservation, FaultObservation, ResponseObservation } from "../core/classify";
import { probeOrigin } from "./probe";
import { OriginFetchError } from "./proxy";

export interface InspectOptions {
  /** Bytes of a failing body to read for branding and 1xxx codes. */
  readonly prefixBytes: number;
  /** Longest wait for that prefix, and the whole budget of a probe. */
  readonly probeTimeoutMs: number;
  /** Probe the origin after a failed fetch (off on a zone route, where the platform reports 52x itself). */
  readonly probe: boolean;
}

/**
 * Reads at most `maxBytes` of `body` within `ms`, then cancels the rest so a huge or stalled
 * error body costs the origin connection nothing more.
 */
export async function readPrefix(body: ReadableStream<Uint8Array> | null, maxBytes: number, ms: number): Promise<Uint8Array> {
  if (!body) return new Uint8Array();
  const reader = body.getReader();
  // One timer for the whole read: cancelling the reader ends a pending read() as done.
  const timer = setTimeout(() => void reader.cancel().catch(() => undefined), ms);
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
    clearTimeout(timer);
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

export async function observeResponse(res: Response, elapsedMs: number, options: InspectOptions): Promise<ResponseObservation> {
  const prefix = await readPrefix(res.body, options.prefixBytes, options.probeTimeoutMs);
  return {
    source: "response",
    status: res.status,
    contentType: res.headers.get("content-type"),
    retryAfter: res.headers.get("retry-after"),
    bodyPrefix: decoder.decode(prefix),
    bodyBytesRead: prefix.byteLength,
    elapsedMs,
  };
}

export async function observeError(error: unknown, options: InspectOptions): Promise<ErrorObservation | FaultObservation> {
  if (!(error instanceof OriginFetchError)) return observeFault(error);
  const cause = error.cause instanceof Error ? error.cause : new Error(String(error.cause));
  return {
    source: "exception",
    errorName: cause.name,
    errorMessage: cause.message,
    timedOut: error.timedOut,
    elapsedMs: error.elapsedMs,
    origin: error.origin.origin,
    probe: options.probe ? await probeOrigin(error.origin, options.probeTimeoutMs) : "skipped",
  };
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
