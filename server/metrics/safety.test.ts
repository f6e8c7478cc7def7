import { describe, expect, it } from "vitest";
import { TestLab } from "../engine/testing/lab";
import { SafetyChecker, type GrantRecord } from "./safety";

const grant = (over: Partial<GrantRecord> & Pick<GrantRecord, "value" | "holder">): GrantRecord => ({
  resource: "lock:user:profile:0",
  instance: 1,
  acquiredAt: 0,
  validUntil: 1000,
  scope: "cluster",
  nodes: ["lock-1", "lock-2", "lock-3"],
  ...over,
});

describe("SafetyChecker", () => {
  it("two overlapping live cluster grants are a violation naming both holders", () => {
    const s = new SafetyChecker();
    expect(s.acquired(grant({ value: "a", holder: "instance-1", nodes: ["lock-1", "lock-2", "lock-3"] }))).toEqual([]);
    const found = s.acquired(grant({ value: "b", holder: "instance-2", instance: 2, acquiredAt: 500, validUntil: 1500, nodes: ["lock-3", "lock-4", "lock-5"] }));
    expect(found).toEqual([
      {
        resource: "lock:user:profile:0",
        at: 500,
        first: { holder: "instance-1", value: "a", nodes: ["lock-1", "lock-2", "lock-3"], validUntil: 1000 },
        second: { holder: "instance-2", value: "b", nodes: ["lock-3", "lock-4", "lock-5"], validUntil: 1500 },
      },
    ]);
    expect(s.violations).toEqual(found);
    expect(s.maxHoldersAtOnce).toBe(2);
  });

  it("a third overlapping grant conflicts with each live one", () => {
    const s = new SafetyChecker();
    s.acquired(grant({ value: "a", holder: "h1" }));
    s.acquired(grant({ value: "b", holder: "h2", acquiredAt: 10 }));
    const third = s.acquired(grant({ value: "c", holder: "h3", acquiredAt: 20 }));
    expect(third.map((v) => [v.first.holder, v.second.holder])).toEqual([
      ["h1", "h3"],
      ["h2", "h3"],
    ]);
    expect(s.violations).toHaveLength(3);
    expect(s.maxHoldersAtOnce).toBe(3);
  });

  it("a released grant does not count", () => {
    const s = new SafetyChecker();
    s.acquired(grant({ value: "a", holder: "h1" }));
    s.released("lock:user:profile:0", "a", 300);
    expect(s.acquired(grant({ value: "b", holder: "h2", acquiredAt: 400 }))).toEqual([]);
    expect(s.maxHoldersAtOnce).toBe(1);
  });

  it("an expired grant does not count, from the very ms it expires", () => {
    const s = new SafetyChecker();
    s.acquired(grant({ value: "a", holder: "h1", validUntil: 1000 }));
    expect(s.acquired(grant({ value: "b", holder: "h2", acquiredAt: 1000, validUntil: 2000 }))).toEqual([]);
    // …but one ms earlier it still did.
    const s2 = new SafetyChecker();
    s2.acquired(grant({ value: "a", holder: "h1", validUntil: 1000 }));
    expect(s2.acquired(grant({ value: "b", holder: "h2", acquiredAt: 999 }))).toHaveLength(1);
  });

  it("releasing an unknown value, or another resource's, changes nothing", () => {
    const s = new SafetyChecker();
    s.acquired(grant({ value: "a", holder: "h1" }));
    s.released("lock:user:profile:0", "zzz", 10);
    s.released("lock:other", "a", 10);
    expect(s.acquired(grant({ value: "b", holder: "h2", acquiredAt: 20 }))).toHaveLength(1);
  });

  it("grants on different resources never conflict", () => {
    const s = new SafetyChecker();
    s.acquired(grant({ value: "a", holder: "h1", resource: "lock:x" }));
    expect(s.acquired(grant({ value: "b", holder: "h2", resource: "lock:y" }))).toEqual([]);
    expect(s.maxHoldersAtOnce).toBe(1);
  });

  it("instance-scope grants never violate, with each other or with a cluster grant, but count in maxHoldersAtOnce", () => {
    const s = new SafetyChecker();
    s.acquired(grant({ value: "i1", holder: "instance-1", scope: "instance", nodes: [] }));
    s.acquired(grant({ value: "i2", holder: "instance-2", scope: "instance", acquiredAt: 10, nodes: [] }));
    s.acquired(grant({ value: "i3", holder: "instance-3", scope: "instance", acquiredAt: 20, nodes: [] }));
    s.acquired(grant({ value: "c", holder: "instance-4", scope: "cluster", acquiredAt: 30 }));
    expect(s.violations).toEqual([]);
    expect(s.maxHoldersAtOnce).toBe(4);
  });

  it("knows whose a lock value is", () => {
    const s = new SafetyChecker();
    s.acquired(grant({ value: "a", holder: "instance-3", instance: 3 }));
    expect(s.holderOf("a")).toMatchObject({ holder: "instance-3", instance: 3 });
    expect(s.holderOf("nope")).toBeUndefined();
  });
});

describe("SafetyChecker fed by the engine (lock nodes that restart empty)", () => {
  async function run(lock: "single-redis" | "redlock", restart: number[]) {
    const lab = new TestLab({ instances: 2, settings: { lock, waiters: "poll" }, db: { readLatencyMs: 1000 } });
    lab.seedRows();
    lab.read(0, { instance: 1 });
    lab.clock.setTimeout(() => restart.forEach((i) => lab.lockNodes.restart(i)), 100);
    lab.read(200, { instance: 2 });
    await lab.runUntil(3000);
    const totals = lab.collector.snapshot();
    await lab.close();
    return { lab, totals };
  }

  it("single-redis: lock-1 restarts under the holder → a second holder, reported with both names", async () => {
    const { lab, totals } = await run("single-redis", [0]);
    expect(lab.db.stats().reads).toBe(2);
    expect(totals.violations).toHaveLength(1);
    expect(totals.violations[0]).toMatchObject({ at: 200, first: { holder: "instance-1/r1", nodes: ["lock-1"] }, second: { holder: "instance-2/r2", nodes: ["lock-1"] } });
  });

  it("redlock: a majority restarting empty loses the lock too (Redlock needs persistence or delayed restarts)", async () => {
    const { totals } = await run("redlock", [0, 1, 2]);
    expect(totals.locks.safetyViolations).toBe(1);
    expect(totals.violations[0]?.second.nodes).toEqual(["lock-1", "lock-2", "lock-3"]);
  });

  it("redlock: a minority restarting changes nothing", async () => {
    const { lab, totals } = await run("redlock", [0, 1]);
    expect(totals.locks.safetyViolations).toBe(0);
    expect(lab.db.stats().reads).toBe(1);
  });

  it("a lock that expires under a slow holder is not a violation: validity is the contract", async () => {
    const lab = new TestLab({ instances: 2, settings: { lock: "redlock", lockTtlMs: 150, waiters: "poll" }, db: { readLatencyMs: 1000 } });
    lab.seedRows();
    lab.read(0, { instance: 1 });
    lab.read(200, { instance: 2 });
    await lab.runUntil(3000);
    expect(lab.db.stats().reads).toBe(2);
    expect(lab.collector.snapshot().locks).toMatchObject({ acquired: 2, safetyViolations: 0, maxHoldersAtOnce: 1 });
    await lab.close();
  });
});
