import * as hdr from "hdr-histogram-js";
import { engineEvents, type EngineEventOf, type EngineEvent, type ReadOutcome } from "../engine/events";
import type { Episode, LockRounds, Report, SafetyViolation, TickWindow, ViolationKind } from "../../lib/report";
import { SafetyChecker } from "./safety";

/**
 * The one place anything is counted. Engine events come in; per-tick windows (for the dashboard
 * and the report's `ticks`) and run totals (for the report) come out. Nothing else keeps a count.
 */



export type { Episode, TickWindow };

export interface RunTotals {
  requests: Report["requests"];
  latencyMs: Report["latencyMs"];
  dbReadsSubmitted: number;
  readsOutsideEpisodes: number;
  episodes: Episode[];
  episodeCount: number;
  maxDbReadsPerEpisode: number;
  locks: {
    attempts: number;
    acquired: number;
    failed: number;
    contended: number;
    maxHoldersAtOnce: number;
    safetyViolations: number;
    violationsByKind: Record<ViolationKind, number>;
    pauses: { taken: number; outlivedValidity: number };
  } & LockRounds;
  /** lockedWork "increment", as the engine heard the database answer. */
  lockedWrites: { accepted: number; rejectedStale: number; staleAccepted: number; failed: number };
  violations: SafetyViolation[];
  writes: { acknowledged: number; failed: number; acknowledgedIds: ReadonlySet<string> };
  cache: { reads: number; found: number; fills: number; writeFailures: number };
  writeBehind: { dropped: number };
  arrivalLagMaxMs: number;
}

const emptyWindow = (t: number): Omit<TickWindow, "hitRatio" | "latencyP50" | "latencyP99" | "episodesOpen" | "lastVotes" | "lengthMs" | "merged"> => ({
  t,
  arrivals: 0,
  hits: 0,
  misses: 0,
  staleServed: 0,
  errors: 0,
  timeouts: 0,
  dbReads: 0,
  dbReadsFailed: 0,
  lockAttempts: 0,
  lockAcquired: 0,
  lockContended: 0,
  lockFailed: 0,
  lockRounds: 0,
  lockAnsweredInProcess: 0,
  cacheFills: 0,
  writesAcknowledged: 0,
});

const OUTCOME_FIELD: Record<ReadOutcome, "hits" | "misses" | "staleServed" | "errors" | "timeouts"> = {
  hit: "hits",
  miss: "misses",
  staleServed: "staleServed",
  error: "errors",
  timeout: "timeouts",
};

/** A window longer than this many ticks closed late enough to have swallowed at least one tick of its own. */
const MERGED_AFTER = 1.5;

function newHistogram(): hdr.Histogram {
  return hdr.build({ useWebAssembly: false, lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000, numberOfSignificantValueDigits: 3 });
}

export class MetricsCollector {
  readonly safety = new SafetyChecker();
  private readonly totals = {
    requests: { total: 0, hits: 0, misses: 0, staleServed: 0, errors: 0, timeouts: 0 },
    dbReadsSubmitted: 0,
    readsOutsideEpisodes: 0,
    locks: { attempts: 0, acquired: 0, failed: 0, contended: 0 },
    /** Lock rounds by the attempt's result, and attempts answered in-process, by whom. */
    rounds: { acquired: 0, contended: 0, failed: 0 },
    inProcess: { look: 0, sibling: 0 },
    writes: { acknowledged: 0, failed: 0 },
    cache: { reads: 0, found: 0, fills: 0, writeFailures: 0 },
    writeBehind: { dropped: 0 },
    lockedWrites: { accepted: 0, rejectedStale: 0, staleAccepted: 0, failed: 0 },
    pauses: { taken: 0, outlivedValidity: 0 },
  };
  private readonly acknowledgedWriteIds = new Set<string>();
  private readonly episodes: Episode[] = [];
  private readonly openEpisodes = new Map<string, Episode>();
  /** Wall-clock ms of the last fill per key: a GET issued before it cannot open a new episode. */
  private readonly lastFillAt = new Map<string, number>();
  private readonly latency = newHistogram();
  private tickLatency = newHistogram();
  private latencySamples = 0;
  private window: ReturnType<typeof emptyWindow>;
  private arrivalLagMaxMs = 0;
  private readonly lastVotes: TickWindow["lastVotes"] = {};
  private readonly listeners = new Set<(event: EngineEvent) => void>();

  /**
   * @param t0 wall-clock ms of t = 0 (the end of the warm-up)
   * @param tickMs width of a window
   */
  constructor(
    private t0: number,
    private readonly tickMs: number,
  ) {
    this.window = emptyWindow(0);
    this.windowOpenedAt = t0;
  }

  /**
   * Wall-clock ms at which the current window really opened (the previous closing), so a frame can
   * say how long it covered; null once a window was closed without a time (then windows are nominal).
   */
  private windowOpenedAt: number | null;

  /** Sets t = 0 once the warm-up ends; nothing has been counted before it. */
  rebase(t0: number): void {
    this.t0 = t0;
    this.windowOpenedAt = t0;
  }

  /** Also forwards each event to `listener` (the event log); returns an unsubscribe function. */
  onEvent(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  readonly record = (event: EngineEvent): void => {
    const w = this.window;
    /** Violations this event revealed: forwarded to the listeners right after it. */
    let found: SafetyViolation[] = [];
    /** The episode this event opened or closed, announced after it like violations. */
    let episodeChange: EngineEventOf<"episode:changed"> | null = null;
    switch (event.name) {
      case "request:arrived": {
        // Reads and increments end in exactly one outcome each; strategy writes are counted apart.
        if (event.data.kind !== "write") {
          // Counted at arrival, whatever happens next: every arrival ends in exactly one outcome.
          this.totals.requests.total++;
          w.arrivals++;
        }
        this.arrivalLagMaxMs = Math.max(this.arrivalLagMaxMs, event.data.startedAt - event.data.scheduledAt);
        break;
      }
      case "request:ended": {
        const field = OUTCOME_FIELD[event.data.outcome];
        this.totals.requests[field]++;
        w[field]++;
        if (event.data.outcome === "hit" || event.data.outcome === "miss" || event.data.outcome === "staleServed") {
          // Latency from the scheduled arrival, so time lost before the engine even started counts.
          const ms = Math.max(1, Math.round(event.data.endedAt - event.data.scheduledAt));
          this.latency.recordValue(ms);
          this.tickLatency.recordValue(ms);
          this.latencySamples++;
        }
        break;
      }
      case "cache:read":
        this.totals.cache.reads++;
        if (event.data.found) this.totals.cache.found++;
        break;
      case "cache:needs-fill": {
        const { key, issuedAt } = event.data;
        // Times are whole ms: a GET issued in the fill's own millisecond may have left before it, so
        // only a GET issued strictly after the last fill can open a new episode.
        if (!this.openEpisodes.has(key) && issuedAt > (this.lastFillAt.get(key) ?? -Infinity)) {
          const episode: Episode = { key, startMs: Math.round(issuedAt - this.t0), endMs: null, dbReads: 0 };
          this.openEpisodes.set(key, episode);
          this.episodes.push(episode);
          episodeChange = engineEvents.episodeChanged({ key, change: "opened", atMs: episode.startMs, reason: event.data.reason, dbReads: 0 });
        }
        break;
      }
      case "cache:filled": {
        const { key, at } = event.data;
        this.totals.cache.fills++;
        w.cacheFills++;
        this.lastFillAt.set(key, at);
        const episode = this.openEpisodes.get(key);
        if (episode) {
          episode.endMs = Math.round(at - this.t0);
          this.openEpisodes.delete(key);
          episodeChange = engineEvents.episodeChanged({ key, change: "closed", atMs: episode.endMs, instance: event.data.instance, dbReads: episode.dbReads });
        }
        break;
      }
      case "cache:write-failed":
        this.totals.cache.writeFailures++;
        break;
      case "db:read-submitted": {
        this.totals.dbReadsSubmitted++;
        w.dbReads++;
        // A read belongs to the episode open when it is submitted.
        const episode = this.openEpisodes.get(event.data.key);
        if (episode) episode.dbReads++;
        else this.totals.readsOutsideEpisodes++;
        break;
      }
      case "db:read-failed":
        w.dbReadsFailed++;
        break;
      case "lock:attempted": {
        this.totals.locks.attempts++;
        w.lockAttempts++;
        for (const vote of event.data.votes) this.lastVotes[vote.nodeId] = vote.vote;
        const result = event.data.result;
        if (event.data.answeredBy === "round") {
          this.totals.rounds[result]++;
          w.lockRounds++;
        } else if (event.data.answeredBy !== undefined) {
          this.totals.inProcess[event.data.answeredBy]++;
          w.lockAnsweredInProcess++;
        }
        if (result === "acquired") {
          this.totals.locks.acquired++;
          w.lockAcquired++;
        } else if (result === "contended") {
          this.totals.locks.contended++;
          w.lockContended++;
        } else {
          this.totals.locks.failed++;
          w.lockFailed++;
        }
        break;
      }
      case "lock:acquired":
        found = this.safety.acquired({
          resource: event.data.resource,
          value: event.data.value,
          holder: event.data.holder,
          instance: event.data.instance,
          grantedAt: event.data.grantedAt,
          validUntil: event.data.validUntil,
          scope: event.data.scope,
          nodes: event.data.votes.filter((v) => v.vote === "for").map((v) => v.nodeId),
          ...(event.data.fencingToken !== undefined ? { fencingToken: event.data.fencingToken } : {}),
        });
        break;
      case "db:locked-write": {
        const d = event.data;
        if (d.result === "accepted") {
          this.totals.lockedWrites.accepted++;
          if (d.staleAccepted) this.totals.lockedWrites.staleAccepted++;
          found = this.safety.written({ resource: d.resource, value: d.value, at: d.at, staleAccepted: d.staleAccepted, highestToken: d.highestToken });
        } else if (d.result === "rejected-stale") {
          this.totals.lockedWrites.rejectedStale++;
        } else {
          this.totals.lockedWrites.failed++;
        }
        break;
      }
      case "instance:paused":
        this.totals.pauses.taken++;
        break;
      case "instance:resumed":
        if (event.data.expired) this.totals.pauses.outlivedValidity++;
        this.safety.resumed(event.data.resource, event.data.holder, event.data.pausedMs);
        break;
      case "episode:changed":
      case "safety:violation":
        // The collector's own announcement, never counted twice.
        break;
      case "lock:released":
        this.safety.released(event.data.resource, event.data.value, event.data.at);
        break;
      case "write:acknowledged":
        this.totals.writes.acknowledged++;
        w.writesAcknowledged++;
        this.acknowledgedWriteIds.add(event.data.writeId);
        break;
      case "write:failed":
        this.totals.writes.failed++;
        break;
      case "write-behind:dropped":
        this.totals.writeBehind.dropped += event.data.dropped;
        break;
      case "write-behind:flushed":
      case "instance:crashed":
        break;
      default:
        assertNever(event);
    }
    for (const listener of this.listeners) listener(event);
    if (episodeChange) for (const listener of this.listeners) listener(episodeChange);
    for (const violation of found) {
      const announcement = engineEvents.safetyViolation(violation);
      for (const listener of this.listeners) listener(announcement);
    }
  };

  /** Closes the current window at `now` (wall-clock) and opens the next. */
  /**
   * @param now wall-clock ms of the closing. When the machine fell behind and the window ran long,
   * the next one starts on the tick grid at `now`, so frame times stay true (with a gap) rather
   * than drifting behind the run's real time line.
   */
  closeWindow(now?: number): TickWindow {
    const w = this.window;
    const ended = w.hits + w.misses + w.staleServed + w.errors + w.timeouts;
    const hasLatency = this.tickLatency.totalCount > 0;
    const lengthMs = now !== undefined && this.windowOpenedAt !== null ? Math.max(0, now - this.windowOpenedAt) : this.tickMs;
    const frame: TickWindow = {
      ...w,
      lengthMs,
      merged: lengthMs > this.tickMs * MERGED_AFTER,
      hitRatio: ended > 0 ? w.hits / ended : null,
      latencyP50: hasLatency ? this.tickLatency.getValueAtPercentile(50) : null,
      latencyP99: hasLatency ? this.tickLatency.getValueAtPercentile(99) : null,
      episodesOpen: this.openEpisodes.size,
      lastVotes: { ...this.lastVotes },
    };
    this.tickLatency.reset();
    const onGrid = now === undefined ? 0 : Math.floor((now - this.t0) / this.tickMs) * this.tickMs;
    this.window = emptyWindow(Math.max(w.t + this.tickMs, onGrid));
    this.windowOpenedAt = now ?? null;
    return frame;
  }

  /** Wall-clock ms at which the current window started. */
  get windowStartedAt(): number {
    return this.t0 + this.window.t;
  }

  snapshot(): RunTotals {
    const has = this.latencySamples > 0;
    const at = (p: number) => (has ? this.latency.getValueAtPercentile(p) : null);
    return {
      requests: { ...this.totals.requests },
      latencyMs: { p50: at(50), p95: at(95), p99: at(99), max: has ? this.latency.maxValue : null },
      dbReadsSubmitted: this.totals.dbReadsSubmitted,
      readsOutsideEpisodes: this.totals.readsOutsideEpisodes,
      episodes: this.episodes.map((e) => ({ ...e })),
      episodeCount: this.episodes.length,
      maxDbReadsPerEpisode: this.episodes.reduce((max, e) => Math.max(max, e.dbReads), 0),
      locks: {
        ...this.totals.locks,
        rounds: this.totals.rounds.acquired + this.totals.rounds.contended + this.totals.rounds.failed,
        roundsAcquired: this.totals.rounds.acquired,
        roundsContended: this.totals.rounds.contended,
        roundsFailed: this.totals.rounds.failed,
        answeredInProcess: this.totals.inProcess.look + this.totals.inProcess.sibling,
        answeredByLook: this.totals.inProcess.look,
        answeredBySibling: this.totals.inProcess.sibling,
        maxHoldersAtOnce: this.safety.maxHoldersAtOnce,
        safetyViolations: this.safety.violations.length,
        violationsByKind: { ...this.safety.byKind },
        pauses: { ...this.totals.pauses },
      },
      lockedWrites: { ...this.totals.lockedWrites },
      // Reported on the run's own time line (ms since t = 0), like episodes and ticks.
      violations: this.safety.violations.map((v) => ({
        ...v,
        at: Math.round(v.at - this.t0),
        first: { ...v.first, validUntil: Math.round(v.first.validUntil - this.t0) },
        second: { ...v.second, validUntil: Math.round(v.second.validUntil - this.t0) },
      })),
      writes: { ...this.totals.writes, acknowledgedIds: this.acknowledgedWriteIds },
      cache: { ...this.totals.cache },
      writeBehind: { ...this.totals.writeBehind },
      arrivalLagMaxMs: Math.round(this.arrivalLagMaxMs),
    };
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled engine event: ${JSON.stringify(value)}`);
}
