/**
 * Listing cursors: base64url JSON of where the scan stopped plus the filters it ran under, and an
 * HMAC over both. A cursor that was edited, truncated or made up is a 400, never a KV call.
 */
import { isRecordedStatus } from "../../core/codes";
import { BadRequest } from "../errors";
import { fromBase64Url, sign, toBase64Url, verify } from "../auth/keys";
import type { Filters } from "./params";

/** Where a listing continues: the prefix block, the KV cursor its batch started at, the last key returned. */
export interface ListPosition {
  readonly block: number;
  readonly kv: string | null;
  readonly after: string | null;
}

/** What a cursor carries: the position and the filters, with the time range resolved to absolute ms. */
export interface CursorState {
  readonly filters: Filters;
  readonly position: ListPosition;
}

interface Payload {
  v: 1;
  c?: number;
  h?: string;
  p?: string;
  s: number;
  u: number;
  b: number;
  k: string | null;
  a: string | null;
}

const MAX_CURSOR_CHARS = 4096;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

const invalid = (): BadRequest => new BadRequest("invalid_cursor", "cursor is malformed or was not issued by this Worker for this token");

/** Signs a cursor for the next page. */
export async function encodeCursor(key: CryptoKey, state: CursorState): Promise<string> {
  const { filters: f, position: p } = state;
  const payload: Payload = {
    v: 1,
    ...(f.code ? { c: f.code } : {}),
    ...(f.host ? { h: f.host } : {}),
    ...(f.path ? { p: f.path } : {}),
    s: f.sinceMs,
    u: f.untilMs,
    b: p.block,
    k: p.kv,
    a: p.after,
  };
  const body = toBase64Url(encoder.encode(JSON.stringify(payload)));
  return `${body}.${await sign(key, body)}`;
}

const isInt = (n: unknown): n is number => typeof n === "number" && Number.isSafeInteger(n) && n >= 0;
const isStrOrNull = (s: unknown): s is string | null => s === null || (typeof s === "string" && s.length <= 2048);
const optStr = (s: unknown): s is string | undefined => s === undefined || (typeof s === "string" && s.length <= 300);

function parsePayload(json: unknown): CursorState | undefined {
  if (typeof json !== "object" || json === null) return undefined;
  const p = json as Partial<Payload>;
  const codeOk = p.c === undefined || (typeof p.c === "number" && isRecordedStatus(p.c));
  if (p.v !== 1 || !codeOk || !optStr(p.h) || !optStr(p.p) || !isInt(p.s) || !isInt(p.u) || !isInt(p.b)) return undefined;
  if (!isStrOrNull(p.k) || !isStrOrNull(p.a)) return undefined;
  const filters: Filters = {
    ...(p.c !== undefined ? { code: p.c } : {}),
    ...(p.h ? { host: p.h } : {}),
    ...(p.p ? { path: p.p } : {}),
    sinceMs: p.s,
    untilMs: p.u,
  };
  return { filters, position: { block: p.b, kv: p.k, after: p.a } };
}

/** Verifies and opens a cursor; {@link BadRequest} when it is not one this Worker signed. */
export async function decodeCursor(key: CryptoKey, raw: string): Promise<CursorState> {
  const [body, signature, extra] = raw.length <= MAX_CURSOR_CHARS ? raw.split(".") : [];
  if (!body || !signature || extra !== undefined || !(await verify(key, body, signature))) throw invalid();
  try {
    const state = parsePayload(JSON.parse(decoder.decode(fromBase64Url(body))));
    if (state) return state;
  } catch {
    // reported below
  }
  throw invalid();
}

/**
 * A cursor continues the listing it came from: the filters given with it must be the same
 * (its time range is kept, since a relative `since` would otherwise move between pages).
 */
export function checkCursorFilters(cursor: Filters, given: Filters): void {
  if (cursor.code !== given.code || cursor.host !== given.host || cursor.path !== given.path) {
    throw new BadRequest("cursor_mismatch", "this cursor belongs to a listing with other filters (code, host, path): repeat them or drop the cursor");
  }
}
