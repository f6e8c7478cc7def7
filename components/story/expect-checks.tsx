"use client";

/**
 * A beat's promise beside its narration: each expect in the run summary's words, ✓ or ✗ with the
 * run's value once the beat has run, so a speaker sees at once when the demo did not make its point.
 */
import { checkExpects, DISTORTED_HINT, formatValue, plainClaim, type ExpectResult } from "@/lib/expect";
import { findPreset } from "@/lib/presets";
import type { Report } from "@/lib/report";

export interface ExpectChecksProps {
  /** The beat's claims, shown as its promise before it has run. */
  claims: readonly string[];
  /** The claims checked against this beat's last run; absent or null before it has run. */
  results?: readonly ExpectResult[] | null;
  /** The run fell behind: a failed claim is then likely the machine's lag. */
  distorted?: boolean;
}

export function ExpectChecks({ claims, results, distorted = false }: ExpectChecksProps) {
  if (claims.length === 0) return null;
  const checked = results ?? null;
  if (checked === null) {
    // Before the run, one quiet line: the stage layout keeps its room for the grid and the charts.
    return (
      <p data-testid="story-expects" data-checked="false" className="text-base leading-snug text-slate-400 @2xl:text-lg">
        <span className="font-semibold uppercase tracking-widest">Checked after the run: </span>
        {claims.map((claim, index) => (
          <span key={claim} data-testid="story-expect" data-ok="pending">
            {index > 0 && " · "}
            {plainClaim(claim)}
          </span>
        ))}
      </p>
    );
  }
  const failed = checked.filter((r) => !r.ok).length;
  return (
    <div data-testid="story-expects" data-checked="true" data-failed={failed} className="flex flex-col gap-2">
      <p className={`text-base font-semibold uppercase tracking-widest ${failed === 0 ? "text-emerald-300" : "text-rose-300"}`}>
        {failed === 0 ? "✓ The beat made its point" : `✗ ${failed} of ${checked.length} not met`}
      </p>
      <ul className="flex flex-col gap-1.5">
        {checked.map((result) => (
          <li
            key={result.claim}
            data-testid="story-expect"
            data-ok={result.ok}
            className={`flex items-baseline gap-3 text-lg @2xl:text-xl ${result.ok ? "text-emerald-200" : "font-semibold text-rose-200"}`}
          >
            <span aria-hidden className={`w-6 shrink-0 text-center font-black ${result.ok ? "text-emerald-400" : "text-rose-400"}`}>
              {result.ok ? "✓" : "✗"}
            </span>
            <span className="sr-only">{result.ok ? "held:" : "not met:"}</span>
            <span>
              {plainClaim(result.claim)}
              <span className="font-mono text-slate-400"> — {result.error ? result.error : `was ${formatValue(result.actual)}`}</span>
            </span>
          </li>
        ))}
      </ul>
      {failed > 0 && distorted && (
        <p data-testid="story-expects-distorted" className="text-base text-amber-200">
          ⚠ {DISTORTED_HINT}.
        </p>
      )}
    </div>
  );
}

/**
 * The beat's expects checked against the last run, when that run was this beat's own (the run's
 * story and beat, as the server recorded them); null before it ran, or when the shown run is
 * another beat's, so the ✓/✗ never belong to a different beat than the narration.
 */
export function beatCheckOf(
  run: { status: string; meta?: { presetId?: string; beat?: number } },
  report: Report | null,
  selection: { presetId: string; beat: number } | null,
): { results: ExpectResult[]; distorted: boolean } | null {
  if (!selection || !report || run.status !== "finished" || !run.meta) return null;
  if (run.meta.presetId !== selection.presetId || (run.meta.beat ?? 1) !== selection.beat) return null;
  const step = findPreset(selection.presetId)?.beats[selection.beat - 1];
  if (!step?.expect?.length) return null;
  return { results: checkExpects(report, step.expect), distorted: report.runtime.distorted };
}
