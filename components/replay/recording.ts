/**
 * Saving a run as a recording (lib/recording.ts's format) and giving it to the user as a file.
 */
import type { WireAlarm, WireNode, WireRunState } from "@/lib/protocol";
import { RECORDING_FORMAT, RECORDING_VERSION, type PreviousRun, type Recording } from "@/lib/recording";
import type { LogEntry, Report, TickFrame } from "@/lib/report";
import { entriesOfRun } from "../shell/annotations";

export interface RecordingSource {
  run: WireRunState;
  frames: readonly TickFrame[];
  log: readonly LogEntry[];
  /** Node snapshots with ms since t = 0 of the run, the first one at (or near) 0. */
  nodeTimeline: readonly { atMs: number; nodes: WireNode[] }[];
  report: Report | null;
  /** The alarms the page has heard (of this run and maybe earlier ones). */
  alarms?: readonly WireAlarm[];
  /** The finished run before this one, kept so the replay can compare the two. */
  previous?: PreviousRun | null;
}

/** A recording of the current (or last) run; null when there is no run with frames to save. */
export function buildRecording(source: RecordingSource, savedAt = new Date()): Recording | null {
  const { run, report } = source;
  if (run.status === "idle") return null;
  // The report holds every tick of a finished run; the page may have joined late and seen fewer.
  const frames = report && report.ticks.length >= source.frames.length ? report.ticks : [...source.frames];
  if (frames.length === 0) return null;
  return {
    format: RECORDING_FORMAT,
    version: RECORDING_VERSION,
    savedAt: savedAt.toISOString(),
    scenario: run.scenario,
    meta: { ...run.meta },
    frames,
    log: entriesOfRun(source.log, run.runId),
    nodes: source.nodeTimeline.map((entry) => ({ atMs: entry.atMs, nodes: entry.nodes })),
    report,
    alarms: (source.alarms ?? []).filter((alarm) => alarm.runId === run.runId),
    ...(source.previous && source.previous.runId !== run.runId ? { previous: source.previous } : {}),
  };
}

export function recordingFileName(recording: Recording): string {
  const stamp = recording.savedAt.replace(/\.\d+Z$/, "").replace(/[:T]/g, "-");
  const what = recording.meta.presetId ? `${recording.meta.presetId}${recording.meta.beat ? `-beat${recording.meta.beat}` : ""}` : "run";
  return `stampede-lab-${what}-${stamp}.json`;
}

/** Hands a JSON document to the browser as a download. */
export function downloadJson(fileName: string, value: unknown): void {
  const blob = new Blob([JSON.stringify(value)], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // Some browsers read the blob after the click returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
