/**
 * The desk fire on real nodes: write-behind acknowledges writes it has not persisted yet, so an
 * instance that crashes between two flushes loses them. The loss is recounted here from the
 * database's own write log, not taken from the report's word.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { findPreset, presetScenario } from "../../lib/presets";
import { mergeScenario, type ScenarioInput } from "../../lib/scenario";
import { systemClock } from "../core/clock";
import type { EngineEvent } from "../engine/events";
import { createCapacityModelDatabase } from "../origin/capacity-model";
import { runScenario } from "./runner";
import { digest, faultTimes, scenario, startRealLab, type RealLab } from "./testing/real-lab";

let lab: RealLab;

beforeAll(async () => {
  lab = await startRealLab(2);
});

beforeEach(async () => {
  await lab.restoreAll();
});

afterAll(async () => {
  await lab?.stop();
});

const CRASH_AT = 3000;
const FLUSH_MS = 2000;

/** The desk-fire preset, shortened: flushes every 2 s, instance-2 burns at 3 s, half-way to its next trip. */
function deskFire(patch: ScenarioInput = {}) {
  const preset = findPreset("desk-fire");
  if (!preset) throw new Error("the desk-fire preset is gone");
  return scenario(
    mergeScenario(mergeScenario(presetScenario(preset), { durationMs: 4000, flushMs: FLUSH_MS, faults: [{ atMs: CRASH_AT, instance: 2, action: "crash" }] }), patch),
  );
}

/** Runs with our own database so that its write log can be read here, and recounts the writes. */
async function runWithOwnDatabase(input: ReturnType<typeof deskFire>) {
  const s = input;
  const database = createCapacityModelDatabase({ ...s.db, clock: systemClock });
  const acknowledged = new Set<string>();
  let dropped = 0;
  const onEvent = (e: EngineEvent) => {
    if (e.name === "write:acknowledged") acknowledged.add(e.data.writeId);
    if (e.name === "write-behind:dropped") dropped += e.data.dropped;
  };
  try {
    const report = await runScenario(s, { nodes: lab.nodes, database, onEvent });
    const log = database.writeLog();
    const persistedIds = new Set(log.flatMap((entry) => (entry.writeId !== undefined && acknowledged.has(entry.writeId) ? [entry.writeId] : [])));
    const lostIds = [...acknowledged].filter((id) => !persistedIds.has(id));
    return { report, acknowledged, persistedIds, lostIds, dropped, logLength: log.length, why: digest(report) };
  } finally {
    await database.close();
  }
}

describe("write-behind on real nodes", () => {
  it("an instance crash before its flush loses acknowledged writes, and the report's arithmetic holds", async () => {
    const { report, acknowledged, persistedIds, lostIds, dropped, why } = await runWithOwnDatabase(deskFire());
    expect(faultTimes(report).get("crash instance-2"), why).toBeGreaterThanOrEqual(CRASH_AT);

    const w = report.writes;
    // Our own count of acknowledgements and of what the database really holds agrees with the report.
    expect(w.acknowledged, why).toBe(acknowledged.size);
    expect(w.acknowledged, why).toBeGreaterThan(0);
    expect(w.persisted, why).toBe(persistedIds.size);

    // The claim.
    expect(w.lost, why).toBeGreaterThan(0);
    expect(w.lost, why).toBe(w.acknowledged - persistedIds.size - w.pending);
    // What was lost is exactly what burned on instance-2's desk…
    expect(w.lost, why).toBe(dropped);
    expect(lostIds.filter((id) => id.startsWith("instance-2/")).length, why).toBe(dropped);
    // …and every other acknowledged write missing from the database is one the report calls pending.
    expect(lostIds.filter((id) => !id.startsWith("instance-2/")).length, why).toBe(w.pending);
  });

  it("write-through under the same fire loses nothing (the accounting does not invent losses)", async () => {
    const { report, acknowledged, persistedIds, lostIds, why } = await runWithOwnDatabase(deskFire({ strategy: "write-through" }));
    expect(faultTimes(report).get("crash instance-2"), why).toBeGreaterThanOrEqual(CRASH_AT);
    expect(report.writes.acknowledged, why).toBe(acknowledged.size);
    expect(report.writes.acknowledged, why).toBeGreaterThan(0);
    expect(report.writes.persisted, why).toBe(persistedIds.size);
    expect(lostIds, why).toEqual([]);
    expect(report.writes.lost, why).toBe(0);
  });

  /**
   * No fire at all, a slow database (writes take 1.5 s), and a flush timer that fires ~500 ms before
   * the arrivals end: a scheduled trip is on its way when the run drains, and writes keep being
   * acknowledged after it left.
   */
  const SLOW_TRIP_AT_THE_END = scenario({
    strategy: "write-behind",
    flushMs: 2500,
    lock: "none",
    instances: 4,
    durationMs: 3000,
    crowd: { profile: "steady", rps: 400, keys: 50, writeRatio: 0.5, expireAtMs: 1000, patienceMs: 1000 },
    db: { writeLatencyMs: 1500, capacity: 10_000, queueLimit: 100_000, timeoutMs: 10_000 },
  });
  let endOfRun: Awaited<ReturnType<typeof runWithOwnDatabase>> | null = null;

  it("no fire: a flush is still on its way when the run drains, and the report's arithmetic holds", async () => {
    endOfRun = await runWithOwnDatabase(SLOW_TRIP_AT_THE_END);
    const { report, acknowledged, persistedIds, lostIds, dropped, why } = endOfRun;
    expect(report.notes.filter((n) => n.kind === "fault"), why).toEqual([]);
    expect(dropped, why).toBe(0);
    expect(report.writes.acknowledged, why).toBe(acknowledged.size);
    expect(report.writes.persisted, why).toBe(persistedIds.size);
    expect(report.writes.lost, why).toBe(0);
    expect(lostIds.length, why).toBe(report.writes.pending);
  });

  // The drain's final flush waits for a trip already on its way, then carries what was queued after
  // it left (WriteBehindBuffer.flushAll): at a normal end nothing stays on the desk.
  it("no fire: every acknowledged write reaches the database by the end of the run", () => {
    // Reads the run of the test above (which must pass for this one to mean anything).
    expect(endOfRun).not.toBeNull();
    expect(endOfRun!.report.writes.pending).toBe(0);
    expect(endOfRun!.lostIds).toEqual([]);
  });
});
