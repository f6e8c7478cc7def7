/**
 * The run's running totals, summed from its frames (per-tick windows from the one collector), for a
 * room to read at a glance. When the run ends the summary shows the report's own totals.
 */
import type { TickFrame } from "@/lib/report";
import { DATABASE_MODEL, SimulatedTag } from "./simulated-tag";

export interface CounterTotals {
  requests: number;
  hits: number;
  stale: number;
  dbReads: number;
  lockAcquired: number;
  failed: number;
}

export function totalsOf(frames: readonly TickFrame[]): CounterTotals {
  const totals: CounterTotals = { requests: 0, hits: 0, stale: 0, dbReads: 0, lockAcquired: 0, failed: 0 };
  for (const frame of frames) {
    totals.requests += frame.arrivals;
    totals.hits += frame.hits;
    totals.stale += frame.staleServed;
    totals.dbReads += frame.dbReads;
    totals.lockAcquired += frame.lockAcquired;
    totals.failed += frame.errors + frame.timeouts;
  }
  return totals;
}

/** `columns`: 3 keeps two rows of three in a narrow column (presenter mode's stage). */
export function LiveCounters({ frames, dbCapacity, columns }: { frames: readonly TickFrame[]; dbCapacity: number; columns?: 3 }) {
  const totals = totalsOf(frames);
  const last = frames.at(-1);
  const busy = last ? last.dbInFlight : 0;
  const tiles: Array<{ id: string; label: string; value: string; tone?: "bad" | "warn"; simulated?: string }> = [
    { id: "requests", label: "requests", value: fmt(totals.requests) },
    { id: "hits", label: "from cache", value: fmt(totals.hits + totals.stale) },
    { id: "db-reads", label: "DB reads", value: fmt(totals.dbReads), tone: totals.dbReads > 10 ? "warn" : undefined },
    { id: "lock-grants", label: "lock grants", value: fmt(totals.lockAcquired) },
    { id: "failed", label: "errors + timeouts", value: fmt(totals.failed), tone: totals.failed > 0 ? "bad" : undefined },
    {
      id: "db-busy",
      label: last && last.dbQueued > 0 ? `DB now, ${fmt(last.dbQueued)} queued` : "DB queries now",
      value: `${fmt(busy)}/${fmt(dbCapacity)}`,
      tone: busy >= dbCapacity ? "bad" : undefined,
      simulated: DATABASE_MODEL,
    },
  ];
  return (
    <dl data-testid="live-counters" className={`grid gap-3 ${columns === 3 ? "grid-cols-3" : "grid-cols-2 sm:grid-cols-3 2xl:grid-cols-6"}`}>
      {tiles.map((tile) => (
        <div
          key={tile.id}
          className={`relative flex flex-col rounded-xl border px-4 py-2 ${
            tile.tone === "bad" ? "border-rose-500/60 bg-rose-950/40" : tile.tone === "warn" ? "border-amber-400/50 bg-amber-950/30" : "border-slate-800 bg-slate-900"
          }`}
        >
          <dd data-testid={`counter-${tile.id}`} className="order-1 truncate font-mono text-3xl font-black tabular-nums">
            {tile.value}
          </dd>
          <dt className="order-2 flex min-w-0 flex-col items-start text-sm text-slate-400 sm:text-base">
            <span className="max-w-full truncate">{tile.label}</span>
            {/* Under the label, never over the figure: a narrow tile on the stage or a phone has no room beside it. */}
            {tile.simulated && <SimulatedTag title={tile.simulated} size="sm" className="mt-0.5" testId={`counter-${tile.id}-simulated`} />}
          </dt>
        </div>
      ))}
    </dl>
  );
}

function fmt(n: number): string {
  return n.toLocaleString("en");
}
