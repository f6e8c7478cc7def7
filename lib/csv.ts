/**
 * A run's ticks as CSV, for a spreadsheet or a notebook: one row per tick window, one column per
 * numeric field of {@link TickFrame}, and the per-node readings (`locks[]`, `lastVotes`) flattened
 * into per-node columns (`lock-1.reachable`, `lock-1.holder`, `lock-1.pttlMs`, `lock-1.vote`).
 * Pure: no DOM, no Node imports, so the page and the CLI can both use it.
 */
import type { TickFrame } from "./report";

/** The TickFrame fields that hold one number (or null) per window. */
type NumericField = { [K in keyof TickFrame]-?: TickFrame[K] extends number | null ? K : never }[keyof TickFrame];

/** Column order of the numeric fields: time first, then the order the README's report table uses. */
export const TICK_NUMERIC_FIELDS = [
  "t",
  "lengthMs",
  "arrivals",
  "hits",
  "misses",
  "staleServed",
  "errors",
  "timeouts",
  "hitRatio",
  "latencyP50",
  "latencyP99",
  "dbReads",
  "dbReadsFailed",
  "dbInFlight",
  "dbQueued",
  "lockAttempts",
  "lockAcquired",
  "lockContended",
  "lockFailed",
  "lockRounds",
  "lockAnsweredInProcess",
  "cacheFills",
  "writesAcknowledged",
  "writesPending",
  "episodesOpen",
] as const satisfies readonly NumericField[];

// A numeric field added to TickFrame without a column here fails to compile: the CSV never silently drops one.
type MissingField = Exclude<NumericField, (typeof TICK_NUMERIC_FIELDS)[number]>;
const everyNumericFieldHasAColumn: [MissingField] extends [never] ? true : MissingField = true;
void everyNumericFieldHasAColumn;

/** Per-node columns, in this order, for every node seen in any tick. */
export const NODE_COLUMNS = ["reachable", "holder", "pttlMs", "vote"] as const;

/** `lock-2` before `lock-10`; anything that is not `lock-<n>` sorts by name after them. */
function compareNodeIds(a: string, b: string): number {
  const na = /^lock-(\d+)$/.exec(a)?.[1];
  const nb = /^lock-(\d+)$/.exec(b)?.[1];
  if (na !== undefined && nb !== undefined) return Number(na) - Number(nb);
  if (na !== undefined) return -1;
  if (nb !== undefined) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** RFC 4180 quoting: a cell with a comma, a quote or a line break is quoted, its quotes doubled. */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "number" ? (Number.isFinite(value) ? String(value) : "") : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The header row plus one row per tick, lines ending in "\n" (the last one too). Empty cells mean
 * null (no reading, no latency in a window with no answers) or a node absent from that tick.
 */
export function ticksToCsv(ticks: readonly TickFrame[]): string {
  const nodeIds = new Set<string>();
  for (const tick of ticks) {
    for (const lock of tick.locks ?? []) nodeIds.add(lock.nodeId);
    for (const nodeId of Object.keys(tick.lastVotes ?? {})) nodeIds.add(nodeId);
  }
  const nodes = [...nodeIds].sort(compareNodeIds);

  const header = [...TICK_NUMERIC_FIELDS, ...nodes.flatMap((id) => NODE_COLUMNS.map((column) => `${id}.${column}`))];
  const rows = ticks.map((tick) => {
    const cells: Array<string | number | boolean | null | undefined> = TICK_NUMERIC_FIELDS.map((field) => tick[field]);
    for (const id of nodes) {
      const lock = tick.locks?.find((l) => l.nodeId === id);
      cells.push(lock?.reachable, lock?.holder, lock?.pttlMs, tick.lastVotes?.[id]);
    }
    return cells.map(csvCell).join(",");
  });
  return [header.map(csvCell).join(","), ...rows].join("\n") + "\n";
}
