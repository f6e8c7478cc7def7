/**
 * An outside witness of the lock, for integration tests: each lock node's own MONITOR stream, on
 * the node's own port and a connection of its own, read back into grants without asking the lab.
 *
 * Inside the Redlock library's acquire script, `set` runs only when the key was absent, so each
 * `set` of a lock key is that node's vote for that value. A value with votes from a majority was
 * granted, at its quorum-th vote; its validity is the library's (the TTL from its first vote, less
 * the drift); it is released at the first `del` of it (the release script deletes only its own
 * value). Two grants of one key live at once are two holders, counted per pair as the lab's safety
 * checker counts them.
 */
import { Redis } from "ioredis";
import { quorumOf } from "../../../lib/scenario";

export interface WitnessGrant {
  key: string;
  value: string;
  /** Node time (ms) of the quorum-th vote. */
  grantedAt: number;
  validUntil: number;
  releasedAt: number | null;
  nodes: string[];
}

interface Vote {
  nodeId: string;
  at: number;
  ttlMs: number;
}

export class MonitorWitness {
  private readonly votes = new Map<string, { key: string; votes: Vote[] }>();
  private readonly releases = new Map<string, number>();
  /** Per node, per key: the value last set there (what a `del` removes). */
  private readonly current = new Map<string, Map<string, string>>();
  private readonly markers = new Map<string, Set<string>>();

  private constructor(
    private readonly monitors: ReadonlyArray<{ nodeId: string; host: string; port: number; redis: Redis }>,
  ) {
    for (const { nodeId, redis } of monitors) {
      this.current.set(nodeId, new Map());
      this.markers.set(nodeId, new Set());
      redis.on("monitor", (time: string, args: string[]) => this.line(nodeId, Number(time) * 1000, args));
    }
  }

  /** Starts MONITOR on every lock node, on its real port (never through a fault proxy). */
  static async start(nodes: ReadonlyArray<{ id: string; host: string; port: number }>): Promise<MonitorWitness> {
    const monitors = await Promise.all(
      nodes.map(async (node) => {
        const client = new Redis({ host: node.host, port: node.port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
        await client.connect();
        const redis = await client.monitor();
        client.disconnect();
        return { nodeId: node.id, host: node.host, port: node.port, redis };
      }),
    );
    return new MonitorWitness(monitors);
  }

  /**
   * Waits until every stream has delivered all it saw before now: an ECHO sent to each node on a
   * plain connection shows in that node's stream after every earlier command.
   */
  async settle(timeoutMs = 5000): Promise<void> {
    const marker = `witness-settle-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    await Promise.all(
      this.monitors.map(async ({ nodeId, host, port }) => {
        const client = new Redis({ host, port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
        try {
          await client.connect();
          await client.echo(marker);
        } finally {
          client.disconnect();
        }
        const deadline = Date.now() + timeoutMs;
        while (!this.markers.get(nodeId)?.has(marker)) {
          if (Date.now() > deadline) throw new Error(`${nodeId}'s MONITOR stream did not deliver the marker in ${timeoutMs} ms`);
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      }),
    );
  }

  stop(): void {
    for (const { redis } of this.monitors) redis.disconnect();
  }

  /** Every value a majority of the watched nodes voted for, in grant order. */
  grants(driftFactor: number): WitnessGrant[] {
    const quorum = quorumOf(this.monitors.length);
    const out: WitnessGrant[] = [];
    for (const [value, { key, votes }] of this.votes) {
      const byNode = new Map<string, Vote>();
      for (const vote of votes) if (!byNode.has(vote.nodeId)) byNode.set(vote.nodeId, vote);
      const inOrder = [...byNode.values()].sort((a, b) => a.at - b.at);
      const decisive = inOrder[quorum - 1];
      const first = inOrder[0];
      if (!decisive || !first) continue;
      // The library's validity: start + ttl − (round(driftFactor · ttl) + 2).
      const validUntil = first.at + first.ttlMs - (Math.round(driftFactor * first.ttlMs) + 2);
      out.push({ key, value, grantedAt: decisive.at, validUntil, releasedAt: this.releases.get(value) ?? null, nodes: inOrder.map((v) => v.nodeId) });
    }
    return out.sort((a, b) => a.grantedAt - b.grantedAt);
  }

  /** Pairs of grants of one key where the later came while the earlier was neither released nor past its validity. */
  twoHolders(driftFactor: number): number {
    const grants = this.grants(driftFactor);
    let pairs = 0;
    for (const [i, later] of grants.entries()) {
      for (const earlier of grants.slice(0, i)) {
        if (earlier.key !== later.key) continue;
        const endedAt = Math.min(earlier.validUntil, earlier.releasedAt ?? Number.POSITIVE_INFINITY);
        if (later.grantedAt < endedAt) pairs++;
      }
    }
    return pairs;
  }

  private line(nodeId: string, at: number, args: string[]): void {
    const [command = "", key = "", value = ""] = args;
    const name = command.toLowerCase();
    const current = this.current.get(nodeId)!;
    if (name === "echo") this.markers.get(nodeId)!.add(key);
    else if (name === "flushall" || name === "flushdb") current.clear();
    else if (!key.startsWith("lock:")) return;
    else if (name === "set") {
      const px = args.findIndex((arg, i) => i > 2 && arg.toLowerCase() === "px");
      const ttlMs = px > 0 ? Number(args[px + 1]) : Number.POSITIVE_INFINITY;
      const entry = this.votes.get(value) ?? { key, votes: [] };
      entry.votes.push({ nodeId, at, ttlMs });
      this.votes.set(value, entry);
      current.set(key, value);
    } else if (name === "del") {
      const removed = current.get(key);
      current.delete(key);
      if (removed !== undefined && !this.releases.has(removed)) this.releases.set(removed, at);
    }
  }
}
