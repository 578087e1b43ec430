/**
 * The alert state machine for one (host, subject): idle → opened → (escalated once) → resolved.
 * Pure: the ledger feeds it the zone-wide counts it has summed, persists what it returns and
 * delivers the transitions. One open incident per host and subject at a time, and at least
 * `minIntervalMs` between two messages about it, so no traffic pattern can produce a storm.
 *
 *   idle ──count ≥ threshold──▶ open ──count ≥ factor × opening rate (once)──▶ open (escalated)
 *    ▲                            │                                               │
 *    └──────── quietMs without failures (and minIntervalMs since the last message) ┘
 */
import type { ErrorCode } from "../../core/codes";
import { type AlertPolicy, type AlertSubject, thresholdFor } from "./policy";

export type AlertEvent = "opened" | "escalated" | "resolved";

export interface OpenTrack {
  readonly phase: "open";
  /** `incident_id` in every message about it. */
  readonly id: string;
  readonly host: string;
  readonly subject: AlertSubject;
  /** The code that opened it (`error_code`); the most frequent one since, once known. */
  readonly code: ErrorCode;
  /** When the incident opened (ms). */
  readonly since: number;
  /** The window count that opened it: escalation is measured against it. */
  readonly openRate: number;
  readonly escalated: boolean;
  /** Failures counted since it opened, the opening window included. */
  readonly count: number;
  readonly lastFailureAt: number;
  readonly lastMessageAt: number;
  /** A sample Ray ID, for the owner to look up. */
  readonly rayId: string | null;
  /** Failures by data centre since it opened. */
  readonly colos: Readonly<Record<string, number>>;
}

/** Kept after a resolve so a flapping origin cannot reopen (and message) before `minIntervalMs`. */
export interface ResolvedTrack {
  readonly phase: "resolved";
  readonly host: string;
  readonly subject: AlertSubject;
  readonly resolvedAt: number;
}

export type AlertTrack = OpenTrack | ResolvedTrack;

/** What the ledger saw for one host and subject since the last evaluation. */
export interface AlertObservation {
  readonly host: string;
  readonly subject: AlertSubject;
  /** Failures in the last `windowMs`, zone-wide. */
  readonly windowCount: number;
  /** Failures counted since the previous evaluation. */
  readonly newFailures: number;
  /** The most recent failure (ms), or null when there has been none in the window. */
  readonly lastFailureAt: number | null;
  /** The code seen most in the window (the one an opening message names). */
  readonly code: ErrorCode;
  readonly rayId: string | null;
  /** New failures by data centre. */
  readonly colos: Readonly<Record<string, number>>;
}

export interface Transition {
  readonly event: AlertEvent;
  /** When it happened (ms). */
  readonly at: number;
  /** The incident as it stands at this transition. */
  readonly incident: OpenTrack;
}

export interface Step {
  /** The track to keep; undefined when there is nothing to remember. */
  readonly track: AlertTrack | undefined;
  readonly transition: Transition | undefined;
}

function addColos(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = { ...a };
  for (const [colo, n] of Object.entries(b)) out[colo] = (out[colo] ?? 0) + n;
  return out;
}

function open(o: AlertObservation, now: number, id: string): Step {
  const incident: OpenTrack = {
    phase: "open",
    id,
    host: o.host,
    subject: o.subject,
    code: o.code,
    since: now,
    openRate: o.windowCount,
    escalated: false,
    count: o.windowCount,
    lastFailureAt: o.lastFailureAt ?? now,
    lastMessageAt: now,
    rayId: o.rayId,
    colos: { ...o.colos },
  };
  return { track: incident, transition: { event: "opened", at: now, incident } };
}

function advance(t: OpenTrack, o: AlertObservation | undefined): OpenTrack {
  if (!o || o.newFailures === 0) return t;
  return {
    ...t,
    count: t.count + o.newFailures,
    lastFailureAt: Math.max(t.lastFailureAt, o.lastFailureAt ?? t.lastFailureAt),
    rayId: t.rayId ?? o.rayId,
    colos: addColos(t.colos, o.colos),
  };
}

function stepOpen(t: OpenTrack, o: AlertObservation | undefined, policy: AlertPolicy, now: number): Step {
  const next = advance(t, o);
  const mayMessage = now - next.lastMessageAt >= policy.minIntervalMs;
  if (now - next.lastFailureAt >= policy.quietMs) {
    if (!mayMessage) return { track: next, transition: undefined };
    const resolved: ResolvedTrack = { phase: "resolved", host: t.host, subject: t.subject, resolvedAt: now };
    return { track: resolved, transition: { event: "resolved", at: now, incident: { ...next, lastMessageAt: now } } };
  }
  const bar = policy.escalateFactor * Math.max(next.openRate, thresholdFor(t.subject, policy));
  if (!next.escalated && mayMessage && o !== undefined && o.windowCount >= bar) {
    const escalated: OpenTrack = { ...next, escalated: true, lastMessageAt: now };
    return { track: escalated, transition: { event: "escalated", at: now, incident: escalated } };
  }
  return { track: next, transition: undefined };
}

/**
 * One evaluation for one host and subject. `o` is undefined when nothing was counted for it
 * since the last evaluation (an open incident can then only resolve). `newId` names a new
 * incident; it is called only when one opens.
 */
export function step(
  prev: AlertTrack | undefined,
  o: AlertObservation | undefined,
  policy: AlertPolicy,
  now: number,
  newId: () => string,
): Step {
  if (prev?.phase === "open") return stepOpen(prev, o, policy, now);
  const crossed = o !== undefined && o.windowCount >= thresholdFor(o.subject, policy);
  if (prev?.phase === "resolved") {
    const settled = now - prev.resolvedAt >= policy.minIntervalMs;
    if (crossed && settled) return open(o, now, newId());
    // Forget a resolve once it can no longer hold back a new incident, nor mark where the window
    // starts again (the ledger counts only failures after a resolve towards reopening).
    const forget = now - prev.resolvedAt >= Math.max(policy.minIntervalMs, policy.windowMs);
    return { track: forget ? undefined : prev, transition: undefined };
  }
  return crossed ? open(o, now, newId()) : { track: undefined, transition: undefined };
}
