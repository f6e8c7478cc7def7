/**
 * The failure presets of issue 5 on real nodes, beat by beat: each breaks Redlock the way its
 * narration says, and each fix beat shows the break gone. Lost updates are recounted from our own
 * database (its write log and rows); a restarted node's keys are read from its real port with a
 * plain RESP command, not taken from the manager's word.
 *
 * Two labs, one after the other, on test port slot 12: a plain one (as the dashboard runs by
 * default) for restarts and clock jumps, and one with fault proxies for latency and partitions.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { checkExpects } from "../../lib/expect";
import { findPreset, presetScenario } from "../../lib/presets";
import type { Scenario } from "../../lib/scenario";
import { systemClock } from "../core/clock";
import type { EngineEvent, EngineEventOf } from "../engine/events";
import { cacheKeyFor, HOT_LOCK } from "../engine/keys";
import { redisCommand } from "../nodes/resp";
import type { LabNodeEvent, NodeId } from "../nodes/types";
import { createCapacityModelDatabase } from "../origin/capacity-model";
import type { Report } from "./report";
import { nodeManagerOptionsFor, runScenario } from "./runner";
import { MonitorWitness } from "./testing/monitor-witness";
import { digest, scenario, startRealLab, type RealLab } from "./testing/real-lab";

const SLOT = 12;

/**
 * Each beat's own promise (its expects), checked on the run this file looks at more closely: these
 * stories' beats are played here rather than a second time by the preset files (PLAYED_BY_LOCK_FAULTS).
 */
const promises = new WeakMap<Scenario, { label: string; claims: readonly string[] }>();

function beat(id: string, n: number): Scenario {
  const preset = findPreset(id);
  if (!preset) throw new Error(`the ${id} preset is gone`);
  if (n > preset.beats.length) throw new Error(`${id} has no beat ${n}`);
  const s = scenario(presetScenario(preset, n));
  promises.set(s, { label: `${id} beat ${n}`, claims: preset.beats[n - 1]!.expect ?? [] });
  return s;
}

/**
 * Runs with our own database and recounts from it: `lost` is writes that set a counter minus what
 * the counters rose by, read from the database itself (and the report must agree).
 */
async function runCounted(lab: RealLab, s: Scenario) {
  const database = createCapacityModelDatabase({ ...s.db, clock: systemClock });
  const events: EngineEvent[] = [];
  try {
    const report = await runScenario(s, { nodes: lab.nodes, database, onEvent: (e) => events.push(e) });
    const keys = Array.from({ length: s.crowd.keys }, (_, k) => cacheKeyFor(k));
    const counterWrites = database.writeLog().filter((entry) => entry.counter !== undefined).length;
    const counters = keys.reduce((sum, key) => sum + (database.peek(key)?.counter ?? 0), 0);
    const why = digest(report);
    expect(report.db.lockedWrites, why).toBe(counterWrites);
    expect(report.db.counterIncrease, why).toBe(counters);
    const promise = promises.get(s);
    if (promise) {
      expect(promise.claims.length, promise.label).toBeGreaterThan(0);
      expect(checkExpects(report, promise.claims).filter((result) => !result.ok), `${promise.label} did not make its point: ${why}`).toEqual([]);
    }
    return { report, events, counterWrites, lost: counterWrites - counters, why };
  } finally {
    await database.close();
  }
}

type Grant = EngineEventOf<"lock:acquired">["data"];

/** Each grant, with when its acquisition returned (the `lock:attempted` emitted just before it). */
function grants(events: EngineEvent[]): Array<Grant & { returnedAt: number }> {
  const found: Array<Grant & { returnedAt: number }> = [];
  const lastAcquiredAttempt = new Map<number, number>();
  for (const e of events) {
    if (e.name === "lock:attempted" && e.data.result === "acquired") lastAcquiredAttempt.set(e.data.instance, e.data.at);
    if (e.name === "lock:acquired") found.push({ ...e.data, returnedAt: lastAcquiredAttempt.get(e.data.instance) ?? Number.NaN });
  }
  return found;
}

/**
 * The grant's "for" votes came from `nodes`, and the rest never answered it (an error, or no answer
 * yet) — not "locked", which a reachable node holding someone else's lock would say.
 */
function expectReachedOnly(grant: Grant | undefined, nodes: string[], why: string): void {
  expect(grant, why).toBeDefined();
  for (const { nodeId, vote } of grant!.votes) {
    if (nodes.includes(nodeId)) expect(vote, `${why}\n${nodeId}`).toBe("for");
    else expect(["error", "pending"], `${why}\n${nodeId}: ${vote}`).toContain(vote);
  }
}

function faultNotes(report: Report): string[] {
  return report.notes.filter((n) => n.kind === "fault" || n.kind === "fault-failed").map((n) => `${n.kind}: ${n.text}`);
}

function twoHolders(report: Report) {
  return report.violations.filter((v) => (v.kind ?? "two-holders") === "two-holders");
}

/** The first node event that matches, seen through the manager's onAnyEvent. */
/**
 * The two-holders story of a forgetful lock-3: exactly one such violation — instance 1 granted by
 * A, B, C, instance 2 by C, D, E.
 */
function expectABCthenCDE(report: Report, why: string) {
  const [v, ...more] = twoHolders(report);
  expect(v, why).toBeDefined();
  expect(more, why).toEqual([]);
  expect(v!.first.holder, why).toMatch(/^instance-1\//);
  expect(v!.second.holder, why).toMatch(/^instance-2\//);
  expect([...v!.first.nodes].sort(), why).toEqual(["lock-1", "lock-2", "lock-3"]);
  expect([...v!.second.nodes].sort(), why).toEqual(["lock-3", "lock-4", "lock-5"]);
  return v!;
}

/** The fix held: never two holders, no violation, and every increment landed. */
function expectOneHolderAtATime({ report, lost, why }: { report: Report; lost: number; why: string }): void {
  expect(report.locks.safetyViolations, why).toBe(0);
  expect(report.violations, why).toEqual([]);
  expect(report.locks.maxHoldersAtOnce, why).toBe(1);
  expect(report.db.lostUpdates, why).toBe(0);
  expect(lost, why).toBe(0);
}

/** Client 2 waited its turn rather than giving up: instance 1 wrote, then instance 2. */
function expectBothWroteInTurn({ report, events, why }: { report: Report; events: EngineEvent[]; why: string }): void {
  expect(report.db.lockedWrites, why).toBe(2);
  expect(grants(events).map((g) => g.holder.split("/")[0]), why).toEqual(["instance-1", "instance-2"]);
}

function nextNodeEvent(lab: RealLab, match: (e: LabNodeEvent) => boolean, timeoutMs: number): Promise<LabNodeEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`no such node event within ${timeoutMs} ms`));
    }, timeoutMs);
    const unsubscribe = lab.nodes.onAnyEvent((e) => {
      if (!match(e)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(e);
    });
  });
}

/**
 * What `node` holds for the hot lock key right as its restart event arrives — read from its REAL
 * port (no engine client, no proxy) with one plain GET on a fresh connection.
 */
async function lockKeyAtRestart(lab: RealLab, node: NodeId): Promise<{ event: LabNodeEvent; value: string | null }> {
  let read: Promise<string | null> | null = null;
  const event = await nextNodeEvent(
    lab,
    (e) => {
      if (e.name !== "node:restart" || e.data.nodeId !== node) return false;
      const { host, port } = lab.nodes.get(node);
      read = redisCommand(host, port, ["GET", HOT_LOCK], 2000).then((reply) => {
        if (reply.kind === "error") throw new Error(`GET ${HOT_LOCK} on ${node}: ${reply.message}`);
        return reply.value;
      });
      return true;
    },
    30_000,
  );
  return { event, value: await read! };
}

describe("faults on the node itself: restart and clock jump (no fault proxies, as the dashboard runs by default)", () => {
  let lab: RealLab;

  beforeAll(async () => {
    lab = await startRealLab(SLOT, 5);
  });

  beforeEach(async () => {
    await lab.restoreAll();
  });

  afterAll(async () => {
    await lab?.stop();
  });

  describe("restart-without-persistence", () => {
    it("beat 1: lock-3 restarts empty — client 1 holds A, B, C, client 2 wins C, D, E: two holders, an update lost", async () => {
      const s = beat("restart-without-persistence", 1);
      expect(nodeManagerOptionsFor(s)).toEqual({});
      const atRestart = lockKeyAtRestart(lab, "lock-3");
      const { report, events, lost, why } = await runCounted(lab, s);
      const { event, value } = await atRestart;

      const v = expectABCthenCDE(report, why);
      expect(v.first.nodes.filter((n) => v.second.nodes.includes(n)), why).toEqual(["lock-3"]);
      expect(report.locks.safetyViolations, why).toBeGreaterThanOrEqual(1);
      expect(report.locks.maxHoldersAtOnce, why).toBe(2);
      // Both increments landed, one on top of the other: the counter rose by one.
      expect(report.db.lockedWrites, why).toBe(2);
      expect(lost, why).toBe(1);
      expect(report.db.lostUpdates, why).toBe(lost);

      // Positive control for beat 3's witness: the same read at the restart finds client 1's key gone.
      expect(event.data.detail, why).toMatch(/back empty \(no persistence\)$/);
      const [first, second] = grants(events);
      expect(first?.holder, why).toBe(v.first.holder);
      expect(value, why).not.toBe(first!.value);
      // Empty — or, if client 2's poll beat this read to the new node, already client 2's.
      expect([null, second!.value], why).toContain(value);
      expect(faultNotes(report), why).toContain("fault: restart lock-3");
    });

    it("beat 2: a delayed restart — lock-3 stays out past every TTL: 0 violations, 0 lost, and it really restarted", async () => {
      const s = beat("restart-without-persistence", 2);
      const restarted = nextNodeEvent(lab, (e) => e.name === "node:restart" && e.data.nodeId === "lock-3", 30_000);
      const { report, events, lost, why } = await runCounted(lab, s);
      const event = await restarted;
      expect(event.data.detail, why).toMatch(/down \d+ ms \(a delayed restart: at least 8000 ms\); back empty/);
      expect(faultNotes(report), why).toContain("fault: restart lock-3 (down at least 8000 ms)");
      expectOneHolderAtATime({ report, lost, why });
      // The fix made client 2 wait its turn, not give up: both wrote, one after the other.
      expectBothWroteInTurn({ report, events, why });
    });

    it("beat 3: lock-3 with fsync-always comes back holding client 1's key (read on its real port): 0 violations, 0 lost", async () => {
      const s = beat("restart-without-persistence", 3);
      expect(nodeManagerOptionsFor(s)).toEqual({ nodeOptions: { "lock-3": { persistence: "fsync-always" } } });
      // As the dashboard does on its long-lived nodes: switch lock-3 to AOF for this scenario, and back.
      await lab.nodes.setPersistence("lock-3", "fsync-always");
      try {
        const atRestart = lockKeyAtRestart(lab, "lock-3");
        const { report, events, lost, why } = await runCounted(lab, s);
        const { event, value } = await atRestart;
        expect(event.data.detail, why).toMatch(/back with [1-9]\d* key\(s\) from its AOF/);
        const [first] = grants(events);
        expect(first?.holder, why).toMatch(/^instance-1\//);
        expect(value, why).toBe(first!.value);
        expect(faultNotes(report), why).toContain("fault: restart lock-3");
        expect(report.locks.safetyViolations, why).toBe(0);
        expect(report.locks.maxHoldersAtOnce, why).toBe(1);
        expect(report.db.lostUpdates, why).toBe(0);
        expect(lost, why).toBe(0);
        expect(report.db.lockedWrites, why).toBe(2);
      } finally {
        await lab.nodes.setPersistence("lock-3", "none");
      }
    });
  });

  describe("clock-jump", () => {
    const jumpNotes = ["lock-1", "lock-2", "lock-3"].map(
      (node) => `fault: clock-jump ${node} (clock 8000 ms ahead, simulated: its lock keys' PTTL cut by 8000 ms)`,
    );

    it("beat 1: three clocks jump ahead — client 2 takes the lock from under client 1: two holders within validity, a stale write, an update lost", async () => {
      const { report, lost, why } = await runCounted(lab, beat("clock-jump", 1));
      expect(report.locks.safetyViolations, why).toBeGreaterThanOrEqual(1);
      const [v] = twoHolders(report);
      expect(v, why).toBeDefined();
      expect(v!.first.holder, why).toMatch(/^instance-1\//);
      expect(v!.second.holder, why).toMatch(/^instance-2\//);
      // Both within their validity when the second grant was made.
      expect(v!.at, why).toBeLessThan(v!.first.validUntil);
      expect(v!.at, why).toBeLessThan(v!.second.validUntil);
      // Client 2 won on the three nodes whose clocks jumped.
      expect([...v!.second.nodes].sort(), why).toEqual(["lock-1", "lock-2", "lock-3"]);
      expect(report.locks.violationsByKind["write-out-of-token-order"], why).toBeGreaterThanOrEqual(1);
      expect(report.db.staleWritesAccepted, why).toBeGreaterThanOrEqual(1);
      expect(report.db.lostUpdates, why).toBeGreaterThanOrEqual(1);
      expect(lost, why).toBeGreaterThanOrEqual(1);
      expect(report.db.lostUpdates, why).toBe(lost);
      // The notes say it was simulated, and how.
      expect(faultNotes(report).filter((n) => n.includes("clock-jump")).sort(), why).toEqual(jumpNotes);
    });

    it("beat 2: fencing tokens — the lock still fails, but the database refuses client 1's older token: nothing lost", async () => {
      const { report, lost, why } = await runCounted(lab, beat("clock-jump", 2));
      expect(report.scenario.fencing).toBe(true);
      expect(report.db.staleWritesRejected, why).toBeGreaterThanOrEqual(1);
      expect(report.db.staleWritesAccepted, why).toBe(0);
      expect(report.db.lostUpdates, why).toBe(0);
      expect(lost, why).toBe(0);
      expect(report.locks.violationsByKind["write-out-of-token-order"], why).toBe(0);
      // Fencing saved the row, not the mutual exclusion: the two holders are still there.
      expect(report.locks.violationsByKind["two-holders"], why).toBeGreaterThanOrEqual(1);
      expect(faultNotes(report).filter((n) => n.includes("clock-jump")).sort(), why).toEqual(jumpNotes);
    });
  });
});

describe("faults on the path: latency and partitions (fault proxies)", () => {
  let lab: RealLab;

  beforeAll(async () => {
    lab = await startRealLab(SLOT, 5, { faultProxies: true });
  });

  beforeEach(async () => {
    await lab.restoreAll();
  });

  afterAll(async () => {
    await lab?.stop();
  });

  describe("slow-node", () => {
    /**
     * Redlock's drift: 1% of the TTL plus 2 ms, off the validity before anything else. (The library
     * reads Date.now(), the engine its own clock: they may differ by a millisecond.)
     */
    const drift = (ttl: number) => Math.round(0.01 * ttl) + 2;

    it("beat 1: 300 ms on three nodes, TTL 500 ms — every grant arrives with ≥ 300 ms spent, and the work outlives it", async () => {
      const s = beat("slow-node", 1);
      expect(nodeManagerOptionsFor(s)).toEqual({ faultProxies: true });
      // Each node's own MONITOR stream, on its real port (behind the slow path): the outside witness.
      const witness = await MonitorWitness.start(lab.nodes.list().filter((n) => n.role === "lock"));
      let counted;
      try {
        counted = await runCounted(lab, s);
        await witness.settle();
      } finally {
        witness.stop();
      }
      const { report, events, lost, why } = counted;
      const got = grants(events);
      // Slow rounds reach their quorum after the previous lock ran out: neither the witness nor the
      // checker (which starts a grant's interval when the library returns it) sees two holders.
      expect(witness.grants(s.redlock.driftFactor).length, why).toBe(report.locks.acquired);
      expect(witness.twoHolders(s.redlock.driftFactor), why).toBe(0);
      expect(got.length, why).toBeGreaterThanOrEqual(3);
      for (const g of got) {
        // The validity is the TTL minus the drift, counted from the start of the round…
        expect(Math.abs(g.validUntil - g.acquiredAt - (500 - drift(500))), why).toBeLessThanOrEqual(1);
        // …and the round needs a slow node for its majority: it returns ≥ 300 ms later, with ≤ 200 ms left.
        expect(g.returnedAt - g.acquiredAt, why).toBeGreaterThanOrEqual(300);
        expect(g.validUntil - g.returnedAt, why).toBeLessThanOrEqual(200);
        // The grant names a majority, slow nodes included: they voted in time, and only answer late.
        const granted = g.votes.filter((v) => v.vote === "for").map((v) => v.nodeId);
        expect(granted.length, why).toBeGreaterThanOrEqual(3);
        expect(granted.some((n) => ["lock-1", "lock-2", "lock-3"].includes(n)), why).toBe(true);
      }
      // So does the alarm.
      for (const v of report.violations) expect(v.first.nodes.length, why).toBeGreaterThanOrEqual(3);
      expect(report.locks.violationsByKind["write-after-validity"], why).toBeGreaterThanOrEqual(1);
      expect(report.violations.find((v) => v.kind === "write-after-validity")?.detail, why).toMatch(/wrote \d+ ms after its lock's validity ended/);
      expect(faultNotes(report).sort(), why).toEqual(["lock-1", "lock-2", "lock-3"].map((n) => `fault: latency ${n} (+300 ms)`));
      // No two live grants: the harm here is the late write itself.
      expect(report.locks.violationsByKind["two-holders"], why).toBe(0);
      expect(lost, why).toBe(report.db.lostUpdates);
    });

    it("beat 2: the same slow nodes with a 3 s TTL — grants still slow, the validity left covers the work: 0 violations", async () => {
      const { report, events, lost, why } = await runCounted(lab, beat("slow-node", 2));
      const got = grants(events);
      expect(got.length, why).toBeGreaterThanOrEqual(3);
      for (const g of got) {
        expect(Math.abs(g.validUntil - g.acquiredAt - (3000 - drift(3000))), why).toBeLessThanOrEqual(1);
        expect(g.returnedAt - g.acquiredAt, why).toBeGreaterThanOrEqual(300);
      }
      expect(report.locks.safetyViolations, why).toBe(0);
      expect(report.violations, why).toEqual([]);
      expect(report.db.lostUpdates, why).toBe(0);
      expect(lost, why).toBe(0);
    });

    it("control: the same 500 ms TTL with no slow node — grants come back fast with the work covered: 0 violations", async () => {
      // So in beat 1 it is the latency that eats the validity, not the short TTL on its own.
      const { report, events, lost, why } = await runCounted(lab, { ...beat("slow-node", 1), faults: [] });
      const got = grants(events);
      expect(got.length, why).toBeGreaterThanOrEqual(3);
      for (const g of got) expect(g.validUntil - g.returnedAt, why).toBeGreaterThan(250);
      expect(report.locks.safetyViolations, why).toBe(0);
      expect(report.db.lostUpdates, why).toBe(0);
      expect(lost, why).toBe(0);
    });
  });

  describe("split-brain", () => {
    it("beat 1: C forgets during the split — instance 1 holds A, B, C, instance 2 wins C, D, E: two holders, an update lost", async () => {
      const s = beat("split-brain", 1);
      expect(nodeManagerOptionsFor(s)).toEqual({ faultProxies: true });
      const { report, events, lost, why } = await runCounted(lab, s);
      const v = expectABCthenCDE(report, why);
      expect(report.db.lostUpdates, why).toBeGreaterThanOrEqual(1);
      expect(lost, why).toBeGreaterThanOrEqual(1);
      // The split is per instance: instance 1 reached only A, B, C; instance 2 only C, D, E.
      const [first, second] = grants(events);
      expect(first?.holder, why).toBe(v.first.holder);
      expectReachedOnly(first, ["lock-1", "lock-2", "lock-3"], why);
      expectReachedOnly(second, ["lock-3", "lock-4", "lock-5"], why);
      // Cut off from the engine's instance 1, not from the world: lock-4 answers PING on its own port.
      const lock4 = lab.nodes.get("lock-4");
      expect(lock4.path?.partitioned, why).toEqual([1]);
      expect(lab.nodes.get("lock-1").path?.partitioned, why).toEqual([2]);
      expect(await redisCommand(lock4.host, lock4.port, ["PING"], 1000)).toEqual({ kind: "ok", value: "PONG" });
    });

    it("beat 2: the same split with a delayed restart — instance 2 must wait for C, which votes again only after every lock expired: one holder at a time", async () => {
      const restarted = nextNodeEvent(lab, (e) => e.name === "node:restart" && e.data.nodeId === "lock-3", 30_000);
      const { report, events, lost, why } = await runCounted(lab, beat("split-brain", 2));
      await restarted;
      expect(faultNotes(report), why).toContain("fault: restart lock-3 (down at least 8000 ms)");
      expectOneHolderAtATime({ report, lost, why });
      expectBothWroteInTurn({ report, events, why });
      // Instance 2's only majority needs C: it won only once C was back.
      expectReachedOnly(grants(events)[1], ["lock-3", "lock-4", "lock-5"], why);
    });
  });
});
