// @ts-check
/**
 * How much the demo origins put up with, in one place so the limits can be read side by side.
 * They only keep a misbehaving client from exhausting the test machine; none is a scenario.
 */

export const KIB = 1024;
export const MIB = 1024 * KIB;

/** Longest request head (request line + headers) accepted. */
export const MAX_HEAD = 64 * KIB;
/** Longest request body buffered (it is echoed by /echo, read and dropped elsewhere). */
export const MAX_BODY = 16 * MIB;
/** Longest WebSocket message echoed. */
export const MAX_WS_MESSAGE = 16 * MIB;
/** A request (head and body) must have arrived this long after the connection opened. */
export const REQUEST_TIMEOUT_MS = 120_000;
/** Largest /stream/{mib} and /huge-error/{mib}. */
export const MAX_MIB = 1024;
/** Longest /slow-headers/{ms} delay. */
export const MAX_SLOW_MS = 600_000;
