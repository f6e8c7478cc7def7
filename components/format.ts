/** "4 s", "2 min 05 s", "1 h 03 min": short enough for a card, exact enough to watch a restart. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, "0")} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}

/** "stopped at 1.5 s by the presenter": a run ended by hand, on the run's own clock. */
export function describeStop(stop: { atMs: number; by: "presenter" }): string {
  return `stopped at ${(Math.max(0, stop.atMs) / 1000).toFixed(1)} s by the ${stop.by}`;
}
