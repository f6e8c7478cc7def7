"use client";

import { PRESETS } from "@/lib/presets";

export interface PresetGalleryProps {
  /** The preset (and beat) the builder currently holds, highlighted. */
  selected?: { presetId: string; beat: number };
  /** Picking a card asks for its first beat. */
  onPick(presetId: string, beat: number): void;
  disabled?: boolean;
}

/** One card per story preset: its title, the story, what to watch, and how many beats it has. */
export function PresetGallery({ selected, onPick, disabled = false }: PresetGalleryProps) {
  return (
    <section aria-label="Story presets" data-testid="preset-gallery">
      <ul className="grid grid-cols-1 gap-4 md:grid-cols-2 xl:grid-cols-3">
        {PRESETS.map((preset) => {
          const isSelected = selected?.presetId === preset.id;
          const beats = preset.beats.length;
          return (
            <li key={preset.id} className="flex">
              <button
                type="button"
                data-testid={`preset-${preset.id}`}
                data-selected={isSelected || undefined}
                aria-pressed={isSelected}
                disabled={disabled}
                onClick={() => onPick(preset.id, 1)}
                className={`flex w-full flex-col gap-3 rounded-2xl border-2 p-5 text-left transition-colors focus-visible:outline-none focus-visible:ring-4 focus-visible:ring-amber-400/60 disabled:cursor-not-allowed disabled:opacity-60 ${
                  isSelected ? "border-amber-400 bg-amber-950/30 shadow-lg shadow-amber-950/40" : "border-slate-800 bg-slate-900 hover:border-slate-500"
                }`}
              >
                <span className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-1">
                  <span className="text-2xl font-bold leading-tight text-slate-50">{preset.title}</span>
                  <span className="font-mono text-sm text-slate-400">{preset.id}</span>
                </span>
                <span className="text-lg leading-snug text-slate-300">{preset.narration}</span>
                <span className="text-base leading-snug text-slate-300 wrap-anywhere">
                  <span className="font-semibold text-amber-300">Watch: </span>
                  {preset.watch}
                </span>
                <span className="mt-auto flex flex-wrap items-center gap-3 pt-1 text-base">
                  <span className="rounded-full border border-slate-600 px-3 py-0.5 text-slate-300">
                    {beats} beat{beats === 1 ? "" : "s"}
                  </span>
                  {isSelected && (
                    <span className="rounded-full bg-amber-400 px-3 py-0.5 font-semibold text-slate-950">
                      ✓ Selected · beat {selected.beat} of {beats}
                    </span>
                  )}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
