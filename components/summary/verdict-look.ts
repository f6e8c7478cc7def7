/**
 * How a verdict looks: its colours, its mark and its title. One table for the run summary and the
 * audience view's verdict card, so the presenter's screen and the phones look alike for one report.
 */
import type { Report } from "@/lib/report";
import type { Verdict, VerdictTone } from "@/lib/verdict";

export interface VerdictLook {
  box: string;
  mark: string;
  title: string;
}

const TONE: Record<VerdictTone, VerdictLook> = {
  unsafe: { box: "border-rose-500 bg-rose-950/60", mark: "✕", title: "Unsafe" },
  stampede: { box: "border-rose-500 bg-rose-950/60", mark: "✕", title: "Stampede" },
  starved: { box: "border-amber-400 bg-amber-950/40", mark: "!", title: "Spared, but clients starved" },
  exposed: { box: "border-yellow-300/70 bg-yellow-950/30", mark: "~", title: "Every expiry met the crowd" },
  protected: { box: "border-emerald-500/70 bg-emerald-950/40", mark: "✓", title: "Protected" },
  quiet: { box: "border-slate-600 bg-slate-900/60", mark: "–", title: "Quiet" },
  // Neither good nor bad: the run proves nothing, so it wears no verdict's colour.
  "no-result": { box: "border-dashed border-zinc-400 bg-zinc-800/70", mark: "?", title: "No result" },
};

const LOST_WRITES: VerdictLook = { box: "border-rose-500 bg-rose-950/60", mark: "✕", title: "Writes lost" };

/** The tones whose reads were fine: lost writes outrank them, and the card turns red. */
const CALM: ReadonlySet<VerdictTone> = new Set(["quiet", "protected", "starved", "exposed"]);

export function verdictLook(verdict: Verdict, report: Report): VerdictLook {
  const look = verdict.writesLost && CALM.has(verdict.tone) ? LOST_WRITES : TONE[verdict.tone];
  return report.stopped && verdict.tone === "quiet" ? { ...look, title: "Stopped early" } : look;
}
