"use client";

import { findPreset } from "@/lib/presets";
import { REPLAY_SPEEDS, type ReplayPlayer } from "./use-replay";

/** The banner over a replayed run: it must never be mistaken for a live one. */
export function ReplayBar({ player, onClose }: { player: ReplayPlayer; onClose(): void }) {
  const { recording, cursor, total, playing, speed } = player;
  const preset = recording.meta.presetId ? findPreset(recording.meta.presetId) : undefined;
  const saved = new Date(recording.savedAt);
  return (
    <section
      data-testid="replay-banner"
      aria-label="Replay controls"
      className="replay-stripes flex flex-wrap items-center gap-x-6 gap-y-3 rounded-2xl border-2 border-violet-400 px-5 py-3"
    >
      <p className="text-2xl font-black tracking-wide text-violet-100">
        REPLAY <span className="font-semibold text-violet-200">— not live</span>
      </p>
      <p className="min-w-0 flex-1 truncate text-base text-violet-100/90" title={player.fileName}>
        {preset ? `${preset.title}${recording.meta.beat ? `, beat ${recording.meta.beat}` : ""}` : "A recorded run"} · saved{" "}
        {Number.isNaN(saved.getTime()) ? recording.savedAt : saved.toLocaleString()} · {player.fileName}
      </p>
      <div className="flex flex-wrap items-center gap-2">
        <button type="button" className="btn btn-ghost" onClick={() => player.seek(0)} title="Back to the first frame">
          ↺ Restart
        </button>
        {playing ? (
          <button type="button" className="btn btn-primary" data-testid="replay-pause" onClick={player.pause}>
            ❚❚ Pause
          </button>
        ) : (
          <button type="button" className="btn btn-primary" data-testid="replay-play" onClick={player.play}>
            ▶ Play
          </button>
        )}
        <button type="button" className="btn btn-ghost" data-testid="replay-end" onClick={() => player.seek(total)} title="Show the whole run">
          Jump to end
        </button>
        <label className="flex items-center gap-2 text-base text-violet-100">
          Speed
          <select
            value={speed}
            onChange={(event) => player.setSpeed(Number(event.target.value))}
            className="rounded-md border border-violet-300/50 bg-slate-900 px-2 py-1.5 text-slate-100"
          >
            {REPLAY_SPEEDS.map((s) => (
              <option key={s} value={s}>
                {s}×
              </option>
            ))}
          </select>
        </label>
        <input
          type="range"
          aria-label="Position in the recording"
          min={0}
          max={total}
          value={cursor}
          onChange={(event) => player.seek(Number(event.target.value))}
          className="w-40 accent-violet-300"
        />
        <span data-testid="replay-frames" className="font-mono text-base tabular-nums text-violet-100">
          frame {cursor} / {total}
        </span>
        <button type="button" className="btn btn-ghost" data-testid="replay-close" onClick={onClose}>
          Back to live
        </button>
      </div>
    </section>
  );
}
