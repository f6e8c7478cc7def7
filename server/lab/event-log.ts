import type { LogEntry, SafetyViolation } from "../../lib/report";
import type { EngineEvent } from "../engine/events";
import { describeVotes } from "../engine/locks/votes";

export type { LogEntry };


/**
 * Turns the engine's event stream into log lines a person can read. Grants, releases, episodes,
 * flushes and crashes pass one by one; failed and contended lock attempts, which can number in
 * the tens of thousands, are summed per window and flushed as one line each.
 */
export class EventLogAggregator {
  private failures = 0;
  private lastFailure: string | null = null;

  constructor(
    private readonly t0: () => number,
    private readonly emit: (entry: LogEntry) => void,
  ) {}

  readonly record = (event: EngineEvent): void => {
    const at = (wall: number) => Math.round(wall - this.t0());
    switch (event.name) {
      case "lock:acquired": {
        const nodes = event.data.votes.filter((v) => v.vote === "for").map((v) => v.nodeId);
        this.emit({ atMs: at(event.data.acquiredAt), kind: "lock", text: `${event.data.holder} took ${event.data.resource}${nodes.length > 0 ? ` (votes from ${nodes.join(", ")})` : ""}` });
        break;
      }
      case "lock:released":
        this.emit({ atMs: at(event.data.at), kind: "lock", text: `${event.data.holder} released ${event.data.resource}${event.data.ok ? "" : " (release failed: it will expire by TTL)"}` });
        break;
      case "lock:attempted":
        if (event.data.result === "failed") {
          this.failures++;
          this.lastFailure = `${event.data.reason ?? "failed"}${event.data.votes.length > 0 ? ` — ${describeVotes(event.data.votes)}` : ""}`;
        }
        break;
      case "episode:changed":
        // The collector's own episodes, so the log never shows one the report does not count.
        this.emit(
          event.data.change === "opened"
            ? { atMs: event.data.atMs, kind: "episode", text: `${event.data.key} ${event.data.reason ?? "missing"}: an episode opens` }
            : { atMs: event.data.atMs, kind: "episode", text: `instance-${event.data.instance} filled ${event.data.key}: the episode closes after ${event.data.dbReads} DB read(s)` },
        );
        break;
      case "write-behind:flushed":
        this.emit({ atMs: at(event.data.at), kind: "write", text: `instance-${event.data.instance} flushed ${event.data.persisted} write(s)${event.data.failed > 0 ? `, ${event.data.failed} failed` : ""}` });
        break;
      case "write-behind:dropped":
        this.emit({ atMs: at(event.data.at), kind: "write", text: `instance-${event.data.instance} lost ${event.data.dropped} acknowledged write(s) in its buffer` });
        break;
      case "instance:crashed":
        this.emit({ atMs: at(event.data.at), kind: "instance", text: `instance-${event.data.instance} crashed with ${event.data.inFlight} request(s) in flight` });
        break;
      case "instance:paused": {
        const left = event.data.validUntil - event.data.at;
        this.emit({
          atMs: at(event.data.at),
          kind: "instance",
          text: `${event.data.holder} stops for ${event.data.ms} ms (simulated stop-the-world pause) holding ${event.data.resource}, valid ${left > 0 ? `${left} ms more` : "no longer"}`,
        });
        break;
      }
      case "instance:resumed":
        this.emit({
          atMs: at(event.data.at),
          kind: "instance",
          text: `${event.data.holder} runs again after ${event.data.pausedMs} ms${event.data.expired ? `: its lock expired ${event.data.at - event.data.validUntil} ms ago, and it does not know` : ", its lock still valid"}`,
        });
        break;
      case "db:locked-write":
        if (event.data.result === "rejected-stale") {
          this.emit({ atMs: at(event.data.at), kind: "write", text: `the database refused ${event.data.holder}'s write: fencing token ${event.data.token} is older than ${event.data.highestToken}` });
        } else if (event.data.staleAccepted) {
          this.emit({ atMs: at(event.data.at), kind: "write", text: `the database accepted ${event.data.holder}'s write with old token ${event.data.token} (newest ${event.data.highestToken}): fencing is off` });
        }
        break;
      case "safety:violation": {
        const v = event.data;
        const text =
          v.kind === undefined || v.kind === "two-holders"
            ? `SAFETY VIOLATION: ${v.first.holder} (${v.first.nodes.join(", ")}) and ${v.second.holder} (${v.second.nodes.join(", ")}) hold ${v.resource} at once`
            : `SAFETY VIOLATION: ${v.detail ?? `${v.kind} by ${v.first.holder}`}${grantedBy(v)}`;
        this.emit({ atMs: at(v.at), kind: "lock", text });
        break;
      }
      default:
        break;
    }
  };

  /** Writes the window's summed lock failures as one line. */
  flushWindow(atMs: number): void {
    if (this.failures === 0) return;
    this.emit({ atMs, kind: "lock", text: `${this.failures} lock attempt(s) failed — last: ${this.lastFailure}` });
    this.failures = 0;
    this.lastFailure = null;
  }
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
