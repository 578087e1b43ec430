/**
 * Maintenance mode as both Workers see it: the one KV key, the record stored under it, and the
 * validation of what the owner sends. The admin Worker writes it; the site Worker reads it.
 *
 *   maintenance                    value: MaintenanceRecord JSON, expiring at `until`
 */
import { isLocale, LOCALES, type Locale } from "./i18n";

/** The KV key of the maintenance flag (in the INCIDENTS namespace; no incident key starts so). */
export const MAINTENANCE_KEY = "maintenance";

/** Longest maintenance window accepted: long enough for a migration, short enough to notice a mistake. */
export const MAX_MAINTENANCE_MS = 30 * 86_400_000;
/** Longest owner message per language, in characters. */
export const MAX_MESSAGE_CHARS = 500;

export interface MaintenanceRecord {
  readonly v: 1;
  /** ISO time at which maintenance ends by itself. */
  readonly until: string;
  /** ISO time it was turned on. */
  readonly since: string;
  /** The owner's message per language; either may be missing (the other is shown then). */
  readonly message: Partial<Record<Locale, string>>;
}

/** Why a maintenance request was refused; each becomes a 400 with this `error`. */
export type MaintenanceInputError = "invalid_body" | "invalid_until" | "until_in_past" | "until_too_far" | "invalid_message";

export class MaintenanceInputProblem extends Error {
  override readonly name = "MaintenanceInputProblem";
  constructor(
    readonly error: MaintenanceInputError,
    readonly detail: string,
  ) {
    super(`${error}: ${detail}`);
  }
}

const DURATION = /^(\d{1,6})\s*(m|h|d)$/i;
const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `until` as epoch ms: an ISO 8601 time with a zone, or a duration from now (`90m`, `2h`, `1d`). */
export function parseUntil(raw: unknown, nowMs: number): number {
  if (typeof raw !== "string" || raw.trim() === "") throw new MaintenanceInputProblem("invalid_until", 'until is required: an ISO 8601 time such as "2026-05-01T18:00:00Z", or a duration such as "2h"');
  const value = raw.trim();
  const duration = DURATION.exec(value);
  let ms: number;
  if (duration?.[1] && duration[2]) ms = nowMs + Number(duration[1]) * (UNIT_MS[duration[2].toLowerCase()] ?? 0);
  else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) ms = Date.parse(value);
  else throw new MaintenanceInputProblem("invalid_until", `until must be an ISO 8601 time with a zone ("2026-05-01T18:00:00Z") or a duration ("2h"), got "${value.slice(0, 64)}"`);
  if (!Number.isFinite(ms)) throw new MaintenanceInputProblem("invalid_until", `until is not a valid time: "${value.slice(0, 64)}"`);
  if (ms <= nowMs) throw new MaintenanceInputProblem("until_in_past", "until must be in the future");
  if (ms - nowMs > MAX_MAINTENANCE_MS) throw new MaintenanceInputProblem("until_too_far", "until must be within 30 days");
  return ms;
}

function parseMessage(raw: unknown): Partial<Record<Locale, string>> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== "object" || Array.isArray(raw)) throw new MaintenanceInputProblem("invalid_message", `message must be an object such as {"en": "…", "ko": "…"}`);
  const out: Partial<Record<Locale, string>> = {};
  for (const [key, text] of Object.entries(raw)) {
    if (!isLocale(key)) throw new MaintenanceInputProblem("invalid_message", `message languages are ${LOCALES.join(", ")}, got "${key.slice(0, 16)}"`);
    if (typeof text !== "string") throw new MaintenanceInputProblem("invalid_message", `message.${key} must be a string`);
    const trimmed = text.trim();
    if (trimmed.length > MAX_MESSAGE_CHARS) throw new MaintenanceInputProblem("invalid_message", `message.${key} must be at most ${MAX_MESSAGE_CHARS} characters`);
    if (trimmed !== "") out[key] = trimmed;
  }
  return out;
}

/** The record for an owner's `{ until, message }`. Throws {@link MaintenanceInputProblem}. */
export function maintenanceRecord(body: unknown, nowMs: number): MaintenanceRecord {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new MaintenanceInputProblem("invalid_body", 'send JSON: { "until": "2026-05-01T18:00:00Z", "message": { "en": "…", "ko": "…" } }');
  const { until, message } = body as { until?: unknown; message?: unknown };
  const untilMs = parseUntil(until, nowMs);
  return { v: 1, until: new Date(untilMs).toISOString(), since: new Date(nowMs).toISOString(), message: parseMessage(message) };
}

/** A stored value read back; undefined for anything that is not a current record. */
export function parseMaintenance(raw: string | null, nowMs: number): MaintenanceRecord | undefined {
  if (!raw) return undefined;
  try {
    const value = JSON.parse(raw) as Partial<MaintenanceRecord>;
    if (value?.v !== 1 || typeof value.until !== "string" || typeof value.since !== "string") return undefined;
    const untilMs = Date.parse(value.until);
    if (!(untilMs > nowMs)) return undefined;
    const message = typeof value.message === "object" && value.message !== null ? value.message : {};
    return { v: 1, until: value.until, since: value.since, message };
  } catch {
    return undefined;
  }
}

/**
 * KV `expiration` for a record (epoch seconds): KV drops it by itself at `until`, so a forgotten
 * maintenance window ends even if nobody reads the time. KV wants it at least 60 s ahead.
 */
export const expirationFor = (untilMs: number, nowMs: number): number => Math.ceil(Math.max(untilMs, nowMs + 61_000) / 1000);

/**
 * The cookie the dashboard gives the owner's browser when maintenance goes on, valid on the whole
 * site (the session cookie only reaches ADMIN_PATH). It is signed for this one purpose, so it lets
 * the owner through maintenance and can never be used as a session.
 */
export const OWNER_PASS_COOKIE = "eep_owner";
/** The admin route the site Worker asks, through ADMIN, whether a request carries the owner's credentials. */
export const OWNER_CHECK_PATH = "/api/owner";
/**
 * The admin route, on the site's host, that turns a hand-over link from the dashboard into the
 * owner's pass there. With the owner side on its own hostname the dashboard's cookie never
 * reaches the site, so the pass has to be set by an answer from the site's host.
 */
export const OWNER_HANDOVER_PATH = "/pass";
/** How long a hand-over link works: long enough to follow it, short enough that a copy is stale. */
export const HANDOVER_TTL_S = 120;
