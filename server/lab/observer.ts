import type { Redis } from "ioredis";
import type { ObservedLock } from "../../lib/report";
export type { ObservedLock };
import { closeQuietly, connectFailFast, type NodeEndpoint, whenReady } from "../engine/redis-connection";


/**
 * The lock observer: every tick it asks each lock node, on its own connections, for the lock key
 * and its PTTL. It trusts no library: the lock grid shows what was really in Redis.
 */
export class LockObserver {
  private pending: Promise<ObservedLock[]> | null = null;
  private last: ObservedLock[];

  private constructor(private readonly clients: ReadonlyArray<{ nodeId: string; client: Redis }>) {
    this.last = clients.map(({ nodeId }) => ({ nodeId, reachable: false, value: null, pttlMs: null }));
  }

  static connect(endpoints: readonly NodeEndpoint[], commandTimeoutMs: number): LockObserver {
    return new LockObserver(
      endpoints.map((endpoint) => ({
        nodeId: endpoint.nodeId,
        client: connectFailFast(endpoint, { commandTimeoutMs, name: "stampede-observer" }),
      })),
    );
  }

  /**
   * Reads every node. A sample still waiting on a frozen node is not duplicated: the caller gets
   * the previous reading until it lands, so a slow node cannot pile up commands tick after tick.
   */
  sample(lockKey: string): Promise<ObservedLock[]> {
    if (this.pending) return Promise.resolve(this.last);
    this.pending = Promise.all(this.clients.map(({ nodeId, client }) => readNode(nodeId, client, lockKey))).then((result) => {
      this.last = result;
      this.pending = null;
      return result;
    });
    return this.pending;
  }

  /** Waits (briefly) for every connection; a node that is down stays unreachable in the readings. */
  async ready(): Promise<void> {
    await Promise.all(this.clients.map(({ client }) => whenReady(client, 1000)));
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map(({ client }) => closeQuietly(client)));
  }
}

async function readNode(nodeId: string, client: Redis, lockKey: string): Promise<ObservedLock> {
  try {
    const [value, pttl] = await Promise.all([client.get(lockKey), client.pttl(lockKey)]);
    return { nodeId, reachable: true, value, pttlMs: value === null || pttl < 0 ? null : pttl };
  } catch {
    return { nodeId, reachable: false, value: null, pttlMs: null };
  }
}
