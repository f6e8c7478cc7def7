import { describe, expect, it } from "vitest";
import { findPreset, presetScenario } from "@/lib/presets";
import type { Report } from "@/lib/report";
import { parseScenario, type Scenario } from "@/lib/scenario";
import { emptyFrame } from "@/lib/testing/frames";
import { toChartRows, type ChartRow } from "../charts/chart-data";
import { chartOrder, formatDifference, pairedRows, pairRows, runLabels, runTotals, scenarioChanges, summaryRows, type ComparedRun } from "./compare-data";

function beat(presetId: string, n: number): Scenario {
  const parsed = parseScenario(presetScenario(findPreset(presetId)!, n));
  if (!parsed.ok) throw new Error(`${presetId} beat ${n} does not parse`);
  return parsed.scenario;
}

function run(overrides: Partial<ComparedRun> = {}): ComparedRun {
  return { runId: 1, meta: {}, scenario: beat("saturday-morning", 1), frames: [], report: null, ...overrides };
}

/** The fields the pairing reads; a row of the live charts carries more. */
function row(s: number, dbReads: number, hitPct: number | null = 100): ChartRow {
  return {
    s, hit: 0, stale: 0, miss: 0, error: 0, timeout: 0, hitPct, dbReads, dbReadsFailed: 0, dbRunning: 0, dbQueued: 0, dbInFlight: 0,
    p50: null, p99: null, lockAttempts: 0, lockAcquired: 0, lockContended: 0, lockFailed: 0,
  } as ChartRow;
}

function report(overrides: { reads?: number; episodes?: number; errors?: number; p99?: number | null; violations?: number; lostUpdates?: number; writesLost?: number; hits?: number } = {}): Report {
  return {
    scenario: beat("saturday-morning", 1),
    requests: { total: 3000, hits: overrides.hits ?? 2000, misses: 1000, staleServed: 0, errors: overrides.errors ?? 0, timeouts: 0 },
    latencyMs: { p50: 10, p95: 200, p99: overrides.p99 === undefined ? 300 : overrides.p99, max: 400 },
    db: { reads: overrides.reads ?? 1, writes: 0, peakInFlight: 1, rejected: 0, timedOut: 0, readsOutsideEpisodes: 0, lockedWrites: 0, counterIncrease: 0, lostUpdates: overrides.lostUpdates ?? 0, staleWritesRejected: 0, staleWritesAccepted: 0 },
    episodes: [],
    episodeCount: overrides.episodes ?? 1,
    maxDbReadsPerEpisode: overrides.reads ?? 1,
    locks: { attempts: 0, acquired: 0, failed: 0, contended: 0, maxHoldersAtOnce: 0, safetyViolations: overrides.violations ?? 0 },
    writes: { acknowledged: 0, failed: 0, persisted: 0, pending: 0, lost: overrides.writesLost ?? 0 },
    cache: { reads: 3000, found: 2000, fills: 1, writeFailures: 0 },
    ticks: [],
  } as unknown as Report;
}

describe("runLabels", () => {
  it("names each run by its beat, and the preset too when the two come from different stories", () => {
    const a = run({ runId: 4, meta: { presetId: "saturday-morning", beat: 1 } });
    const b = run({ runId: 5, meta: { presetId: "saturday-morning", beat: 2 } });
    expect(runLabels(a, b)).toEqual({
      previous: { short: "beat 1", full: "beat 1 · The stampede" },
      current: { short: "beat 2", full: "beat 2 · One ticket at the door" },
    });
    const other = run({ runId: 6, meta: { presetId: "xfetch", beat: 1 } });
    // Both are a "beat 1": the legends tell them apart by run.
    expect(runLabels(a, other).current).toEqual({ short: "beat 1 (run 6)", full: "XFetch: refresh before the expiry, beat 1 · Early refresh (run 6)" });
  });

  it("tells one beat played twice apart by run, and a run outside a story by its lock", () => {
    const a = run({ runId: 4, meta: { presetId: "saturday-morning", beat: 1 } });
    const b = run({ runId: 5, meta: { presetId: "saturday-morning", beat: 1 } });
    expect(runLabels(a, b)).toEqual({
      previous: { short: "beat 1 (run 4)", full: "beat 1 · The stampede (run 4)" },
      current: { short: "beat 1 (run 5)", full: "beat 1 · The stampede (run 5)" },
    });
    const plain = runLabels(run({ runId: 8 }), run({ runId: 9, scenario: beat("saturday-morning", 2) }));
    expect(plain.previous.full).toBe("run 8 · no lock");
    expect(plain.current.full).toBe("run 9 · Redlock on 5, poll waiters");
  });
});

describe("scenarioChanges", () => {
  it("lists what the beat changed, field by field", () => {
    expect(scenarioChanges(beat("saturday-morning", 1), beat("saturday-morning", 2))).toEqual(["lock: none → redlock", "waiters: fail-fast → poll"]);
    expect(scenarioChanges(beat("xfetch", 1), beat("xfetch", 2))).toEqual(["xfetchBeta: 1 → 0"]);
  });

  it("tells a list by its length, and folds a long list of changes", () => {
    const a = beat("saturday-morning", 1);
    const b = { ...a, faults: [{ atMs: 1, node: "lock-2", action: "crash" }] } as Scenario;
    expect(scenarioChanges(a, b)).toEqual(["faults: none → 1"]);
    const many = { ...a, seed: 1, durationMs: 1, tickMs: 50, instances: 2, lock: "redlock", waiters: "poll", xfetchBeta: 2 } as Scenario;
    const changes = scenarioChanges(a, many, 4);
    expect(changes).toHaveLength(4);
    expect(changes.at(-1)).toBe("and 4 more");
  });
});

describe("pairRows", () => {
  it("puts both runs on t = 0: one row per window start, each run's own window value, nothing past a run's end", () => {
    const a = { rows: [row(0, 5), row(0.1, 300), row(0.2, 40)], tickMs: 100 };
    const b = { rows: [row(0, 0), row(0.1, 1)], tickMs: 100 };
    expect(pairRows(a, b).map((r) => [r.s, r.a_dbReads, r.b_dbReads])).toEqual([
      [0, 5, 0],
      [0.1, 300, 1],
      [0.2, 40, undefined],
    ]);
  });

  it("lines up runs with other ticks by their steps, and keeps a window without answers a gap", () => {
    const a = { rows: [row(0, 10), row(0.2, 20, null)], tickMs: 200 };
    const b = { rows: [row(0, 1), row(0.1, 2), row(0.2, 3), row(0.3, 4)], tickMs: 100 };
    const paired = pairRows(a, b);
    expect(paired.map((r) => [r.s, r.a_dbReads, r.b_dbReads])).toEqual([
      [0, 10, 1],
      [0.1, 10, 2],
      [0.2, 20, 3],
      [0.3, 20, 4],
    ]);
    expect(paired.map((r) => r.a_hitPct)).toEqual([100, 100, null, null]);
  });

  it("pairs a live run's frames as the live charts convert them: answered and failed are the outcome sums", () => {
    const frames = [emptyFrame(0, { hits: 3, misses: 1, errors: 2, timeouts: 1, dbReads: 1 }), emptyFrame(100, { hits: 5 })];
    const paired = pairedRows(run({ frames }), run({ runId: 2, frames: frames.slice(0, 1) }));
    // Requests per second at a 100 ms tick; DB reads as the window's count.
    expect(paired[0]).toMatchObject({ s: 0, a_served: 40, a_failed: 30, b_served: 40, a_dbReads: 1 });
    expect(paired[1]).toMatchObject({ s: 0.1, a_served: 50 });
    expect(paired[1]!.b_served).toBeUndefined();
  });
});

describe("chartOrder", () => {
  it("puts every chart in, the beat's named ones first", () => {
    expect(chartOrder({})).toEqual(["requests", "hit-ratio", "db-reads", "db-inflight", "latency", "locks"]);
    const named = findPreset("saturday-morning")!.beats[0]!.charts ?? [];
    expect(chartOrder({ presetId: "saturday-morning", beat: 1 }).slice(0, named.length)).toEqual([...named]);
    expect(chartOrder({ presetId: "saturday-morning", beat: 1 })).toHaveLength(6);
  });
});

describe("summaryRows", () => {
  it("always shows the before/after figures, each with the difference and whether it is better", () => {
    const before = report({ reads: 2999, episodes: 1, errors: 40, p99: 1200 });
    const after = report({ reads: 1, episodes: 1, errors: 0, p99: 368 });
    const rows = summaryRows(before, after);
    const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
    expect(rows.slice(0, 6).map((r) => r.label)).toEqual(["DB reads", "episodes", "most DB reads in one episode", "errors", "latency p99", "safety violations"]);
    expect(byId["db-reads"]).toMatchObject({ previous: 2999, current: 1, difference: -2998, judgement: "better" });
    expect(formatDifference(byId["db-reads"]!)).toBe("−2,998");
    expect(byId["episodes"]).toMatchObject({ difference: 0, judgement: null });
    expect(formatDifference(byId["episodes"]!)).toBe("same");
    expect(formatDifference(byId["p99"]!)).toBe("−832 ms");
    expect(byId["lost-writes"]).toMatchObject({ previous: 0, current: 0 });
    // Figures that agree and are not the story's stay out; those that differ come in.
    expect(byId["requests"]).toBeUndefined();
    expect(byId["max-db-reads"]).toMatchObject({ previous: 2999, current: 1 });
  });

  it("counts lost updates and lost acknowledged writes as lost writes, and marks worse as worse", () => {
    const rows = summaryRows(report(), report({ lostUpdates: 3, writesLost: 2, violations: 1, hits: 1000 }));
    const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
    expect(byId["lost-writes"]).toMatchObject({ previous: 0, current: 5, judgement: "worse" });
    expect(byId["violations"]).toMatchObject({ difference: 1, judgement: "worse" });
    expect(byId["hits"]).toMatchObject({ difference: -1000, judgement: "worse" });
  });

  it("while this run goes: the always-rows with an empty column, and an unknown p99 is no difference", () => {
    const rows = summaryRows(report({ p99: null }), null);
    expect(rows.map((r) => r.id)).toEqual(["db-reads", "episodes", "errors", "p99", "violations", "lost-writes"]);
    expect(rows.every((r) => r.current === null && r.difference === null)).toBe(true);
    expect(formatDifference(rows[3]!)).toBe("—");
  });
});

describe("the comparison's counts per window (the live charts' rows)", () => {
  it("counts DB reads, grants and lock failures per window, summing the frames a long run merges", () => {
    const frames = Array.from({ length: 1200 }, (_, i) => emptyFrame(i * 100, { dbReads: i === 3 ? 1 : 0, lockAcquired: i % 2, lockFailed: i === 5 ? 2 : 0 }));
    const rows = toChartRows(frames, 100);
    // 1,200 windows thin to 600 rows of two windows each.
    expect(rows).toHaveLength(600);
    expect(rows[1]).toMatchObject({ s: 0.2, dbReads: 1, lockAcquired: 1, lockFailedCount: 0 });
    expect(rows[2]).toMatchObject({ s: 0.4, dbReads: 0, lockAcquired: 1, lockFailedCount: 2 });
    expect(rows.reduce((sum, r) => sum + r.dbReads, 0)).toBe(1);
    expect(rows.reduce((sum, r) => sum + r.lockAcquired, 0)).toBe(600);
    // The comparison draws the same counts: run b's lock failures at 0.4 s are 2, not a rate.
    const both = run({ frames, scenario: { ...beat("saturday-morning", 1), tickMs: 100 } });
    expect(pairedRows(both, both).find((r) => r.s === 0.4)?.b_lockFailed).toBe(2);
    expect(runTotals(frames)).toEqual({ dbReads: 1, lockAcquired: 600, lockFailed: 2 });
  });
});
