/**
 * The last run, put out of view when the story moves on: a new beat's narration must not sit over
 * the previous beat's charts and summary. The run is not forgotten — "Show last run" brings it back.
 */
import type { WireRunState } from "@/lib/protocol";
import type { LabView } from "../replay/use-replay";

/** True when `run` is the run put out of view (a run still going is always shown). */
export function hidesRun(run: WireRunState, hiddenRunId: number | null): boolean {
  return hiddenRunId !== null && (run.status === "finished" || run.status === "failed") && run.runId === hiddenRunId;
}

/** The run to put out of view when the story changes now: the finished or failed one on screen. */
export function runToHide(run: WireRunState): number | null {
  return run.status === "finished" || run.status === "failed" ? run.runId : null;
}

/**
 * A page opened at `?preset=…` waits for its first word from the server: a run already over is the
 * previous story's and goes out of view; a run going on is live and stays. `wait` until there is a run.
 */
export function hideOnOpen(run: WireRunState): "wait" | { hide: number | null } {
  if (run.status === "idle") return "wait";
  return { hide: runToHide(run) };
}

/** The view with the hidden run's charts, summary, counters and alarms taken away; nodes, log and state stay. */
export function withoutRun(view: LabView): LabView {
  return { ...view, frames: [], report: null, alarms: [] };
}

/**
 * What moving the story on does to the run on screen: a run going on is stopped first (a page that
 * may not control the lab stays on its beat instead), a finished or failed one goes out of view,
 * and with no run there is nothing to do.
 */
export type StoryMove = { kind: "stop-first"; runId: number } | { kind: "hide"; runId: number } | { kind: "move" } | { kind: "stay" };

export function storyMove(run: WireRunState, canControl: boolean): StoryMove {
  switch (run.status) {
    case "running":
      return canControl ? { kind: "stop-first", runId: run.runId } : { kind: "stay" };
    case "finished":
    case "failed":
      return { kind: "hide", runId: run.runId };
    case "idle":
      return { kind: "move" };
    default: {
      const unknown: never = run;
      throw new Error(`unknown run status ${JSON.stringify(unknown)}`);
    }
  }
}
