import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import type { Clock } from "../../core/clock";
import type { LockAttempt, LockGrant, LockService } from "../ports";
import { closeQuietly, connectFailFast, type NodeEndpoint, whenReady } from "../redis-connection";

/** Deletes the key only if it still holds our value, so we never release someone else's lock. */
const COMPARE_AND_DELETE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

/**
 * The seed's first attempt: SET NX PX on one node (`lock-1`). Correct while that node lives; when it
 * restarts empty, every lock vanishes with it — the stampede, part two. Every attempt is a round of
 * its own (one SET NX): nothing is coalesced.
 */
export class SingleRedisLockService implements LockService {
  readonly mode = "single-redis" as const;

  private constructor(
    private readonly client: Redis,
    private readonly nodeId: string,
    private readonly clock: Clock,
  ) {}

  static async connect(endpoint: NodeEndpoint, options: { commandTimeoutMs: number; name: string; clock: Clock }): Promise<SingleRedisLockService> {
    const client = connectFailFast(endpoint, options);
    await whenReady(client, 1000);
    return new SingleRedisLockService(client, endpoint.nodeId, options.clock);
  }

  async tryAcquire(resource: string, ttlMs: number, holder: string): Promise<LockAttempt> {
    const value = randomBytes(8).toString("hex");
    const start = this.clock.now();
    let reply: string | null;
    try {
      reply = await this.client.set(resource, value, "PX", ttlMs, "NX");
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { kind: "error", reason: `${this.nodeId} did not answer: ${message}`, votes: [{ nodeId: this.nodeId, vote: "error", message }], answeredBy: "round" };
    }
    if (reply !== "OK") return { kind: "contended", votes: [{ nodeId: this.nodeId, vote: "locked" }], answeredBy: "round" };
    const grant: LockGrant = {
      resource,
      value,
      holder,
      acquiredAt: start,
      grantedAt: this.clock.now(),
      validUntil: start + ttlMs,
      scope: "cluster",
      votes: [{ nodeId: this.nodeId, vote: "for" }],
    };
    return { kind: "acquired", grant, answeredBy: "round" };
  }

  async release(grant: LockGrant): Promise<void> {
    await this.client.eval(COMPARE_AND_DELETE, 1, grant.resource, grant.value);
  }

  async close(): Promise<void> {
    await closeQuietly(this.client);
  }
}
