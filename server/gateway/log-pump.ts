/**
 * Keeps the event log's rate to a page bounded whatever the crowd or the key count. The engine's
 * aggregator already sums per-request lock failures per tick; what can still grow with the load are
 * the per-key lines (episodes, grants, releases, flushes) of a run with thousands of keys. Those
 * pass up to `maxPerWindow` per window; the rest are counted and reported as one line. Rare lines
 * a person caused or must see (node, fault, crowd, instance, run) always pass.
 */
import { foldIdOf, logEntry } from "../../lib/log";
import type { LogEntry } from "../../lib/report";

type ThrottledKind = "lock" | "episode" | "write";
const THROTTLED_KINDS: ReadonlySet<LogEntry["kind"]> = new Set<ThrottledKind>(["lock", "episode", "write"]);
const isThrottled = (entry: LogEntry): entry is Extract<LogEntry, { kind: ThrottledKind }> => THROTTLED_KINDS.has(entry.kind);

export interface LogPumpOptions {
  /** @default 250 */
  windowMs?: number;
  /** @default 12 — with 250 ms, at most 48 such lines a second */
  maxPerWindow?: number;
}

export interface LogPump {
  push(entry: LogEntry): void;
  /** Sends the pending summary now and stops the timer. */
  close(): void;
}

export function createLogPump(emit: (entry: LogEntry) => void, options: LogPumpOptions = {}): LogPump {
  const { windowMs = 250, maxPerWindow = 12 } = options;
  let sent = 0;
  let skipped = 0;
  let lastSkipped: LogEntry | null = null;
  const skippedKinds = new Map<ThrottledKind, number>();
  let timer: NodeJS.Timeout | null = null;

  const endWindow = () => {
    timer = null;
    if (skipped > 0 && lastSkipped) {
      const kinds = [...skippedKinds].sort((a, b) => b[1] - a[1]);
      emit(logEntry.heldBack({ atMs: lastSkipped.atMs, kind: kinds[0]?.[0] ?? "lock", count: skipped, kinds: kinds.map(([kind]) => kind), windowMs }));
    }
    sent = 0;
    skipped = 0;
    lastSkipped = null;
    skippedKinds.clear();
  };

  return {
    push(entry) {
      // A folded count updates a line already shown: holding it back would leave that line stale.
      if (!isThrottled(entry) || foldIdOf(entry) !== null) {
        emit(entry);
        return;
      }
      if (timer === null) {
        timer = setTimeout(endWindow, windowMs);
        timer.unref();
      }
      if (sent < maxPerWindow) {
        sent++;
        emit(entry);
        return;
      }
      skipped++;
      lastSkipped = entry;
      skippedKinds.set(entry.kind, (skippedKinds.get(entry.kind) ?? 0) + 1);
    },
    close() {
      if (timer !== null) {
        clearTimeout(timer);
        endWindow();
      }
    },
  };
}
