import { quorumOf } from "../../../lib/scenario";
import type { Clock } from "../../core/clock";
import { LabError } from "../../core/errors";
import type { LockAttempt, LockGrant, LockService, LockVote } from "../ports";
import { CoalescedRounds, type LockLook } from "../locks/coalesce";
import { classifyFailedRound, heldByMajority } from "../locks/votes";

/** A lock node that cannot be reached. Code `LOCK_NODE_DOWN`. */
export class LockNodeDownError extends LabError {
  constructor(readonly nodeId: string) {
    super("LOCK_NODE_DOWN", `${nodeId} did not answer`);
  }
}

/** Too few nodes answered a release; the keys expire by their TTL. Code `LOCK_RELEASE_FAILED`. */
export class LockReleaseError extends LabError {
  constructor(
    readonly resource: string,
    readonly answered: number,
    readonly needed: number,
  ) {
    super("LOCK_RELEASE_FAILED", `release of ${resource}: only ${answered} node(s) answered, ${needed} needed`);
  }
}

interface MemoryLockNode {
  readonly id: string;
  up: boolean;
  readonly keys: Map<string, { value: string; expiresAt: number }>;
}

/**
 * N lock nodes in memory (`lock-1` … `lock-N`), each up or down, each a map of key → {value,
 * expiresAt} on the injected clock. A down node refuses every command; its keys stay (a frozen or
 * partitioned node) unless {@link restart} wipes them (a restart without persistence).
 */
export class MemoryLockNodes {
  readonly nodes: readonly MemoryLockNode[];
  /** SET NX commands answered or refused, across every node. */
  commands = 0;
  private sequence = 0;

  constructor(
    readonly clock: Clock,
    count: number,
  ) {
    this.nodes = Array.from({ length: count }, (_, i) => ({ id: `lock-${i + 1}`, up: true, keys: new Map() }));
  }

  get size(): number {
    return this.nodes.length;
  }

  /** Marks node `index` (0-based) up or down. */
  setUp(index: number, up: boolean): void {
    this.node(index).up = up;
  }

  /** The node comes back empty, as Redis without persistence does. */
  restart(index: number): void {
    const node = this.node(index);
    node.keys.clear();
    node.up = true;
  }

  /** A lock value no other grant on these nodes carries: how a node tells holders apart. */
  uniqueValue(holder: string): string {
    return `${holder}#${++this.sequence}`;
  }

  /** SET key value PX ttl NX. Throws when the node is down. */
  setNx(index: number, key: string, value: string, ttlMs: number): boolean {
    this.commands++;
    const node = this.reachable(index);
    if (this.read(node, key) !== null) return false;
    node.keys.set(key, { value, expiresAt: this.clock.now() + ttlMs });
    return true;
  }

  /** Deletes `key` only if it still holds `value`. Throws when the node is down. */
  compareAndDelete(index: number, key: string, value: string): boolean {
    const node = this.reachable(index);
    if (this.read(node, key) !== value) return false;
    node.keys.delete(key);
    return true;
  }

  /** The value node `index` holds for `key` now, whatever its state (for assertions). */
  valueOn(index: number, key: string): string | null {
    return this.read(this.node(index), key);
  }

  /** Each node's value for `key`, in node order. */
  valuesOf(key: string): Array<string | null> {
    return this.nodes.map((node) => this.read(node, key));
  }

  private read(node: MemoryLockNode, key: string): string | null {
    const slot = node.keys.get(key);
    if (!slot) return null;
    if (this.clock.now() >= slot.expiresAt) {
      node.keys.delete(key);
      return null;
    }
    return slot.value;
  }

  private node(index: number): MemoryLockNode {
    const node = this.nodes[index];
    if (!node) throw new RangeError(`no lock node ${index}`);
    return node;
  }

  private reachable(index: number): MemoryLockNode {
    const node = this.node(index);
    if (!node.up) throw new LockNodeDownError(node.id);
    return node;
  }
}

export interface FakeLockOptions {
  /** Time one round takes on the clock (all nodes are asked in parallel). @default 0 */
  latencyMs?: number;
  /** Share of the TTL taken off the validity for clock drift, as Redlock does (plus 2 ms when > 0). @default 0 */
  driftFactor?: number;
  /**
   * Put the engine's request coalescing ({@link CoalescedRounds}, as the real Redlock client has it)
   * in front of the rounds: a shared look at the key (taking `latencyMs` too), one round per
   * resource at a time. Off, every attempt is a round of its own. @default false
   */
  coalesce?: boolean;
}

/**
 * Redlock's rule over {@link MemoryLockNodes}: SET NX on every up node; the lock is acquired iff at
 * least ⌊N/2⌋ + 1 nodes voted for it; otherwise the partial SETs are undone and the failure is
 * classified by the engine's own {@link classifyFailedRound}. The validity is the TTL minus drift,
 * measured from the round's start, as the library measures it; the grant is in hand when the round
 * returns (`grantedAt`).
 */
export class FakeRedlockService implements LockService {
  readonly mode: "redlock" | "single-redis" = "redlock";
  /** Rounds run (each asks every node once): the witness for the collector's `locks.rounds`. */
  rounds = 0;
  /** Looks at the key (coalesce only): one per shared reading. */
  looks = 0;
  releases = 0;
  readonly quorum: number;
  private readonly coalesced: CoalescedRounds;

  constructor(
    readonly nodes: MemoryLockNodes,
    readonly clock: Clock,
    readonly options: FakeLockOptions = {},
    /** Indices of the nodes this client talks to. @default every node */
    protected readonly indices: readonly number[] = nodes.nodes.map((_, i) => i),
  ) {
    this.quorum = quorumOf(this.indices.length);
    this.coalesced = new CoalescedRounds({ look: (resource) => this.look(resource), round: (...args) => this.round(...args) }, options.coalesce === true);
  }

  tryAcquire(resource: string, ttlMs: number, holder: string): Promise<LockAttempt> {
    return this.coalesced.tryAcquire(resource, ttlMs, holder);
  }

  private async look(resource: string): Promise<LockLook> {
    this.looks++;
    const latency = this.options.latencyMs ?? 0;
    if (latency > 0) await this.clock.sleep(latency);
    const values: Array<string | null> = [];
    const votes = this.indices.map((index): LockVote => {
      const node = this.nodes.nodes[index];
      const nodeId = node?.id ?? `lock-${index + 1}`;
      if (!node?.up) {
        values.push(null);
        return { nodeId, vote: "error", message: `${nodeId} did not answer` };
      }
      const value = this.nodes.valueOn(index, resource);
      values.push(value);
      return { nodeId, vote: value === null ? "for" : "locked" };
    });
    return { heldBy: heldByMajority(values, this.quorum), votes };
  }

  private async round(resource: string, ttlMs: number, holder: string): Promise<LockAttempt> {
    this.rounds++;
    const start = this.clock.now();
    const value = this.nodes.uniqueValue(holder);
    const latency = this.options.latencyMs ?? 0;
    if (latency > 0) await this.clock.sleep(latency);
    const votes: LockVote[] = this.indices.map((index): LockVote => {
      const nodeId = this.nodes.nodes[index]?.id ?? `lock-${index + 1}`;
      try {
        return this.nodes.setNx(index, resource, value, ttlMs) ? { nodeId, vote: "for" } : { nodeId, vote: "locked" };
      } catch (error) {
        return { nodeId, vote: "error", message: error instanceof Error ? error.message : String(error) };
      }
    });
    const votesFor = votes.filter((v) => v.vote === "for").length;
    if (votesFor >= this.quorum) {
      // A quorum has determined a success; drift and the round's own time come off the validity.
      const drift = (this.options.driftFactor ?? 0) > 0 ? Math.round((this.options.driftFactor ?? 0) * ttlMs) + 2 : 0;
      const grant: LockGrant = { resource, value, holder, acquiredAt: start, grantedAt: this.clock.now(), validUntil: start + ttlMs - drift, scope: "cluster", votes };
      return { kind: "acquired", grant };
    }
    // No quorum: take back the SETs that did land, then say why.
    this.undo(resource, value);
    const verdict = classifyFailedRound(votes, this.quorum);
    return verdict.kind === "contended" ? { kind: "contended", votes } : { kind: "error", reason: verdict.reason, votes };
  }

  async release(grant: LockGrant): Promise<void> {
    this.releases++;
    const answered = this.undo(grant.resource, grant.value);
    if (answered < this.quorum) throw new LockReleaseError(grant.resource, answered, this.quorum);
  }

  async close(): Promise<void> {}

  /** Compare-and-delete on every node; returns how many nodes answered. */
  private undo(resource: string, value: string): number {
    let answered = 0;
    for (const index of this.indices) {
      try {
        this.nodes.compareAndDelete(index, resource, value);
        answered++;
      } catch {
        // A down node keeps the key until its TTL ends it.
      }
    }
    return answered;
  }
}

/** The seed's single-node lock: SET NX on `lock-1` alone (quorum 1 of 1). */
export class FakeSingleRedisLockService extends FakeRedlockService {
  override readonly mode = "single-redis" as const;

  constructor(nodes: MemoryLockNodes, clock: Clock, options: FakeLockOptions = {}) {
    super(nodes, clock, options, [0]);
  }
}
