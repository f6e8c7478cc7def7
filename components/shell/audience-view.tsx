"use client";

/**
 * The audience view (/audience): the run, live and read-only, sized for phones. It connects as the
 * audience — never with a token, whatever the address says — so the server refuses its commands
 * even if someone crafts them; no control is drawn in the first place.
 */
import { useCallback, useMemo } from "react";
import type { Ack, WireNode } from "@/lib/protocol";
import { logEntry } from "@/lib/log";
import { findPreset } from "@/lib/presets";
import { alarmCount } from "../alarm/alarm";
import { AlarmBanner } from "../alarm/alarm-banner";
import { LiveCharts } from "../charts/live-charts";
import { describeStop } from "../format";
import { stageCharts } from "../charts/stage-charts";
import { LockGrid } from "../lock-grid/lock-grid";
import { LockLanes } from "../lock-grid/lock-lanes";
import { RunSummary } from "../summary/run-summary";
import { useLabSocket } from "../use-lab-socket";
import { useNow } from "../use-now";
import { annotationsFrom, entriesOfRun } from "./annotations";
import { AudienceVerdict } from "./audience-verdict";
import { ConnectionPill } from "./connection-pill";
import { LiveCounters } from "./live-counters";

export function AudienceView() {
  const lab = useLabSocket({ role: "audience" });
  const now = useNow(200);
  const { run, frames, report, nodes, alarms } = lab;
  const scenario = run.status === "idle" ? null : run.scenario;
  const tickMs = scenario?.tickMs ?? 100;
  const lockNodes = scenario?.lockNodes ?? 5;
  const lockNodeIds = useMemo(() => Array.from({ length: lockNodes }, (_, i) => `lock-${i + 1}`), [lockNodes]);
  const refuse = useCallback(
    async (): Promise<Ack<WireNode>> => ({ error: { code: "FORBIDDEN", message: "The audience view is read-only." } }),
    [],
  );
  const annotations = useMemo(() => {
    const last = frames.at(-1);
    const end = last ? last.t + tickMs : 0;
    const scheduled = scenario ? [logEntry.fault.expired({ atMs: scenario.crowd.expireAtMs, key: "the hot key", byHand: false })] : [];
    return annotationsFrom([...scheduled, ...entriesOfRun(lab.log, run.status === "idle" ? null : run.runId)]).filter((a) => a.atMs <= end);
  }, [frames, tickMs, scenario, lab.log, run]);

  const meta = run.status === "idle" ? undefined : run.meta;
  const preset = meta?.presetId ? findPreset(meta.presetId) : undefined;
  const beatNumber = meta?.beat ?? 1;
  const beat = preset?.beats[beatNumber - 1];
  // The beat's charts first, as on the presenter's stage.
  const charts = useMemo(() => {
    const { lead, rest } = stageCharts(meta?.presetId, meta?.beat);
    return [...lead, ...rest];
  }, [meta?.presetId, meta?.beat]);

  return (
    <div className="mx-auto flex max-w-3xl flex-col gap-4 px-3 py-3 sm:px-5" data-testid="audience-view">
      <header className="flex items-center justify-between gap-3">
        <h1 className="text-2xl font-black tracking-tight">
          Stampede <span className="text-amber-400">Lab</span>
        </h1>
        <ConnectionPill status={lab.status} compact />
      </header>

      {alarms.length > 0 && <AlarmBanner alarms={alarms} total={alarmCount(alarms, report)} fencing={scenario?.fencing} compact />}

      <section className="panel flex flex-col gap-2" data-testid="audience-story" aria-label="What is happening">
        <p className="flex items-center gap-2 text-sm font-semibold uppercase tracking-[0.2em] text-slate-400">
          <RunDot status={run.status} />
          {run.status === "finished" && run.stopped ? `Run ${describeStop(run.stopped)}` : RUN_WORDS[run.status]}
        </p>
        {preset ? (
          <>
            <h2 className="text-2xl font-bold leading-tight">{preset.title}</h2>
            {beat && (
              <p className="text-base text-slate-400">
                Beat {beatNumber} of {preset.beats.length}: <span className="font-semibold text-slate-200">{beat.title}</span>
              </p>
            )}
            {/* On a phone the point comes first: what to watch, and (once the run is over) the verdict. */}
            <p data-testid="audience-watch" className="rounded-lg bg-amber-400/10 px-3 py-2 text-lg leading-snug text-amber-100">
              <span className="font-bold">Watch: </span>
              {beat?.watch ?? preset.watch}
            </p>
            {report && <AudienceVerdict report={report} />}
            <p className="text-base leading-snug text-slate-300">{beat?.narration && preset.beats.length > 1 ? beat.narration : preset.narration}</p>
          </>
        ) : (
          <p className="text-lg text-slate-300">
            {run.status === "idle" ? "Waiting for the presenter to start a run." : "A custom scenario, built on the presenter's screen."}
          </p>
        )}
        {!preset && report && <AudienceVerdict report={report} />}
        {run.status === "failed" && <p className="text-base text-rose-300">The run failed: {run.message}</p>}
      </section>

      {nodes === null ? (
        <p className="py-16 text-center text-xl text-slate-500">Waiting for the lab server…</p>
      ) : (
        <>
          <section className="panel audience-readonly flex flex-col gap-4 p-3 sm:p-5" aria-label="Locks">
            <LiveCounters frames={frames} dbCapacity={scenario?.db.capacity ?? 20} />
            <LockGrid
              nodes={nodes}
              frames={frames}
              lockNodes={lockNodes}
              now={now}
              canControl={false}
              onAction={refuse}
              lock={scenario?.lock}
              lockTtlMs={scenario?.lockTtlMs}
              instances={scenario?.instances}
              alarms={alarms}
            />
            <LockLanes frames={frames} lockNodeIds={lockNodeIds} tickMs={tickMs} alarms={alarms} />
          </section>
          <LiveCharts
            frames={frames}
            tickMs={tickMs}
            dbCapacity={scenario?.db.capacity ?? 20}
            annotations={annotations}
            charts={charts}
            cacheInUse={scenario?.lockedWork !== "increment"}
          />
          {report && <RunSummary report={report} />}
        </>
      )}
      <footer className="pb-4 text-center text-sm text-slate-500">Audience view · read-only · numbers straight from the lab&apos;s collector</footer>
    </div>
  );
}

const RUN_WORDS = { idle: "No run yet", running: "Live now", finished: "Run finished", failed: "Run failed" } as const;

function RunDot({ status }: { status: keyof typeof RUN_WORDS }) {
  const look = { idle: "bg-slate-500", running: "bg-rose-500 animate-pulse", finished: "bg-emerald-400", failed: "bg-rose-600" }[status];
  return <span aria-hidden className={`inline-block size-3 rounded-full ${look}`} />;
}
