import type { SafetyViolation } from "../../lib/report";
import type { LockAnswer, LockVote } from "./ports";

/**
 * Engine events: typed data, names `domain:verb`. The engine only emits; the metrics collector is
 * the one place that counts them (STYLE.md #4, #5). Times are wall-clock ms.
 */
export const engineEvents = {
  requestArrived: (d: { requestId: number; instance: number; key: string; scheduledAt: number; startedAt: number; kind: "read" | "write" | "increment" }) =>
    ({ name: "request:arrived" as const, data: d }),
  requestEnded: (d: { requestId: number; instance: number; key: string; outcome: ReadOutcome; scheduledAt: number; endedAt: number; reason?: string }) =>
    ({ name: "request:ended" as const, data: d }),
  cacheRead: (d: { instance: number; key: string; found: boolean; issuedAt: number }) =>
    ({ name: "cache:read" as const, data: d }),
  /** A request saw the key missing, unreachable or logically expired: an episode may open. */
  cacheNeedsFill: (d: { key: string; reason: "missing" | "unreachable" | "expired"; issuedAt: number }) =>
    ({ name: "cache:needs-fill" as const, data: d }),
  cacheFilled: (d: { instance: number; key: string; at: number; early: boolean }) =>
    ({ name: "cache:filled" as const, data: d }),
  cacheWriteFailed: (d: { instance: number; key: string; message: string }) =>
    ({ name: "cache:write-failed" as const, data: d }),
  dbReadSubmitted: (d: { instance: number; key: string; at: number; early: boolean }) =>
    ({ name: "db:read-submitted" as const, data: d }),
  dbReadFailed: (d: { instance: number; key: string; code: string }) =>
    ({ name: "db:read-failed" as const, data: d }),
  /**
   * One request's try at the lock. `answeredBy`: a lock round of its own, or in-process without one
   * (Redlock's shared look or a sibling's round); absent for in-process locks. `result` is the
   * engine's verdict: a round the library won can still fail here (expired on arrival, no token).
   */
  lockAttempted: (d: { instance: number; resource: string; result: "acquired" | "contended" | "failed"; reason?: string; votes: LockVote[]; answeredBy?: LockAnswer; at: number }) =>
    ({ name: "lock:attempted" as const, data: d }),
  /**
   * `acquiredAt`: the winning round's start; `grantedAt`: when the lock service had the grant in
   * hand, where the safety checker starts its interval. `fencingToken`: taken from the database's
   * sequence at grant time (lockedWork "increment" only).
   */
  lockAcquired: (d: { instance: number; resource: string; value: string; holder: string; acquiredAt: number; grantedAt: number; validUntil: number; scope: "cluster" | "instance"; votes: LockVote[]; fencingToken?: number }) =>
    ({ name: "lock:acquired" as const, data: d }),
  lockReleased: (d: { instance: number; resource: string; value: string; holder: string; at: number; ok: boolean }) =>
    ({ name: "lock:released" as const, data: d }),
  writeAcknowledged: (d: { instance: number; key: string; writeId: string; strategy: string; at: number }) =>
    ({ name: "write:acknowledged" as const, data: d }),
  writeFailed: (d: { instance: number; key: string; writeId: string; message: string }) =>
    ({ name: "write:failed" as const, data: d }),
  writeBehindFlushed: (d: { instance: number; persisted: number; failed: number; at: number }) =>
    ({ name: "write-behind:flushed" as const, data: d }),
  writeBehindDropped: (d: { instance: number; dropped: number; at: number }) =>
    ({ name: "write-behind:dropped" as const, data: d }),
  instanceCrashed: (d: { instance: number; at: number; inFlight: number }) =>
    ({ name: "instance:crashed" as const, data: d }),
  /**
   * The protected read-modify-write of lockedWork "increment", as the database answered it. `holder`,
   * `value`, `validUntil` and `token` are null when no lock was held (lock "none", or bypass).
   * `staleAccepted`: persisted although the row had already accepted a newer token (fencing off).
   * `highestToken`: the row's highest accepted token after the write (or at the refusal).
   */
  lockedWrite: (d: {
    instance: number;
    key: string;
    resource: string;
    holder: string | null;
    value: string | null;
    validUntil: number | null;
    token: number | null;
    counter: number;
    at: number;
    result: "accepted" | "rejected-stale" | "failed";
    staleAccepted: boolean;
    highestToken: number | null;
    reason?: string;
  }) => ({ name: "db:locked-write" as const, data: d }),
  /**
   * A simulated stop-the-world pause (a long GC) took hold of a lock holder between its read and its
   * write: its work stops for `ms`; its timers and connections do not (in-process instances).
   */
  instancePaused: (d: { instance: number; holder: string; resource: string; at: number; ms: number; validUntil: number; simulated: true }) =>
    ({ name: "instance:paused" as const, data: d }),
  /** The paused holder runs again; `expired`: its grant's validity ended while it was paused. */
  instanceResumed: (d: { instance: number; holder: string; resource: string; at: number; pausedMs: number; validUntil: number; expired: boolean }) =>
    ({ name: "instance:resumed" as const, data: d }),
  /**
   * Emitted by the metrics collector (not the engine) when its safety checker finds a violation:
   * two live grants, a write past its holder's validity, or a write accepted out of token order.
   * Times are wall-clock ms, as in every engine event.
   */
  safetyViolation: (d: SafetyViolation) => ({ name: "safety:violation" as const, data: d }),
  /**
   * Emitted by the metrics collector when it opens or closes an episode, so the event log shows
   * exactly the episodes the report counts. `atMs` is ms since t = 0.
   */
  episodeChanged: (d: { key: string; change: "opened" | "closed"; atMs: number; reason?: string; instance?: number; dbReads: number }) =>
    ({ name: "episode:changed" as const, data: d }),
};

export type ReadOutcome = "hit" | "miss" | "staleServed" | "timeout" | "error";

type Factories = typeof engineEvents;
export type EngineEvent = ReturnType<Factories[keyof Factories]>;
export type EngineEventName = EngineEvent["name"];
export type EngineEventOf<N extends EngineEventName> = Extract<EngineEvent, { name: N }>;

export type EventSink = (event: EngineEvent) => void;
