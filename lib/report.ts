/**
 * The shapes of a run's results, shared by the server (which fills them), the CLI (which prints
 * them) and the page (which draws them). Types only: no Node imports.
 */
import type { Scenario } from "./scenario";

export interface Episode {
  key: string;
  /** Ms since t = 0 when a request first found the key missing, unreachable or expired. */
  startMs: number;
  /** Ms since t = 0 when a fresh value's SET was acknowledged; null while still open. */
  endMs: number | null;
  dbReads: number;
}

/** One window of `tickMs`: the numbers the dashboard charts, never cumulative. */
export interface TickWindow {
  /** Start of the window, ms since t = 0. */
  t: number;
  /**
   * How long the window really lasted, ms on the run's clock: `tickMs` normally, less for the run's
   * last window, more when the machine fell behind and the window closed late. Counts ÷ lengthMs
   * is the true rate; counts ÷ tickMs overstates it for every window that ran long.
   */
  lengthMs: number;
  /**
   * True when the window ran long enough (over 1.5 ticks) to stand for several ticks: the server
   * closed it late and sent no frames for the ticks in between, so its counts are theirs too.
   */
  merged: boolean;
  arrivals: number;
  hits: number;
  misses: number;
  staleServed: number;
  errors: number;
  timeouts: number;
  /** Hits over reads that ended in this window (null when none ended). */
  hitRatio: number | null;
  latencyP50: number | null;
  latencyP99: number | null;
  dbReads: number;
  dbReadsFailed: number;
  lockAttempts: number;
  lockAcquired: number;
  lockContended: number;
  lockFailed: number;
  /** Of the lock attempts: rounds sent to the lock nodes (the Redlock library's acquire calls, single-redis's SET NX). */
  lockRounds: number;
  /** Of the lock attempts: answered in-process, without a round of their own (Redlock's coalescing). */
  lockAnsweredInProcess: number;
  cacheFills: number;
  writesAcknowledged: number;
  episodesOpen: number;
  /** Each lock node's latest vote in any engine's lock attempt so far (carried across windows). */
  lastVotes: Record<string, "for" | "locked" | "error" | "pending">;
}

/**
 * What broke. Two live grants at once ("two-holders"; the only kind before the safety lab, so a
 * violation without `kind` is one); a holder's write that landed after its validity ended
 * ("write-after-validity"); a write accepted although the row had already accepted a newer fencing
 * token ("write-out-of-token-order").
 */
export const VIOLATION_KINDS = ["two-holders", "write-after-validity", "write-out-of-token-order"] as const;
export type ViolationKind = (typeof VIOLATION_KINDS)[number];

/** One grant in a violation. `pausedMs`: a simulated stop-the-world pause held this grant's request that long. */
export interface ViolationSide {
  holder: string;
  value: string;
  nodes: string[];
  validUntil: number;
  fencingToken?: number;
  pausedMs?: number;
}

/**
 * `first` is the earlier grant, `second` the later one. For a two-holders violation `second` is the
 * newcomer; for a write violation `first` is the writer whose write broke the rule and `second` the
 * grant it overran — the holder that took over, or whose newer token the row had already accepted
 * (the writer itself again when nobody else held the lock).
 */
export interface SafetyViolation {
  resource: string;
  at: number;
  first: ViolationSide;
  second: ViolationSide;
  /** Absent means "two-holders". */
  kind?: ViolationKind;
  /** The violation in words, for the alarm and the log (write violations). */
  detail?: string;
}

/** What one lock node held for the watched lock key at one instant, read from the node itself. */
export interface ObservedLock {
  nodeId: string;
  /** False when the node did not answer (down, frozen, unreachable). */
  reachable: boolean;
  /** The lock value stored on the node, or null when the key is absent. */
  value: string | null;
  /** Remaining TTL in ms when it was read, or null when absent or unknown. */
  pttlMs: number | null;
  /**
   * How the node answered the observer, on its own port: `answered` (this tick), `late` (the last
   * answer is older than the tick allows: `value` and `pttlMs` are that answer's, `ageMs` its age),
   * `refused` (no connection: crashed, or not started), `no-answer` (connected but silent: frozen).
   * Absent in frames recorded before it existed.
   */
  answer?: ObservedAnswer;
  /** Ms since t = 0 when the reading shown was taken (the last answer, for `late`); null if never read. */
  sampledAtMs?: number | null;
  /** How old that reading was when the frame closed, ms; null if never read. */
  ageMs?: number | null;
}

export const OBSERVED_ANSWERS = ["answered", "late", "refused", "no-answer"] as const;
export type ObservedAnswer = (typeof OBSERVED_ANSWERS)[number];

/** One frame of the run: a closed metrics window plus what the nodes held at its end. */
export interface TickFrame extends TickWindow {
  dbInFlight: number;
  dbQueued: number;
  writesPending: number;
  locks: Array<ObservedLock & { holder: string | null }>;
}

export type LabNote = { atMs: number; kind: "fault" | "fault-failed" | "expire" | "crowd" | "phase"; text: string };

/** One line of the event log (a tagged union with typed fields: lib/log.ts). */
export type { LogEntry } from "./log";

/**
 * How the lock attempts were answered (README, "Reading the report"). Every server report has them;
 * recordings saved before they were counted do not.
 */
export interface LockRounds {
  /** Rounds sent to the lock nodes: the Redlock library's acquire calls (single-redis: its SET NX); 0 for local locks. */
  rounds: number;
  /** Rounds by the attempt's result (they add up to `rounds`). */
  roundsAcquired: number;
  roundsContended: number;
  roundsFailed: number;
  /** Attempts answered without a round of their own (Redlock's coalescing): `answeredByLook + answeredBySibling`. */
  answeredInProcess: number;
  /** The instance's shared look at the lock key found a majority holding it. */
  answeredByLook: number;
  /** Another request of the same instance was running a round for the resource; this one learned its outcome. */
  answeredBySibling: number;
}

export interface NodeAtStart {
  id: string;
  role: string;
  state: string;
  partitioned: boolean;
}

/** A run ended early by hand: when on the run's line (ms since t = 0), and who stopped it. */
export type RunStop = { atMs: number; by: "presenter" };

/** The JSON report of one run. Every figure is explained in the README ("Reading the report"). */
export interface Report {
  scenario: Scenario;
  /** Present when the run was stopped before its end; absent when it ran its course. */
  stopped?: RunStop;
  provenance: { seed: number; gitSha: string; versions: Record<string, string>; cores: number; startedAt: string };
  durationMs: number;
  requests: { total: number; hits: number; misses: number; staleServed: number; errors: number; timeouts: number };
  latencyMs: { p50: number | null; p95: number | null; p99: number | null; max: number | null };
  db: {
    reads: number;
    writes: number;
    peakInFlight: number;
    rejected: number;
    timedOut: number;
    readsOutsideEpisodes: number;
    /** lockedWork "increment": protected writes the database accepted. */
    lockedWrites: number;
    /** The rows' counters at the end minus at the start, summed over the crowd's keys. */
    counterIncrease: number;
    /** `lockedWrites − counterIncrease`: increments that overwrote another's (0 when the lock held). */
    lostUpdates: number;
    /** Writes the database refused because their fencing token was older than one already accepted (fencing on). */
    staleWritesRejected: number;
    /** Writes the database persisted although their token was older than one already accepted (fencing off). */
    staleWritesAccepted: number;
  };
  episodes: Episode[];
  episodeCount: number;
  maxDbReadsPerEpisode: number;
  locks: { attempts: number; acquired: number; failed: number; contended: number; maxHoldersAtOnce: number; safetyViolations: number } & {
    /** `safetyViolations` by kind (they add up to it). */
    violationsByKind: Record<ViolationKind, number>;
    /** Simulated stop-the-world pauses that took hold of a lock holder, and how many outlived its validity. */
    pauses: { taken: number; outlivedValidity: number };
    /** The lock observer's own account: ticks sampled, and the most different lock values seen on the nodes at one instant. */
    observed: {
      samples: number;
      maxDistinctHolders: number;
      /** Node readings a frame showed late (the last answer, greyed with its age) rather than fresh. */
      lateReadings?: number;
      /** The oldest reading a frame showed, ms (0 when every reading was fresh). */
      maxAgeMs?: number;
    };
  } & Partial<LockRounds>;
  violations: SafetyViolation[];
  writes: { acknowledged: number; failed: number; persisted: number; pending: number; lost: number };
  cache: { reads: number; found: number; fills: number; writeFailures: number };
  /**
   * Each node as the run found it at t = 0, before the scenario's own faults: a node down here was
   * down before the run (left so by an earlier story or by hand). `partitioned`: the engine's path
   * to it was cut (for everyone or some instances). Absent in reports made before it existed.
   */
  nodesAtStart?: NodeAtStart[];
  nodes: Array<{
    id: string;
    role: string;
    port: number;
    pid: number | null;
    state: string;
    info: { keyspaceHits: number; keyspaceMisses: number; commands: number } | null;
  }>;
  runtime: { eventLoopLagMaxMs: number; arrivalLagMaxMs: number; distorted: boolean; distortionLimitMs: number };
  notes: LabNote[];
  ticks: TickFrame[];
}
