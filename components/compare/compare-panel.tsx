"use client";

/**
 * "Compare with the previous run": after a beat, this run beside the one before it — the same
 * charts with both runs' lines on one time line, what changed in the scenario, and the two
 * summaries with the difference. Live (this run's lines grow as it plays) and in a replay.
 */
import { useEffect, useMemo, useRef, useState } from "react";
import type { WireRunState } from "@/lib/protocol";
import type { PreviousRun } from "@/lib/recording";
import type { Report, TickFrame } from "@/lib/report";
import { chartOrder, pairedRows, runLabels, runTotals, scenarioChanges, type ComparedRun } from "./compare-data";
import { CompareCharts } from "./compare-charts";
import { CompareSummary } from "./compare-summary";
import { XfetchPanel } from "./xfetch-panel";

export interface ComparePanelProps {
  /** The finished run before this one; nothing to compare without it. */
  previous: PreviousRun | null;
  /** This run, as the page shows it (live or replayed). */
  run: WireRunState;
  frames: readonly TickFrame[];
  report: Report | null;
  /** Open from the start (a test, a permalink). @default false */
  initiallyOpen?: boolean;
}

/** While this run streams in, its lines redraw at most this often: twelve charts cost real main-thread time. */
const REDRAW_MS = 500;

export function ComparePanel({ previous, run, frames, report, initiallyOpen = false }: ComparePanelProps) {
  const [open, setOpen] = useState(initiallyOpen);
  const section = useRef<HTMLElement>(null);
  const shownFrames = useThrottled(frames, REDRAW_MS);

  const pair = useMemo(() => {
    // A run that failed to start has nothing to set beside the earlier one.
    if (!previous || run.status === "idle" || run.status === "failed" || run.runId === previous.runId) return null;
    const before: ComparedRun = {
      runId: previous.runId,
      meta: previous.meta,
      scenario: previous.report.scenario,
      frames: previous.report.ticks,
      report: previous.report,
    };
    // A finished run's report holds every tick, even those a page that joined late never saw.
    const complete = report && report.ticks.length >= shownFrames.length ? report.ticks : shownFrames;
    const now: ComparedRun = { runId: run.runId > 0 ? run.runId : null, meta: run.meta, scenario: run.scenario, frames: complete, report };
    return { before, now, labels: runLabels(before, now) };
  }, [previous, run, shownFrames, report]);

  const rows = useMemo(() => (open && pair ? pairedRows(pair.before, pair.now) : []), [open, pair]);
  const totals = useMemo(
    () => (open && pair ? { previous: runTotals(pair.before.frames), current: runTotals(pair.now.frames) } : null),
    [open, pair],
  );
  const order = useMemo(() => chartOrder(run.status === "idle" ? {} : run.meta), [run]);
  const changes = useMemo(() => (pair ? scenarioChanges(pair.before.scenario, pair.now.scenario) : []), [pair]);

  // Opened, the comparison comes into view: on stage nobody scrolls for it.
  useEffect(() => {
    if (open) section.current?.scrollIntoView?.({ block: "start", behavior: "smooth" });
  }, [open]);

  if (!pair) return null;
  const { labels } = pair;

  return (
    <section ref={section} aria-label="Compare with the previous run" data-testid="compare-panel" data-open={open || undefined} className="panel flex flex-col gap-4">
      <div className="flex flex-wrap items-center gap-x-5 gap-y-2">
        <button
          type="button"
          data-testid="compare-toggle"
          aria-expanded={open}
          onClick={() => setOpen(!open)}
          className={`btn ${open ? "btn-on" : "btn-ghost"}`}
        >
          {open ? "Close the comparison" : "Compare with the previous run"}
        </button>
        <p className="flex min-w-0 flex-wrap items-center gap-x-5 gap-y-1 text-lg">
          <span data-testid="compare-label-previous" className="flex items-center gap-2 text-slate-400">
            <Swatch muted />
            {labels.previous.full}
            <span className="text-base text-slate-500">(earlier)</span>
          </span>
          <span data-testid="compare-label-current" className="flex items-center gap-2 font-semibold text-slate-100">
            <Swatch />
            {labels.current.full}
            <span className="text-base font-normal text-slate-500">({run.status === "running" ? "running" : "this run"})</span>
          </span>
        </p>
      </div>

      {open && (
        <>
          {changes.length > 0 && (
            <p data-testid="compare-changes" className="text-lg text-slate-300">
              <span className="font-semibold text-slate-200">What changed: </span>
              {changes.join(" · ")}
            </p>
          )}
          {totals && <CompareCharts rows={rows} order={order} labels={labels} totals={totals} dbCapacity={pair.now.scenario.db.capacity} />}
          <CompareSummary previous={pair.before.report!} current={pair.now.report} labels={labels} />
          {pair.before.scenario.xfetchBeta > 0 && (
            <XfetchPanel scenario={pair.before.scenario} report={pair.before.report} label={labels.previous.full} />
          )}
        </>
      )}
    </section>
  );
}

/** A line sample for the key: the earlier run dashed and muted, this run solid. */
function Swatch({ muted = false }: { muted?: boolean }) {
  return (
    <svg aria-hidden width="36" height="10" className="shrink-0">
      <line x1="0" y1="5" x2="36" y2="5" stroke="currentColor" strokeWidth={muted ? 2.5 : 3.5} strokeDasharray={muted ? "7 5" : undefined} strokeOpacity={muted ? 0.6 : 1} />
    </svg>
  );
}

/** `value`, updated at most every `ms`; the latest value always lands, at most `ms` late. */
function useThrottled<T>(value: T, ms: number): T {
  const [shown, setShown] = useState(value);
  const lastAt = useRef(0);
  useEffect(() => {
    const wait = lastAt.current + ms - Date.now();
    const show = () => {
      lastAt.current = Date.now();
      setShown(value);
    };
    if (wait <= 0) {
      show();
      return;
    }
    const timer = setTimeout(show, wait);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return shown;
}
