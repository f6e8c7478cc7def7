"use client";

/**
 * The live charts: what the crowd got, what the database went through, how long answers took and
 * what the locks did. Rates divide each window's count by the time it really lasted; DB reads and
 * lock grants are counts per window (bars), with their totals in the title — the stories speak in
 * counts. Every annotation (faults, node toggles, expiries, crowds) is a vertical line on every
 * chart. The pieces (rows, cards, axes, notes) are exported for views that draw runs side by side.
 */
import { memo, useEffect, useMemo, useRef, useState, type ReactElement, type ReactNode } from "react";
import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { CHART_IDS, type ChartId } from "@/lib/charts";
import type { TickFrame } from "@/lib/report";
import { chartTotals, shortLabel, toChartRows, windowLabel, type ChartRow, type ChartTotals } from "./chart-data";
import { OKABE_ITO, OUTCOME_COLORS, SERIES_GREY, SERIES_ORANGE, SERIES_SKY_BLUE, SERIES_YELLOW } from "./palette";

export interface ChartAnnotation {
  /** Ms since t = 0. */
  atMs: number;
  label: string;
}

export interface LiveChartsProps {
  /** The run's frames, oldest first. */
  frames: readonly TickFrame[];
  /** The run's tick, ms: the nominal window, and the length of a frame that does not say its own. */
  tickMs: number;
  /** The database's capacity (queries at once), drawn as a line on the in-flight chart. */
  dbCapacity: number;
  annotations: readonly ChartAnnotation[];
  /** Which charts, in this order. @default every chart, in CHART_IDS order */
  charts?: readonly ChartId[];
  /** Stage size: bigger titles, two charts side by side (presenter mode's charts in view). */
  stage?: boolean;
  /**
   * False when the run reads no cache (lockedWork "increment": every request is a locked
   * read-modify-write), so the hit ratio says so instead of drawing 0 %. @default true
   */
  cacheInUse?: boolean;
  /** Chart height in px. @default 240 (230 on the stage, where two fit beside the grid in 1080 px) */
  height?: number;
  /** @default "live-charts" */
  testId?: string;
}

/**
 * Type sizes, px. Every tick, legend entry and label is at least 18 px: the charts are read from
 * the back of a room, and 18 px is what a projector keeps legible there.
 */
export const CHART_TYPE = { tick: 18, legend: 18, note: 18, tooltip: 16 } as const;

// Theme colours come from Tailwind's variables (the light theme remaps them): ticks take the
// wrapper's text colour, the grid and the annotation labels take classes.
const AXIS_TICK = { fill: "currentColor", fontSize: CHART_TYPE.tick };
const AXIS_LINE = "currentColor";
const ANNOTATION = "currentColor";

/**
 * Six recharts charts cost real main-thread time per redraw, so they redraw a few times a second at
 * most (see {@link useThrottledRedraw}) and not at all when nothing changed: the component is
 * memoised, so a parent's clock tick does not redraw them.
 */
export const LiveCharts = memo(function LiveCharts({
  frames,
  tickMs,
  dbCapacity,
  annotations,
  charts = CHART_IDS,
  stage = false,
  cacheInUse = true,
  height,
  testId = "live-charts",
}: LiveChartsProps) {
  // This component renders on every frame; the charts below only when the throttled rows change.
  const shown = useThrottledRedraw(frames);
  const rows = useMemo(() => toChartRows(shown, tickMs), [shown, tickMs]);
  const totals = useMemo(() => chartTotals(shown, tickMs), [shown, tickMs]);
  if (charts.length === 0) return null;
  return (
    <ChartGrid
      rows={rows}
      totals={totals}
      dbCapacity={dbCapacity}
      annotations={annotations}
      height={height ?? (stage ? 230 : 240)}
      charts={charts}
      stage={stage}
      cacheInUse={cacheInUse}
      testId={testId}
    />
  );
});

/** What a chart's title says about the DB reads: "DB reads per 100 ms window · 362 in total · 12 failed". */
export function dbReadsTitle(totals: ChartTotals): string {
  const failed = totals.dbReadsFailed > 0 ? ` · ${totals.dbReadsFailed.toLocaleString("en")} failed` : "";
  return `DB reads per ${windowLabel(totals.binMs)} window · ${totals.dbReads.toLocaleString("en")} in total${failed}`;
}

/** "Lock grants per 100 ms window · 1 in total". */
export function lockGrantsTitle(totals: ChartTotals): string {
  return `Lock grants per ${windowLabel(totals.binMs)} window · ${totals.lockAcquired.toLocaleString("en")} in total`;
}

/** Said under a count chart when some bars cover a window that closed late. */
export function mergedNote(totals: ChartTotals): string | null {
  if (totals.mergedRows === 0) return null;
  return `${totals.mergedRows === 1 ? "1 bar covers" : `${totals.mergedRows} bars cover`} more than ${windowLabel(totals.binMs)}: the machine fell behind and a window closed late`;
}

export const HIT_RATIO_SUBTITLE =
  "answers from the cache (fresh or stale) ÷ answered reads · a request that waited for the fill and then read the cache is a hit · no answers: a gap (timeouts and errors are in Requests)";

interface GridProps {
  rows: ChartRow[];
  totals: ChartTotals;
  dbCapacity: number;
  annotations: readonly ChartAnnotation[];
  height: number;
  charts: readonly ChartId[];
  stage: boolean;
  cacheInUse: boolean;
  testId: string;
}

const ChartGrid = memo(function ChartGrid({ rows, totals, dbCapacity, annotations, height, charts, stage, cacheInUse, testId }: GridProps) {
  // The x axis runs from t = 0 to the last window's end or the last annotation, whichever is later.
  const last = rows.at(-1);
  const lastS = Math.max(last ? last.s + last.windowMs / 1000 : 0, ...annotations.map((a) => a.atMs / 1000), 1);
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
    () => ({ value: `capacity ${dbCapacity}`, position: "insideBottomRight" as const, fill: SERIES_YELLOW, fontSize: CHART_TYPE.note }),
    [dbCapacity],
  );
  const anyReadFailed = totals.dbReadsFailed > 0;
  const common = { rows, xDomain, notes, height, stage };

  const render: Record<ChartId, () => ReactNode> = {
    requests: () => (
      <ChartCard key="requests" title="Requests per second, by outcome" subtitle="each window's count ÷ the time it really lasted" testId="chart-requests" {...common}>
        {(axes) => (
          <AreaChart data={rows} margin={MARGIN}>
            {axes({ unit: "/s" })}
            <Area dataKey="hit" name="hit" unit="/s" stackId="o" type="stepAfter" stroke={OUTCOME_COLORS.hit} fill={OUTCOME_COLORS.hit} fillOpacity={0.75} legendType="square" isAnimationActive={false} />
            <Area dataKey="stale" name="stale" unit="/s" stackId="o" type="stepAfter" stroke={OUTCOME_COLORS.stale} fill={OUTCOME_COLORS.stale} fillOpacity={0.75} legendType="square" isAnimationActive={false} />
            <Area dataKey="miss" name="miss" unit="/s" stackId="o" type="stepAfter" stroke={OUTCOME_COLORS.miss} fill={OUTCOME_COLORS.miss} fillOpacity={0.75} legendType="square" isAnimationActive={false} />
            <Area dataKey="error" name="error" unit="/s" stackId="o" type="stepAfter" stroke={OUTCOME_COLORS.error} fill={OUTCOME_COLORS.error} fillOpacity={0.75} legendType="square" isAnimationActive={false} />
            <Area dataKey="timeout" name="timeout" unit="/s" stackId="o" type="stepAfter" stroke={OUTCOME_COLORS.timeout} fill={OUTCOME_COLORS.timeout} fillOpacity={0.75} legendType="square" isAnimationActive={false} />
          </AreaChart>
        )}
      </ChartCard>
    ),
    "hit-ratio": () => (
      <ChartCard
        key="hit-ratio"
        title="Hit ratio"
        subtitle={cacheInUse ? HIT_RATIO_SUBTITLE : null}
        testId="chart-hit-ratio"
        empty={
          !cacheInUse
            ? "no cache in this story: every request is a locked read-modify-write on the database"
            : rows.length > 0 && rows.every((r) => r.hitPct === null)
              ? "no read has been answered yet"
              : null
        }
        {...common}
      >
        {(axes) => (
          <LineChart data={cacheInUse ? rows : NO_ROWS} margin={MARGIN}>
            {axes({ unit: "%", domain: Y_PERCENT, labelFormatter: hitRatioLabel })}
            <Line dataKey="hitPct" name="from the cache" unit="%" type="stepAfter" stroke={OKABE_ITO.bluishGreen} strokeWidth={3} dot={dots.hitPct} connectNulls={false} isAnimationActive={false} />
          </LineChart>
        )}
      </ChartCard>
    ),
    "db-reads": () => (
      <ChartCard key="db-reads" title={dbReadsTitle(totals)} subtitle={mergedNote(totals) ?? "a count per window, not a rate"} testId="chart-db-reads" {...common}>
        {(axes) => (
          <BarChart data={rows} margin={MARGIN} barGap={0} barCategoryGap="10%">
            {axes({ unit: "reads", xKey: "mid" })}
            <Bar dataKey="dbReads" name="reads" fill={OKABE_ITO.orange} legendType="square" minPointSize={MIN_BAR} isAnimationActive={false} />
            {anyReadFailed && <Bar dataKey="dbReadsFailed" name="failed" fill={OKABE_ITO.vermillion} legendType="square" minPointSize={MIN_BAR} isAnimationActive={false} />}
          </BarChart>
        )}
      </ChartCard>
    ),
    "db-inflight": () => (
      <ChartCard key="db-inflight" title={`Database queries in flight · capacity ${dbCapacity}`} subtitle="at each window's end" testId="chart-db-inflight" {...common}>
        {(axes) => (
          <AreaChart data={rows} margin={MARGIN}>
            {axes({ unit: "queries", domain: inFlightDomain })}
            <Area dataKey="dbRunning" name="running" stackId="db" type="stepAfter" stroke={OKABE_ITO.skyBlue} fill={OKABE_ITO.skyBlue} fillOpacity={0.7} legendType="square" isAnimationActive={false} />
            <Area dataKey="dbQueued" name="queued" stackId="db" type="stepAfter" stroke={OKABE_ITO.vermillion} fill={OKABE_ITO.vermillion} fillOpacity={0.6} legendType="square" isAnimationActive={false} />
            <ReferenceLine y={dbCapacity} stroke={SERIES_YELLOW} strokeWidth={2} strokeDasharray="8 4" label={capacityLabel} />
          </AreaChart>
        )}
      </ChartCard>
    ),
    latency: () => (
      <ChartCard
        key="latency"
        title="Latency, ms (answered requests)"
        subtitle="p50 and p99 of the requests answered in each window"
        testId="chart-latency"
        empty={rows.length > 0 && rows.every((r) => r.p50 === null) ? "no request has been answered" : null}
        {...common}
      >
        {(axes) => (
          <LineChart data={rows} margin={MARGIN}>
            {axes({ unit: " ms" })}
            <Line dataKey="p50" name="p50" unit=" ms" type="stepAfter" stroke={SERIES_SKY_BLUE} strokeWidth={3} dot={dots.p50} connectNulls={false} isAnimationActive={false} />
            <Line dataKey="p99" name="p99" unit=" ms" type="stepAfter" stroke={SERIES_ORANGE} strokeWidth={3} dot={dots.p99} connectNulls={false} isAnimationActive={false} />
          </LineChart>
        )}
      </ChartCard>
    ),
    locks: () => (
      <ChartCard
        key="locks"
        title={lockGrantsTitle(totals)}
        subtitle="bars: grants (left) · lines: attempts per second (right)"
        testId="chart-locks"
        {...common}
      >
        {(axes) => (
          <ComposedChart data={rows} margin={MARGIN_RIGHT_AXIS} barGap={0} barCategoryGap="10%">
            {axes({ unit: "grants", xKey: "mid", rightUnit: "/s" })}
            <Bar dataKey="lockAcquired" name="granted" fill={OKABE_ITO.bluishGreen} legendType="square" minPointSize={MIN_BAR} isAnimationActive={false} />
            <Line yAxisId={RATE_AXIS} dataKey="lockContended" name="found it held" unit="/s" type="stepAfter" stroke={SERIES_GREY} strokeWidth={2} strokeDasharray="6 3" dot={false} isAnimationActive={false} />
            {/* Lock requests that went to the nodes as a round of their own: the rest were answered in-process. */}
            <Line yAxisId={RATE_AXIS} dataKey="lockRounds" name="rounds" unit="/s" type="stepAfter" stroke={OKABE_ITO.blue} strokeWidth={3} dot={false} isAnimationActive={false} />
            <Line yAxisId={RATE_AXIS} dataKey="lockFailed" name="failed" unit="/s" type="stepAfter" stroke={OKABE_ITO.vermillion} strokeWidth={3} dot={false} isAnimationActive={false} />
          </ComposedChart>
        )}
      </ChartCard>
    ),
  };

  return (
    <section
      aria-label={stage ? "The beat's charts" : "Live charts"}
      data-testid={testId}
      data-charts={charts.join(" ")}
      className={stage ? "grid gap-4 md:grid-cols-2" : "grid gap-4 lg:grid-cols-2 2xl:grid-cols-3"}
    >
      {charts.map((id) => render[id]())}
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
const MARGIN_RIGHT_AXIS = { ...MARGIN, right: 4 };
/** The lock chart's second y axis: attempts per second beside the grants' counts. */
const RATE_AXIS = "rate";
const NO_ROWS: ChartRow[] = [];
/** A count of 1 among hundreds still shows as a sliver; a 0 draws nothing. Made once: a new function each redraw would re-register the bar. */
const MIN_BAR = (value: unknown) => (Number(value) > 0 ? 3 : 0);

export type AxisDomain = readonly [number, number | "auto" | ((max: number) => number)];
const Y_AUTO: AxisDomain = [0, "auto"];
const Y_PERCENT: AxisDomain = [0, 100];
const KEEP_ORDER = () => 0;
const TOOLTIP_STYLE = { background: "var(--color-slate-900)", border: "1px solid var(--color-slate-700)", borderRadius: 8, fontSize: CHART_TYPE.tooltip };
const TOOLTIP_LABEL_STYLE = { color: "var(--color-slate-200)" };
const LEGEND_STYLE = { fontSize: CHART_TYPE.legend, color: "var(--color-slate-300)" };
export const formatSeconds = (s: number) => `${round1(s)} s`;

type TooltipPayload = ReadonlyArray<{ payload?: unknown }> | undefined;
const rowOf = (payload: TooltipPayload): ChartRow | undefined => payload?.[0]?.payload as ChartRow | undefined;

/** "t = 1.2–1.3 s", and when the window closed late, that it stands for more than one tick. */
export function windowTooltipLabel(label: unknown, payload: TooltipPayload): string {
  const row = rowOf(payload);
  if (!row) return `t = ${round1(Number(label))} s`;
  const end = row.s + row.windowMs / 1000;
  return `t = ${round2(row.s)}–${round2(end)} s${row.merged ? " · closed late: the machine fell behind" : ""}`;
}

function hitRatioLabel(label: unknown, payload: TooltipPayload): string {
  const row = rowOf(payload);
  return `${windowTooltipLabel(label, payload)}${row ? ` · ${row.answered.toLocaleString("en")} answered` : ""}`;
}

/** The series' own `unit` follows the value; this only shortens it (1.5k). */
const formatTooltipValue = (value: unknown, name: unknown): [string, string] => [
  value === null || value === undefined ? "—" : compact(Number(value)),
  String(name),
];

export interface AxesOptions {
  /** The y axis's unit, in the tooltip's words. */
  unit: string;
  domain?: AxisDomain;
  /** "s" (window start) for step lines, "mid" (window middle) for bars. @default "s" */
  xKey?: "s" | "mid";
  /** A second y axis on the right (id "rate"), for series in another unit. */
  rightUnit?: string;
  labelFormatter?: (label: unknown, payload: TooltipPayload) => string;
}

export interface ChartCardProps {
  title: string;
  /** What the chart counts, in one line under the title. */
  subtitle?: string | null;
  testId: string;
  rows: readonly ChartRow[];
  xDomain: readonly [number, number];
  notes: Note[];
  height: number;
  /** Stage size: bigger title. */
  stage?: boolean;
  /** Shown over the chart when there is nothing to draw. */
  empty?: string | null;
  /** Renders the chart; `axes(options)` gives the shared axes, grid, tooltip, legend and annotations. */
  children(axes: (options: AxesOptions) => ReactNode): ReactNode;
}

export function ChartCard({ title, subtitle, testId, rows, xDomain, notes, height, stage = false, empty, children }: ChartCardProps) {
  // Every prop below is stable across redraws: recharts re-registers an axis or a reference line
  // whose props changed, and that costs more than drawing the points.
  const axes = ({ domain = Y_AUTO, xKey = "s", rightUnit, labelFormatter = windowTooltipLabel }: AxesOptions) => [
    <CartesianGrid key="grid" strokeDasharray="3 3" />,
    <XAxis key="x" dataKey={xKey} type="number" domain={xDomain} allowDecimals tick={AXIS_TICK} tickFormatter={formatSeconds} stroke={AXIS_LINE} />,
    <YAxis key="y" tick={AXIS_TICK} width={60} stroke={AXIS_LINE} domain={domain} allowDecimals={false} tickFormatter={compact} />,
    rightUnit ? (
      <YAxis key="y-right" yAxisId={RATE_AXIS} orientation="right" tick={AXIS_TICK} width={60} stroke={AXIS_LINE} domain={Y_AUTO} allowDecimals={false} tickFormatter={compact} />
    ) : null,
    <Tooltip
      key="tooltip"
      isAnimationActive={false}
      itemSorter={KEEP_ORDER}
      contentStyle={TOOLTIP_STYLE}
      labelStyle={TOOLTIP_LABEL_STYLE}
      labelFormatter={labelFormatter}
      formatter={formatTooltipValue}
    />,
    <Legend key="legend" wrapperStyle={LEGEND_STYLE} iconSize={16} itemSorter={null} />,
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
    <figure data-testid={testId} data-points={rows.length} className="flex min-w-0 flex-col gap-1 rounded-2xl border border-slate-800 bg-slate-900/50 p-3">
      <figcaption className="flex flex-col px-1">
        <span data-testid="chart-title" className={`font-semibold text-slate-100 ${stage ? "text-xl leading-tight" : "text-lg"}`}>
          {title}
        </span>
        {subtitle && (
          <span data-testid="chart-subtitle" className="text-lg leading-snug text-slate-400">
            {subtitle}
          </span>
        )}
      </figcaption>
      <div
        className="relative text-slate-400 [&_.lab-note]:text-slate-300 [&_.recharts-cartesian-grid_line]:stroke-slate-800"
        style={{ height }}
      >
        <ResponsiveContainer width="100%" height={height}>
          {children(axes) as ReactElement}
        </ResponsiveContainer>
        {empty && (
          <p className="pointer-events-none absolute inset-x-0 top-1/3 px-6 text-center text-lg text-slate-500">{empty}</p>
        )}
      </div>
    </figure>
  );
}

export interface Note {
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
export function layoutNotes(annotations: readonly ChartAnnotation[], lastS: number): Note[] {
  // Estimated in seconds of the x axis, for a plot about 480 px wide and 10 px per character.
  const secondsPerPx = lastS / 480;
  const rowsEnd: number[] = [];
  return [...annotations]
    .sort((a, b) => a.atMs - b.atMs)
    .map((a) => {
      const s = a.atMs / 1000;
      const short = shortLabel(a.label);
      const anchor = s > lastS * 0.7 ? ("end" as const) : ("start" as const);
      const width = (short.length * CHAR_PX + 10) * secondsPerPx;
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

const MAX_NOTE_ROWS = 3;
/** About how wide one character of a note label is at CHART_TYPE.note px. */
const CHAR_PX = 10;
const NOTE_ROW_PX = CHART_TYPE.note + 3;

/** An annotation's short label at the top of its line, in its row. */
function NoteLabel({ viewBox, text, full, row, anchor }: { viewBox?: { x?: number; y?: number }; text: string; full: string; row: number; anchor: "start" | "end" }) {
  const x = viewBox?.x ?? 0;
  const y = (viewBox?.y ?? 0) + 2 + row * NOTE_ROW_PX;
  return (
    <text
      x={anchor === "start" ? x + 4 : x - 4}
      y={y}
      dy={CHART_TYPE.note - 4}
      textAnchor={anchor}
      className="fill-slate-200 stroke-slate-950"
      fontSize={CHART_TYPE.note}
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

const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;

/** 12, 1.5k, 12k: short y ticks for a projector. */
export function compact(n: number): string {
  if (!Number.isFinite(n)) return "";
  const abs = Math.abs(n);
  if (abs >= 10_000) return `${Math.round(n / 1000)}k`;
  if (abs >= 1000) return `${round1(n / 1000)}k`;
  return `${round1(n)}`;
}
