"use client";

/**
 * Rehearsal before a talk: one button plays every beat of every story on the lab's nodes (the
 * world reset before each story), and the list shows, beat by beat, whether each made its point.
 */
import { DISTORTED_HINT, formatValue, plainClaim } from "@/lib/expect";
import { findPreset } from "@/lib/presets";
import type { RehearsalBeatResult, RehearsalState } from "@/lib/protocol";

export interface RehearsalPanelProps {
  /** The rehearsal going on, or the last one; null before any. */
  state: RehearsalState | null;
  /** False when this page may not change the lab (or a run is going): the button says why. */
  canStart: boolean;
  startBlockedReason?: string;
  canStop: boolean;
  onRehearse(): void;
  onStop(): void;
}

const MARK: Record<RehearsalBeatResult["status"], { mark: string; tone: string; word: string }> = {
  passed: { mark: "✓", tone: "text-emerald-300", word: "made its point" },
  failed: { mark: "✗", tone: "text-rose-300", word: "did not make its point" },
  error: { mark: "✗", tone: "text-rose-300", word: "could not run" },
  stopped: { mark: "–", tone: "text-slate-400", word: "stopped" },
};

export function RehearsalPanel({ state, canStart, startBlockedReason, canStop, onRehearse, onStop }: RehearsalPanelProps) {
  const running = state?.status === "running";
  const passed = state?.beats.filter((b) => b.status === "passed").length ?? 0;
  return (
    <section aria-label="Rehearsal" data-testid="rehearsal-panel" data-status={state?.status ?? "none"} className="flex flex-col gap-3 rounded-2xl border-2 border-slate-800 bg-slate-900 p-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 className="text-lg font-semibold uppercase tracking-widest text-slate-300">Rehearsal</h2>
        {running ? (
          <button
            type="button"
            data-testid="rehearsal-stop"
            disabled={!canStop}
            onClick={onStop}
            className="h-12 rounded-xl border-2 border-rose-400 px-5 text-lg font-semibold text-rose-100 hover:bg-rose-950/60 disabled:cursor-not-allowed disabled:opacity-50"
          >
            ■ Stop rehearsal
          </button>
        ) : (
          <button
            type="button"
            data-testid="rehearsal-start"
            disabled={!canStart}
            title={canStart ? "Play every beat of every story, the world reset before each story, and check each beat's promise" : startBlockedReason}
            onClick={onRehearse}
            className="h-12 rounded-xl border-2 border-amber-400 px-5 text-lg font-semibold text-amber-100 hover:bg-amber-950/50 disabled:cursor-not-allowed disabled:opacity-50"
          >
            ▶ Rehearse every story
          </button>
        )}
      </div>
      {state && (
        <p data-testid="rehearsal-status" className="text-lg text-slate-200">
          {running
            ? `Playing ${state.beats.length + 1} of ${state.total}${state.current ? `: ${titleOf(state.current.presetId)}, beat ${state.current.beat}` : ""}…`
            : `${state.status === "stopped" ? "Stopped" : "Done"}: ${passed} of ${state.total} beat(s) made their point.`}
        </p>
      )}
      {state && state.beats.length > 0 && (
        <ol data-testid="rehearsal-results" className="flex max-h-96 flex-col gap-1 overflow-y-auto">
          {state.beats.map((beat) => {
            const look = MARK[beat.status];
            // A beat stopped part-way proves nothing either way: its claims are not listed as failures.
            const failed = beat.status === "failed" ? beat.results.filter((r) => !r.ok) : [];
            return (
              <li key={`${beat.presetId}-${beat.beat}`} data-testid="rehearsal-row" data-status={beat.status} className="flex flex-col text-base">
                <span className={look.tone}>
                  <span aria-hidden className="mr-2 inline-block w-4 text-center font-black">
                    {look.mark}
                  </span>
                  <span className="sr-only">{look.word}: </span>
                  {titleOf(beat.presetId)}, beat {beat.beat}: {beat.title}
                </span>
                {beat.message && <span className="ml-6 text-slate-400">{beat.message}</span>}
                {failed.map((r) => (
                  <span key={r.claim} className="ml-6 text-rose-200">
                    {plainClaim(r.claim)} — {r.error ? r.error : `was ${formatValue(r.actual)}`}
                  </span>
                ))}
                {failed.length > 0 && beat.distorted && <span className="ml-6 text-amber-200">⚠ {DISTORTED_HINT}</span>}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}

function titleOf(presetId: string): string {
  return findPreset(presetId)?.title ?? presetId;
}
