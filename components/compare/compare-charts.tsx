"use client";

/**
 * The live charts' measures for two runs at once, on the run's own time line (t = 0): the earlier
 * run muted and dashed, this run solid, each line named with its run's label.
 */
import { memo, useMemo, type ReactElement } from "react";
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ChartId } from "@/lib/charts";
import { OKABE_ITO, OUTCOME_COLORS, SERIES_ORANGE, SERIES_SKY_BLUE, SERIES_YELLOW } from "../charts/palette";
import { COUNTED_FIELDS, type CountedField, type PairedField, type PairedRow, type RunLabel } from "./compare-data";

export interface CompareChartsProps {
  rows: readonly PairedRow[];
  /** The charts to draw, in this order. */
  order: readonly ChartId[];
  labels: { previous: RunLabel; current: RunLabel };
  /** Each run's totals of the fields counted per window, for the legends ("reads · beat 2 · 1 in all"). */
  totals: { previous: Record<CountedField, number>; current: Record<CountedField, number> };
  /** This run's database capacity, drawn on the in-flight chart. */
  dbCapacity: number;
  /** Chart height in px. @default 260 */
  height?: number;
}

interface Series {
  field: PairedField;
  name: string;
  color: string;
}

interface ChartDef {
  title: string;
  unit: string;
  series: Series[];
  domain?: readonly [number, number];
}

const CHARTS: Record<ChartId, ChartDef> = {
  requests: {
    title: "Requests per second: answered and failed",
    unit: "req/s",
    series: [
      { field: "served", name: "answered", color: OUTCOME_COLORS.hit },
      { field: "failed", name: "failed", color: OUTCOME_COLORS.error },
    ],
  },
  "hit-ratio": { title: "Hit ratio", unit: "%", series: [{ field: "hitPct", name: "hit ratio", color: OKABE_ITO.bluishGreen }], domain: [0, 100] },
  "db-reads": { title: "Database reads per window", unit: "reads", series: [{ field: "dbReads", name: "reads", color: SERIES_ORANGE }] },
  "db-inflight": { title: "Database queries in flight", unit: "queries", series: [{ field: "dbInFlight", name: "in flight", color: SERIES_SKY_BLUE }] },
  latency: { title: "Latency p99, ms (answered requests)", unit: "ms", series: [{ field: "p99", name: "p99", color: SERIES_ORANGE }] },
  locks: {
    title: "Lock grants and failures per window",
    unit: "",
    series: [
      { field: "lockAcquired", name: "acquired", color: OKABE_ITO.bluishGreen },
      { field: "lockFailed", name: "failed", color: OKABE_ITO.vermillion },
    ],
  },
};

const MARGIN = { top: 12, right: 16, bottom: 4, left: 4 };
const AXIS_TICK = { fill: "currentColor", fontSize: 16 };
const LEGEND_STYLE = { fontSize: 16, color: "var(--color-slate-300)" };
const TOOLTIP_STYLE = { background: "var(--color-slate-900)", border: "1px solid var(--color-slate-700)", borderRadius: 8, fontSize: 15 };
const TOOLTIP_LABEL_STYLE = { color: "var(--color-slate-200)" };
const Y_AUTO = [0, "auto"] as const;
const KEEP_ORDER = () => 0;
const formatSeconds = (s: number) => `${Math.round(s * 10) / 10} s`;
const formatTooltipLabel = (s: unknown) => `t = ${Math.round(Number(s) * 10) / 10} s`;

/** Both runs' lines, one chart per id: the earlier run muted and dashed, so this run reads first. */
export const CompareCharts = memo(function CompareCharts({ rows, order, labels, totals, dbCapacity, height = 260 }: CompareChartsProps) {
  // A count per window hides a run's one read under the other's hundreds: the legend says the total.
  const named = (series: Series, label: RunLabel, runTotals: Record<CountedField, number>) =>
    (COUNTED_FIELDS as readonly PairedField[]).includes(series.field)
      ? `${series.name} · ${label.short} · ${runTotals[series.field as CountedField].toLocaleString("en")} in all`
      : `${series.name} · ${label.short}`;
  const lastS = Math.max(rows.at(-1)?.s ?? 0, 1);
  const xDomain = useMemo(() => [0, lastS] as const, [lastS]);
  return (
    <div data-testid="compare-charts" className="grid gap-4 lg:grid-cols-2 2xl:grid-cols-3">
      {order.map((id) => {
        const chart = CHARTS[id];
        const unitOf = (value: unknown) => (value === null || value === undefined ? "—" : `${Math.round(Number(value) * 10) / 10}${chart.unit ? ` ${chart.unit}` : ""}`);
        return (
          <figure
            key={id}
            data-testid={`compare-chart-${id}`}
            data-points={rows.length}
            className="flex flex-col gap-1 rounded-2xl border border-slate-800 bg-slate-900/50 p-3"
          >
            <figcaption className="px-1 text-lg font-semibold text-slate-200">{chart.title}</figcaption>
            <div className="text-slate-400 [&_.recharts-cartesian-grid_line]:stroke-slate-800" style={{ height }}>
              <ResponsiveContainer width="100%" height={height}>
                {
                  (
                    <LineChart data={rows as PairedRow[]} margin={MARGIN}>
                      <CartesianGrid strokeDasharray="3 3" />
                      <XAxis dataKey="s" type="number" domain={xDomain} tick={AXIS_TICK} tickFormatter={formatSeconds} stroke="currentColor" />
                      <YAxis tick={AXIS_TICK} width={60} stroke="currentColor" domain={chart.domain ?? Y_AUTO} allowDecimals={false} />
                      <Tooltip
                        isAnimationActive={false}
                        itemSorter={KEEP_ORDER}
                        contentStyle={TOOLTIP_STYLE}
                        labelStyle={TOOLTIP_LABEL_STYLE}
                        labelFormatter={formatTooltipLabel}
                        formatter={(value: unknown, name: unknown) => [unitOf(value), String(name)]}
                      />
                      <Legend wrapperStyle={LEGEND_STYLE} iconSize={16} itemSorter={null} />
                      {id === "db-inflight" && (
                        <ReferenceLine
                          y={dbCapacity}
                          stroke={SERIES_YELLOW}
                          strokeWidth={2}
                          strokeDasharray="8 4"
                          label={{ value: `capacity ${dbCapacity}`, position: "insideBottomRight", fill: SERIES_YELLOW, fontSize: 15 }}
                        />
                      )}
                      {chart.series.flatMap((series) => [
                        <Line
                          key={`a-${series.field}`}
                          dataKey={`a_${series.field}`}
                          name={named(series, labels.previous, totals.previous)}
                          type="stepAfter"
                          stroke={series.color}
                          strokeOpacity={0.5}
                          strokeWidth={2.5}
                          strokeDasharray="7 5"
                          dot={false}
                          connectNulls={false}
                          isAnimationActive={false}
                          className="compare-line-previous"
                          legendType="plainline"
                        />,
                        <Line
                          key={`b-${series.field}`}
                          dataKey={`b_${series.field}`}
                          name={named(series, labels.current, totals.current)}
                          type="stepAfter"
                          stroke={series.color}
                          strokeWidth={3.5}
                          dot={false}
                          connectNulls={false}
                          isAnimationActive={false}
                          className="compare-line-current"
                          legendType="plainline"
                        />,
                      ])}
                    </LineChart>
                  ) as ReactElement
                }
              </ResponsiveContainer>
            </div>
          </figure>
        );
      })}
    </div>
  );
});
