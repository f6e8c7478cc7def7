"use client";

/**
 * The lab's event log: grants, releases, aggregated lock failures with each node's vote, node
 * changes, episodes, flushes, losses — newest first, filterable by kind. Never one line per request:
 * the server aggregates those before they get here.
 */
import { memo, useMemo, useState } from "react";
import { LOG_KINDS, type LogKind } from "@/lib/log";
import type { LogEntry } from "@/lib/report";

export interface EventLogPanelProps {
  /** The log, oldest first (as the socket hook keeps it). */
  entries: readonly LogEntry[];
  /** Tailwind max-height class of the scrolling list. @default "max-h-[28rem]" */
  maxHeightClass?: string;
}

type Kind = LogKind;

export { LOG_KINDS };

/** Tailwind classes (remapped by the light theme), roughly Okabe–Ito hues: text, chip border, dot. */
const KIND_LOOK: Record<Kind, { text: string; border: string; dot: string }> = {
  lock: { text: "text-sky-300", border: "border-sky-400", dot: "bg-sky-400" },
  node: { text: "text-pink-300", border: "border-pink-400", dot: "bg-pink-400" },
  episode: { text: "text-amber-300", border: "border-amber-400", dot: "bg-amber-400" },
  write: { text: "text-yellow-200", border: "border-yellow-300", dot: "bg-yellow-300" },
  instance: { text: "text-emerald-300", border: "border-emerald-400", dot: "bg-emerald-400" },
  fault: { text: "text-orange-400", border: "border-orange-500", dot: "bg-orange-500" },
  crowd: { text: "text-slate-100", border: "border-slate-200", dot: "bg-slate-200" },
  run: { text: "text-slate-400", border: "border-slate-500", dot: "bg-slate-500" },
};
const ALL_LOOK = { text: "text-slate-100", border: "border-slate-300", dot: "bg-slate-300" };

/** "t = 1.23 s" */
export function formatT(atMs: number): string {
  return `t = ${(atMs / 1000).toFixed(2)} s`;
}

export const EventLogPanel = memo(function EventLogPanel({ entries, maxHeightClass = "max-h-[28rem]" }: EventLogPanelProps) {
  // Empty means every kind; otherwise only the kinds picked.
  const [picked, setPicked] = useState<ReadonlySet<Kind>>(new Set());
  const counts = useMemo(() => {
    const c = Object.fromEntries(LOG_KINDS.map((k) => [k, 0])) as Record<Kind, number>;
    for (const e of entries) c[e.kind] = (c[e.kind] ?? 0) + 1;
    return c;
  }, [entries]);
  const shown = useMemo(() => {
    const out: Array<{ entry: LogEntry; index: number }> = [];
    for (let i = entries.length - 1; i >= 0; i--) {
      const entry = entries[i]!;
      if (picked.size === 0 || picked.has(entry.kind)) out.push({ entry, index: i });
    }
    return out;
  }, [entries, picked]);

  const toggle = (kind: Kind) =>
    setPicked((previous) => {
      const next = new Set(previous);
      if (next.has(kind)) next.delete(kind);
      else next.add(kind);
      return next;
    });

  return (
    <section aria-labelledby="event-log-heading" data-testid="event-log-panel" className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
        <h3 id="event-log-heading" className="text-sm font-semibold uppercase tracking-[0.2em] text-slate-400">
          Event log
        </h3>
        <div role="group" aria-label="Filter by kind" className="flex flex-wrap gap-2">
          <Chip label="all" count={entries.length} active={picked.size === 0} look={ALL_LOOK} onClick={() => setPicked(new Set())} />
          {LOG_KINDS.map((kind) => (
            <Chip key={kind} label={kind} count={counts[kind]} active={picked.has(kind)} look={KIND_LOOK[kind]} onClick={() => toggle(kind)} />
          ))}
        </div>
      </div>

      {shown.length === 0 ? (
        <p className="rounded-2xl border border-dashed border-slate-700 px-5 py-4 text-lg text-slate-500">
          {entries.length === 0 ? "Nothing yet: grants, failures, node changes and episodes appear here as they happen." : "No events of the kinds picked."}
        </p>
      ) : (
        <ol
          data-testid="event-log-entries"
          className={`${maxHeightClass} overflow-y-auto rounded-2xl border border-slate-800 bg-slate-900/60 font-mono text-base`}
        >
          {shown.map(({ entry, index }) => (
            <li
              key={index}
              data-kind={entry.kind}
              data-event={entry.event ?? "note"}
              className="flex flex-wrap items-baseline gap-x-3 border-t border-slate-800/80 px-4 py-1.5 first:border-t-0 sm:grid sm:grid-cols-[9rem_6.5rem_minmax(0,1fr)]"
            >
              <time className="whitespace-nowrap text-slate-400 tabular-nums">{formatT(entry.atMs)}</time>
              <span className={`font-semibold ${(KIND_LOOK[entry.kind] ?? KIND_LOOK.run).text}`}>
                {entry.kind}
              </span>
              <span className="basis-full break-words text-slate-100 sm:basis-auto">
                {entry.text}
                <EntryTag entry={entry} />
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
});

/** What the fields say beyond the sentence: a fault that did not happen, a count still going up. */
function EntryTag({ entry }: { entry: LogEntry }) {
  const failed = entry.kind === "fault" && entry.event === "action" && entry.failed !== undefined;
  const ongoing = (entry.kind === "node" && entry.event === "unreachable") || (entry.kind === "lock" && entry.event === "failed") ? !entry.ended : false;
  if (!failed && !ongoing) return null;
  return (
    <span
      data-testid={failed ? "log-tag-failed" : "log-tag-ongoing"}
      className={`ml-2 rounded border px-1.5 text-sm ${failed ? "border-red-400 text-red-300" : "border-slate-500 text-slate-400"}`}
    >
      {failed ? "did not happen" : "still counting"}
    </span>
  );
}

function Chip({ label, count, active, look, onClick }: { label: string; count: number; active: boolean; look: { border: string; dot: string }; onClick(): void }) {
  return (
    <button
      type="button"
      aria-pressed={active}
      data-testid={`log-filter-${label}`}
      onClick={onClick}
      className={`flex items-center gap-2 rounded-full border-2 px-3 py-1 text-base font-semibold transition-colors ${look.border} ${
        active ? "bg-slate-100 text-slate-950" : "bg-slate-900 text-slate-200 hover:bg-slate-800"
      }`}
    >
      <span aria-hidden className={`inline-block size-2.5 rounded-full ${look.dot}`} />
      {label}
      <span className={`tabular-nums ${active ? "text-slate-600" : "text-slate-400"}`}>{count}</span>
    </button>
  );
}
