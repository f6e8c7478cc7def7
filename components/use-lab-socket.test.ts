import { describe, expect, it } from "vitest";
import { ALARMS_KEPT, type WireAlarm, type WireRunState } from "@/lib/protocol";
import { defaultScenario } from "@/lib/scenario";
import type { PreviousRun } from "@/lib/recording";
import type { Report } from "@/lib/report";
import { previousRunFor, withAlarm } from "./use-lab-socket";

const alarm = (runId: number, atMs: number): WireAlarm => ({
  runId,
  atMs,
  violation: {
    resource: "lock:k",
    at: atMs,
    first: { holder: "instance-1/r1", value: "a", nodes: ["lock-1"], validUntil: 0 },
    second: { holder: "instance-2/r2", value: "b", nodes: ["lock-2"], validUntil: 0 },
  },
});
const running = (runId: number): WireRunState => ({ status: "running", runId, scenario: defaultScenario(), meta: {}, startedAt: 0 });

describe("withAlarm", () => {
  it("keeps the run's alarms in order", () => {
    const one = withAlarm([], alarm(4, 100), running(4));
    expect(withAlarm(one, alarm(4, 250), running(4)).map((a) => a.atMs)).toEqual([100, 250]);
  });

  it("drops a late alarm of an earlier run, and lets a newer run's replace the old ones", () => {
    const old = [alarm(3, 100), alarm(3, 200)];
    expect(withAlarm(old, alarm(2, 50), running(3))).toEqual(old);
    expect(withAlarm(old, alarm(4, 10), running(3))).toEqual([alarm(4, 10)]);
    // Idle (after a reset): any alarm is the next run's.
    expect(withAlarm([], alarm(5, 10), { status: "idle" })).toEqual([alarm(5, 10)]);
  });

  it("keeps the latest ALARMS_KEPT, the same number the server keeps for a late page", () => {
    let kept: WireAlarm[] = [];
    for (let i = 1; i <= ALARMS_KEPT + 5; i++) kept = withAlarm(kept, { ...alarm(4, i), seq: i }, running(4));
    expect(kept).toHaveLength(ALARMS_KEPT);
    expect(kept[0]?.seq).toBe(6);
    expect(kept.at(-1)?.seq).toBe(ALARMS_KEPT + 5);
  });
});

describe("previousRunFor", () => {
  const finished = (runId: number): PreviousRun => ({ runId, meta: { presetId: "saturday-morning", beat: runId }, report: { ticks: [] } as unknown as Report });
  const done = (runId: number): WireRunState => ({ status: "finished", runId, scenario: defaultScenario(), meta: {}, startedAt: 0, endedAt: 1 });

  it("keeps the last finished run once the next one begins, and keeps it while that one runs and ends", () => {
    // Run 4 finished; run 5 starts: run 4 is the one to compare with.
    const kept = previousRunFor(null, finished(4), running(5));
    expect(kept?.runId).toBe(4);
    // Run 5's report arrives before or after its state says finished: still run 4.
    expect(previousRunFor(kept, finished(5), done(5))?.runId).toBe(4);
    expect(previousRunFor(kept, finished(4), done(5))?.runId).toBe(4);
    // Run 6 starts: now run 5 is the previous one.
    expect(previousRunFor(kept, finished(5), running(6))?.runId).toBe(5);
  });

  it("has none before a second run, and a reset (idle) forgets nothing", () => {
    expect(previousRunFor(null, null, running(1))).toBeNull();
    expect(previousRunFor(null, finished(1), done(1))).toBeNull();
    expect(previousRunFor(finished(3), finished(4), { status: "idle" })?.runId).toBe(3);
  });
});
