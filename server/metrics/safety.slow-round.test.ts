/**
 * The safety checker's interval starts when the grant is in hand, not when its round began: a slow
 * round that reaches its quorum after the previous holder's lock expired held nothing twice. On an
 * injected clock, through the engine, the lock client and the collector.
 */
import { describe, expect, it } from "vitest";
import { TestLab } from "../engine/testing/lab";
import { SafetyChecker } from "./safety";

const TTL = 1000;
/** Instance 1 reaches the lock nodes in 10 ms; instance 2's rounds take 300 ms (slow paths). */
const LATENCY = [10, 300];

function slowSecondRound(options: { secondAtMs: number; restartMajorityAtMs?: number }) {
  const lab = new TestLab({
    instances: 2,
    lockLatencyMsByInstance: LATENCY,
    settings: { lock: "redlock", lockTtlMs: TTL, waiters: "poll" },
    // The first holder's read outlasts its lock: its grant expires under it (not a violation by itself).
    db: { readLatencyMs: 3000 },
  });
  lab.seedRows();
  lab.read(0, { instance: 1 });
  const restartAt = options.restartMajorityAtMs;
  if (restartAt !== undefined) lab.clock.setTimeout(() => [0, 1, 2].forEach((i) => lab.lockNodes.restart(i)), restartAt);
  lab.read(options.secondAtMs, { instance: 2 });
  return lab;
}

describe("the safety checker's interval", () => {
  it("a slow round that started while the first lock was valid but got its grant after it expired is no violation", async () => {
    // Instance 1's round: 0 → 10 ms, keys until 1010, valid until 1000. Instance 2's round starts at
    // 900 (within the first validity) and reaches the nodes at 1200, when the keys are gone.
    const lab = slowSecondRound({ secondAtMs: 900 });
    await lab.runUntil(6000);
    const grants = lab.eventsOf("lock:acquired");
    expect(grants.map((g) => [g.holder, g.acquiredAt - lab.t0, g.grantedAt - lab.t0, g.validUntil - lab.t0])).toEqual([
      ["instance-1/r1", 0, 10, TTL],
      ["instance-2/r2", 900, 1200, 900 + TTL],
    ]);
    const { locks } = lab.collector.snapshot();
    expect(locks).toMatchObject({ acquired: 2, safetyViolations: 0, maxHoldersAtOnce: 1 });
    await lab.close();
  });

  it("judged from the round's start, the same two grants would have been flagged", () => {
    // What the checker saw before: the second grant's interval starting at its round's 900 ms.
    const asBefore = new SafetyChecker();
    const grant = { resource: "lock:user:profile:0", instance: 1, scope: "cluster" as const, nodes: ["lock-1", "lock-2", "lock-3"] };
    asBefore.acquired({ ...grant, value: "a", holder: "instance-1/r1", grantedAt: 0, validUntil: TTL });
    expect(asBefore.acquired({ ...grant, value: "b", holder: "instance-2/r2", instance: 2, grantedAt: 900, validUntil: 900 + TTL })).toHaveLength(1);
    const asNow = new SafetyChecker();
    asNow.acquired({ ...grant, value: "a", holder: "instance-1/r1", grantedAt: 10, validUntil: TTL });
    expect(asNow.acquired({ ...grant, value: "b", holder: "instance-2/r2", instance: 2, grantedAt: 1200, validUntil: 900 + TTL })).toEqual([]);
  });

  it("a real overlap is still one violation: a majority restarts empty and the slow round's grant arrives while the first is valid", async () => {
    // lock-1..3 forget at 100 ms; instance 2's round 400 → 700 ms wins them while instance 1's lock is valid until 1000.
    const lab = slowSecondRound({ secondAtMs: 400, restartMajorityAtMs: 100 });
    await lab.runUntil(6000);
    const grants = lab.eventsOf("lock:acquired");
    expect(grants[1]).toMatchObject({ holder: "instance-2/r2", grantedAt: lab.at(700) });
    const totals = lab.collector.snapshot();
    expect(totals.locks.safetyViolations).toBe(1);
    expect(totals.violations[0]).toMatchObject({ at: 700, first: { holder: "instance-1/r1" }, second: { holder: "instance-2/r2", nodes: ["lock-1", "lock-2", "lock-3"] } });
    await lab.close();
  });
});
