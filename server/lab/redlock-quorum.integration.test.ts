/**
 * Redlock on five real lock nodes under a crowd: one DB read per episode with all nodes up and
 * with two of them crashed; no grant at all with three crashed, and then `onLockError` decides
 * between starving the crowd (wait) and stampeding the database (bypass).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ScenarioInput } from "../../lib/scenario";
import type { EngineEvent, EngineEventOf } from "../engine/events";
import { runScenario } from "./runner";
import { digest, faultTimes, scenario, startRealLab, type RealLab } from "./testing/real-lab";

let lab: RealLab;

beforeAll(async () => {
  lab = await startRealLab(1);
});

beforeEach(async () => {
  // A run leaves its crashed nodes down; each test starts with all five up.
  await lab.restoreAll();
});

afterAll(async () => {
  await lab?.stop();
});

const CROWD = 2500;
const EXPIRE_AT = 1000;

const REDLOCK_CROWD = {
  instances: 4,
  lock: "redlock",
  lockNodes: 5,
  waiters: "poll",
  durationMs: 3500,
  crowd: { profile: "sneaker-drop", clients: CROWD, expireAtMs: EXPIRE_AT, arrivalMs: 300, patienceMs: 2500 },
  db: { readLatencyMs: 200, capacity: 10_000, queueLimit: 100_000, timeoutMs: 10_000 },
} as const satisfies ScenarioInput;

const crash = (atMs: number, node: `lock-${number}`) => ({ atMs, node, action: "crash" }) as const;

async function run(input: ScenarioInput) {
  const events: EngineEvent[] = [];
  const report = await runScenario(scenario(input), { nodes: lab.nodes, onEvent: (e) => events.push(e) });
  const grants = events.filter((e): e is EngineEventOf<"lock:acquired"> => e.name === "lock:acquired");
  return { report, events, grants, why: digest(report) };
}

/** Checks the faults ran (not `fault-failed`) before the key expired, and the nodes stayed down. */
function expectCrashedBeforeExpiry(report: Awaited<ReturnType<typeof run>>["report"], nodeIds: string[], why: string) {
  const faults = faultTimes(report);
  for (const id of nodeIds) {
    expect(faults.get(`crash ${id}`), why).toBeLessThan(EXPIRE_AT);
    expect(report.nodes.find((n) => n.id === id)?.state, why).toBe("crashed");
  }
  expect(report.notes.filter((n) => n.kind === "fault-failed"), why).toEqual([]);
}

describe("redlock over five real lock nodes", () => {
  it.each([
    { label: "all five up", faults: [], down: [] as string[] },
    { label: "lock-2 and lock-4 crashed before the expiry", faults: [crash(400, "lock-2"), crash(500, "lock-4")], down: ["lock-2", "lock-4"] },
  ])("holds with $label: exactly one DB read per episode", async ({ faults, down }) => {
    const { report, grants, why } = await run({ ...REDLOCK_CROWD, faults });
    expectCrashedBeforeExpiry(report, down, why);

    expect(report.requests.total, why).toBe(CROWD);
    expect(report.episodeCount, why).toBeGreaterThanOrEqual(1);
    expect(report.locks.contended, why).toBeGreaterThanOrEqual(100);
    // The instances coalesce: a handful of Redlock rounds, every other attempt answered in-process.
    expect(report.locks.rounds! + report.locks.answeredInProcess!, why).toBe(report.locks.attempts);
    expect(report.locks.rounds!, why).toBeGreaterThanOrEqual(1);
    expect(report.locks.rounds!, why).toBeLessThan(report.locks.attempts / 10);
    for (const episode of report.episodes) expect(episode.dbReads, `${JSON.stringify(episode)} ${why}`).toBe(1);
    expect(report.maxDbReadsPerEpisode, why).toBe(1);
    expect(report.locks.safetyViolations, why).toBe(0);
    expect(report.violations, why).toEqual([]);

    // Every grant was a quorum grant, and none came from a crashed node.
    expect(grants.length, why).toBeGreaterThanOrEqual(1);
    for (const grant of grants) {
      const votesFor = grant.data.votes.filter((v) => v.vote === "for").map((v) => v.nodeId);
      expect(votesFor.filter((id) => down.includes(id)), JSON.stringify(grant.data.votes)).toEqual([]);
    }
    // The observer, reading the lock nodes themselves, never saw two holders at once.
    expect(report.locks.observed.samples, why).toBeGreaterThan(0);
    expect(report.locks.observed.maxDistinctHolders, why).toBeLessThanOrEqual(1);
  });

  const NO_QUORUM = {
    ...REDLOCK_CROWD,
    crowd: { ...REDLOCK_CROWD.crowd, arrivalMs: 100, patienceMs: 2000 },
    // Slow enough that the whole crowd has asked before a bypassing read could fill the cache.
    db: { ...REDLOCK_CROWD.db, readLatencyMs: 600 },
    faults: [crash(300, "lock-1"), crash(400, "lock-2"), crash(500, "lock-3")],
  } as const satisfies ScenarioInput;

  it("three of five crashed, onLockError wait: no grant, no DB read, nobody gets a value", async () => {
    const { report, grants, why } = await run({ ...NO_QUORUM, onLockError: "wait" });
    expectCrashedBeforeExpiry(report, ["lock-1", "lock-2", "lock-3"], why);

    expect(report.locks.acquired, why).toBe(0);
    expect(grants, why).toEqual([]);
    expect(report.locks.failed, why).toBeGreaterThan(0);
    expect(report.db.reads, why).toBe(0);
    const r = report.requests;
    expect(r.total, why).toBe(CROWD);
    expect(r.timeouts + r.errors, why).toBe(r.total);
    expect(r.hits + r.misses + r.staleServed, why).toBe(0);
  });

  it("three of five crashed, onLockError bypass: no grant, and most of the crowd reads the database", async () => {
    const { report, grants, why } = await run({ ...NO_QUORUM, onLockError: "bypass" });
    expectCrashedBeforeExpiry(report, ["lock-1", "lock-2", "lock-3"], why);

    expect(report.locks.acquired, why).toBe(0);
    expect(grants, why).toEqual([]);
    expect(report.locks.failed, why).toBeGreaterThan(0);
    expect(report.requests.total, why).toBe(CROWD);
    expect(report.db.reads, why).toBeGreaterThan(report.requests.total / 2);
    expect(report.maxDbReadsPerEpisode, why).toBeGreaterThan(1);
  });
});
