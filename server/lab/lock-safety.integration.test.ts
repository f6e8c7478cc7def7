/**
 * Where Redlock stops holding, on real nodes: the gc-pause preset (a holder paused past its TTL
 * writes after a second client) with and without fencing tokens, and a long contended run with no
 * fault, where the checker must report nothing. Lost updates are recounted here from our own
 * database's write log and rows, not taken from the report's word.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { findPreset, presetScenario } from "../../lib/presets";
import type { Scenario } from "../../lib/scenario";
import { systemClock } from "../core/clock";
import { LabError } from "../core/errors";
import type { NodeManager } from "../nodes/types";
import type { EngineEvent } from "../engine/events";
import { cacheKeyFor } from "../engine/keys";
import { TEST_PORTS_PER_SLOT } from "../nodes/test-ports";
import { createCapacityModelDatabase } from "../origin/capacity-model";
import { runScenario } from "./runner";
import { MonitorWitness } from "./testing/monitor-witness";
import { digest, scenario, startRealLab, type RealLab } from "./testing/real-lab";

let lab: RealLab;

// Slots 0–4 are all taken; this file uses the upper half of slot 2 (write-behind uses its lower half).
beforeAll(async () => {
  lab = await startRealLab(2, 5, { offset: TEST_PORTS_PER_SLOT / 2 });
});

beforeEach(async () => {
  await lab.restoreAll();
});

afterAll(async () => {
  await lab?.stop();
});

/** Runs with our own database, and recounts from it: writes that set a counter, and what the counters show. */
async function runCounted(s: Scenario) {
  const database = createCapacityModelDatabase({ ...s.db, clock: systemClock });
  const events: EngineEvent[] = [];
  try {
    const report = await runScenario(s, { nodes: lab.nodes, database, onEvent: (e) => events.push(e) });
    const keys = Array.from({ length: s.crowd.keys }, (_, k) => cacheKeyFor(k));
    const counterWrites = database.writeLog().filter((entry) => entry.counter !== undefined);
    const counters = keys.reduce((sum, key) => sum + (database.peek(key)?.counter ?? 0), 0);
    return { report, events, counterWrites, counters, log: database.writeLog(), why: digest(report) };
  } finally {
    await database.close();
  }
}

function gcPause(beat: 1 | 2): Scenario {
  const preset = findPreset("gc-pause");
  if (!preset) throw new Error("the gc-pause preset is gone");
  return scenario(presetScenario(preset, beat));
}

describe("gc-pause: a holder paused past its TTL", () => {
  it("without fencing: its late write is accepted over a newer one — a violation, a stale write, lost updates", async () => {
    const { report, events, counterWrites, counters, why } = await runCounted(gcPause(1));
    expect(report.locks.safetyViolations, why).toBeGreaterThanOrEqual(1);
    expect(report.locks.violationsByKind["write-after-validity"], why).toBeGreaterThanOrEqual(1);
    expect(report.db.staleWritesAccepted, why).toBeGreaterThanOrEqual(1);
    expect(report.db.lostUpdates, why).toBeGreaterThanOrEqual(1);
    // Recounted from the database itself.
    expect(report.db.lockedWrites).toBe(counterWrites.length);
    expect(report.db.counterIncrease).toBe(counters);
    expect(counterWrites.length - counters).toBe(report.db.lostUpdates);
    // The pause really outlived the grant, and the late writer is the paused holder.
    expect(report.locks.pauses, why).toEqual({ taken: 1, outlivedValidity: 1 });
    const paused = events.find((e) => e.name === "instance:paused");
    const late = report.violations.find((v) => v.kind === "write-after-validity");
    expect(paused?.name === "instance:paused" && paused.data.holder).toBe(late?.first.holder);
    expect(late?.second.holder).not.toBe(late?.first.holder);
    expect(late?.first.nodes.length).toBeGreaterThanOrEqual(3);
    expect(events.some((e) => e.name === "safety:violation")).toBe(true);
    expect(report.notes.some((n) => n.kind === "fault" && /^pause instance-1 for 2500 ms — simulated stop-the-world/.test(n.text)), why).toBe(true);
  });

  it("with fencing: the database refuses the stale token — nothing lost, no stale write accepted", async () => {
    const { report, counterWrites, counters, log, why } = await runCounted(gcPause(2));
    expect(report.db.staleWritesRejected, why).toBeGreaterThanOrEqual(1);
    expect(report.db.staleWritesAccepted, why).toBe(0);
    expect(report.db.lostUpdates, why).toBe(0);
    expect(counterWrites.length, why).toBe(counters);
    expect(report.locks.safetyViolations, why).toBe(0);
    expect(report.locks.pauses.outlivedValidity, why).toBe(1);
    // Every accepted token is newer than the one before it.
    const tokens = log.map((entry) => entry.fencingToken!);
    for (let i = 1; i < tokens.length; i++) expect(tokens[i]!).toBeGreaterThan(tokens[i - 1]!);
  });
});

describe("no fault, long and contended: the checker stays silent", () => {
  it("four instances, 32 rows, thousands of grants over 15 s: every increment lands, 0 violations, 0 lost updates", async () => {
    // 200 writers a second for 15 s (3000 with the default seed), each taking the Redlock on its row
    // over five nodes. Below what a loaded 2-core box can serve, so nearly every one is granted:
    // past that point waiters pile up and the wasted lock rounds eat the throughput.
    const s = scenario({
      lock: "redlock",
      waiters: "notify",
      lockedWork: "increment",
      fencing: false,
      instances: 4,
      durationMs: 15_000,
      db: { readLatencyMs: 2, writeLatencyMs: 2 },
      crowd: { profile: "steady", rps: 200, keys: 32, patienceMs: 3000 },
    });
    const { report, counterWrites, counters, why } = await runCounted(s);
    // About 3000 grants on an idle machine, and on one with both cores busy elsewhere; the floor
    // leaves room for a busier one. Contended attempts prove the crowd really queued for the locks.
    expect(report.requests.total, why).toBeGreaterThanOrEqual(2800);
    expect(report.locks.acquired, why).toBeGreaterThanOrEqual(2000);
    expect(report.locks.contended, why).toBeGreaterThanOrEqual(100);
    expect(report.db.lockedWrites, why).toBe(report.locks.acquired);
    expect(report.locks.safetyViolations, why).toBe(0);
    expect(report.violations, why).toEqual([]);
    expect(report.db.lostUpdates, why).toBe(0);
    expect(report.db.staleWritesAccepted, why).toBe(0);
    expect(counterWrites.length, why).toBe(counters);
    expect(report.locks.maxHoldersAtOnce, why).toBe(1);
  });
});

describe("an outside witness: each lock node's own MONITOR stream counts what the report counts", () => {
  function preset(id: string, beat: number): Scenario {
    const found = findPreset(id);
    if (!found) throw new Error(`the ${id} preset is gone`);
    return scenario(presetScenario(found, beat));
  }

  it.each([
    { label: "clock-jump, beat 1: three clocks jump, a second client wins", id: "clock-jump", beat: 1, twoHolders: "some" },
    { label: "redlock-coalescing, beat 2: a crowd, every lock request its own round", id: "redlock-coalescing", beat: 2, twoHolders: "none" },
  ] as const)("$label: the same grants and the same two-holder count", async ({ id, beat, twoHolders }) => {
    const s = preset(id, beat);
    const witness = await MonitorWitness.start(lab.nodes.list().filter((n) => n.role === "lock"));
    let report;
    try {
      report = await runScenario(s, { nodes: lab.nodes });
      await witness.settle();
    } finally {
      witness.stop();
    }
    const why = digest(report);
    const grants = witness.grants(s.redlock.driftFactor);
    expect(grants.length, why).toBe(report.locks.acquired);
    expect(grants.every((g) => g.nodes.length >= 3), why).toBe(true);
    expect(witness.twoHolders(s.redlock.driftFactor), why).toBe(report.locks.violationsByKind["two-holders"]);
    if (twoHolders === "some") expect(report.locks.violationsByKind["two-holders"], why).toBeGreaterThanOrEqual(1);
    else expect(report.locks.violationsByKind["two-holders"], why).toBe(0);
  });
});

describe("the runner hands issue-5 faults to the node manager and refuses what it cannot honour", () => {
  it("passes each node fault with its options (and old faults exactly as before); a manager's refusal becomes a fault-failed note", async () => {
    const calls: unknown[][] = [];
    const real = lab.nodes;
    // The real manager for the old actions; the new ones are recorded here, one of them refused.
    const apply = (async (...args: unknown[]) => {
      calls.push(args);
      const [id, action] = args as [Parameters<NodeManager["apply"]>[0], string];
      if (action === "clock-jump") throw new LabError("NO_CLOCK", "no clock to jump today");
      if (["crash", "start", "freeze", "thaw"].includes(action)) return real.apply(id, action as Parameters<NodeManager["apply"]>[1]);
      return real.get(id);
    }) as NodeManager["apply"];
    // Listed with open paths, as a manager with fault proxies lists them: else the runner refuses the latency and partition.
    const list = () => real.list().map((node) => ({ ...node, path: { partitioned: false, latencyMs: 0, jitterMs: 0 } }));
    const nodes: NodeManager = { start: () => real.start(), list, get: (id) => real.get(id), apply, onEvent: (l) => real.onEvent(l), stop: async () => undefined };
    const s = scenario({
      lock: "redlock",
      waiters: "poll",
      durationMs: 1200,
      crowd: { profile: "steady", rps: 20, patienceMs: 1000 },
      faults: [
        { atMs: 100, node: "lock-5", action: "freeze" },
        { atMs: 200, node: "lock-5", action: "thaw" },
        { atMs: 300, node: "lock-4", action: "clock-jump", ms: 500 },
        { atMs: 400, node: "lock-3", action: "latency", ms: 5, jitterMs: 1 },
        { atMs: 500, node: "lock-2", action: "restart", delayedRestartMs: 8000 },
        { atMs: 600, node: "lock-1", action: "partition", instances: [2] },
        { atMs: 700, instance: 2, action: "pause", ms: 100 },
      ],
    });
    const report = await runScenario(s, { nodes });
    expect(calls).toEqual([
      ["lock-5", "freeze"],
      ["lock-5", "thaw"],
      ["lock-4", "clock-jump", { ms: 500 }],
      ["lock-3", "latency", { ms: 5, jitterMs: 1 }],
      ["lock-2", "restart", { delayedRestartMs: 8000 }],
      ["lock-1", "partition", { instances: [2] }],
    ]);
    const notes = report.notes.filter((n) => n.kind !== "phase").map((n) => `${n.kind}: ${n.text}`);
    expect(notes).toEqual([
      "fault: freeze lock-5",
      "fault: thaw lock-5",
      "fault-failed: clock-jump lock-4 (clock 500 ms ahead, simulated: its lock keys' PTTL cut by 500 ms): no clock to jump today",
      "fault: latency lock-3 (+5 ms ±1 ms)",
      "fault: restart lock-2 (down at least 8000 ms)",
      "fault: partition lock-1 (instance 2)",
      expect.stringMatching(/^fault: pause instance-2 for 100 ms — simulated stop-the-world pause/),
    ]);
  });

  it("refuses a scenario that cuts or slows a path when the lab's nodes have no fault proxies, before anything runs", async () => {
    const calls: unknown[][] = [];
    const real = lab.nodes;
    const apply: NodeManager["apply"] = async (...args) => {
      calls.push(args);
      return real.get(args[0]);
    };
    const nodes: NodeManager = { start: () => real.start(), list: () => real.list(), get: (id) => real.get(id), apply, onEvent: (l) => real.onEvent(l), stop: async () => undefined };
    const faults: Scenario["faults"] = [
      { atMs: 100, node: "lock-2", action: "partition", instances: [1] },
      { atMs: 100, node: "lock-3", action: "latency", ms: 50 },
    ];
    for (const fault of faults) {
      if (!("node" in fault)) continue;
      await expect(runScenario(scenario({ durationMs: 500, crowd: { profile: "steady", rps: 2 }, faults: [fault] }), { nodes })).rejects.toMatchObject({
        code: "NO_FAULT_PROXIES",
        message: expect.stringMatching(new RegExp(`"${fault.action} ${fault.node}" needs a fault proxy.*LAB_FAULT_PROXIES=1`)),
      });
    }
    expect(calls).toEqual([]);
  });

  it("refuses nodeOptions the lab's nodes were not started with", async () => {
    const s = scenario({ nodeOptions: { "lock-3": { persistence: "fsync-always" } }, durationMs: 1000, crowd: { profile: "steady", rps: 1 } });
    await expect(runScenario(s, { nodes: lab.nodes })).rejects.toMatchObject({
      code: "NODE_OPTIONS_MISMATCH",
      message: expect.stringMatching(/lock-3 with persistence "fsync-always", but the lab's lock-3 runs with "none"/),
    });
    // Asking for what the node has is fine.
    const ok = scenario({ nodeOptions: { "lock-3": { persistence: "none" } }, durationMs: 500, crowd: { profile: "steady", rps: 2 } });
    await expect(runScenario(ok, { nodes: lab.nodes })).resolves.toMatchObject({ scenario: { nodeOptions: { "lock-3": { persistence: "none" } } } });
  });
});

describe("the pile on the cache node: desk-fire-redis and write-through-safe", () => {
  /** The preset, shortened: a flush at 2 s, the cache node down from 2.5 s to 3 s, the run over at 4 s. */
  function fire(id: "desk-fire-redis" | "write-through-safe", beat = 1): Scenario {
    const preset = findPreset(id);
    if (!preset) throw new Error(`the ${id} preset is gone`);
    return scenario({
      ...presetScenario(preset, beat),
      durationMs: 4000,
      faults: [
        { atMs: 2500, node: "cache", action: "crash" },
        { atMs: 3000, node: "cache", action: "start" },
      ],
    });
  }

  /** Recounts from our own database: acknowledged ids from the events, persisted ones from the write log. */
  async function runRecounted(s: Scenario) {
    const { report, events, log, why } = await runCounted(s);
    const acknowledged = new Set(events.flatMap((e) => (e.name === "write:acknowledged" ? [e.data.writeId] : [])));
    const persisted = new Set(log.flatMap((entry) => (entry.writeId !== undefined && acknowledged.has(entry.writeId) ? [entry.writeId] : [])));
    return { report, acknowledged, persisted, why };
  }

  it("desk-fire-redis: the cache node's crash loses the list — lost > 0 and = acknowledged − persisted − pending, from the write log", async () => {
    const { report, acknowledged, persisted, why } = await runRecounted(fire("desk-fire-redis"));
    expect(report.scenario.writeBehindBuffer).toBe("cache-node");
    expect(report.writes.lost, why).toBeGreaterThan(0);
    expect(report.writes.acknowledged, why).toBe(acknowledged.size);
    expect(report.writes.persisted, why).toBe(persisted.size);
    expect(report.writes.lost, why).toBe(report.writes.acknowledged - report.writes.persisted - report.writes.pending);
    // The final flush emptied the new list: what was not persisted is exactly what the fire took.
    expect(report.writes.pending, why).toBe(0);
    expect(acknowledged.size - persisted.size, why).toBe(report.writes.lost);
    expect(report.notes.filter((n) => n.kind === "fault").map((n) => n.text), why).toEqual(["crash cache", "start cache"]);
  });

  it("the same fire with the pile in the instances' memory loses nothing", async () => {
    const { report, why } = await runRecounted(fire("desk-fire-redis", 2));
    expect(report.writes.acknowledged, why).toBeGreaterThan(0);
    expect(report.writes.lost, why).toBe(0);
  });

  it("write-through-safe: the same fire loses nothing, with writes acknowledged", async () => {
    const { report, acknowledged, persisted, why } = await runRecounted(fire("write-through-safe"));
    expect(report.writes.acknowledged, why).toBeGreaterThan(0);
    expect(report.writes.lost, why).toBe(0);
    expect(persisted.size, why).toBe(acknowledged.size);
  });
});
