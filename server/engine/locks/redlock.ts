import { ExecutionError, Redlock, ResourceLockedError, type ExecutionStats } from "@sesamecare-oss/redlock";
import type { Redis } from "ioredis";
import type { Scenario } from "../../../lib/scenario";
import { quorumOf } from "../../../lib/scenario";
import type { Clock, TimerHandle } from "../../core/clock";
import type { LockAttempt, LockGrant, LockService, LockVote } from "../ports";
import { GetBatcher } from "../get-batcher";
import { closeQuietly, connectFailFast, type NodeEndpoint, whenReady } from "../redis-connection";
import { CoalescedRounds, type LockLook } from "./coalesce";
import { classifyFailedRound, heldByMajority } from "./votes";

/**
 * Redlock over every lock node through `@sesamecare-oss/redlock`, one client per instance.
 *
 * In front of the library sits the instance's request coalescing ({@link CoalescedRounds}): a
 * shared look at the lock key (GETs batched per node) answers "contended" without a round when a
 * majority already holds one value, and one round per resource at a time, whose outcome its
 * siblings learn. With 10,000 clients that is what keeps the event loop from stalling
 * (BENCHMARKS.md); `redlock.coalesce: false` turns it off, and every attempt runs its own round.
 */
export class RedlockLockService implements LockService {
  readonly mode = "redlock" as const;
  private readonly quorum: number;
  private readonly coalesced: CoalescedRounds;

  private constructor(
    private readonly redlock: Redlock,
    private readonly clients: ReadonlyArray<{ nodeId: string; client: Redis; gets: GetBatcher }>,
    private readonly clock: Clock,
    private readonly commandTimeoutMs: number,
    coalesce: boolean,
  ) {
    this.quorum = quorumOf(clients.length);
    this.coalesced = new CoalescedRounds({ look: (resource) => this.readAllNodes(resource), round: (...args) => this.round(...args) }, coalesce);
    // The library emits "error" for every vote against, contention included; votes are read from
    // the attempts instead, and an unhandled "error" event would crash the process.
    redlock.on("error", () => undefined);
  }

  static async connect(
    endpoints: readonly NodeEndpoint[],
    options: { settings: Omit<Scenario["redlock"], "coalesce"> & { coalesce?: boolean }; name: string; clock: Clock },
  ): Promise<RedlockLockService> {
    const clients = endpoints.map((endpoint) => {
      const client = connectFailFast(endpoint, { commandTimeoutMs: options.settings.commandTimeoutMs, name: options.name });
      return { nodeId: endpoint.nodeId, client, gets: new GetBatcher(client) };
    });
    await Promise.all(clients.map(({ client }) => whenReady(client, 1000)));
    const redlock = new Redlock(
      clients.map(({ client }) => client),
      {
        driftFactor: options.settings.driftFactor,
        retryCount: options.settings.retryCount,
        retryDelay: options.settings.retryDelayMs,
        retryJitter: Math.round(options.settings.retryDelayMs / 2),
        automaticExtensionThreshold: 500,
      },
    );
    return new RedlockLockService(redlock, clients, options.clock, options.settings.commandTimeoutMs, options.settings.coalesce ?? true);
  }

  tryAcquire(resource: string, ttlMs: number, holder: string): Promise<LockAttempt> {
    return this.coalesced.tryAcquire(resource, ttlMs, holder);
  }

  private async round(resource: string, ttlMs: number, holder: string): Promise<LockAttempt> {
    const start = this.clock.now();
    try {
      const lock = await this.redlock.acquire([resource], ttlMs);
      const grantedAt = this.clock.now();
      const votes = await this.grantVotes(resource, lock);
      const grant: LockGrant = {
        resource,
        value: lock.value,
        holder,
        acquiredAt: start,
        grantedAt,
        // The library's own validity: the TTL from the round's start, less drift.
        validUntil: lock.expiration,
        scope: "cluster",
        votes,
      };
      this.live.set(lock.value, lock);
      return { kind: "acquired", grant };
    } catch (error) {
      if (!(error instanceof ExecutionError)) {
        return { kind: "error", reason: error instanceof Error ? error.message : String(error), votes: [] };
      }
      // Stats settle once every node has voted; a frozen node answers only at its command timeout.
      const votes = await this.votesOf(error.attempts, this.commandTimeoutMs);
      const verdict = classifyFailedRound(votes, this.quorum);
      return verdict.kind === "contended"
        ? { kind: "contended", votes }
        : { kind: "error", reason: verdict.reason, votes };
    }
  }

  async release(grant: LockGrant): Promise<void> {
    const lock = this.live.get(grant.value);
    this.live.delete(grant.value);
    if (lock) await this.redlock.release(lock);
  }

  async close(): Promise<void> {
    this.live.clear();
    await Promise.all(this.clients.map(({ client }) => closeQuietly(client)));
  }

  private readonly live = new Map<string, Awaited<ReturnType<Redlock["acquire"]>>>();

  private async readAllNodes(resource: string): Promise<LockLook> {
    const values = await Promise.all(
      this.clients.map(async ({ nodeId, gets }) => {
        try {
          const value = await gets.get(resource);
          return { nodeId, value, vote: (value === null ? "for" : "locked") as "for" | "locked" };
        } catch (error) {
          return { nodeId, value: null, vote: "error" as const, message: error instanceof Error ? error.message : String(error) };
        }
      }),
    );
    const heldBy = heldByMajority(values.map((v) => v.value), this.quorum);
    const votes: LockVote[] = values.map((v) =>
      v.vote === "error" ? { nodeId: v.nodeId, vote: "error", message: v.message ?? "" } : { nodeId: v.nodeId, vote: v.vote },
    );
    return { heldBy, votes };
  }

  /**
   * Which nodes granted: read back from the nodes, and for any that stay silent, the library's own
   * tally of the round. A node that is merely slow (injected latency) voted in time for the quorum
   * but answers the read-back late; by then the tally has settled and names it. The tally settles
   * only once every node of the round has answered: with a frozen or cut-off node in the round, it
   * stays open, and every node the read-back missed — that one, and any slow one — stays "pending".
   */
  private async grantVotes(resource: string, lock: Awaited<ReturnType<Redlock["acquire"]>>): Promise<LockVote[]> {
    const witnessed = await this.witness(resource, lock.value);
    if (!witnessed.some((v) => v.vote === "pending")) return witnessed;
    const tally = await this.votesOf(lock.attempts, 0, "pending");
    return witnessed.map((vote, i) => (vote.vote === "pending" ? (tally[i] ?? vote) : vote));
  }

  /**
   * Which nodes hold a fresh grant, read back from the nodes: the library resolves at quorum and
   * settles its per-node stats only when the slowest (perhaps frozen) node answers. Nodes silent
   * after a short wait are "pending". Grants are rare, so the extra GET per node is cheap.
   */
  private async witness(resource: string, value: string): Promise<LockVote[]> {
    // Long enough for a loaded 2-core machine to hear live nodes; a frozen node costs the holder this once.
    const WITNESS_WAIT_MS = 100;
    let timer: TimerHandle | undefined;
    const deadline = new Promise<"late">((resolve) => (timer = this.clock.setTimeout(() => resolve("late"), WITNESS_WAIT_MS)));
    const votes = await Promise.all(
      this.clients.map(async ({ nodeId, gets }): Promise<LockVote> => {
        const held = await Promise.race([gets.get(resource).catch((error: unknown) => error as Error), deadline]);
        if (held === "late") return { nodeId, vote: "pending" };
        if (held instanceof Error) return { nodeId, vote: "error", message: held.message };
        if (held === value) return { nodeId, vote: "for" };
        return held === null ? { nodeId, vote: "error", message: "did not take the lock" } : { nodeId, vote: "locked" };
      }),
    );
    if (timer) this.clock.clearTimeout(timer);
    return votes;
  }

  /**
   * Each node's vote in the last round. The library settles its stats only once every node has
   * answered; nodes still silent after `waitMs` are `unanswered` ("pending" for a grant the quorum
   * already decided, "error" for a failed round).
   */
  private async votesOf(
    attempts: ReadonlyArray<Promise<ExecutionStats>>,
    waitMs: number,
    unanswered: "pending" | "error" = "error",
  ): Promise<LockVote[]> {
    const last = attempts.at(-1);
    let timer: TimerHandle | undefined;
    const stats = last
      ? await Promise.race([last, new Promise<null>((resolve) => (timer = this.clock.setTimeout(() => resolve(null), waitMs)))])
      : null;
    if (timer) this.clock.clearTimeout(timer);
    const silent = (nodeId: string): LockVote => (unanswered === "pending" ? { nodeId, vote: "pending" } : { nodeId, vote: "error", message: "no answer in time" });
    return this.clients.map(({ nodeId, client }): LockVote => {
      if (!stats) return silent(nodeId);
      if (stats.votesFor.has(client)) return { nodeId, vote: "for" };
      const against = stats.votesAgainst.get(client);
      if (!against) return silent(nodeId);
      return against instanceof ResourceLockedError ? { nodeId, vote: "locked" } : { nodeId, vote: "error", message: against.message };
    });
  }
}
