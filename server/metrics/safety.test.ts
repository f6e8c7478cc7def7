import { describe, expect, it } from "vitest";
import { TestLab } from "../engine/testing/lab";
import { engineEvents } from "../engine/events";
import { MetricsCollector } from "./collector";
import { SafetyChecker, type GrantRecord, type WriteRecord } from "./safety";

const grant = (over: Partial<GrantRecord> & Pick<GrantRecord, "value" | "holder">): GrantRecord => ({
  resource: "lock:user:profile:0",
  instance: 1,
  grantedAt: 0,
  validUntil: 1000,
  scope: "cluster",
  nodes: ["lock-1", "lock-2", "lock-3"],
  ...over,
});

describe("SafetyChecker", () => {
  it("two overlapping live cluster grants are a violation naming both holders", () => {
    const s = new SafetyChecker();
    expect(s.acquired(grant({ value: "a", holder: "instance-1", nodes: ["lock-1", "lock-2", "lock-3"] }))).toEqual([]);
    const found = s.acquired(grant({ value: "b", holder: "instance-2", instance: 2, grantedAt: 500, validUntil: 1500, nodes: ["lock-3", "lock-4", "lock-5"] }));
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
    s.acquired(grant({ value: "b", holder: "h2", grantedAt: 10 }));
    const third = s.acquired(grant({ value: "c", holder: "h3", grantedAt: 20 }));
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
    expect(s.acquired(grant({ value: "b", holder: "h2", grantedAt: 400 }))).toEqual([]);
    expect(s.maxHoldersAtOnce).toBe(1);
  });

  it("an expired grant does not count, from the very ms it expires", () => {
    const s = new SafetyChecker();
    s.acquired(grant({ value: "a", holder: "h1", validUntil: 1000 }));
    expect(s.acquired(grant({ value: "b", holder: "h2", grantedAt: 1000, validUntil: 2000 }))).toEqual([]);
    // …but one ms earlier it still did.
    const s2 = new SafetyChecker();
    s2.acquired(grant({ value: "a", holder: "h1", validUntil: 1000 }));
    expect(s2.acquired(grant({ value: "b", holder: "h2", grantedAt: 999 }))).toHaveLength(1);
  });

  it("releasing an unknown value, or another resource's, changes nothing", () => {
    const s = new SafetyChecker();
    s.acquired(grant({ value: "a", holder: "h1" }));
    s.released("lock:user:profile:0", "zzz", 10);
    s.released("lock:other", "a", 10);
    expect(s.acquired(grant({ value: "b", holder: "h2", grantedAt: 20 }))).toHaveLength(1);
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
    s.acquired(grant({ value: "i2", holder: "instance-2", scope: "instance", grantedAt: 10, nodes: [] }));
    s.acquired(grant({ value: "i3", holder: "instance-3", scope: "instance", grantedAt: 20, nodes: [] }));
    s.acquired(grant({ value: "c", holder: "instance-4", scope: "cluster", grantedAt: 30 }));
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

describe("SafetyChecker.written: protected writes (lockedWork increment)", () => {
  const write = (over: Partial<WriteRecord> = {}): WriteRecord => ({
    resource: "lock:user:profile:0",
    value: "a",
    at: 500,
    staleAccepted: false,
    highestToken: 1,
    ...over,
  });

  it("a write within its holder's validity, in token order, is fine", () => {
    const s = new SafetyChecker();
    s.acquired(grant({ value: "a", holder: "h1", fencingToken: 1 }));
    expect(s.written(write())).toEqual([]);
    expect(s.violations).toEqual([]);
  });

  it("a write landing at or after validUntil is a write-after-validity naming the holder that took over", () => {
    const s = new SafetyChecker();
    s.acquired(grant({ value: "a", holder: "h1", validUntil: 1000, fencingToken: 1 }));
    s.acquired(grant({ value: "b", holder: "h2", instance: 2, grantedAt: 1200, validUntil: 2200, nodes: ["lock-3", "lock-4", "lock-5"], fencingToken: 2 }));
    const found = s.written(write({ at: 3000, staleAccepted: true, highestToken: 2 }));
    expect(found).toEqual([
      {
        resource: "lock:user:profile:0",
        at: 3000,
        kind: "write-after-validity",
        first: { holder: "h1", value: "a", nodes: ["lock-1", "lock-2", "lock-3"], validUntil: 1000, fencingToken: 1 },
        second: { holder: "h2", value: "b", nodes: ["lock-3", "lock-4", "lock-5"], validUntil: 2200, fencingToken: 2 },
        detail: "h1 wrote 2000 ms after its lock's validity ended; h2 held the lock by then",
      },
    ]);
    // One write, one violation, even though its token was also out of order.
    expect(s.byKind).toEqual({ "two-holders": 0, "write-after-validity": 1, "write-out-of-token-order": 0 });
    // …and from the very ms the validity ends.
    const edge = new SafetyChecker();
    edge.acquired(grant({ value: "a", holder: "h1", validUntil: 1000 }));
    expect(edge.written(write({ at: 999 }))).toEqual([]);
    expect(edge.written(write({ at: 1000 }))).toHaveLength(1);
  });

  it("a paused late writer says it was paused, and a successor on the same instance is named as another request of it", () => {
    const s = new SafetyChecker();
    s.acquired(grant({ value: "a", holder: "instance-1/r15", validUntil: 1000 }));
    s.resumed("lock:user:profile:0", "instance-1/r15", 2500);
    s.acquired(grant({ value: "b", holder: "instance-1/r25", grantedAt: 1200, validUntil: 2200 }));
    const [found] = s.written(write({ at: 2600 }));
    expect(found?.first).toMatchObject({ holder: "instance-1/r15", pausedMs: 2500 });
    expect(found?.second.pausedMs).toBeUndefined();
    expect(found?.detail).toBe(
      "instance-1/r15 wrote 1600 ms after its lock's validity ended (a simulated pause held it 2500 ms); instance-1/r25, another request of instance 1, held the lock by then",
    );
  });

  it("a write accepted out of token order while valid names the holder whose newer token the row had", () => {
    const s = new SafetyChecker();
    s.acquired(grant({ value: "a", holder: "h1", fencingToken: 1 }));
    s.acquired(grant({ value: "b", holder: "h2", grantedAt: 10, fencingToken: 2 }));
    const found = s.written(write({ at: 600, staleAccepted: true, highestToken: 2 }));
    expect(found).toMatchObject([{ kind: "write-out-of-token-order", first: { holder: "h1", fencingToken: 1 }, second: { holder: "h2", fencingToken: 2 } }]);
    expect(s.violations.map((v) => v.kind)).toEqual([undefined, "write-out-of-token-order"]);
    expect(s.byKind).toEqual({ "two-holders": 1, "write-after-validity": 0, "write-out-of-token-order": 1 });
  });

  it("writes without a lock, with an unknown value, or under an instance-scope lock past its validity are not judged", () => {
    const s = new SafetyChecker();
    expect(s.written(write({ value: null, at: 99_999, staleAccepted: true }))).toEqual([]);
    expect(s.written(write({ value: "nobody", at: 99_999 }))).toEqual([]);
    s.acquired(grant({ value: "i", holder: "instance-1", scope: "instance", nodes: [] }));
    expect(s.written(write({ value: "i", at: 99_999 }))).toEqual([]);
    expect(s.violations).toEqual([]);
  });

  it("grants without tokens keep the violation shape of before: no fencingToken, no kind", () => {
    const s = new SafetyChecker();
    s.acquired(grant({ value: "a", holder: "h1" }));
    const [v] = s.acquired(grant({ value: "b", holder: "h2", grantedAt: 5 }));
    expect(v).not.toHaveProperty("kind");
    expect(v?.first).not.toHaveProperty("fencingToken");
  });
});

describe("MetricsCollector: locked writes, pauses and violation announcements", () => {
  it("counts locked writes by result and pauses, and announces each violation right after its cause", () => {
    const collector = new MetricsCollector(0, 100);
    const seen: string[] = [];
    collector.onEvent((event) => seen.push(event.name));
    const base = { instance: 1, key: "user:profile:0", resource: "lock:user:profile:0", holder: "h1", value: "a", validUntil: 1000, token: 1, counter: 1, highestToken: 1 };
    collector.record(engineEvents.lockAcquired({ instance: 1, resource: base.resource, value: "a", holder: "h1", acquiredAt: 0, grantedAt: 0, validUntil: 1000, scope: "cluster", votes: [], fencingToken: 1 }));
    collector.record(engineEvents.instancePaused({ instance: 1, holder: "h1", resource: base.resource, at: 200, ms: 3000, validUntil: 1000, simulated: true }));
    collector.record(engineEvents.instanceResumed({ instance: 1, holder: "h1", resource: base.resource, at: 3200, pausedMs: 3000, validUntil: 1000, expired: true }));
    collector.record(engineEvents.lockedWrite({ ...base, at: 3250, result: "accepted", staleAccepted: false }));
    collector.record(engineEvents.lockedWrite({ ...base, at: 3300, result: "rejected-stale", staleAccepted: false }));
    collector.record(engineEvents.lockedWrite({ ...base, at: 3300, result: "failed", staleAccepted: false }));
    const totals = collector.snapshot();
    expect(totals.lockedWrites).toEqual({ accepted: 1, rejectedStale: 1, staleAccepted: 0, failed: 1 });
    expect(totals.locks.pauses).toEqual({ taken: 1, outlivedValidity: 1 });
    expect(totals.locks).toMatchObject({ safetyViolations: 1, violationsByKind: { "two-holders": 0, "write-after-validity": 1, "write-out-of-token-order": 0 } });
    expect(seen).toEqual(["lock:acquired", "instance:paused", "instance:resumed", "db:locked-write", "safety:violation", "db:locked-write", "db:locked-write"]);
    // The violation names the request the pause held, and for how long.
    expect(totals.violations[0]?.first).toMatchObject({ holder: "h1", pausedMs: 3000 });
    expect(totals.violations[0]?.detail).toContain("(a simulated pause held it 3000 ms)");
    // An announcement fed back in is not counted twice.
    collector.record(engineEvents.safetyViolation(totals.violations[0]!));
    expect(collector.snapshot().locks.safetyViolations).toBe(1);
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
