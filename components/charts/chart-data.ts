/**
 * Frames → chart rows: per-tick counts become rates per second (value × 1000 / tickMs), never
 * running totals. Long runs are thinned to at most `maxPoints` rows by merging neighbouring ticks,
 * so the browser draws the same few hundred points whatever the run's length.
 */
import type { TickFrame } from "@/lib/report";

export interface ChartRow {
  /** Start of the window, seconds since t = 0. */
  s: number;
  hit: number;
  stale: number;
  miss: number;
  error: number;
  timeout: number;
  /** Hits over reads that ended, 0–100; null when none ended. */
  hitPct: number | null;
  dbReads: number;
  dbReadsFailed: number;
  /** Queries running in the database (in flight minus queued), at the window's end. */
  dbRunning: number;
  dbQueued: number;
  dbInFlight: number;
  p50: number | null;
  p99: number | null;
  lockAttempts: number;
  lockAcquired: number;
  lockContended: number;
  lockFailed: number;
  /** Lock attempts sent to the nodes as rounds of their own (the rest were answered in-process). */
  lockRounds: number;
}

/**
 * Frames sorted by `t`, one per window. The server may send a frame late (it waits for the lock
 * observer's reading, and a slow reading lets the next frame overtake it), so arrival order is not
 * time order. For two frames of one window the later arrival wins. Returns the input when it is
 * already in order (the usual case), so memoised consumers see the same array.
 */
export function inTimeOrder<T extends { t: number }>(frames: readonly T[]): readonly T[] {
  let ordered = true;
  for (let i = 1; i < frames.length; i++) {
    if (frames[i]!.t <= frames[i - 1]!.t) {
      ordered = false;
      break;
    }
  }
  if (ordered) return frames;
  const byT = new Map<number, T>();
  for (const frame of frames) byT.set(frame.t, frame);
  return [...byT.values()].sort((a, b) => a.t - b.t);
}

/** @default maxPoints 600 */
export function toChartRows(unordered: readonly TickFrame[], tickMs: number, maxPoints = 600): ChartRow[] {
  const frames = inTimeOrder(unordered);
  if (frames.length === 0 || tickMs <= 0) return [];
  const group = Math.max(1, Math.ceil(frames.length / maxPoints));
  const rows: ChartRow[] = [];
  for (let i = 0; i < frames.length; i += group) rows.push(row(frames.slice(i, i + group), tickMs));
  return rows;
}

/**
 * One row from one or more consecutive frames: counts summed and divided by the time they cover;
 * gauges (in flight, queued) taken from the last frame; p50 averaged and p99 the worst of them.
 */
function row(frames: readonly TickFrame[], tickMs: number): ChartRow {
  const first = frames[0]!;
  const last = frames.at(-1)!;
  const perSecond = (pick: (f: TickFrame) => number) => round((frames.reduce((sum, f) => sum + pick(f), 0) * 1000) / (tickMs * frames.length));
  const sum = (pick: (f: TickFrame) => number) => frames.reduce((s, f) => s + pick(f), 0);
  const hits = sum((f) => f.hits);
  const ended = sum((f) => f.hits + f.misses + f.staleServed + f.errors + f.timeouts);
  const p50s = frames.flatMap((f) => (f.latencyP50 === null ? [] : [f.latencyP50]));
  const p99s = frames.flatMap((f) => (f.latencyP99 === null ? [] : [f.latencyP99]));
  // A single frame's own ratio is the collector's; merged frames recompute it from their counts.
  const hitPct = frames.length === 1 ? (first.hitRatio === null ? null : first.hitRatio * 100) : ended > 0 ? (100 * hits) / ended : null;
  return {
    s: first.t / 1000,
    hit: perSecond((f) => f.hits),
    stale: perSecond((f) => f.staleServed),
    miss: perSecond((f) => f.misses),
    error: perSecond((f) => f.errors),
    timeout: perSecond((f) => f.timeouts),
    hitPct: hitPct === null ? null : round(hitPct),
    dbReads: perSecond((f) => f.dbReads),
    dbReadsFailed: perSecond((f) => f.dbReadsFailed),
    dbRunning: Math.max(0, last.dbInFlight - last.dbQueued),
    dbQueued: last.dbQueued,
    dbInFlight: last.dbInFlight,
    p50: p50s.length === 0 ? null : round(p50s.reduce((a, b) => a + b, 0) / p50s.length),
    p99: p99s.length === 0 ? null : Math.max(...p99s),
    lockAttempts: perSecond((f) => f.lockAttempts),
    lockAcquired: perSecond((f) => f.lockAcquired),
    lockContended: perSecond((f) => f.lockContended),
    lockFailed: perSecond((f) => f.lockFailed),
    // Recordings saved before rounds were counted have none.
    lockRounds: perSecond((f) => f.lockRounds ?? 0),
  };
}

const round = (n: number) => Math.round(n * 100) / 100;

/** "crash lock-2" stays; a long label is cut to `max` characters with an ellipsis. */
export function shortLabel(label: string, max = 18): string {
  return label.length <= max ? label : `${label.slice(0, max - 1)}…`;
}
