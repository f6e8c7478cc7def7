/** The rehearsal loop on a stand-in lab: what it resets, what it plays, how it judges and stops. */
import { describe, expect, it } from "vitest";
import type { RunMeta } from "../../lib/protocol";
import { parseScenario, type Scenario } from "../../lib/scenario";
import { sampleReport } from "../../lib/testing/report";
import type { Report } from "./report";
import { rehearsalPassed, rehearsalPlan, rehearse, type RehearsalLab } from "./rehearsal";

const prepare = (input: unknown): Scenario => {
  const parsed = parseScenario(input);
  if (!parsed.ok) throw new Error("bad");
  return parsed.scenario;
};

/** A lab whose runs report `reportFor(meta)`; it records what was asked of it. */
function standIn(reportFor: (meta: RunMeta) => Report | Error, onPlay?: (meta: RunMeta) => void) {
  const calls: string[] = [];
  const lab: RehearsalLab = {
    resetWorld: async () => void calls.push("reset"),
    play: async (_scenario, meta) => {
      calls.push(`play ${meta.presetId} ${meta.beat}`);
      onPlay?.(meta);
      const result = reportFor(meta);
      if (result instanceof Error) throw result;
      return result;
    },
    stopRun: () => void calls.push("stop"),
  };
  return { lab, calls };
}

describe("rehearse", () => {
  it("resets the world before each story, not before each beat, and judges every beat by its expects", async () => {
    // A report where Redlock held: the stampede beat fails, the beats about one read pass.
    const { lab, calls } = standIn(() => sampleReport());
    const progress: string[] = [];
    const state = await rehearse(lab, rehearsalPlan(["saturday-morning", "redlock-holds"]), {
      prepare,
      onProgress: (s) => progress.push(`${s.status} ${s.beats.length}${s.current ? ` ${s.current.presetId}/${s.current.beat}` : ""}`),
    });
    expect(calls).toEqual(["reset", "play saturday-morning 1", "play saturday-morning 2", "reset", "play redlock-holds 1"]);
    expect(state.status).toBe("finished");
    expect(state.beats.map((b) => `${b.presetId} ${b.beat} ${b.status}`)).toEqual(["saturday-morning 1 failed", "saturday-morning 2 passed", "redlock-holds 1 passed"]);
    expect(state.beats[0]!.results.find((r) => !r.ok)).toMatchObject({ claim: "maxDbReadsPerEpisode >= 2000", actual: 1 });
    expect(rehearsalPassed(state)).toBe(false);
    expect(progress).toEqual([
      "running 0 saturday-morning/1",
      "running 1",
      "running 1 saturday-morning/2",
      "running 2",
      "running 2 redlock-holds/1",
      "running 3",
      "finished 3",
    ]);
  });

  it("passes only when every beat held", async () => {
    const { lab } = standIn(() => sampleReport());
    expect(rehearsalPassed(await rehearse(lab, rehearsalPlan(["redlock-holds"]), { prepare }))).toBe(true);
  });

  it("keeps going past a beat that cannot run, naming why", async () => {
    const { lab } = standIn((meta) => (meta.presetId === "no-quorum" && meta.beat === 1 ? new Error("lock-3 is frozen: thaw it") : sampleReport()));
    const state = await rehearse(lab, rehearsalPlan(["no-quorum", "redlock-holds"]), { prepare });
    expect(state.beats.map((b) => b.status)).toEqual(["error", "failed", "passed"]);
    expect(state.beats[0]!.message).toBe("lock-3 is frozen: thaw it");
  });

  it("stops: the beat playing is stopped, marked so, and no other beat starts", async () => {
    const abort = new AbortController();
    const { lab, calls } = standIn(() => sampleReport(), () => abort.abort());
    const state = await rehearse(lab, rehearsalPlan(["no-quorum", "redlock-holds"]), { prepare, signal: abort.signal });
    expect(calls).toEqual(["reset", "play no-quorum 1", "stop"]);
    expect(state.status).toBe("stopped");
    expect(state.beats.map((b) => b.status)).toEqual(["stopped"]);
    expect(state.total).toBe(3);
  });

  it("plans every beat of every story, or of those named, and refuses an unknown one", () => {
    expect(rehearsalPlan().length).toBeGreaterThanOrEqual(30);
    expect(rehearsalPlan(["no-quorum"]).map((s) => s.beat)).toEqual([1, 2]);
    expect(() => rehearsalPlan(["nope"])).toThrow(/no preset "nope"/);
  });
});
