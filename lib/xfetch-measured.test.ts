import { describe, expect, it } from "vitest";
import { findPreset, presetScenario } from "./presets";
import type { Episode, Report } from "./report";
import { parseScenario, type Scenario } from "./scenario";
import { emptyFrame } from "./testing/frames";
import { measureXfetch, xfetchInputsOf } from "./xfetch-measured";

function xfetchBeat(beat: number): Scenario {
  const parsed = parseScenario(presetScenario(findPreset("xfetch")!, beat));
  if (!parsed.ok) throw new Error("the xfetch preset does not parse");
  return parsed.scenario;
}

/** A report with the given windows: `reads` and `fills` map a window's start (ms) to its count. */
function report(scenario: Scenario, reads: Record<number, number>, fills: Record<number, number>, episodes: Episode[] = []): Report {
  const ticks = Array.from({ length: scenario.durationMs / scenario.tickMs }, (_, i) => {
    const t = i * scenario.tickMs;
    return emptyFrame(t, { dbReads: reads[t] ?? 0, cacheFills: fills[t] ?? 0 });
  });
  const dbReads = Object.values(reads).reduce((a, b) => a + b, 0);
  const inEpisodes = episodes.reduce((sum, e) => sum + e.dbReads, 0);
  return {
    scenario,
    ticks,
    episodes,
    episodeCount: episodes.length,
    db: { reads: dbReads, readsOutsideEpisodes: dbReads - inEpisodes },
    cache: { fills: Object.values(fills).reduce((a, b) => a + b, 0) },
  } as unknown as Report;
}

describe("xfetchInputsOf", () => {
  it("reads β, δ, r, L and the lock from the xfetch preset", () => {
    expect(xfetchInputsOf(xfetchBeat(1))).toEqual({
      ok: true,
      inputs: { beta: 1, deltaMs: 200, ratePerSec: 400, lifetimeMs: 2000, lock: "cluster", instances: 4 },
    });
  });

  it("gives the reason instead of a number when the formula does not apply", () => {
    expect(xfetchInputsOf(xfetchBeat(2))).toEqual({ ok: false, reason: "XFetch is off in this run (β = 0)." });
    const burst = { ...xfetchBeat(1), crowd: { ...xfetchBeat(1).crowd, profile: "sneaker-drop" as const } };
    expect(xfetchInputsOf(burst)).toMatchObject({ ok: false, reason: expect.stringMatching(/steady stream.*sneaker-drop/) });
    const many = { ...xfetchBeat(1), crowd: { ...xfetchBeat(1).crowd, keys: 10 } };
    expect(xfetchInputsOf(many)).toMatchObject({ ok: false, reason: expect.stringMatching(/one hot key/) });
  });
});

describe("measureXfetch", () => {
  it("beat 1 as a run here measured it: six early refreshes, one read per cycle, each lead from the expiry then in force", () => {
    const scenario = xfetchBeat(1);
    // Windows of a real run: each refresh's read, and its fill 200 ms later.
    const reads = { 1000: 1, 2300: 1, 3700: 1, 5000: 1, 6600: 1, 7700: 1 };
    const fills = { 1200: 1, 2500: 1, 3900: 1, 5200: 1, 6800: 1, 7900: 1 };
    const measured = measureXfetch(report(scenario, reads, fills));
    expect(measured).toMatchObject({ earlyRefreshes: 6, episodes: 0, fills: 6, dbReads: 6, cycles: 6, recomputesPerCycle: 1, resolutionMs: 100 });
    // The first expiry is the warm-up's (t = 2000 ms); the read's window 1000–1100 ms has its middle at 1050.
    // Later expiries: fill window's middle + the 2 s TTL, e.g. 1250 + 2000 − 2350 = 900.
    expect(measured.leadsMs).toEqual([950, 900, 800, 900, 600, 1100]);
    expect(measured.meanLeadMs).toBeCloseTo(875, 9);
  });

  it("beat 2 (β = 0): every cycle is an episode, no early refresh, no lead", () => {
    const scenario = xfetchBeat(2);
    const episodes: Episode[] = [
      { key: "user:profile:0", startMs: 1999, endMs: 2212, dbReads: 1 },
      { key: "user:profile:0", startMs: 4224, endMs: 4430, dbReads: 1 },
      { key: "user:profile:0", startMs: 6430, endMs: 6635, dbReads: 1 },
    ];
    const measured = measureXfetch(report(scenario, { 2000: 1, 4200: 1, 6400: 1 }, { 2200: 1, 4400: 1, 6600: 1 }, episodes));
    expect(measured).toMatchObject({ earlyRefreshes: 0, episodes: 3, cycles: 3, recomputesPerCycle: 1, leadsMs: [], meanLeadMs: null });
  });

  it("without a lock, volunteers during one refresh make one cycle of several reads", () => {
    const scenario = { ...xfetchBeat(1), lock: "none" as const };
    const measured = measureXfetch(report(scenario, { 1000: 2, 1100: 1 }, { 1200: 2, 1300: 1 }));
    expect(measured).toMatchObject({ cycles: 1, recomputesPerCycle: 3, leadsMs: [950] });
  });
});
