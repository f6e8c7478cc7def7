/**
 * The SIMULATED tag, as the GC pause and the clock jump wear it: on whatever the lab models instead
 * of running for real (the database is a capacity model), so nobody in the room takes it for the
 * real thing. `title` says what is simulated, for the tooltip and screen readers.
 */
export function SimulatedTag({ title, testId }: { title: string; testId?: string }) {
  return (
    <span
      data-testid={testId}
      title={title}
      aria-label={`simulated: ${title}`}
      className="ml-2 rounded bg-amber-400 px-1.5 py-0.5 align-middle text-sm font-black tracking-wide text-slate-950"
    >
      SIMULATED
    </span>
  );
}
