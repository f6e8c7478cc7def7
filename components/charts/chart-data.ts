/**
 * Frames → chart rows. Rates divide each window's count by the time the window really lasted
 * (`lengthMs`), never by the nominal tick: a window that closed late holds more than one tick's
 * worth, and counts ÷ tickMs would draw that as a spike. DB reads and lock grants stay counts per
 * window, as the stories speak of them ("one DB read"), with running totals beside them.
 * Long runs are thinned to at most `maxPoints` rows by merging neighbouring windows, so the browser
 * draws the same few hundred points whatever the run's length.
 */
import type { TickFrame } from "@/lib/report";

export interface ChartRow {
  /** Start of the window, seconds since t = 0. */
  s: number;
  /** Middle of the window, seconds: where its bar stands. */
  mid: number;
  /** How long the row's window(s) really lasted, ms. */
  windowMs: number;
  /** True when a window in this row closed late and stands for several ticks (see `TickFrame.merged`). */
  merged: boolean;
  /** Requests that ended, per second, by outcome. */
  hit: number;
  stale: number;
  miss: number;
  error: number;
  timeout: number;
  /**
   * Answers that came from the cache (fresh hits and stale values) over all answered reads (those
   * plus the misses the database answered), 0–100; null when no read was answered in the window.
   * Timeouts and errors are not answers: they are in the requests chart, not here. A request that
   * waited for another's fill and then read the cache is an answer from the cache.
   */
  hitPct: number | null;
  /** The reads the ratio is taken over: hits + stale + misses in the window. */
  answered: number;
  /** DB reads submitted in the window: a count, not a rate. */
  dbReads: number;
  /** DB reads that failed (refused or timed out) in the window: a count. */
  dbReadsFailed: number;
  /** DB reads submitted from t = 0 to the end of this row. */
  dbReadsTotal: number;
  /** Queries running in the database (in flight minus queued), at the window's end. */
  dbRunning: number;
  dbQueued: number;
  dbInFlight: number;
  p50: number | null;
  p99: number | null;
  /** Lock attempts per second, by answer. */
  lockAttempts: number;
  lockContended: number;
  lockFailed: number;
  /** Failed lock attempts in the window: a count, for charts that speak in counts (the comparison). */
  lockFailedCount: number;
  /** Lock attempts sent to the nodes as rounds of their own (the rest were answered in-process). */
  lockRounds: number;
  /** Lock grants in the window: a count, not a rate. */
  lockAcquired: number;
  /** Lock grants from t = 0 to the end of this row. */
  lockAcquiredTotal: number;
}

/** What the rows add up to, and the window each bar stands for. */
export interface ChartTotals {
  dbReads: number;
  dbReadsFailed: number;
  lockAcquired: number;
  /** The nominal length of one row (tickMs × the frames merged into a row by thinning), ms. */
  binMs: number;
  /** Rows holding a window that closed late (their bars hold more than one bin's worth). */
  mergedRows: number;
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

/** How many frames go into one row so that at most `maxPoints` rows are drawn. */
export function framesPerRow(frameCount: number, maxPoints = 600): number {
  return Math.max(1, Math.ceil(frameCount / maxPoints));
}

/**
 * A frame's real length. Recordings saved before frames carried it have none: their windows are
 * taken as one tick, which is what the page assumed then.
 */
export function lengthOf(frame: TickFrame, tickMs: number): number {
  return typeof frame.lengthMs === "number" && frame.lengthMs > 0 ? frame.lengthMs : tickMs;
}

/**
 * One window's hit ratio as the chart draws it: answers from the cache (hits and stale values) over
 * answered reads, 0–100; null when no read was answered (only timeouts and errors, or nothing).
 */
export function cacheAnswerPct(frame: Pick<TickFrame, "hits" | "staleServed" | "misses">): number | null {
  const fromCache = frame.hits + frame.staleServed;
  const answered = fromCache + frame.misses;
  return answered > 0 ? (100 * fromCache) / answered : null;
}

/** @default maxPoints 600 */
export function toChartRows(unordered: readonly TickFrame[], tickMs: number, maxPoints = 600): ChartRow[] {
  const frames = inTimeOrder(unordered);
  if (frames.length === 0 || tickMs <= 0) return [];
  const group = framesPerRow(frames.length, maxPoints);
  const rows: ChartRow[] = [];
  const running = { dbReads: 0, lockAcquired: 0 };
  for (let i = 0; i < frames.length; i += group) rows.push(row(frames.slice(i, i + group), tickMs, running));
  return rows;
}

/** The totals the chart titles show: the same sums as the page's counters, from the same frames. */
export function chartTotals(unordered: readonly TickFrame[], tickMs: number, maxPoints = 600): ChartTotals {
  const frames = inTimeOrder(unordered);
  const group = framesPerRow(frames.length, maxPoints);
  let mergedRows = 0;
  for (let i = 0; i < frames.length; i += group) if (frames.slice(i, i + group).some((f) => f.merged === true)) mergedRows++;
  return {
    dbReads: frames.reduce((sum, f) => sum + f.dbReads, 0),
    dbReadsFailed: frames.reduce((sum, f) => sum + f.dbReadsFailed, 0),
    lockAcquired: frames.reduce((sum, f) => sum + f.lockAcquired, 0),
    binMs: tickMs * group,
    mergedRows,
  };
}

/**
 * One row from one or more consecutive frames: counts summed; rates divided by the time the frames
 * really covered; gauges (in flight, queued) taken from the last frame; p50 averaged and p99 the
 * worst of them.
 */
function row(frames: readonly TickFrame[], tickMs: number, running: { dbReads: number; lockAcquired: number }): ChartRow {
  const first = frames[0]!;
  const last = frames.at(-1)!;
  const windowMs = frames.reduce((sum, f) => sum + lengthOf(f, tickMs), 0);
  const sum = (pick: (f: TickFrame) => number) => frames.reduce((s, f) => s + pick(f), 0);
  const perSecond = (pick: (f: TickFrame) => number) => round((sum(pick) * 1000) / windowMs);
  const fromCache = sum((f) => f.hits + f.staleServed);
  const answered = fromCache + sum((f) => f.misses);
  const p50s = frames.flatMap((f) => (f.latencyP50 === null ? [] : [f.latencyP50]));
  const p99s = frames.flatMap((f) => (f.latencyP99 === null ? [] : [f.latencyP99]));
  const dbReads = sum((f) => f.dbReads);
  const lockAcquired = sum((f) => f.lockAcquired);
  running.dbReads += dbReads;
  running.lockAcquired += lockAcquired;
  return {
    s: first.t / 1000,
    mid: round((first.t + windowMs / 2) / 1000, 4),
    windowMs,
    merged: frames.some((f) => f.merged === true),
    hit: perSecond((f) => f.hits),
    stale: perSecond((f) => f.staleServed),
    miss: perSecond((f) => f.misses),
    error: perSecond((f) => f.errors),
    timeout: perSecond((f) => f.timeouts),
    hitPct: answered > 0 ? round((100 * fromCache) / answered) : null,
    answered,
    dbReads,
    dbReadsFailed: sum((f) => f.dbReadsFailed),
    dbReadsTotal: running.dbReads,
    dbRunning: Math.max(0, last.dbInFlight - last.dbQueued),
    dbQueued: last.dbQueued,
    dbInFlight: last.dbInFlight,
    p50: p50s.length === 0 ? null : round(p50s.reduce((a, b) => a + b, 0) / p50s.length),
    p99: p99s.length === 0 ? null : Math.max(...p99s),
    lockAttempts: perSecond((f) => f.lockAttempts),
    lockContended: perSecond((f) => f.lockContended),
    lockFailed: perSecond((f) => f.lockFailed),
    lockFailedCount: sum((f) => f.lockFailed),
    // Recordings saved before rounds were counted have none.
    lockRounds: perSecond((f) => f.lockRounds ?? 0),
    lockAcquired,
    lockAcquiredTotal: running.lockAcquired,
  };
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** "100 ms", "1.5 s": a window's length for a chart title. */
export function windowLabel(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${round(ms / 1000, 1)} s`;
}

/** "crash lock-2" stays; a long label is cut to `max` characters with an ellipsis. */
export function shortLabel(label: string, max = 18): string {
  return label.length <= max ? label : `${label.slice(0, max - 1)}…`;
}
