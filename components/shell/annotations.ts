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

/** The log entries of run `runId`: from its "run N started" line to its "run N ended" line. */
export function entriesOfRun(log: readonly LogEntry[], runId: number | null): LogEntry[] {
  if (runId === null) return [];
  const start = findLastIndex(log, (entry) => entry.kind === "run" && new RegExp(`^run ${runId} started\\b`).test(entry.text));
  if (start < 0) {
    // The page joined after the start line scrolled out of the server's history: take what there is
    // up to the end line, if any.
    const end = log.findIndex((entry) => entry.kind === "run" && new RegExp(`^run ${runId} (ended|failed)\\b`).test(entry.text));
    return end < 0 ? [...log] : log.slice(0, end + 1);
  }
  const rest = log.slice(start);
  const end = rest.findIndex((entry) => entry.kind === "run" && new RegExp(`^run ${runId} (ended|failed)\\b`).test(entry.text));
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

/** A short label for an entry worth a line on the charts, or null. */
export function labelOf(entry: LogEntry): string | null {
  const text = entry.text.trim();
  if (/expired/i.test(text)) return /by hand/i.test(text) ? "key expired (by hand)" : "key expired";
  switch (entry.kind) {
    case "fault": {
      // Runner notes: "crash lock-2", "partition lock-4 (instance 1)", "pause instance-1 for 4000 ms — …",
      // "<action> <node>: <why it failed>".
      const match = /^(crash|start|freeze|thaw|partition|heal|latency|restart|clock-jump|pause)\s+([\w-]+)(:|\s|$)/.exec(text);
      if (match) return clip(`${match[2]} ${match[1]}${match[3] === ":" ? " failed" : ""}`);
      return clip(text);
    }
    case "node": {
      // Node events: "lock-2 crash (detail)".
      const match = /^(\S+)\s+(\w+)/.exec(text);
      return match ? clip(`${match[1]} ${match[2] === "exited" ? "exited" : match[2]}`) : clip(text);
    }
    case "crowd": {
      const size = /(\d[\d,]*)/.exec(text);
      return size ? `crowd ×${size[1]}` : "crowd";
    }
    default:
      return null;
  }
}

function clip(text: string): string {
  const plain = text.replace(/\s*\(.*\)\s*$/, "");
  return plain.length > MAX_LABEL ? `${plain.slice(0, MAX_LABEL - 1)}…` : plain;
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
