"use client";

import { useCallback, useEffect, useMemo, useState } from "react";
import type { WireAlarm, WireNode, WireRunState } from "@/lib/protocol";
import { parseRecording, type PreviousRun, type Recording } from "@/lib/recording";
import type { LogEntry, Report, TickFrame } from "@/lib/report";

/** What the page draws: the same shape live or replayed. */
export interface LabView {
  run: WireRunState;
  frames: TickFrame[];
  log: LogEntry[];
  report: Report | null;
  nodes: WireNode[] | null;
  /** Safety alarms raised so far (a replay shows each at its moment, as the live page did). */
  alarms: readonly WireAlarm[];
  /** The finished run before this one, to compare with (a recording keeps it when it was saved with one). */
  previous?: PreviousRun | null;
}

export const REPLAY_SPEEDS = [0.5, 1, 2, 4, 8] as const;

export interface ReplayPlayer {
  fileName: string;
  recording: Recording;
  /** Frames shown so far (0 … total). */
  cursor: number;
  total: number;
  playing: boolean;
  speed: number;
  /** The recorded run, as far as it has been played. */
  view: LabView;
  play(): void;
  pause(): void;
  setSpeed(speed: number): void;
  seek(cursor: number): void;
}

/** Recordings keep no run id; the replayed run is "run 0", which no live run ever is. */
const REPLAY_RUN_ID = 0;
/** Below this, frames are shown several per timer step rather than faster than the screen. */
const MIN_STEP_MS = 16;

/**
 * Plays a recording without the server: frames are fed at the run's own tick pace (times `speed`),
 * nodes follow the recorded timeline, and the report appears when the last frame has.
 */
export function useReplay() {
  const [state, setState] = useState<{ fileName: string; recording: Recording } | null>(null);
  const [cursor, setCursor] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState(1);
  const total = state?.recording.frames.length ?? 0;
  const tickMs = state ? tickOf(state.recording) : 100;

  useEffect(() => {
    if (!playing || !state) return;
    if (cursor >= total) {
      setPlaying(false);
      return;
    }
    const frameMs = tickMs / speed;
    const perStep = Math.max(1, Math.round(MIN_STEP_MS / frameMs));
    const timer = setTimeout(() => setCursor((c) => Math.min(total, c + perStep)), Math.max(MIN_STEP_MS, frameMs));
    return () => clearTimeout(timer);
  }, [playing, state, cursor, total, tickMs, speed]);

  /** Resolves with an error message, or null once the file plays. */
  const load = useCallback(async (file: File): Promise<string | null> => {
    let text: string;
    try {
      text = await file.text();
    } catch {
      return `Could not read ${file.name}.`;
    }
    const parsed = parseRecording(text);
    if (!parsed.ok) return parsed.message;
    if (parsed.recording.frames.length === 0) return `${file.name} holds no frames to replay.`;
    setState({ fileName: file.name, recording: parsed.recording });
    setCursor(0);
    setSpeed(1);
    setPlaying(true);
    return null;
  }, []);

  const close = useCallback(() => {
    setState(null);
    setPlaying(false);
    setCursor(0);
  }, []);

  const view = useMemo(() => (state ? replayView(state.recording, cursor) : null), [state, cursor]);

  const player: ReplayPlayer | null =
    state && view
      ? {
          fileName: state.fileName,
          recording: state.recording,
          cursor,
          total,
          playing,
          speed,
          view,
          play: () => {
            if (cursor >= total) setCursor(0);
            setPlaying(true);
          },
          pause: () => setPlaying(false),
          setSpeed,
          seek: (next: number) => setCursor(Math.max(0, Math.min(total, Math.round(next)))),
        }
      : null;

  return { player, load, close };
}

function tickOf(recording: Recording): number {
  const fromScenario = recording.scenario.tickMs;
  if (typeof fromScenario === "number" && fromScenario > 0) return fromScenario;
  const [a, b] = recording.frames;
  return a && b && b.t > a.t ? b.t - a.t : 100;
}

/** The recorded run as it stood after `cursor` frames. */
export function replayView(recording: Recording, cursor: number, wallNow = Date.now()): LabView {
  const frames = recording.frames.slice(0, cursor);
  const done = cursor >= recording.frames.length;
  const last = frames[frames.length - 1];
  // The run's clock: the end of the last window shown.
  const nowMs = last ? last.t + tickOf(recording) : 0;
  // Wall-clock stamps that make "running for 2.3 s" read the replay's position, not the recording's date.
  const startedAt = wallNow - nowMs;
  const base = { runId: REPLAY_RUN_ID, scenario: recording.scenario, meta: recording.meta, startedAt };
  const run: WireRunState = done
    ? {
        status: "finished",
        ...base,
        endedAt: startedAt + (recording.report?.durationMs ?? nowMs),
        // A run stopped by hand replays as stopped: its report says when.
        ...(recording.report?.stopped ? { stopped: recording.report.stopped } : {}),
      }
    : { status: "running", ...base };
  const log = done ? recording.log : recording.log.filter((entry) => entry.atMs <= nowMs);
  // Node states as the timeline had them at this point; "since" on the replay's clock, so "crashed
  // for 2 s" means two seconds of the replayed run, not the day the file was saved.
  let nodes: WireNode[] | null = null;
  for (const entry of recording.nodes) {
    if (nodes !== null && entry.atMs > nowMs) break;
    const previous: WireNode[] | null = nodes;
    nodes = entry.nodes.map((node): WireNode => {
      const before = previous?.find((candidate) => candidate.id === node.id);
      const since = before && before.state === node.state ? before.since : previous ? startedAt + entry.atMs : startedAt;
      return { ...node, since };
    });
  }
  const recorded = recording.alarms ?? [];
  const alarms = done ? recorded : recorded.filter((alarm) => alarm.atMs <= nowMs);
  return { run, frames, log, report: done ? recording.report : null, nodes, alarms, previous: recording.previous ?? null };
}
