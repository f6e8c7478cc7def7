"use client";

import { useId } from "react";
import type { ExpectResult } from "@/lib/expect";
import { findPreset } from "@/lib/presets";
import { ExpectChecks } from "./expect-checks";

export interface StoryPanelProps {
  presetId: string;
  /** 1-based. */
  beat: number;
  /** Asks for another beat (1-based); the page decides whether that also restarts the run. */
  onBeat(beat: number): void;
  disabled?: boolean;
  /** This beat's expects checked against its last run (null before it has run, or after another beat's run). */
  checked?: { results: readonly ExpectResult[]; distorted: boolean } | null;
  /** Stage size (presenter mode): narration and the watch line big enough for the back of a room. */
  stage?: boolean;
}

const STEP_BUTTON =
  "inline-flex h-14 items-center gap-3 rounded-xl border-2 px-6 text-xl font-semibold transition-colors " +
  "focus-visible:outline-none focus-visible:ring-4 focus-visible:ring-amber-400/60 " +
  "disabled:cursor-not-allowed disabled:border-slate-700! disabled:bg-slate-800! disabled:text-slate-500!";

/** On the stage the beat buttons share one line: the narration and the watch line get the height. */
const STAGE_STEP = "h-12! px-3! text-lg!";

/** The story on screen: which beat this is, what to say, and the one thing to watch. */
export function StoryPanel({ presetId, beat, onBeat, disabled = false, checked = null, stage = false }: StoryPanelProps) {
  const titleId = useId();
  const preset = findPreset(presetId);
  if (!preset) {
    return (
      <section data-testid="story-panel" className="rounded-2xl border-2 border-rose-500/60 p-5 text-xl text-rose-200">
        Unknown story preset <code className="font-mono">{presetId}</code>.
      </section>
    );
  }
  const total = preset.beats.length;
  const current = Math.min(Math.max(1, Math.round(beat)), total);
  const step = preset.beats[current - 1]!;
  const watch = step.watch || preset.watch;

  return (
    <section
      aria-labelledby={titleId}
      data-testid="story-panel"
      data-preset={preset.id}
      data-beat={current}
      data-stage={stage || undefined}
      className={`@container flex flex-col rounded-2xl border-2 border-slate-800 bg-slate-900 p-4 ${stage ? "gap-3 sm:p-5" : "gap-4 sm:p-6"}`}
    >
      <p className="text-lg font-semibold uppercase tracking-widest text-amber-300">{preset.title}</p>
      <h2 id={titleId} className="text-2xl font-black leading-tight tracking-tight @2xl:text-4xl">
        <span className="text-slate-400">
          Beat {current} of {total}:
        </span>{" "}
        {step.title}
      </h2>
      <p data-testid="story-narration" className={`leading-snug text-slate-50 ${stage ? "text-3xl" : "text-xl @2xl:text-3xl"}`}>
        {step.narration}
      </p>
      <p
        data-testid="story-watch"
        className={`rounded-xl border-2 border-amber-400/60 bg-amber-950/30 px-4 py-3 leading-snug wrap-anywhere ${stage ? "text-3xl" : "text-lg @2xl:px-5 @2xl:text-2xl"}`}
      >
        <span className="font-bold text-amber-300">Watch: </span>
        {watch}
      </p>
      <ExpectChecks claims={step.expect ?? []} results={checked?.results ?? null} distorted={checked?.distorted ?? false} />
      <details className="text-lg text-slate-300">
        <summary className="cursor-pointer text-slate-400 hover:text-slate-200 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-amber-400/60">
          The whole story
        </summary>
        <p className="mt-2 leading-snug">{preset.narration}</p>
      </details>

      <nav aria-label="Beats" className="flex flex-wrap items-center gap-3">
        <button
          type="button"
          className={`${STEP_BUTTON} ${stage ? STAGE_STEP : ""} border-slate-600 text-slate-100 hover:border-slate-400`}
          disabled={disabled || current <= 1}
          onClick={() => onBeat(current - 1)}
        >
          ← Previous beat
        </button>
        {total > 1 && (
          <ol className="flex gap-2" aria-label="Jump to a beat">
            {preset.beats.map((b, index) => (
              <li key={index}>
                <button
                  type="button"
                  aria-label={`Beat ${index + 1}: ${b.title}`}
                  aria-current={index + 1 === current ? "step" : undefined}
                  title={b.title}
                  disabled={disabled}
                  onClick={() => onBeat(index + 1)}
                  className={`size-12 rounded-full border-2 text-xl font-bold focus-visible:outline-none focus-visible:ring-4 focus-visible:ring-amber-400/60 disabled:opacity-40 ${
                    index + 1 === current ? "border-amber-400 bg-amber-400 text-slate-950" : "border-slate-600 text-slate-200 hover:border-slate-400"
                  }`}
                >
                  {index + 1}
                </button>
              </li>
            ))}
          </ol>
        )}
        <button
          type="button"
          className={`${STEP_BUTTON} ${stage ? STAGE_STEP : ""} border-amber-400 bg-amber-400 text-slate-950 hover:bg-amber-300`}
          disabled={disabled || current >= total}
          onClick={() => onBeat(current + 1)}
          aria-keyshortcuts="n"
        >
          Next beat →<kbd aria-hidden="true" className="rounded border border-slate-950/40 px-2 py-0.5 font-mono text-base">n</kbd>
        </button>
      </nav>
    </section>
  );
}
