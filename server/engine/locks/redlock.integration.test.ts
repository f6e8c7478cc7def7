/**
 * RedlockLockService against five real lock nodes, for every one of the 2^5 = 32 subsets of
 * crashed nodes: an acquisition succeeds if and only if a majority (3) is up. The nodes themselves
 * are asked, on connections of our own, whether the lock is really there.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { quorumOf } from "../../../lib/scenario";
import { systemClock } from "../../core/clock";
import { startRealLab, type RealLab } from "../../lab/testing/real-lab";
import { redisCommand } from "../../nodes/resp";
import type { NodeId, NodeStatus } from "../../nodes/types";
import type { LockAttempt, LockGrant } from "../ports";
import { RedlockLockService } from "./redlock";

const LOCK_NODES = 5;
const QUORUM = quorumOf(LOCK_NODES);
const COMMAND_TIMEOUT_MS = 300;
const LOCK_IDS = Array.from({ length: LOCK_NODES }, (_, i) => `lock-${i + 1}` as NodeId);

let lab: RealLab;
let service: RedlockLockService | null = null;

beforeAll(async () => {
  lab = await startRealLab(4, LOCK_NODES);
  service = await RedlockLockService.connect(
    lab.nodes.list().filter((n) => n.role === "lock").map((n) => ({ nodeId: n.id, host: n.host, port: n.clientPort })),
    {
      settings: { retryCount: 0, retryDelayMs: 200, driftFactor: 0.01, commandTimeoutMs: COMMAND_TIMEOUT_MS },
      name: "redlock-matrix",
      clock: systemClock,
    },
  );
});

afterAll(async () => {
  await service?.close();
  await lab?.stop();
});

/** What a node holds for `key`, asked on a fresh connection: the independent witness. */
async function valueOn(node: NodeStatus, key: string): Promise<string | null> {
  const reply = await redisCommand(node.host, node.port, ["GET", key], 1000);
  if (reply.kind === "error") throw new Error(`${node.id}: ${reply.message}`);
  return reply.value;
}

/**
 * After restarts the service's clients reconnect on their own (every 100 ms). Waits until a probe
 * acquisition is voted for by all five nodes, so the next subset starts from a whole cluster.
 */
async function untilAllNodesVote(): Promise<void> {
  const deadline = Date.now() + 5000;
  let last: LockAttempt | null = null;
  for (let probe = 0; Date.now() < deadline; probe++) {
    last = await service!.tryAcquire(`matrix:probe:${Date.now()}:${probe}`, 1000, "probe");
    if (last.kind === "acquired") {
      await service!.release(last.grant);
      if (last.grant.votes.filter((v) => v.vote === "for").length === LOCK_NODES) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the service did not reconnect to all ${LOCK_NODES} lock nodes: ${JSON.stringify(last)}`);
}

describe("RedlockLockService over five real lock nodes", () => {
  it("acquires if and only if a majority of lock nodes is up, for all 32 subsets of crashed nodes", async () => {
    const outcomes: string[] = [];
    for (let mask = 0; mask < 1 << LOCK_NODES; mask++) {
      const down = LOCK_IDS.filter((_, i) => mask & (1 << i));
      const up = LOCK_IDS.filter((id) => !down.includes(id));
      await Promise.all(down.map((id) => lab.nodes.apply(id, "crash")));
      expect(lab.nodes.list().filter((n) => n.state === "crashed").map((n) => n.id)).toEqual(down);

      const resource = `matrix:${mask}:${Date.now()}`;
      const attempt = await service!.tryAcquire(resource, 5000, `holder-${mask}`);
      const label = `down = [${down.join(", ")}]: ${JSON.stringify(attempt)}`;
      outcomes.push(`${down.length} down → ${attempt.kind}`);

      // Whatever the outcome, only the nodes that are up may hold the key, and they are asked directly.
      const upNodes = up.map((id) => lab.nodes.get(id));
      const held = await Promise.all(upNodes.map((node) => valueOn(node, resource)));

      if (up.length >= QUORUM) {
        expect(attempt.kind, label).toBe("acquired");
        if (attempt.kind !== "acquired") continue;
        // A majority of the nodes really stores this grant's value…
        expect(held.filter((value) => value === attempt.grant.value).length, label).toBeGreaterThanOrEqual(QUORUM);
        // …and no crashed node is counted as a vote for it.
        const votesFor = attempt.grant.votes.filter((v) => v.vote === "for").map((v) => v.nodeId);
        expect(votesFor.filter((id) => down.includes(id as NodeId)), label).toEqual([]);
        await service!.release(attempt.grant);
        expect(await Promise.all(upNodes.map((node) => valueOn(node, resource))), `${label} after release`).toEqual(up.map(() => null));
      } else {
        expect(attempt.kind, label).toBe("error");
        // A failed round leaves no partial lock behind on the minority that is up.
        expect(held, label).toEqual(up.map(() => null));
        if (attempt.kind === "error") {
          for (const id of down) expect(attempt.votes.find((v) => v.nodeId === id)?.vote, label).toBe("error");
        }
      }

      await Promise.all(down.map((id) => lab.nodes.apply(id, "start")));
      await untilAllNodesVote();
    }
    // Every subset was tried: C(5,k) subsets with k nodes down.
    const tally = (text: string) => outcomes.filter((o) => o === text).length;
    expect([0, 1, 2].map((k) => tally(`${k} down → acquired`))).toEqual([1, 5, 10]);
    expect([3, 4, 5].map((k) => tally(`${k} down → error`))).toEqual([10, 5, 1]);
  });

  // A won round names its voters even while a node is frozen: the library settles its per-node
  // stats only when the slowest node answers, so the service reads the grant back from the nodes.
  let frozenGrant: LockGrant | null = null;

  it("still acquires with lock-5 frozen (4 of 5 answer), and the nodes hold it", async () => {
    await lab.nodes.apply("lock-5", "freeze");
    try {
      const resource = `frozen:${Date.now()}`;
      const attempt = await service!.tryAcquire(resource, 5000, "holder-frozen");
      expect(attempt.kind, JSON.stringify(attempt)).toBe("acquired");
      if (attempt.kind !== "acquired") return;
      frozenGrant = attempt.grant;
      const live = LOCK_IDS.slice(0, 4).map((id) => lab.nodes.get(id));
      const held = await Promise.all(live.map((node) => valueOn(node, resource)));
      expect(held.filter((value) => value === attempt.grant.value).length).toBeGreaterThanOrEqual(QUORUM);
      await service!.release(attempt.grant);
    } finally {
      await lab.nodes.apply("lock-5", "thaw");
    }
  });

  it("a grant won while one node is frozen names the nodes that voted for it", () => {
    // Reads the grant of the test above (which must pass for this one to mean anything).
    expect(frozenGrant).not.toBeNull();
    expect(frozenGrant!.votes.filter((v) => v.vote === "for").map((v) => v.nodeId)).toEqual(["lock-1", "lock-2", "lock-3", "lock-4"]);
  });
});

describe("request coalescing in front of the library, on real nodes", () => {
  async function concurrentAttempts(coalesce: boolean, count: number) {
    const client = await RedlockLockService.connect(
      lab.nodes.list().filter((n) => n.role === "lock").map((n) => ({ nodeId: n.id, host: n.host, port: n.clientPort })),
      { settings: { retryCount: 0, retryDelayMs: 200, driftFactor: 0.01, commandTimeoutMs: COMMAND_TIMEOUT_MS, coalesce }, name: `coalesce-${coalesce}`, clock: systemClock },
    );
    try {
      const resource = `coalesce:${coalesce}:${Date.now()}`;
      const attempts = await Promise.all(Array.from({ length: count }, (_, i) => client.tryAcquire(resource, 5000, `holder-${i}`)));
      for (const attempt of attempts) if (attempt.kind === "acquired") await client.release(attempt.grant);
      return attempts;
    } finally {
      await client.close();
    }
  }

  it("coalesced: concurrent attempts at one resource share one round; the others learn its outcome", async () => {
    const attempts = await concurrentAttempts(true, 8);
    expect(attempts.filter((a) => a.answeredBy === "round")).toHaveLength(1);
    expect(attempts.filter((a) => a.kind === "acquired")).toHaveLength(1);
    expect(attempts.filter((a) => a.answeredBy === "sibling" || a.answeredBy === "look")).toHaveLength(7);
  });

  it("coalesce false: every attempt runs its own round — one wins, the others are refused by the nodes", async () => {
    const attempts = await concurrentAttempts(false, 8);
    expect(attempts.every((a) => a.answeredBy === "round"), JSON.stringify(attempts)).toBe(true);
    expect(attempts.filter((a) => a.kind === "acquired")).toHaveLength(1);
    // The nodes themselves voted "locked" against the losers: those were real rounds, not in-process answers.
    for (const attempt of attempts.filter((a) => a.kind === "contended")) {
      expect(attempt.votes.filter((v) => v.vote === "locked").length, JSON.stringify(attempt)).toBeGreaterThanOrEqual(QUORUM);
    }
  });
});
