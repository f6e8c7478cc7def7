"use client";

/**
 * The live charts: what the crowd got, what the database went through, how long answers took and
 * what the locks did — per tick, converted to per second, never cumulative. Every annotation
 * (faults, node toggles, expiries, crowds) is a vertical line on every chart.
 */
import { memo, useEffect, useMemo, useRef, useState, type ReactElement, type ReactNode } from "react";
import {
  Area,
  AreaChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { TickFrame } from "@/lib/report";
import { shortLabel, toChartRows, type ChartRow } from "./chart-data";
import { OKABE_ITO, OUTCOME_COLORS, SERIES_GREY, SERIES_ORANGE, SERIES_SKY_BLUE, SERIES_YELLOW } from "./palette";

export interface ChartAnnotation {
  /** Ms since t = 0. */
  atMs: number;
  label: string;
}

export interface LiveChartsProps {
  /** The run's frames, oldest first. */
  frames: readonly TickFrame[];
  /** The run's tick, ms: per-tick counts × 1000 / tickMs = per second. */
  tickMs: number;
  /** The database's capacity (queries at once), drawn as a line on the in-flight chart. */
  dbCapacity: number;
  annotations: readonly ChartAnnotation[];
  /** Chart height in px. @default 240 */
  height?: number;
}

// Theme colours come from Tailwind's variables (the light theme remaps them): ticks take the
// wrapper's text colour, the grid and the annotation labels take classes.
const AXIS_TICK = { fill: "currentColor", fontSize: 14 };
const AXIS_LINE = "currentColor";
const ANNOTATION = "currentColor";

/**
 * Six recharts charts cost real main-thread time per redraw, so they redraw a few times a second at
 * most (see {@link useThrottledRedraw}; the numbers are per tick either way) and not at all when
 * nothing changed: the component is memoised, so a parent's clock tick does not redraw them.
 */
export const LiveCharts = memo(function LiveCharts({ frames, tickMs, dbCapacity, annotations, height = 240 }: LiveChartsProps) {
  // This component renders on every frame; the charts below only when the throttled rows change.
  const shown = useThrottledRedraw(frames);
  const rows = useMemo(() => toChartRows(shown, tickMs), [shown, tickMs]);
  return <ChartGrid rows={rows} dbCapacity={dbCapacity} annotations={annotations} height={height} />;
});

const ChartGrid = memo(function ChartGrid({
  rows,
  dbCapacity,
  annotations,
  height,
}: {
  rows: ChartRow[];
  dbCapacity: number;
  annotations: readonly ChartAnnotation[];
  height: number;
}) {
  // The x axis runs from t = 0 to the last frame or the last annotation, whichever is later.
  const lastS = Math.max(rows.at(-1)?.s ?? 0, ...annotations.map((a) => a.atMs / 1000), 1);
  const xDomain = useMemo(() => [0, lastS] as const, [lastS]);
  const notes = useMemo(() => layoutNotes(annotations, lastS), [annotations, lastS]);
  const dots = useMemo(
    () => ({
      hitPct: isolatedDot(rows, "hitPct", OKABE_ITO.bluishGreen),
      p50: isolatedDot(rows, "p50", SERIES_SKY_BLUE),
      p99: isolatedDot(rows, "p99", SERIES_ORANGE),
    }),
    [rows],
  );
  const inFlightDomain = useMemo((): AxisDomain => [0, (max: number) => Math.max(max, dbCapacity * 1.2)], [dbCapacity]);
  const capacityLabel = useMemo(
    () => ({ value: `capacity ${dbCapacity}`, position: "insideBottomRight" as const, fill: SERIES_YELLOW, fontSize: 14 }),
    [dbCapacity],
  );

  const common = { rows, xDomain, notes, height };
  return (
    <section aria-label="Live charts" data-testid="live-charts" className="grid gap-4 lg:grid-cols-2 2xl:grid-cols-3">
      <ChartCard title="Requests per second, by outcome" testId="chart-requests" {...common}>
        {(axes) => (
          <AreaChart data={rows} margin={MARGIN}>
            {axes("req/s")}
            <Area dataKey="hit" name="hit" stackId="o" type="stepAfter" stroke={OUTCOME_COLORS.hit} fill={OUTCOME_COLORS.hit} fillOpacity={0.75} legendType="square" isAnimationActive={false} />
            <Area dataKey="stale" name="stale" stackId="o" type="stepAfter" stroke={OUTCOME_COLORS.stale} fill={OUTCOME_COLORS.stale} fillOpacity={0.75} legendType="square" isAnimationActive={false} />
            <Area dataKey="miss" name="miss" stackId="o" type="stepAfter" stroke={OUTCOME_COLORS.miss} fill={OUTCOME_COLORS.miss} fillOpacity={0.75} legendType="square" isAnimationActive={false} />
            <Area dataKey="error" name="error" stackId="o" type="stepAfter" stroke={OUTCOME_COLORS.error} fill={OUTCOME_COLORS.error} fillOpacity={0.75} legendType="square" isAnimationActive={false} />
            <Area dataKey="timeout" name="timeout" stackId="o" type="stepAfter" stroke={OUTCOME_COLORS.timeout} fill={OUTCOME_COLORS.timeout} fillOpacity={0.75} legendType="square" isAnimationActive={false} />
          </AreaChart>
        )}
      </ChartCard>

      <ChartCard
        title="Hit ratio"
        testId="chart-hit-ratio"
        empty={rows.length > 0 && rows.every((r) => r.hitPct === null) ? "no read has ended yet" : null}
        {...common}
      >
        {(axes) => (
          <LineChart data={rows} margin={MARGIN}>
            {axes("%", Y_PERCENT)}
            <Line dataKey="hitPct" name="hit ratio %" type="stepAfter" stroke={OKABE_ITO.bluishGreen} strokeWidth={3} dot={dots.hitPct} isAnimationActive={false} />
          </LineChart>
        )}
      </ChartCard>

      <ChartCard title="Database reads per second" testId="chart-db-reads" {...common}>
        {(axes) => (
          <LineChart data={rows} margin={MARGIN}>
            {axes("reads/s")}
            <Line dataKey="dbReads" name="reads submitted" type="stepAfter" stroke={SERIES_ORANGE} strokeWidth={3} dot={false} isAnimationActive={false} />
            <Line dataKey="dbReadsFailed" name="reads failed" type="stepAfter" stroke={OKABE_ITO.vermillion} strokeWidth={2} strokeDasharray="6 3" dot={false} isAnimationActive={false} />
          </LineChart>
        )}
      </ChartCard>

      <ChartCard title={`Database queries in flight · capacity ${dbCapacity}`} testId="chart-db-inflight" {...common}>
        {(axes) => (
          <AreaChart data={rows} margin={MARGIN}>
            {axes("queries", inFlightDomain)}
            <Area dataKey="dbRunning" name="running" stackId="db" type="stepAfter" stroke={OKABE_ITO.skyBlue} fill={OKABE_ITO.skyBlue} fillOpacity={0.7} legendType="square" isAnimationActive={false} />
            <Area dataKey="dbQueued" name="queued" stackId="db" type="stepAfter" stroke={OKABE_ITO.vermillion} fill={OKABE_ITO.vermillion} fillOpacity={0.6} legendType="square" isAnimationActive={false} />
            <ReferenceLine
              y={dbCapacity}
              stroke={SERIES_YELLOW}
              strokeWidth={2}
              strokeDasharray="8 4"
              label={capacityLabel}
            />
          </AreaChart>
        )}
      </ChartCard>

      <ChartCard
        title="Latency, ms (answered requests)"
        testId="chart-latency"
        empty={rows.length > 0 && rows.every((r) => r.p50 === null) ? "no request has been answered" : null}
        {...common}
      >
        {(axes) => (
          <LineChart data={rows} margin={MARGIN}>
            {axes("ms")}
            <Line dataKey="p50" name="p50" type="stepAfter" stroke={SERIES_SKY_BLUE} strokeWidth={3} dot={dots.p50} connectNulls={false} isAnimationActive={false} />
            <Line dataKey="p99" name="p99" type="stepAfter" stroke={SERIES_ORANGE} strokeWidth={3} dot={dots.p99} connectNulls={false} isAnimationActive={false} />
          </LineChart>
        )}
      </ChartCard>

      <ChartCard title="Lock attempts per second" testId="chart-locks" {...common}>
        {(axes) => (
          <LineChart data={rows} margin={MARGIN}>
            {axes("/s")}
            <Line dataKey="lockAttempts" name="attempts" type="stepAfter" stroke={SERIES_GREY} strokeWidth={2} strokeDasharray="6 3" dot={false} isAnimationActive={false} />
            <Line dataKey="lockContended" name="contended" type="stepAfter" stroke={SERIES_YELLOW} strokeWidth={2} dot={false} isAnimationActive={false} />
            <Line dataKey="lockFailed" name="failed" type="stepAfter" stroke={OKABE_ITO.vermillion} strokeWidth={3} dot={false} isAnimationActive={false} />
            {/* Of the attempts, those that went to the lock nodes as a round: the gap to "attempts" was answered in-process. */}
            <Line dataKey="lockRounds" name="rounds" type="stepAfter" stroke={OKABE_ITO.blue} strokeWidth={3} dot={false} isAnimationActive={false} />
            {/* Grants are rare next to contention: a dot marks every tick that had one. */}
            <Line dataKey="lockAcquired" name="acquired" type="stepAfter" stroke={OKABE_ITO.bluishGreen} strokeWidth={3} dot={AcquiredDot} isAnimationActive={false} />
          </LineChart>
        )}
      </ChartCard>
    </section>
  );
});

/** Bounds of the charts' redraw interval while frames stream in, ms. */
const REDRAW_MIN_MS = 250;
const REDRAW_MAX_MS = 2000;
/** The charts may take at most 1 / DUTY_FACTOR of the main thread: interval = DUTY_FACTOR × cost. */
const DUTY_FACTOR = 4;

/**
 * `value`, updated at most every few hundred ms — how often depends on what a redraw costs on this
 * machine (measured: from the update until the browser is free again). Six recharts charts take
 * tens of ms on a laptop and several hundred on a loaded 2-core box, where the lab itself needs the
 * CPU: the interval stretches so the charts never take more than a quarter of the main thread.
 * The latest value always lands, at most one interval late.
 */
function useThrottledRedraw<T>(value: T): T {
  const [shown, setShown] = useState(value);
  const lastAt = useRef(0);
  const startedAt = useRef<number | null>(null);
  const costMs = useRef(REDRAW_MIN_MS / DUTY_FACTOR);

  useEffect(() => {
    const interval = Math.min(REDRAW_MAX_MS, Math.max(REDRAW_MIN_MS, costMs.current * DUTY_FACTOR));
    const show = () => {
      lastAt.current = performance.now();
      startedAt.current = lastAt.current;
      setShown(value);
    };
    const wait = lastAt.current + interval - performance.now();
    if (wait <= 0) {
      show();
      return;
    }
    const timer = setTimeout(show, wait);
    return () => clearTimeout(timer);
  }, [value]);

  // After a redraw commits: once the browser has painted and run what was queued, the redraw is done.
  useEffect(() => {
    const started = startedAt.current;
    if (started === null) return;
    startedAt.current = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => {
        costMs.current = 0.7 * costMs.current + 0.3 * (performance.now() - started);
      }, 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [shown]);

  return shown;
}

const MARGIN = { top: 22, right: 16, bottom: 4, left: 4 };

type AxisDomain = readonly [number, number | "auto" | ((max: number) => number)];
const Y_AUTO: AxisDomain = [0, "auto"];
const Y_PERCENT: AxisDomain = [0, 100];
const KEEP_ORDER = () => 0;
const TOOLTIP_STYLE = { background: "var(--color-slate-900)", border: "1px solid var(--color-slate-700)", borderRadius: 8, fontSize: 14 };
const TOOLTIP_LABEL_STYLE = { color: "var(--color-slate-200)" };
const LEGEND_STYLE = { fontSize: 15, color: "var(--color-slate-300)" };
const formatSeconds = (s: number) => `${round1(s)} s`;
const formatTooltipLabel = (s: unknown) => `t = ${round1(Number(s))} s`;

type TooltipFormatter = (value: unknown, name: unknown) => [string, string];
const tooltipFormatters = new Map<string, TooltipFormatter>();
/** One formatter per unit, made once, so the tooltip's props stay equal between redraws. */
function tooltipFormatter(unit: string): TooltipFormatter {
  let formatter = tooltipFormatters.get(unit);
  if (!formatter) {
    formatter = (value, name) => [value === null || value === undefined ? "—" : `${compact(Number(value))} ${unit}`, String(name)];
    tooltipFormatters.set(unit, formatter);
  }
  return formatter;
}

interface CardProps {
  title: string;
  testId: string;
  rows: ChartRow[];
  xDomain: readonly [number, number];
  notes: Note[];
  height: number;
  /** Shown over the chart when there is nothing to draw. */
  empty?: string | null;
  /** Renders the chart; `axes(unit, domain?)` gives the shared axes, grid, tooltip, legend and annotations. */
  children(axes: (unit: string, domain?: AxisDomain) => ReactNode): ReactNode;
}

function ChartCard({ title, testId, rows, xDomain, notes, height, empty, children }: CardProps) {
  // Every prop below is stable across redraws: recharts re-registers an axis or a reference line
  // whose props changed, and that costs more than drawing the points.
  const axes = (unit: string, domain: AxisDomain = Y_AUTO) => [
    <CartesianGrid key="grid" strokeDasharray="3 3" />,
    <XAxis key="x" dataKey="s" type="number" domain={xDomain} allowDecimals tick={AXIS_TICK} tickFormatter={formatSeconds} stroke={AXIS_LINE} />,
    <YAxis key="y" tick={AXIS_TICK} width={56} stroke={AXIS_LINE} domain={domain} allowDecimals={false} tickFormatter={compact} />,
    <Tooltip
      key="tooltip"
      isAnimationActive={false}
      itemSorter={KEEP_ORDER}
      contentStyle={TOOLTIP_STYLE}
      labelStyle={TOOLTIP_LABEL_STYLE}
      labelFormatter={formatTooltipLabel}
      formatter={tooltipFormatter(unit)}
    />,
    <Legend key="legend" wrapperStyle={LEGEND_STYLE} iconSize={14} itemSorter={null} />,
    ...notes.map((note, i) => (
      <ReferenceLine
        key={`note-${i}`}
        x={note.s}
        className="lab-note"
        stroke={ANNOTATION}
        strokeOpacity={0.7}
        strokeDasharray="4 3"
        ifOverflow="extendDomain"
        label={note.render}
      />
    )),
  ];
  return (
    <figure data-testid={testId} data-points={rows.length} className="flex flex-col gap-1 rounded-2xl border border-slate-800 bg-slate-900/50 p-3">
      <figcaption className="px-1 text-lg font-semibold text-slate-200">{title}</figcaption>
      <div
        className="relative text-slate-400 [&_.lab-note]:text-slate-300 [&_.recharts-cartesian-grid_line]:stroke-slate-800"
        style={{ height }}
      >
        <ResponsiveContainer width="100%" height={height}>
          {children(axes) as ReactElement}
        </ResponsiveContainer>
        {empty && (
          <p className="pointer-events-none absolute inset-x-0 top-1/3 text-center text-lg text-slate-500">{empty}</p>
        )}
      </div>
    </figure>
  );
}

interface Note {
  s: number;
  label: string;
  short: string;
  /** Label row from the top, or null when every row is taken at this time. */
  row: number | null;
  /** Near the right edge the label goes to the left of its line. */
  anchor: "start" | "end";
  /** The reference line's label, made once per layout. */
  render: (props: { viewBox?: { x?: number; y?: number } }) => ReactElement;
}

/** Rows for the labels, greedily: each goes in the first row where it clears the previous label. */
function layoutNotes(annotations: readonly ChartAnnotation[], lastS: number): Note[] {
  // Estimated in seconds of the x axis, for a plot about 420 px wide and 7 px per character.
  const secondsPerPx = lastS / 420;
  const rowsEnd: number[] = [];
  return [...annotations]
    .sort((a, b) => a.atMs - b.atMs)
    .map((a) => {
      const s = a.atMs / 1000;
      const short = shortLabel(a.label);
      const anchor = s > lastS * 0.7 ? ("end" as const) : ("start" as const);
      const width = (short.length * 7 + 10) * secondsPerPx;
      const [from, to] = anchor === "start" ? [s, s + width] : [s - width, s];
      let row: number | null = rowsEnd.findIndex((end) => end < from);
      if (row === -1) row = rowsEnd.length < MAX_NOTE_ROWS ? rowsEnd.length : null;
      // With every row taken here the line stays, unlabelled (its words are in the tooltip and the log).
      if (row !== null) rowsEnd[row] = Math.max(rowsEnd[row] ?? Number.NEGATIVE_INFINITY, to);
      const at = row;
      const render = (props: { viewBox?: { x?: number; y?: number } }) =>
        at === null ? (
          <g>
            <title>{a.label}</title>
          </g>
        ) : (
          <NoteLabel viewBox={props.viewBox} text={short} full={a.label} row={at} anchor={anchor} />
        );
      return { s, label: a.label, short, row, anchor, render };
    });
}

const MAX_NOTE_ROWS = 4;

/** An annotation's short label at the top of its line, in its row. */
function NoteLabel({ viewBox, text, full, row, anchor }: { viewBox?: { x?: number; y?: number }; text: string; full: string; row: number; anchor: "start" | "end" }) {
  const x = viewBox?.x ?? 0;
  const y = (viewBox?.y ?? 0) + 2 + row * 15;
  return (
    <text
      x={anchor === "start" ? x + 4 : x - 4}
      y={y}
      dy={10}
      textAnchor={anchor}
      className="fill-slate-200 stroke-slate-950"
      fontSize={13}
      fontWeight={600}
      paintOrder="stroke"
      strokeWidth={3}
    >
      <title>{full}</title>
      {text}
    </text>
  );
}

type SparseKey = "hitPct" | "p50" | "p99";

/**
 * A dot for a value with no neighbour (a window with answers between windows without): a step line
 * draws nothing for a lone point, and a lone point is exactly what a stalled crowd produces.
 */
function isolatedDot(rows: readonly ChartRow[], key: SparseKey, color: string) {
  return function IsolatedDot(props: { cx?: number; cy?: number; index?: number }) {
    const i = props.index ?? -1;
    const alone = rows[i]?.[key] != null && rows[i - 1]?.[key] == null && rows[i + 1]?.[key] == null;
    if (!alone || props.cx == null || props.cy == null) return <g key={i} />;
    return <circle key={i} cx={props.cx} cy={props.cy} r={4} fill={color} />;
  };
}

function AcquiredDot(props: { cx?: number; cy?: number; value?: number | null; index?: number }) {
  if (!props.value || props.cx === undefined || props.cy === undefined) return <g key={props.index} />;
  return <circle key={props.index} cx={props.cx} cy={props.cy} r={5} fill={OKABE_ITO.bluishGreen} className="stroke-slate-950" strokeWidth={1.5} />;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** 12, 1.5k, 12k: short y ticks for a projector. */
function compact(n: number): string {
  if (!Number.isFinite(n)) return "";
  const abs = Math.abs(n);
  if (abs >= 10_000) return `${Math.round(n / 1000)}k`;
  if (abs >= 1000) return `${round1(n / 1000)}k`;
  return `${round1(n)}`;
}
