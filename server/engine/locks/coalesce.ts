import type { LockAttempt, LockVote } from "../ports";

/** One instance's reading of a lock key on every node: the value a majority holds, if any. */
export interface LockLook {
  heldBy: string | null;
  votes: LockVote[];
}

/** What coalescing needs from a lock client: a read of the key, and a full round. */
export interface LockRounds {
  /** Reads the lock key on every node (read-only: it never takes the lock). */
  look(resource: string): Promise<LockLook>;
  /** One full acquisition round over the nodes. */
  round(resource: string, ttlMs: number, holder: string): Promise<LockAttempt>;
}

/**
 * Request coalescing in front of a distributed lock, per instance. Before a round, a look at the
 * key (one reading shared by every concurrent look at that resource) answers "contended" when a
 * majority already holds it; and while a round for a resource is running, the instance's other
 * requests learn its outcome instead of starting rounds of their own — whatever that round wins,
 * they would lose to it. Every grant still comes from a full round. With `enabled` false, every
 * attempt runs its own round: what the coalescing saves, shown.
 */
export class CoalescedRounds {
  private readonly looks = new Map<string, Promise<LockLook>>();
  private readonly running = new Map<string, Promise<LockAttempt>>();

  constructor(
    private readonly rounds: LockRounds,
    private readonly enabled: boolean,
  ) {}

  async tryAcquire(resource: string, ttlMs: number, holder: string): Promise<LockAttempt> {
    if (!this.enabled) return this.ownRound(resource, ttlMs, holder);
    const look = await this.look(resource);
    if (look.heldBy !== null) return { kind: "contended", votes: look.votes, answeredBy: "look" };
    const sibling = this.running.get(resource);
    if (sibling) {
      const outcome = await sibling;
      if (outcome.kind === "error") return { ...outcome, answeredBy: "sibling" };
      return { kind: "contended", votes: outcome.kind === "acquired" ? outcome.grant.votes : outcome.votes, answeredBy: "sibling" };
    }
    const round = this.ownRound(resource, ttlMs, holder).finally(() => this.running.delete(resource));
    this.running.set(resource, round);
    return round;
  }

  private async ownRound(resource: string, ttlMs: number, holder: string): Promise<LockAttempt> {
    return { ...(await this.rounds.round(resource, ttlMs, holder)), answeredBy: "round" };
  }

  private look(resource: string): Promise<LockLook> {
    let reading = this.looks.get(resource);
    if (!reading) {
      reading = this.rounds.look(resource).finally(() => this.looks.delete(resource));
      this.looks.set(resource, reading);
    }
    return reading;
  }
}
