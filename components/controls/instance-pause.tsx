"use client";

/**
 * The GC-pause button: stops one engine instance's lock holder for a while, mid-run, as the
 * scenario's `pause` fault does on a schedule. The lab's instances live in one Node process and
 * cannot really be stopped, so the panel says plainly what is simulated and what is not.
 */
import { useId, useState } from "react";
import type { WireRunState } from "@/lib/protocol";
import { pauseMsSchema } from "@/lib/scenario";

export interface InstancePauseProps {
  run: WireRunState;
  /** The page may command the lab and no command is on its way. */
  canCommand: boolean;
  onPause(instance: number, ms: number): void;
}

/** Long enough to outlive the default 8 s lock TTL only when asked: 3 s stays inside it. */
export const DEFAULT_PAUSE_MS = 3000;

/** What is wrong with the form, in words, or null when the pause can go. */
export function pauseProblem(instance: number, msText: string, instances: number): string | null {
  if (!Number.isInteger(instance) || instance < 1 || instance > instances) return `pick an instance from 1 to ${instances}`;
  const parsed = pauseMsSchema.safeParse(Number(msText.trim() === "" ? Number.NaN : msText));
  if (!parsed.success) return "the pause is a whole number of ms, from 1 to 600000";
  return null;
}

export function InstancePause({ run, canCommand, onPause }: InstancePauseProps) {
  const id = useId();
  const running = run.status === "running";
  const instances = running ? run.scenario.instances : 0;
  const [instance, setInstance] = useState(1);
  const [msText, setMsText] = useState(String(DEFAULT_PAUSE_MS));
  // A run with fewer instances than the last one picked: fall back to the first.
  const chosen = instance <= instances ? instance : 1;
  const problem = !running
    ? "Start a run first"
    : run.scenario.lock === "none"
      ? "This run takes no lock: there is no holder to pause"
      : pauseProblem(chosen, msText, instances);
  const ttl = running ? run.scenario.lockTtlMs : null;

  return (
    <fieldset
      data-testid="instance-pause"
      disabled={!canCommand || !running}
      className="flex flex-col gap-2 rounded-xl border-2 border-slate-700 px-4 py-3 disabled:opacity-60"
    >
      <legend className="px-1 text-lg font-bold text-slate-100">
        GC pause <span className="ml-1 rounded bg-amber-400 px-1.5 py-0.5 text-sm font-black tracking-wide text-slate-950">SIMULATED</span>
      </legend>
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col text-base text-slate-300" htmlFor={`${id}-instance`}>
          instance
          <select
            id={`${id}-instance`}
            data-testid="instance-pause-instance"
            value={chosen}
            onChange={(event) => setInstance(Number(event.target.value))}
            className="h-11 rounded-lg border-2 border-slate-600 bg-slate-900 px-2 text-lg text-slate-100"
          >
            {Array.from({ length: Math.max(1, instances) }, (_, i) => (
              <option key={i + 1} value={i + 1}>
                {i + 1}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col text-base text-slate-300" htmlFor={`${id}-ms`}>
          for ms
          <input
            id={`${id}-ms`}
            data-testid="instance-pause-ms"
            inputMode="numeric"
            value={msText}
            onChange={(event) => setMsText(event.target.value)}
            aria-invalid={running && problem !== null ? true : undefined}
            className="h-11 w-28 rounded-lg border-2 border-slate-600 bg-slate-900 px-2 text-lg tabular-nums text-slate-100"
          />
        </label>
        <button
          type="button"
          data-testid="instance-pause-go"
          disabled={problem !== null}
          title={problem ?? `Stops instance ${chosen}'s lock holder for ${msText} ms between its read and its write`}
          onClick={() => onPause(chosen, Number(msText))}
          className="h-11 rounded-lg bg-amber-400 px-4 text-lg font-bold text-slate-950 hover:bg-amber-300 disabled:cursor-not-allowed disabled:bg-slate-800 disabled:text-slate-500"
        >
          Pause
        </button>
      </div>
      <p className="text-base leading-snug text-slate-400">
        Stops this instance&apos;s lock holder (the current one, or its next) between its read and its write, like a
        long garbage collection. Simulated: the instances share one Node process, so their timers and connections run on.
        {ttl !== null && <> Longer than the lock&apos;s TTL ({ttl} ms), and the holder writes after its lock is gone.</>}
      </p>
      {running && problem && <p className="text-base text-amber-200">{problem}</p>}
    </fieldset>
  );
}
