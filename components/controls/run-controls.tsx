"use client";

import { useId, type ReactNode } from "react";
import type { WireRunState } from "@/lib/protocol";
import { describeStop } from "../format";
import { useNow } from "../use-now";
import { InstancePause } from "./instance-pause";

/** The slow-motion steps offered, in order; `s` cycles through them (see `nextSlowMotion`). */
export const SLOW_MOTION_STEPS = [1, 2, 3, 5, 10] as const;

/** The step after `current` (wrapping to 1×): what the `s` shortcut should pick. */
export function nextSlowMotion(current: number): number {
  const next = SLOW_MOTION_STEPS.find((step) => step > current);
  return next ?? SLOW_MOTION_STEPS[0];
}

export interface RunControlsProps {
  run: WireRunState;
  /** False for the audience view and for pages without the control token. */
  canControl: boolean;
  /** Why control is off, in words (e.g. `Access.reason`); a generic sentence otherwise. */
  controlReason?: string;
  /** Slow motion for the next start, 1–10. */
  timeScale: number;
  onTimeScale(timeScale: number): void;
  onStart(): void;
  onStop(): void;
  onReset(): void;
  onExpire(): void;
  onCrowd(): void;
  /** A simulated GC pause of one instance's lock holder; without it the panel is not shown. */
  onPause?(instance: number, ms: number): void;
  /** A command is on its way: every button waits. */
  busy?: boolean;
  /** The last command's refusal, in words. */
  error?: string | null;
  /** Why Start cannot go now although the lab is free (e.g. "the scenario has 2 problems"). */
  startBlockedReason?: string | null;
  /**
   * The "keep the world as it is" box beside Start. `applies`: the next start is a story's, which
   * otherwise resets the world first; a run from the builder always keeps it. Absent: no box.
   */
  keepWorld?: { checked: boolean; applies: boolean; onChange(checked: boolean): void };
  /**
   * Start was pressed with nodes down that the scenario did not ask for: the warning's words
   * ("lock-2, lock-4 are down") and its two ways on. Absent or null: no warning.
   */
  startWarning?: { text: string; onStartAnyway(): void; onResetFirst(): void; onCancel(): void } | null;
}

const BIG =
  "inline-flex min-h-16 w-full items-center justify-center gap-3 rounded-xl px-4 py-2 text-xl font-bold leading-tight shadow transition-colors " +
  "@lg:text-2xl @3xl:w-auto @3xl:px-6 " +
  "focus-visible:outline-none focus-visible:ring-4 focus-visible:ring-amber-300/70 " +
  // Disabled looks the same for every button: grey, whatever its colour when live.
  "disabled:cursor-not-allowed disabled:border-slate-700! disabled:bg-slate-800! disabled:text-slate-500! disabled:shadow-none";

function Key({ children }: { children: ReactNode }) {
  return (
    <kbd aria-hidden="true" className="rounded-md border-2 border-current/40 px-2 py-0.5 font-mono text-base font-semibold opacity-80">
      {children}
    </kbd>
  );
}

/** Start, stop, reset, the live interventions (expire, crowd, GC pause) and slow motion, with the run's status line. */
export function RunControls({
  run,
  canControl,
  controlReason,
  timeScale,
  onTimeScale,
  onStart,
  onStop,
  onReset,
  onExpire,
  onCrowd,
  onPause,
  busy = false,
  error = null,
  startBlockedReason = null,
  keepWorld,
  startWarning = null,
}: RunControlsProps) {
  const id = useId();
  const running = run.status === "running";
  const canCommand = canControl && !busy;
  const notRunning = running ? undefined : "Start a run first";

  return (
    <section aria-label="Run controls" data-testid="run-controls" data-run-status={run.status} className="@container flex flex-col gap-4">
      <RunStatusLine run={run} busy={busy} />

      {!canControl && (
        <p data-testid="control-reason" className="rounded-lg border-2 border-slate-600 bg-slate-900 px-4 py-3 text-lg text-slate-200">
          <span className="font-bold">View only:</span> {controlReason ?? "controlling the lab needs the presenter's token."}
        </p>
      )}

      {/* Two columns in a narrow panel, one row when there is room. */}
      <div className="grid grid-cols-2 gap-3 @3xl:flex @3xl:flex-wrap">
        <button
          type="button"
          data-testid="run-start"
          aria-keyshortcuts="Space"
          className={`${BIG} bg-emerald-500 text-slate-950 hover:bg-emerald-400`}
          disabled={!canCommand || running || Boolean(startBlockedReason)}
          title={running ? "A run is going: stop it first" : (startBlockedReason ?? undefined)}
          onClick={onStart}
        >
          ▶ Start <Key>Space</Key>
        </button>
        <button
          type="button"
          data-testid="run-stop"
          aria-keyshortcuts="Space"
          className={`${BIG} bg-rose-600 text-white hover:bg-rose-500`}
          disabled={!canCommand || !running}
          title={running ? undefined : "No run is going"}
          onClick={onStop}
        >
          ■ Stop <Key>Space</Key>
        </button>
        <button
          type="button"
          data-testid="key-expire"
          aria-keyshortcuts="e"
          className={`${BIG} bg-amber-400 text-slate-950 hover:bg-amber-300`}
          disabled={!canCommand || !running}
          title={notRunning ?? "The hot key goes stale now"}
          onClick={onExpire}
        >
          Expire the hot key now <Key>e</Key>
        </button>
        <button
          type="button"
          data-testid="crowd-release"
          aria-keyshortcuts="c"
          className={`${BIG} bg-violet-500 text-white hover:bg-violet-400`}
          disabled={!canCommand || !running}
          title={notRunning ?? "A sneaker-drop wave arrives now"}
          onClick={onCrowd}
        >
          Release the crowd <Key>c</Key>
        </button>
        <button
          type="button"
          data-testid="lab-reset"
          className={`${BIG} col-span-2 border-2 border-slate-500 bg-slate-900 text-slate-100 hover:border-slate-300`}
          disabled={!canCommand}
          title="Stops any run and brings every Redis node back up"
          onClick={onReset}
        >
          ↺ Reset world
        </button>
      </div>

      {keepWorld && canControl && (
        <label
          data-testid="keep-world-label"
          className={`flex flex-wrap items-center gap-x-3 text-lg ${keepWorld.applies ? "text-slate-200" : "text-slate-500"}`}
          title={
            keepWorld.applies
              ? "Off: the story starts from its own world — every node up and empty, every path healed, no latency. On: nodes down stay down."
              : "A scenario from the builder always keeps the world; Start warns when a node it needs is down."
          }
        >
          <input
            type="checkbox"
            data-testid="keep-world"
            className="size-6 accent-amber-400"
            checked={keepWorld.applies ? keepWorld.checked : true}
            disabled={!keepWorld.applies || running || busy}
            onChange={(event) => keepWorld.onChange(event.target.checked)}
          />
          keep the world as it is
          {!keepWorld.applies && <span className="basis-full pl-9 text-base">always, for a scenario from the builder</span>}
        </label>
      )}

      {startWarning && !running && canControl && (
        <div role="alert" data-testid="start-warning" className="flex flex-col gap-3 rounded-xl border-2 border-amber-400 bg-amber-950/60 px-4 py-3">
          <p className="text-xl font-semibold text-amber-100">{startWarning.text}.</p>
          <div className="flex flex-wrap gap-3">
            <button
              type="button"
              data-testid="start-anyway"
              disabled={!canCommand}
              onClick={startWarning.onStartAnyway}
              className="rounded-lg bg-amber-400 px-4 py-2 text-lg font-bold text-slate-950 hover:bg-amber-300 disabled:opacity-50"
            >
              Start anyway
            </button>
            <button
              type="button"
              data-testid="reset-first"
              disabled={!canCommand}
              onClick={startWarning.onResetFirst}
              className="rounded-lg bg-emerald-500 px-4 py-2 text-lg font-bold text-slate-950 hover:bg-emerald-400 disabled:opacity-50"
            >
              Reset first, then start
            </button>
            <button type="button" data-testid="start-warning-cancel" onClick={startWarning.onCancel} className="rounded-lg px-3 py-2 text-lg text-amber-100 underline">
              Cancel
            </button>
          </div>
        </div>
      )}

      {onPause && canControl && <InstancePause run={run} canCommand={canCommand} onPause={onPause} />}

      {startBlockedReason && !running && canControl && (
        <p className="text-lg text-amber-200">
          <span className="font-semibold">Start waits:</span> {startBlockedReason}
        </p>
      )}

      <fieldset disabled={!canControl} className="flex flex-wrap items-center gap-3 disabled:opacity-50">
        <legend className="sr-only">Slow motion</legend>
        <span aria-hidden="true" className="flex items-center gap-2 text-xl font-semibold text-slate-200">
          Slow motion <Key>s</Key>
        </span>
        <div role="presentation" className="flex overflow-hidden rounded-xl border-2 border-slate-600">
          {SLOW_MOTION_STEPS.map((step) => {
            const inputId = `${id}-slow-${step}`;
            return (
              <div key={step} className="border-r-2 border-slate-600 last:border-r-0">
                <input
                  id={inputId}
                  type="radio"
                  name={`${id}-slow-motion`}
                  value={step}
                  checked={timeScale === step}
                  onChange={() => onTimeScale(step)}
                  aria-keyshortcuts="s"
                  className="peer sr-only"
                />
                <label
                  htmlFor={inputId}
                  aria-label={`Slow motion ${step}×`}
                  className="flex h-14 min-w-12 cursor-pointer items-center justify-center px-3 text-xl sm:min-w-16 sm:px-4 sm:text-2xl font-bold tabular-nums text-slate-200 hover:bg-slate-800 peer-checked:bg-sky-400 peer-checked:text-slate-950 peer-focus-visible:ring-4 peer-focus-visible:ring-inset peer-focus-visible:ring-amber-300/70"
                >
                  {step}×
                </label>
              </div>
            );
          })}
        </div>
        <span className="text-lg text-slate-400">{slowMotionText(run, timeScale)}</span>
      </fieldset>

      {error && (
        <p role="alert" data-testid="run-error" className="rounded-lg bg-rose-950/70 px-4 py-3 text-lg text-rose-100">
          <span className="font-bold">Refused:</span> {error}
        </p>
      )}
    </section>
  );
}

function slowMotionText(run: WireRunState, timeScale: number): string {
  const what = timeScale === 1 ? "real speed" : `every duration ×${timeScale}`;
  if (run.status === "running" && run.scenario.timeScale !== timeScale) {
    return `${what} from the next start (this run: ${run.scenario.timeScale}×)`;
  }
  return `${what}${run.status === "running" ? "" : " for the next start"}`;
}

/** "Running run 3 · saturday-morning beat 2 · 3× · 12 s" — the one line that says where the lab is. */
export function RunStatusLine({ run, busy = false }: { run: WireRunState; busy?: boolean }) {
  const now = useNow(run.status === "running" ? 500 : 60_000);
  let dot: string;
  let label: string;
  let detail: string;
  switch (run.status) {
    case "idle":
      dot = "bg-slate-400";
      label = "Idle";
      detail = "no run yet — pick a story or build a scenario, then Start";
      break;
    case "running":
      dot = "bg-emerald-400 animate-pulse";
      label = "Running";
      detail = [`run ${run.runId}`, storyOf(run.meta), slowOf(run.scenario.timeScale), seconds(now - run.startedAt)].filter(Boolean).join(" · ");
      break;
    case "finished":
      dot = run.stopped ? "bg-amber-400" : "bg-sky-400";
      // Ended by hand: the numbers cover only part of the scenario, and the line says so first.
      label = run.stopped ? "Stopped" : "Finished";
      detail = [`run ${run.runId}`, storyOf(run.meta), slowOf(run.scenario.timeScale), run.stopped ? describeStop(run.stopped) : `took ${seconds(run.endedAt - run.startedAt)}`]
        .filter(Boolean)
        .join(" · ");
      break;
    case "failed":
      dot = "bg-rose-500";
      label = "Failed";
      detail = [`run ${run.runId}`, storyOf(run.meta)].filter(Boolean).join(" · ") + ` — ${run.message}`;
      break;
    default: {
      const unknown: never = run;
      throw new Error(`unknown run status ${JSON.stringify(unknown)}`);
    }
  }
  return (
    <p role="status" data-testid="run-status" data-status={run.status} className="flex flex-wrap items-center gap-x-3 gap-y-1 text-2xl">
      <span className={`size-4 shrink-0 rounded-full ${dot}`} aria-hidden="true" />
      <span className={`font-bold ${run.status === "failed" ? "text-rose-300" : "text-slate-50"}`}>{label}</span>
      <span className={run.status === "failed" ? "text-rose-200" : "text-slate-300"}>{detail}</span>
      {busy && <span className="text-slate-400">· working…</span>}
    </p>
  );
}

function storyOf(meta: { presetId?: string; beat?: number }): string {
  if (!meta.presetId) return "custom scenario";
  return meta.beat ? `${meta.presetId} beat ${meta.beat}` : meta.presetId;
}

function slowOf(timeScale: number): string {
  return timeScale === 1 ? "" : `${timeScale}× slow motion`;
}

function seconds(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${String(Math.floor(s % 60)).padStart(2, "0")} s`;
}
