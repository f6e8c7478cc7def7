/**
 * The lock's rounds beside the lock requests it answered without one: a Redlock client coalesces in
 * process (one shared look at the lock key per app server, one round per resource at a time whose
 * outcome the sibling requests learn), so a crowd costs a handful of rounds, not one per request.
 * Summed from the run's frames, as the live counters are.
 */
import type { TickFrame } from "@/lib/report";
import type { Scenario } from "@/lib/scenario";

export function roundTotals(frames: readonly TickFrame[]): { rounds: number; inProcess: number } | null {
  let rounds = 0;
  let inProcess = 0;
  let counted = false;
  for (const frame of frames) {
    // Recordings saved before rounds were counted carry neither.
    if (frame.lockRounds === undefined) continue;
    counted = true;
    rounds += frame.lockRounds;
    inProcess += frame.lockAnsweredInProcess ?? 0;
  }
  return counted ? { rounds, inProcess } : null;
}

export function RoundsLine({ frames, lock }: { frames: readonly TickFrame[]; lock: Scenario["lock"] }) {
  if (lock !== "redlock" && lock !== "single-redis") return null;
  const totals = roundTotals(frames);
  if (!totals || totals.rounds + totals.inProcess === 0) return null;
  const rounds = `${fmt(totals.rounds)} ${lock === "redlock" ? "Redlock" : "lock"} round${totals.rounds === 1 ? "" : "s"}`;
  const text =
    lock === "redlock"
      ? `${rounds} · ${fmt(totals.inProcess)} lock request${totals.inProcess === 1 ? "" : "s"} answered in-process`
      : `${rounds} on lock-1 · one per lock request`;
  return (
    <p
      data-testid="lock-rounds"
      title="A round asks every lock node for the lock. Each app server looks at the lock once for all its waiting requests and runs one round at a time; its other requests learn that round's outcome (redlock.coalesce)."
      className="px-1 text-lg font-semibold tabular-nums text-slate-300"
    >
      {text}
    </p>
  );
}

function fmt(n: number): string {
  return n.toLocaleString("en");
}
