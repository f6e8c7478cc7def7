/**
 * The SIMULATED tag, as the GC pause and the clock jump wear it: on whatever the lab models instead
 * of running for real (the database is a capacity model), so nobody in the room takes it for the
 * real thing. `title` says what is simulated, for the tooltip and screen readers.
 */
export const DATABASE_MODEL = "the database is a capacity model (read and write times, queries at once, a queue), not a real database";

export function SimulatedTag({ title, testId, size = "md", className = "ml-2" }: { title: string; testId?: string; size?: "sm" | "md"; className?: string }) {
  return (
    <span
      data-testid={testId}
      title={title}
      aria-label={`simulated: ${title}`}
      className={`${className} rounded bg-amber-400 align-middle font-black tracking-wide text-slate-950 ${size === "sm" ? "px-1 text-xs" : "px-1.5 py-0.5 text-sm"}`}
    >
      SIMULATED
    </span>
  );
}
