import { describe, expect, it } from "vitest";
import type { WireRunState } from "@/lib/protocol";
import type { Report, TickFrame } from "@/lib/report";
import { defaultScenario } from "@/lib/scenario";
import type { LabView } from "../replay/use-replay";
import { hideOnOpen, hidesRun, runToHide, storyMove, withoutRun } from "./last-run";

const scenario = defaultScenario();
const finished: WireRunState = { status: "finished", runId: 3, scenario, meta: { presetId: "redlock-holds", beat: 1 }, startedAt: 0, endedAt: 7000 };
const failed: WireRunState = { status: "failed", runId: 4, scenario, meta: {}, message: "lock-3 never came up" };
const running: WireRunState = { status: "running", runId: 5, scenario, meta: {}, startedAt: 0 };

describe("the last run, out of view", () => {
  it("a story change hides the finished or failed run on screen, never a run that goes on", () => {
    expect(runToHide(finished)).toBe(3);
    expect(runToHide(failed)).toBe(4);
    expect(runToHide(running)).toBeNull();
    expect(runToHide({ status: "idle" })).toBeNull();
  });

  it("hides exactly that run: the next run shows again", () => {
    expect(hidesRun(finished, 3)).toBe(true);
    expect(hidesRun(finished, null)).toBe(false);
    expect(hidesRun({ ...finished, runId: 6 }, 3)).toBe(false);
    // The run stopped to move on to the next beat is hidden by id while it is still winding down.
    expect(hidesRun({ ...running, runId: 3 }, 3)).toBe(false);
    expect(hidesRun({ ...finished, runId: 3 }, 3)).toBe(true);
  });

  it("a page opened at ?preset= hides a run already over, and shows one that is going", () => {
    expect(hideOnOpen({ status: "idle" })).toBe("wait");
    expect(hideOnOpen(finished)).toEqual({ hide: 3 });
    expect(hideOnOpen(running)).toEqual({ hide: null });
  });

  it("takes the charts, the summary and the alarms out of the view, and keeps the nodes, the log and the state", () => {
    const frame = { t: 0 } as TickFrame;
    const view: LabView = {
      run: finished,
      frames: [frame],
      log: [{ atMs: 0, kind: "run", text: "run 3 started" }],
      report: { durationMs: 7000 } as Report,
      nodes: [],
      alarms: [{ runId: 3, atMs: 1, violation: {} as never }],
    };
    expect(withoutRun(view)).toEqual({ run: finished, frames: [], log: view.log, report: null, nodes: [], alarms: [] });
  });

  it("moving the story on stops a run going on first, puts a finished one away, and moves freely when idle", () => {
    expect(storyMove(running, true)).toEqual({ kind: "stop-first", runId: 5 });
    // A read-only page cannot stop the presenter's run: it keeps the beat that matches the charts.
    expect(storyMove(running, false)).toEqual({ kind: "stay" });
    expect(storyMove(finished, true)).toEqual({ kind: "hide", runId: 3 });
    expect(storyMove(failed, false)).toEqual({ kind: "hide", runId: 4 });
    expect(storyMove({ status: "idle" }, true)).toEqual({ kind: "move" });
  });
});
