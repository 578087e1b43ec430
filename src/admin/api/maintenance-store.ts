/**
 * The maintenance flag in KV, as the admin Worker reads and writes it, and the owner's pass: the
 * cookie that lets the owner's browser through maintenance on every path of the site.
 */
import type { Context } from "hono";
import { expirationFor, HANDOVER_TTL_S, MAINTENANCE_KEY, type MaintenanceRecord, maintenanceRecord, parseMaintenance } from "../../core/maintenance";
import { type AdminKeys, sign, verify } from "../auth/keys";
import { fromStore } from "../errors";
import { type AdminDeps, type AdminEnv, storeOf } from "./api";

type C = Context<AdminEnv>;

/** `<exp>.<HMAC over "<purpose>:<exp>">`: what both the pass and the hand-over are, for different purposes. */
async function stamp(keys: AdminKeys, purpose: string, exp: number): Promise<string> {
  return `${exp}.${await sign(keys.session, `${purpose}:${exp}`)}`;
}

/** True for a {@link stamp} of `purpose` with these keys whose expiry is still ahead. */
async function stampValid(keys: AdminKeys, purpose: string, value: string, nowMs: number): Promise<boolean> {
  const m = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!m?.[1] || !m[2] || Number(m[1]) * 1000 <= nowMs) return false;
  return verify(keys.session, `${purpose}:${m[1]}`, m[2]);
}

/** A pass for `untilMs`: an expiry and an HMAC over it, signed for this purpose only. */
export const issuePass = (keys: AdminKeys, untilMs: number): Promise<string> => stamp(keys, "maintenance-pass", Math.ceil(untilMs / 1000));

/** True for a pass made by {@link issuePass} with these keys that has not expired. */
export const verifyPass = (keys: AdminKeys, value: string, nowMs: number): Promise<boolean> => stampValid(keys, "maintenance-pass", value, nowMs);

/**
 * A hand-over for the site host `host` (host[:port], lower case): an expiry at most
 * HANDOVER_TTL_S away and an HMAC over both, signed for this purpose only, so it is neither a
 * pass nor a session, and a link made for one host is refused on any other.
 */
export const issueHandover = (keys: AdminKeys, host: string, untilMs: number, nowMs: number): Promise<string> =>
  stamp(keys, `maintenance-handover:${host}`, Math.min(Math.ceil(untilMs / 1000), Math.ceil(nowMs / 1000) + HANDOVER_TTL_S));

/** True for a hand-over made by {@link issueHandover} for `host` with these keys that has not expired. */
export const verifyHandover = (keys: AdminKeys, host: string, value: string, nowMs: number): Promise<boolean> =>
  stampValid(keys, `maintenance-handover:${host}`, value, nowMs);

/** The record in force, or null. */
export async function readMaintenance(c: C, deps: AdminDeps, nowMs: number): Promise<MaintenanceRecord | null> {
  const kv = storeOf(c, deps.binding);
  return parseMaintenance(await fromStore("get", () => kv.get(MAINTENANCE_KEY)), nowMs) ?? null;
}

/** Turns maintenance on from the owner's `{ until, message }`; throws MaintenanceInputProblem. */
export async function startMaintenance(c: C, deps: AdminDeps, body: unknown, nowMs: number): Promise<MaintenanceRecord> {
  const record = maintenanceRecord(body, nowMs);
  const kv = storeOf(c, deps.binding);
  const expiration = expirationFor(Date.parse(record.until), nowMs);
  await fromStore("put", () => kv.put(MAINTENANCE_KEY, JSON.stringify(record), { expiration }));
  return record;
}

export async function endMaintenance(c: C, deps: AdminDeps): Promise<void> {
  const kv = storeOf(c, deps.binding);
  await fromStore("delete", () => kv.delete(MAINTENANCE_KEY));
}
