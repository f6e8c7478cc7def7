/**
 * Chart annotations from the lab's event log: faults, node toggles, crowds and key expiries of one
 * run, as short labels a room can read on a reference line.
 */
import type { WireRunState } from "@/lib/protocol";
import type { LogEntry } from "@/lib/report";

export interface ChartAnnotation {
  atMs: number;
  label: string;
}

/** Two entries with the same label closer than this are one happening (a fault and its node event). */
const SAME_HAPPENING_MS = 500;
const MAX_LABEL = 22;

/** The log entries of run `runId`: from its start line to its end (or failure) line. */
export function entriesOfRun(log: readonly LogEntry[], runId: number | null): LogEntry[] {
  if (runId === null) return [];
  const isEnd = (entry: LogEntry) => entry.kind === "run" && (entry.event === "ended" || entry.event === "failed") && entry.runId === runId;
  const start = findLastIndex(log, (entry) => entry.kind === "run" && entry.event === "started" && entry.runId === runId);
  if (start < 0) {
    // The page joined after the start line scrolled out of the server's history: take what there is
    // up to the end line, if any.
    const end = log.findIndex(isEnd);
    return end < 0 ? [...log] : log.slice(0, end + 1);
  }
  const rest = log.slice(start);
  const end = rest.findIndex(isEnd);
  return end < 0 ? rest : rest.slice(0, end + 1);
}

export function runIdOf(run: WireRunState): number | null {
  return run.status === "idle" ? null : run.runId;
}

/** The annotations of one run, oldest first, one per happening. */
export function annotationsFrom(entries: readonly LogEntry[]): ChartAnnotation[] {
  const out: ChartAnnotation[] = [];
  for (const entry of entries) {
    const label = labelOf(entry);
    if (label === null) continue;
    const duplicate = out.some((other) => other.label === label && Math.abs(other.atMs - entry.atMs) < SAME_HAPPENING_MS);
    if (!duplicate) out.push({ atMs: entry.atMs, label });
  }
  return mergeSameAction(out.sort((a, b) => a.atMs - b.atMs));
}

/**
 * One line for one action on several nodes at once (a split cuts four paths in the same
 * millisecond): "lock-1,2,4,5 partition" reads; four stacked labels on one line do not.
 */
function mergeSameAction(sorted: ChartAnnotation[]): ChartAnnotation[] {
  const out: Array<ChartAnnotation & { names: string[]; action: string | null }> = [];
  for (const annotation of sorted) {
    // Only "<node or instance> <action>" labels merge: not "key expired" or "crowd ×3000".
    const match = /^(cache|lock-\d+|instance-\d+) (\S+)$/.exec(annotation.label);
    const [name, action] = match ? [match[1]!, match[2]!] : [annotation.label, null];
    const group = action === null ? undefined : out.find((g) => g.action === action && annotation.atMs - g.atMs < SAME_HAPPENING_MS);
    if (group) {
      group.names.push(name);
      group.label = clip(`${joinNames(group.names)} ${action}`);
    } else {
      out.push({ ...annotation, names: [name], action });
    }
  }
  return out.map(({ atMs, label }) => ({ atMs, label }));
}

/** "lock-1,2" for lock nodes, else the names with commas. */
function joinNames(names: string[]): string {
  if (names.every((n) => /^lock-\d+$/.test(n))) {
    return `lock-${names.map((n) => Number(n.slice("lock-".length))).sort((a, b) => a - b).join(",")}`;
  }
  return names.join(",");
}

/** A short label for an entry worth a line on the charts, or null. Reads the entry's fields only. */
export function labelOf(entry: LogEntry): string | null {
  switch (entry.kind) {
    case "fault":
      if (entry.event === "expired") return entry.byHand ? "key expired (by hand)" : "key expired";
      if (entry.event === "action") return clip(`${entry.node ?? `instance-${entry.instance}`} ${entry.action}${entry.failed !== undefined ? " failed" : ""}`);
      return null;
    case "node":
      return entry.event === "changed" ? clip(`${entry.node} ${entry.action}`) : null;
    case "crowd":
      return entry.event === "released" ? `crowd ×${entry.clients}` : null;
    case "episode":
      // A serve-stale key going stale opens its episode: that is the expiry the room watches for.
      return entry.event === "opened" && entry.reason === "expired" ? "key expired" : null;
    case "run":
    case "lock":
    case "write":
    case "instance":
      return null;
  }
}

function clip(text: string): string {
  return text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL - 1)}…` : text;
}

function findLastIndex<T>(items: readonly T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i]!)) return i;
  return -1;
}

/** What the scenario itself schedules (the hot key's expiry), so the line is there even before the log says so. */
export function scheduledAnnotations(run: WireRunState): ChartAnnotation[] {
  if (run.status === "idle") return [];
  return [{ atMs: run.scenario.crowd.expireAtMs, label: "key expired" }];
}
