/**
 * A rehearsal before a talk: every beat of every story (or of the stories named) played on the
 * lab's nodes one after another, the world reset before each story, each beat's `expect` claims
 * checked against its report. Shared by the CLI (`--preset all --check`), the page's Rehearse
 * button (through the controller) and the integration tests, so all three judge a beat alike.
 */
import { allHold, checkExpects } from "../../lib/expect";
import { findPreset, PRESETS, presetScenario, type Preset } from "../../lib/presets";
import type { RehearsalBeatResult, RehearsalState, RunMeta } from "../../lib/protocol";
import type { Scenario } from "../../lib/scenario";
import { LabError } from "../core/errors";
import type { Report } from "./report";

export type { RehearsalBeatResult, RehearsalState };

/** What a rehearsal needs of the lab: a world reset, a run played to its end, and a way to stop it. */
export interface RehearsalLab {
  resetWorld(): Promise<void>;
  play(scenario: Scenario, meta: RunMeta): Promise<Report>;
  /** Ends the run in progress early, if there is one. */
  stopRun(): void;
}

export interface RehearsalStep {
  preset: Preset;
  /** 1-based. */
  beat: number;
}

/** Every beat of the named stories in order (all stories when none are named); an unknown id is refused. */
export function rehearsalPlan(presetIds?: readonly string[]): RehearsalStep[] {
  const presets = presetIds
    ? presetIds.map((id) => {
        const preset = findPreset(id);
        if (!preset) throw new LabError("UNKNOWN_PRESET", `no preset "${id}": the presets are ${PRESETS.map((p) => p.id).join(", ")}`);
        return preset;
      })
    : PRESETS;
  return presets.flatMap((preset) => preset.beats.map((_, index) => ({ preset, beat: index + 1 })));
}

export interface RehearsalHooks {
  /** Turns a beat's scenario into the one the lab runs (parsing, checks against the lab's nodes). */
  prepare(input: ReturnType<typeof presetScenario>): Scenario;
  /** After every change: a beat begun, a beat judged, the end. */
  onProgress?(state: RehearsalState): void;
  /** Aborting stops the beat in progress and ends the rehearsal as "stopped". */
  signal?: AbortSignal;
  now?: () => number;
}

/** Plays the steps in order; resolves with the final state (never rejects: a beat that cannot run is an "error" row). */
export async function rehearse(lab: RehearsalLab, steps: readonly RehearsalStep[], hooks: RehearsalHooks): Promise<RehearsalState> {
  const now = hooks.now ?? Date.now;
  const beats: RehearsalBeatResult[] = [];
  const snapshot = (status: RehearsalState["status"], current?: RehearsalState["current"]): RehearsalState => ({
    status,
    total: steps.length,
    beats: [...beats],
    ...(current ? { current } : {}),
  });
  const emit = (state: RehearsalState) => {
    hooks.onProgress?.(state);
    return state;
  };
  const stopOnAbort = () => lab.stopRun();
  hooks.signal?.addEventListener("abort", stopOnAbort);
  try {
    let previous: Preset | null = null;
    for (const { preset, beat } of steps) {
      if (hooks.signal?.aborted) return emit(snapshot("stopped"));
      const step = preset.beats[beat - 1]!;
      emit(snapshot("running", { presetId: preset.id, beat, title: step.title }));
      const started = now();
      const row = { presetId: preset.id, beat, title: step.title };
      try {
        // Every story starts from its own world; its beats follow one another in it, as on stage.
        if (preset !== previous) await lab.resetWorld();
        previous = preset;
        if (hooks.signal?.aborted) return emit(snapshot("stopped"));
        const report = await lab.play(hooks.prepare(presetScenario(preset, beat)), { presetId: preset.id, beat });
        const results = checkExpects(report, step.expect ?? []);
        const stopped = hooks.signal?.aborted ?? false;
        beats.push({
          ...row,
          status: stopped ? "stopped" : allHold(results) ? "passed" : "failed",
          results,
          distorted: report.runtime.distorted,
          durationMs: now() - started,
          ...(results.length === 0 ? { message: "this beat states no expects" } : {}),
        });
      } catch (error) {
        beats.push({ ...row, status: "error", results: [], distorted: false, durationMs: now() - started, message: error instanceof Error ? error.message : String(error) });
      }
      if (hooks.signal?.aborted) return emit(snapshot("stopped"));
      emit(snapshot("running"));
    }
    return emit(snapshot("finished"));
  } finally {
    hooks.signal?.removeEventListener("abort", stopOnAbort);
  }
}

/** True when every beat of a finished rehearsal passed. */
export function rehearsalPassed(state: RehearsalState): boolean {
  return state.status === "finished" && state.beats.length === state.total && state.beats.every((b) => b.status === "passed");
}
