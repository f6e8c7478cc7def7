"use client";

/**
 * Lock lanes: one horizontal lane per lock node over the last 30 s, coloured by who the observer
 * found holding the hot key's lock on that node at each tick — grey when free, hatched only when the
 * node really did not answer (refused, or silent); a late reading keeps the node's last answer, dimmed. When the nodes hold different values at one time (a split vote's leftovers,
 * or a second grant after a node restarted empty), a marker spans the lanes at that time. A safety
 * alarm is a red line across every lane at its time, and the two holders of the marked alarm (the
 * latest two-holders one) are ringed in their alarm colours, A and B.
 */
import { memo, type CSSProperties } from "react";
import type { WireAlarm } from "@/lib/protocol";
import type { TickFrame } from "@/lib/report";
import { KIND_WORDS, kindOf, markedAlarm, runTime, SIDE_COLORS, sidesOf, type Side } from "../alarm/alarm";
import { SideBadge } from "../alarm/alarm-banner";
import { inTimeOrder } from "../charts/chart-data";
import { SERIES_YELLOW } from "../charts/palette";
import { FREE_COLOR, holderColors, holderShortLabel, NO_ANSWER_HATCH, SPLIT_TAPE, UNCONFIRMED_HELP } from "./holder";

export interface LockLanesProps {
  /** The run's frames, oldest first. */
  frames: readonly TickFrame[];
  /** The lanes, top to bottom: e.g. lock-1 … lock-5. */
  lockNodeIds: readonly string[];
  /** The run's tick, ms: each frame covers [t, t + tickMs). */
  tickMs: number;
  /** How much history to show, ms. @default 30000 */
  windowMs?: number;
  /** The run's safety alarms, oldest first. */
  alarms?: readonly WireAlarm[];
}

/** `late`: the node's last answer, older than the tick allows (the observer was behind, the node was not silent). */
type Cell = { kind: "held"; holder: string; late: boolean } | { kind: "free"; late: boolean } | { kind: "no-answer"; why?: "refused" | "silent" };

interface Segment {
  start: number;
  end: number;
  cell: Cell;
}

const keyOf = (cell: Cell) =>
  cell.kind === "held" ? `held:${cell.holder}:${cell.late}` : cell.kind === "free" ? `free:${cell.late}` : `no-answer:${cell.why}`;

function cellOf(lock: TickFrame["locks"][number]): Cell | null {
  const late = lock.answer === "late";
  // Late with no answer yet: nothing is known, and silence is not proven either.
  if (late && !lock.reachable) return null;
  if (!lock.reachable) return lock.answer === undefined ? { kind: "no-answer" } : { kind: "no-answer", why: lock.answer === "refused" ? "refused" : "silent" };
  return lock.holder === null ? { kind: "free", late } : { kind: "held", holder: lock.holder, late };
}

const NO_ALARMS: readonly WireAlarm[] = [];
const ALARM_RED = "#f43f5e";

export const LockLanes = memo(function LockLanes({ frames: unordered, lockNodeIds, tickMs, windowMs = 30_000, alarms = NO_ALARMS }: LockLanesProps) {
  const frames = inTimeOrder(unordered);
  const last = frames.at(-1);
  const lastEnd = last ? last.t + tickMs : 0;
  // The window starts at t = 0 until the run is longer than the window, then slides.
  const windowEnd = Math.max(windowMs, lastEnd);
  const windowStart = windowEnd - windowMs;
  const visible = frames.filter((f) => f.t + tickMs > windowStart && f.locks.length > 0);

  const lanes = lockNodeIds.map((nodeId) => ({
    nodeId,
    segments: merge(
      visible.flatMap((frame) => {
        const lock = frame.locks.find((l) => l.nodeId === nodeId);
        const cell = lock ? cellOf(lock) : null;
        return cell ? [{ start: frame.t, end: frame.t + tickMs, cell }] : [];
      }),
      tickMs,
    ),
  }));

  // Ticks at which the answering nodes held more than one distinct lock value.
  const splits = mergeSpans(
    visible
      .filter((frame) => {
        // Fresh answers only: a late one is from another instant, so it proves no split.
        const values = new Set(
          frame.locks.filter((l) => l.reachable && l.answer !== "late" && l.value !== null && lockNodeIds.includes(l.nodeId)).map((l) => l.value),
        );
        return values.size > 1;
      })
      .map((frame) => ({ start: frame.t, end: frame.t + tickMs })),
    tickMs,
  );

  // One legend entry per colour: with every request taking the lock (the safety presets) there are
  // dozens of holders, but only one colour per instance.
  const holdersSeen = [
    ...new Map(
      lanes.flatMap((lane) => lane.segments.flatMap((s) => (s.cell.kind === "held" ? [[holderShortLabel(s.cell.holder), s.cell.holder] as const] : []))),
    ).values(),
  ].sort((a, b) => holderShortLabel(a).localeCompare(holderShortLabel(b), "en", { numeric: true }));
  const x = (ms: number) => `${((Math.max(ms, windowStart) - windowStart) / windowMs) * 100}%`;
  const w = (start: number, end: number) => `${((Math.min(end, windowEnd) - Math.max(start, windowStart)) / windowMs) * 100}%`;
  const axis = axisTicks(windowStart, windowEnd);
  const alarmsShown = alarms.filter((a) => a.atMs >= windowStart && a.atMs <= windowEnd);
  const marked = markedAlarm(alarms);
  const sideOf = new Map<string, Side>();
  if (marked) for (const side of sidesOf(marked.violation)) if (!sideOf.has(side.holder)) sideOf.set(side.holder, side.side);

  return (
    <section aria-label="Who held the lock, per node, over the last 30 seconds" data-testid="lock-lanes" className="flex flex-col gap-2">
      <div className="flex flex-wrap items-baseline justify-between gap-x-6 gap-y-1">
        <h3 className="text-sm font-semibold uppercase tracking-[0.2em] text-slate-400">
          Who held the lock · last {Math.round(windowMs / 1000)} s
        </h3>
        <Legend holders={holdersSeen} marked={marked} />
      </div>

      <div className="grid grid-cols-[6rem_minmax(0,1fr)] gap-x-3 gap-y-1.5">
        {/* The split marker track: empty unless the nodes disagreed. */}
        <span className="self-center text-right text-sm font-semibold text-slate-400">holders</span>
        <div className="relative h-7 rounded bg-slate-900/60" data-testid="lock-lanes-splits" data-count={splits.length}>
          {splits.map((s) => (
            <div
              key={s.start}
              className="absolute inset-y-0 flex items-center overflow-hidden rounded-sm whitespace-nowrap"
              style={{ left: x(s.start), width: w(s.start, s.end), minWidth: 6, ...SPLIT_TAPE }}
              title={`t = ${(s.start / 1000).toFixed(1)}–${(s.end / 1000).toFixed(1)} s: the nodes held different values`}
            >
              <span className="mx-auto rounded bg-slate-950 px-1 text-sm font-bold" style={{ color: SERIES_YELLOW }}>
                ⚠ 2+
              </span>
            </div>
          ))}
          {splits.length === 0 && alarmsShown.length === 0 && (
            <span className="absolute inset-0 flex items-center px-2 text-sm text-slate-500">one holder at a time</span>
          )}
          {alarmsShown.map((alarm, i) => (
            <div
              key={`alarm-${i}`}
              data-testid="lane-alarm"
              className="absolute inset-y-0 z-10 flex -translate-x-1/2 items-center"
              style={{ left: x(alarm.atMs) }}
              title={`${runTime(alarm.atMs)}: ${KIND_WORDS[kindOf(alarm.violation)].title}`}
            >
              <span className="rounded px-1 text-sm font-black whitespace-nowrap text-white" style={{ background: ALARM_RED }}>
                ⚠
              </span>
            </div>
          ))}
        </div>

        {lanes.map((lane) => (
          <Lane key={lane.nodeId} nodeId={lane.nodeId} segments={lane.segments} splits={splits} alarms={alarmsShown} sideOf={sideOf} x={x} w={w} />
        ))}

        {/* Time axis, seconds since t = 0. */}
        <span />
        <div className="relative h-6 text-sm text-slate-400 tabular-nums" aria-hidden>
          {axis.map((t) => (
            <span key={t} className="absolute top-0 -translate-x-1/2 whitespace-nowrap" style={{ left: x(t) }}>
              <span className="mx-auto block h-1.5 w-px bg-slate-600" />
              {t / 1000} s
            </span>
          ))}
        </div>
      </div>
      {frames.length === 0 && <p className="text-lg text-slate-500">The lanes fill in as the run goes: one column per tick.</p>}
    </section>
  );
});

function Lane({
  nodeId,
  segments,
  splits,
  alarms,
  sideOf,
  x,
  w,
}: {
  nodeId: string;
  segments: Segment[];
  splits: Array<{ start: number; end: number }>;
  alarms: readonly WireAlarm[];
  /** The marked alarm's holders: holder → A or B. */
  sideOf: ReadonlyMap<string, Side>;
  x: (ms: number) => string;
  w: (start: number, end: number) => string;
}) {
  return (
    <>
      <span className="self-center text-right font-mono text-xl font-bold">{nodeId}</span>
      <div className="relative h-10 overflow-hidden rounded bg-slate-900" data-testid={`lane-${nodeId}`}>
        {segments.map((segment) => {
          const style: CSSProperties = { left: x(segment.start), width: w(segment.start, segment.end) };
          const widthPct = parseFloat(w(segment.start, segment.end));
          if (segment.cell.kind === "no-answer") {
            return (
              <div
                key={segment.start}
                className="absolute inset-y-0 flex items-center overflow-hidden px-1.5 whitespace-nowrap"
                style={{ ...style, ...NO_ANSWER_HATCH }}
                data-cell={segment.cell.why === "refused" ? "refused" : "no-answer"}
                title={`${nodeId}: no answer${segment.cell.why === "refused" ? " — connection refused" : segment.cell.why === "silent" ? " — silent" : ""}`}
              >
                {widthPct > 9 && <span className="rounded bg-slate-950/85 px-1 text-sm font-bold text-orange-300">no answer</span>}
              </div>
            );
          }
          const lateNote = segment.cell.late ? " (late reading: its last answer)" : "";
          if (segment.cell.kind === "free") {
            return (
              <div
                key={segment.start}
                data-cell={segment.cell.late ? "late" : "free"}
                className={`absolute inset-y-2 ${segment.cell.late ? "opacity-40" : ""}`}
                style={{ ...style, background: FREE_COLOR }}
                title={`${nodeId}: free${lateNote}`}
              />
            );
          }
          const colors = holderColors(segment.cell.holder);
          const side = sideOf.get(segment.cell.holder);
          const label = `${side ? `${side} · ` : ""}${holderShortLabel(segment.cell.holder)}`;
          // An alarm's holder: ringed in its alarm colour (A or B), its letter first.
          const ring: CSSProperties = side ? { boxShadow: `inset 0 0 0 4px ${SIDE_COLORS[side].fill}, inset 0 0 0 6px #f8fafc` } : {};
          return (
            <div
              key={segment.start}
              data-side={side}
              data-cell={segment.cell.late ? "late" : "held"}
              className={`absolute inset-y-0 flex items-center overflow-hidden border-x border-slate-950/40 px-2 text-base font-bold whitespace-nowrap ${segment.cell.late ? "opacity-40" : ""}`}
              style={{ ...style, background: colors.fill, color: colors.text, ...ring }}
              title={`${nodeId}: ${segment.cell.holder === "unknown" ? UNCONFIRMED_HELP : segment.cell.holder}${side ? ` (holder ${side} in the alarm)` : ""}${lateNote}`}
            >
              {widthPct > 8 ? label : widthPct > 2.5 ? (side ?? label.replace(/^instance /, "")) : ""}
            </div>
          );
        })}
        {splits.map((s) => (
          <div
            key={`split-${s.start}`}
            aria-hidden
            className="pointer-events-none absolute inset-y-0 border-x-2"
            style={{ left: x(s.start), width: w(s.start, s.end), borderColor: "#f8fafc", borderStyle: "dashed" }}
          />
        ))}
        {alarms.map((alarm, i) => (
          <div
            key={`alarm-${i}`}
            aria-hidden
            className="pointer-events-none absolute inset-y-0 w-[3px] -translate-x-1/2"
            style={{ left: x(alarm.atMs), background: ALARM_RED }}
          />
        ))}
      </div>
    </>
  );
}

function Legend({ holders, marked }: { holders: string[]; marked: WireAlarm | undefined }) {
  return (
    <ul className="flex flex-wrap items-center gap-x-4 gap-y-1 text-base text-slate-300">
      {marked &&
        sidesOf(marked.violation).map((side) => (
          <li key={side.side} className="flex items-center gap-1.5 font-semibold" data-testid={`lanes-side-${side.side}`} data-holder={side.holder}>
            <SideBadge side={side.side} size="sm" />
            {side.label}
          </li>
        ))}
      {marked && (
        <li className="flex items-center gap-1.5">
          <span aria-hidden className="inline-block h-4 w-[3px]" style={{ background: ALARM_RED }} />
          safety alarm
        </li>
      )}
      {holders.map((holder) => {
        const colors = holderColors(holder);
        return (
          <li key={holder} className="flex items-center gap-1.5">
            <span aria-hidden className="inline-block size-4 rounded-sm" style={{ background: colors.fill }} />
            {holderShortLabel(holder)}
          </li>
        );
      })}
      <li className="flex items-center gap-1.5">
        <span aria-hidden className="inline-block h-2 w-4 rounded-sm" style={{ background: FREE_COLOR }} />
        free
      </li>
      <li className="flex items-center gap-1.5">
        <span aria-hidden className="inline-block size-4 rounded-sm" style={NO_ANSWER_HATCH} />
        no answer (down or frozen)
      </li>
      <li className="flex items-center gap-1.5">
        <span aria-hidden className="inline-block h-4 w-6 rounded-sm" style={SPLIT_TAPE} />
        different holders at once
      </li>
    </ul>
  );
}

/** Joins consecutive frames with the same reading into one segment (a gap of a missing frame splits). */
function merge(cells: Array<{ start: number; end: number; cell: Cell }>, tickMs: number): Segment[] {
  const out: Segment[] = [];
  for (const c of cells) {
    const prev = out.at(-1);
    if (prev && keyOf(prev.cell) === keyOf(c.cell) && c.start - prev.end < tickMs / 2) prev.end = c.end;
    else out.push({ ...c });
  }
  return out;
}

function mergeSpans(spans: Array<{ start: number; end: number }>, tickMs: number): Array<{ start: number; end: number }> {
  const out: Array<{ start: number; end: number }> = [];
  for (const s of spans) {
    const prev = out.at(-1);
    if (prev && s.start - prev.end < tickMs / 2) prev.end = s.end;
    else out.push({ ...s });
  }
  return out;
}

/** Round seconds across the window: every 5 s for 30 s, scaled for other windows. */
function axisTicks(start: number, end: number): number[] {
  const span = end - start;
  const steps = [1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000];
  const step = steps.find((s) => span / s <= 8) ?? 600_000;
  const ticks: number[] = [];
  for (let t = Math.ceil(start / step) * step; t <= end; t += step) ticks.push(t);
  return ticks;
}
