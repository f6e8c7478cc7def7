/**
 * Two runs side by side, as data: their chart rows paired on the run's own time line (t = 0), their
 * labels, what changed between their scenarios, and the summary's figures with the difference.
 * Pure: the compare panel draws it, tests read it.
 */
import { CHART_IDS, type ChartId } from "@/lib/charts";
import { findPreset } from "@/lib/presets";
import type { RunMeta } from "@/lib/protocol";
import type { Report, TickFrame } from "@/lib/report";
import type { Scenario } from "@/lib/scenario";
import { inTimeOrder, toChartRows, type ChartRow } from "../charts/chart-data";

/** One run as the comparison sees it: live (frames still arriving, no report yet) or finished. */
export interface ComparedRun {
  /** The live server's run id; null for a run read from a recording. */
  runId: number | null;
  meta: RunMeta;
  scenario: Scenario;
  frames: readonly TickFrame[];
  report: Report | null;
}

// ---------------------------------------------------------------------------------------------
// Labels

export interface RunLabel {
  /** "beat 1", or "run 12": for legends. */
  short: string;
  /** "beat 1 · The stampede": for the panel's key and the summary's columns. */
  full: string;
}

/** Both runs' labels; when both would read the same (one beat played twice), each says its run. */
export function runLabels(previous: ComparedRun, current: ComparedRun): { previous: RunLabel; current: RunLabel } {
  const samePreset = previous.meta.presetId !== undefined && previous.meta.presetId === current.meta.presetId;
  let a = labelOf(previous, !samePreset);
  let b = labelOf(current, !samePreset);
  if (a.full === b.full || a.short === b.short) {
    a = withRun(a, previous, "earlier");
    b = withRun(b, current, "this run");
  }
  return { previous: a, current: b };
}

function labelOf(run: ComparedRun, namePreset: boolean): RunLabel {
  const preset = run.meta.presetId ? findPreset(run.meta.presetId) : undefined;
  const beat = run.meta.beat ?? (preset ? 1 : undefined);
  const step = preset && beat !== undefined ? preset.beats[beat - 1] : undefined;
  if (preset && step && beat !== undefined) {
    const full = `beat ${beat} · ${step.title}`;
    return { short: `beat ${beat}`, full: namePreset ? `${preset.title}, ${full}` : full };
  }
  const short = run.runId !== null ? `run ${run.runId}` : "recorded run";
  return { short, full: `${short} · ${lockWords(run.scenario)}` };
}

function withRun(label: RunLabel, run: ComparedRun, fallback: string): RunLabel {
  const tag = run.runId !== null && run.runId > 0 ? `run ${run.runId}` : fallback;
  if (label.short.includes(tag)) return label;
  return { short: `${label.short} (${tag})`, full: `${label.full} (${tag})` };
}

function lockWords(s: Scenario): string {
  if (s.lock === "none") return "no lock";
  return `${s.lock === "redlock" ? `Redlock on ${s.lockNodes}` : `${s.lock} lock`}, ${s.waiters} waiters`;
}

// ---------------------------------------------------------------------------------------------
// What changed between the two scenarios

/**
 * The scenario fields that differ, as "lock: none → redlock", in the schema's order. A list (the
 * faults) is told by its length; at most `max` lines, the rest counted.
 * @default max 6
 */
export function scenarioChanges(before: Scenario, after: Scenario, max = 6): string[] {
  const changes: string[] = [];
  walk(before as unknown as Record<string, unknown>, after as unknown as Record<string, unknown>, "", changes);
  return changes.length > max ? [...changes.slice(0, max - 1), `and ${changes.length - (max - 1)} more`] : changes;
}

function walk(a: Record<string, unknown>, b: Record<string, unknown>, prefix: string, out: string[]): void {
  for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])]) {
    const x = a[key];
    const y = b[key];
    const path = `${prefix}${key}`;
    if (isPlainObject(x) && isPlainObject(y)) walk(x, y, `${path}.`, out);
    else if (JSON.stringify(x) !== JSON.stringify(y)) out.push(`${path}: ${describeValue(x)} → ${describeValue(y)}`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describeValue(value: unknown): string {
  if (value === undefined) return "—";
  if (Array.isArray(value)) return value.length === 0 ? "none" : `${value.length}`;
  if (isPlainObject(value)) return Object.keys(value).length === 0 ? "none" : JSON.stringify(value);
  return typeof value === "number" ? value.toLocaleString("en") : String(value);
}

// ---------------------------------------------------------------------------------------------
// Chart rows of both runs on one time line

/** The chart rows' fields the comparison draws, plus two sums: answered and failed requests. */
export const PAIRED_FIELDS = ["served", "failed", "hitPct", "dbReads", "dbInFlight", "p99", "lockAcquired", "lockFailed"] as const;
export type PairedField = (typeof PAIRED_FIELDS)[number];

/** `a_<field>`: the earlier run's value; `b_<field>`: this run's. Absent where a run has no window (before its start, after its end). */
export type PairedRow = { s: number } & { [K in `${"a" | "b"}_${PairedField}`]?: number | null };

function valueOf(row: ChartRow, field: PairedField): number | null {
  switch (field) {
    case "served":
      return row.hit + row.stale + row.miss;
    case "failed":
      return row.error + row.timeout;
    case "lockFailed":
      return row.lockFailedCount;
    default:
      return row[field];
  }
}

/** Both runs' frames as chart rows (the live charts' own conversion, with counts where the stories count), paired. */
export function pairedRows(previous: ComparedRun, current: ComparedRun): PairedRow[] {
  return pairRows(
    { rows: toChartRows(previous.frames, previous.scenario.tickMs), tickMs: previous.scenario.tickMs },
    { rows: toChartRows(current.frames, current.scenario.tickMs), tickMs: current.scenario.tickMs },
  );
}

/** The fields drawn as counts per window, whose run totals the legends carry. */
export const COUNTED_FIELDS = ["dbReads", "lockAcquired", "lockFailed"] as const satisfies readonly PairedField[];
export type CountedField = (typeof COUNTED_FIELDS)[number];

/** A run's totals of the counted fields, summed over its frames so far (the running total). */
export function runTotals(frames: readonly TickFrame[]): Record<CountedField, number> {
  const totals = { dbReads: 0, lockAcquired: 0, lockFailed: 0 };
  for (const frame of inTimeOrder(frames)) {
    totals.dbReads += frame.dbReads;
    totals.lockAcquired += frame.lockAcquired;
    totals.lockFailed += frame.lockFailed;
  }
  return totals;
}

interface RunRows {
  rows: readonly ChartRow[];
  tickMs: number;
}

/**
 * One row at every window start of either run. Each run's value at a time is the value of its own
 * window covering that time (its rows are steps), so runs with other ticks or other thinning still
 * line up; a null (no answer in a window) stays a gap. Past a run's last window it has no value.
 */
export function pairRows(a: RunRows, b: RunRows): PairedRow[] {
  const times = [...new Set([...a.rows.map((r) => r.s), ...b.rows.map((r) => r.s)])].sort((x, y) => x - y);
  const lookA = stepLookup(a);
  const lookB = stepLookup(b);
  return times.map((s) => {
    const row: PairedRow = { s };
    const ra = lookA(s);
    const rb = lookB(s);
    for (const field of PAIRED_FIELDS) {
      if (ra) row[`a_${field}`] = valueOf(ra, field);
      if (rb) row[`b_${field}`] = valueOf(rb, field);
    }
    return row;
  });
}

/** A lookup for increasing times: the row whose window [s, next s) holds the time. */
function stepLookup({ rows, tickMs }: RunRows): (s: number) => ChartRow | null {
  let i = 0;
  return (s) => {
    while (i + 1 < rows.length && rows[i + 1]!.s <= s) i++;
    const row = rows[i];
    if (!row || s < row.s) return null;
    // The last row covers one (thinned) window: as wide as the one before it, at least a tick.
    const width = i + 1 < rows.length ? rows[i + 1]!.s - row.s : Math.max(tickMs / 1000, i > 0 ? row.s - rows[i - 1]!.s : 0);
    return s < row.s + width - 1e-9 ? row : null;
  };
}

/** The charts in the order this beat names them (the beat's own first), then the rest. */
export function chartOrder(meta: RunMeta): ChartId[] {
  const preset = meta.presetId ? findPreset(meta.presetId) : undefined;
  const named = preset?.beats[(meta.beat ?? 1) - 1]?.charts ?? [];
  return [...new Set([...named, ...CHART_IDS])];
}

// ---------------------------------------------------------------------------------------------
// The summary, two columns

export interface SummaryRow {
  id: string;
  /** The run summary's plain label. */
  label: string;
  previous: number | null;
  /** Null while this run has no report yet. */
  current: number | null;
  /** current − previous; null when either is unknown. */
  difference: number | null;
  unit: "" | "ms";
  /** Whether the difference reads as better or worse, for fields where that is plain. */
  judgement: "better" | "worse" | null;
}

interface FieldDef {
  id: string;
  label: string;
  get(report: Report): number | null;
  unit?: "ms";
  /** Which way is better, where it is plain whatever the story. */
  better?: "lower" | "higher";
  /** Shown even when both runs agree: the figures every before/after is about. */
  always?: boolean;
}

/**
 * The figures, in the order the summary shows them. `lost writes` adds the increments another
 * writer overwrote (lost updates) and the acknowledged writes that never reached the database.
 */
const FIELDS: readonly FieldDef[] = [
  { id: "db-reads", label: "DB reads", get: (r) => r.db.reads, better: "lower", always: true },
  { id: "episodes", label: "episodes", get: (r) => r.episodeCount, better: "lower", always: true },
  { id: "max-db-reads", label: "most DB reads in one episode", get: (r) => r.maxDbReadsPerEpisode, better: "lower" },
  { id: "errors", label: "errors", get: (r) => r.requests.errors, better: "lower", always: true },
  { id: "timeouts", label: "timeouts", get: (r) => r.requests.timeouts, better: "lower" },
  { id: "p99", label: "latency p99", get: (r) => r.latencyMs.p99, unit: "ms", better: "lower", always: true },
  { id: "violations", label: "safety violations", get: (r) => r.locks.safetyViolations, better: "lower", always: true },
  { id: "lost-writes", label: "lost writes", get: (r) => (r.db.lostUpdates ?? 0) + r.writes.lost, better: "lower", always: true },
  { id: "requests", label: "requests", get: (r) => r.requests.total },
  { id: "hits", label: "hit", get: (r) => r.requests.hits, better: "higher" },
  { id: "misses", label: "miss", get: (r) => r.requests.misses },
  { id: "stale", label: "stale", get: (r) => r.requests.staleServed },
  { id: "p50", label: "latency p50", get: (r) => r.latencyMs.p50, unit: "ms", better: "lower" },
  { id: "db-rejected", label: "DB rejected", get: (r) => r.db.rejected, better: "lower" },
  { id: "db-timed-out", label: "DB timed out", get: (r) => r.db.timedOut, better: "lower" },
  { id: "db-peak", label: "DB peak in flight", get: (r) => r.db.peakInFlight },
  { id: "outside-episodes", label: "reads outside episodes", get: (r) => r.db.readsOutsideEpisodes },
  { id: "lost-updates", label: "lost updates", get: (r) => r.db.lostUpdates ?? 0, better: "lower" },
  { id: "writes-lost", label: "acknowledged writes lost", get: (r) => r.writes.lost, better: "lower" },
  { id: "stale-refused", label: "stale writes refused (fencing)", get: (r) => r.db.staleWritesRejected ?? 0 },
  { id: "stale-accepted", label: "stale writes accepted", get: (r) => r.db.staleWritesAccepted ?? 0, better: "lower" },
  { id: "lock-attempts", label: "lock attempts", get: (r) => r.locks.attempts },
  { id: "lock-acquired", label: "locks acquired", get: (r) => r.locks.acquired },
  { id: "lock-failed", label: "locks failed", get: (r) => r.locks.failed, better: "lower" },
  { id: "cache-fills", label: "cache fills", get: (r) => r.cache.fills },
];

/**
 * The rows every comparison shows, then those where the runs differ. While this run has no report
 * (it is still going), only the always-rows, with its column empty.
 */
export function summaryRows(previous: Report, current: Report | null): SummaryRow[] {
  return FIELDS.flatMap((field): SummaryRow[] => {
    const a = field.get(previous);
    const b = current ? field.get(current) : null;
    if (!field.always && (current === null || a === b)) return [];
    const difference = a === null || b === null ? null : b - a;
    const judgement =
      difference === null || difference === 0 || !field.better
        ? null
        : (difference < 0) === (field.better === "lower")
          ? "better"
          : "worse";
    return [{ id: field.id, label: field.label, previous: a, current: b, difference, unit: field.unit ?? "", judgement }];
  });
}

/** "+2,999", "−12 ms", "same"; "—" when unknown. */
export function formatDifference(row: Pick<SummaryRow, "difference" | "unit">): string {
  if (row.difference === null) return "—";
  if (row.difference === 0) return "same";
  const sign = row.difference > 0 ? "+" : "−";
  return `${sign}${formatFigure(Math.abs(row.difference), row.unit)}`;
}

export function formatFigure(value: number | null, unit: "" | "ms"): string {
  if (value === null) return "—";
  const text = Number.isInteger(value) ? value.toLocaleString("en") : value.toLocaleString("en", { maximumFractionDigits: 1 });
  return unit ? `${text} ${unit}` : text;
}
