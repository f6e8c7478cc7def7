import { holderParts, logEntry } from "../../lib/log";
import type { LogEntry, SafetyViolation, ViolationKind } from "../../lib/report";
import type { EngineEvent } from "../engine/events";
import type { LockVote } from "../engine/ports";
import { DEFAULT_FOLD_TIMING, Folds, type FoldTiming } from "./log-fold";
import { classifyDriverError, plainDriverError, plainReason } from "./plain-errors";

export type { LogEntry };

export interface EventLogOptions {
  /** Makes the ids of folded lines unique across runs. */
  runId?: number;
  /** How repeated failures fold: {@link DEFAULT_FOLD_TIMING}. */
  folds?: Partial<FoldTiming>;
}

type Unreachable = { node: string; refused: number; timedOut: number; failed: number; instances: Set<number> };
type Failing = { reason: string; count: number; lastVotes: readonly LockVote[] };

/**
 * Turns the engine's event stream into log lines a person can read. Grants, releases, episodes,
 * flushes and crashes pass one by one. What repeats with the load folds into one line that keeps
 * its count: failed lock attempts, per reason, and the commands each lock node refused or left
 * unanswered, per node ("lock-2 unreachable — 37 commands refused"). Folds advance with
 * {@link flushWindow}, once per tick, on the run's own time.
 */
export class EventLogAggregator {
  private readonly failing: Folds<Failing>;
  private readonly unreachable: Folds<Unreachable>;
  /** Error votes already counted: concurrent attempts of one instance share one reading of the nodes. */
  private readonly counted = new WeakSet<LockVote>();
  /** Instances seen asking for a lock: a node unreachable from only some of them says from which. */
  private readonly askers = new Set<number>();
  /** After the run's end, late events no longer open folds that nothing would close. */
  private finished = false;
  /** A run's failures repeat a handful of reasons thousands of times: each is put in plain words once. */
  private readonly plainReasons = new Map<string, string>();

  constructor(
    private readonly t0: () => number,
    private readonly emit: (entry: LogEntry) => void,
    options: EventLogOptions = {},
  ) {
    const timing = { ...DEFAULT_FOLD_TIMING, ...options.folds };
    const prefix = `run-${options.runId ?? 0}`;
    this.failing = new Folds<Failing>(`${prefix}:lock-failed`, timing, (fold) =>
      logEntry.lock.failed({ atMs: fold.atMs, id: fold.id, count: fold.state.count, lastAtMs: fold.lastAtMs, ended: fold.ended, reason: fold.state.reason }, plainVotes(fold.state.lastVotes)),
    emit);
    this.unreachable = new Folds<Unreachable>(`${prefix}:unreachable`, timing, (fold) => {
      const { node, refused, timedOut, failed, instances } = fold.state;
      const some = instances.size < this.askers.size ? [...instances].sort((a, b) => a - b) : null;
      return logEntry.node.unreachable({ atMs: fold.atMs, id: fold.id, lastAtMs: fold.lastAtMs, ended: fold.ended, node, count: refused + timedOut + failed, refused, timedOut, failed, instances: some });
    }, emit);
  }

  readonly record = (event: EngineEvent): void => {
    const at = (wall: number) => Math.round(wall - this.t0());
    switch (event.name) {
      case "lock:acquired": {
        const nodes = event.data.votes.filter((v) => v.vote === "for").map((v) => v.nodeId);
        this.emit(logEntry.lock.acquired({ atMs: at(event.data.grantedAt), ...holderParts(event.data.holder), resource: event.data.resource, nodes }));
        break;
      }
      case "lock:released":
        this.emit(logEntry.lock.released({ atMs: at(event.data.at), ...holderParts(event.data.holder), resource: event.data.resource, ok: event.data.ok }));
        break;
      case "lock:attempted": {
        if (this.finished) break;
        const atMs = at(event.data.at);
        this.askers.add(event.data.instance);
        this.countNodeErrors(event.data.votes, event.data.instance, atMs);
        if (event.data.result === "failed") {
          const reason = this.plainReasonOf(event.data.reason ?? "failed");
          const votes = event.data.votes;
          this.failing.add(reason, atMs, () => ({ reason, count: 0, lastVotes: [] }), (state) => {
            state.count++;
            if (votes.length > 0) state.lastVotes = votes;
          });
        }
        break;
      }
      case "episode:changed":
        // The collector's own episodes, so the log never shows one the report does not count.
        this.emit(
          event.data.change === "opened"
            ? logEntry.episode.opened({ atMs: event.data.atMs, key: event.data.key, reason: episodeReason(event.data.reason) })
            : logEntry.episode.closed({ atMs: event.data.atMs, key: event.data.key, instance: event.data.instance ?? null, dbReads: event.data.dbReads }),
        );
        break;
      case "write-behind:flushed":
        this.emit(logEntry.write.flushed({ atMs: at(event.data.at), instance: event.data.instance, persisted: event.data.persisted, failed: event.data.failed }));
        break;
      case "write-behind:dropped":
        this.emit(logEntry.write.dropped({ atMs: at(event.data.at), instance: event.data.instance, dropped: event.data.dropped }));
        break;
      case "instance:crashed":
        this.emit(logEntry.instance.crashed({ atMs: at(event.data.at), instance: event.data.instance, inFlight: event.data.inFlight }));
        break;
      case "instance:paused":
        this.emit(
          logEntry.instance.paused({
            atMs: at(event.data.at),
            ...holderParts(event.data.holder),
            resource: event.data.resource,
            ms: event.data.ms,
            validForMs: event.data.validUntil - event.data.at,
          }),
        );
        break;
      case "instance:resumed":
        this.emit(
          logEntry.instance.resumed({
            atMs: at(event.data.at),
            ...holderParts(event.data.holder),
            resource: event.data.resource,
            pausedMs: event.data.pausedMs,
            expiredAgoMs: event.data.expired ? event.data.at - event.data.validUntil : null,
          }),
        );
        break;
      case "db:locked-write": {
        const d = event.data;
        const fields = { atMs: at(d.at), ...holderParts(d.holder ?? "no holder"), token: d.token, newest: d.highestToken };
        if (d.result === "rejected-stale") this.emit(logEntry.write.staleRefused(fields));
        else if (d.staleAccepted) this.emit(logEntry.write.staleAccepted(fields));
        break;
      }
      case "safety:violation": {
        const v = event.data;
        const kind = v.kind ?? "two-holders";
        const text =
          kind === "two-holders"
            ? `SAFETY VIOLATION: ${v.first.holder} (${v.first.nodes.join(", ")}) and ${v.second.holder} (${v.second.nodes.join(", ")}) hold ${v.resource} at once`
            : `SAFETY VIOLATION: ${v.detail ?? `${VIOLATION_WORDS[kind]} by ${v.first.holder}`}${grantedBy(v)}`;
        const holders = v.first.holder === v.second.holder ? [v.first.holder] : [v.first.holder, v.second.holder];
        this.emit(logEntry.lock.violation({ atMs: at(v.at), violation: kind, resource: v.resource, holders }, text));
        break;
      }
      default:
        break;
    }
  };

  /** At the end of each window (`atMs`: ms since t = 0): folded lines open, update or end. */
  flushWindow(atMs: number): void {
    this.failing.flush(atMs);
    this.unreachable.flush(atMs);
  }

  /** The run is over: every folded line gets its final count. */
  finish(): void {
    this.finished = true;
    this.failing.closeAll();
    this.unreachable.closeAll();
  }

  /** Each node's commands that failed, once per reading (shared readings carry the same vote objects). */
  private plainReasonOf(reason: string): string {
    let plain = this.plainReasons.get(reason);
    if (plain === undefined) {
      plain = plainReason(reason);
      this.plainReasons.set(reason, plain);
    }
    return plain;
  }

  private countNodeErrors(votes: readonly LockVote[], instance: number, atMs: number): void {
    for (const vote of votes) {
      if (vote.vote !== "error" || this.counted.has(vote)) continue;
      this.counted.add(vote);
      const failure = classifyDriverError(vote.message);
      this.unreachable.add(vote.nodeId, atMs, () => ({ node: vote.nodeId, refused: 0, timedOut: 0, failed: 0, instances: new Set() }), (state) => {
        if (failure === "refused") state.refused++;
        else if (failure === "timeout") state.timedOut++;
        else state.failed++;
        state.instances.add(instance);
      });
    }
  }
}

/** A violation's kind in words, for one whose checker gave no detail. */
const VIOLATION_WORDS: Record<ViolationKind, string> = {
  "two-holders": "two holders at once",
  "write-after-validity": "a write after its lock's validity ended",
  "write-out-of-token-order": "a write older than one already accepted",
};

function episodeReason(reason: string | undefined): "missing" | "unreachable" | "expired" {
  return reason === "unreachable" || reason === "expired" ? reason : "missing";
}

/** "lock-1 voted yes, lock-2 unreachable, lock-3 held by another holder" */
function plainVotes(votes: readonly LockVote[]): string {
  return votes
    .map((v) => {
      switch (v.vote) {
        case "for":
          return `${v.nodeId} voted yes`;
        case "locked":
          return `${v.nodeId} held by another holder`;
        case "pending":
          return `${v.nodeId} no answer yet`;
        case "error":
          return `${v.nodeId} ${plainDriverError(v.message)}`;
      }
    })
    .join(", ");
}

/**
 * For a write violation: which nodes granted each side its lock, so the log says where the
 * majorities were (the alarm names them too). Empty when the grants' nodes are unknown.
 */
function grantedBy(v: SafetyViolation): string {
  const sides = v.first.holder === v.second.holder ? [v.first] : [v.first, v.second];
  const named = sides.filter((side) => side.nodes.length > 0).map((side) => `${side.holder} on ${side.nodes.join(", ")}`);
  return named.length === 0 ? "" : ` [granted: ${named.join("; ")}]`;
}
