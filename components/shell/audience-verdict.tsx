/**
 * The run's verdict at the top of the audience view: on a phone it is what the room wants first,
 * before the numbers behind it. The words are the summary's own (lib/verdict), so the phone and the
 * presenter's screen say the same thing about the same report.
 */
import type { Report } from "@/lib/report";
import { verdictOf } from "@/lib/verdict";

const LOOK: Partial<Record<string, { box: string; mark: string; title: string }>> = {
  unsafe: { box: "border-rose-500 bg-rose-950/60", mark: "✕", title: "Unsafe" },
  stampede: { box: "border-rose-500 bg-rose-950/60", mark: "✕", title: "Stampede" },
  starved: { box: "border-amber-400 bg-amber-950/40", mark: "!", title: "Spared, but clients starved" },
  protected: { box: "border-emerald-500/70 bg-emerald-950/40", mark: "✓", title: "Protected" },
  quiet: { box: "border-slate-600 bg-slate-900/60", mark: "–", title: "Quiet" },
};
const LOST_WRITES = { box: "border-rose-500 bg-rose-950/60", mark: "✕", title: "Writes lost" };
// A verdict kind this view does not know yet still shows, in neutral colours, under its own name.
const OTHER = { box: "border-slate-600 bg-slate-900/60", mark: "•" };

export function AudienceVerdict({ report }: { report: Report }) {
  const verdict = verdictOf(report);
  const known = LOOK[verdict.tone];
  const calm = verdict.tone === "quiet" || verdict.tone === "protected" || verdict.tone === "starved";
  const look = verdict.writesLost && calm ? LOST_WRITES : (known ?? { ...OTHER, title: verdict.tone.replace(/-/g, " ") });
  return (
    <div data-testid="audience-verdict" data-tone={verdict.tone} className={`flex items-start gap-3 rounded-xl border-2 px-4 py-3 ${look.box}`}>
      <span aria-hidden className="mt-0.5 flex size-9 shrink-0 items-center justify-center rounded-full bg-slate-950/50 text-xl font-black">
        {look.mark}
      </span>
      <div className="flex min-w-0 flex-col gap-0.5">
        <p className="text-xs font-semibold uppercase tracking-[0.2em] text-slate-300">Verdict · {look.title}</p>
        <p className="text-lg font-bold leading-snug">{verdict.reads}</p>
        {verdict.writes && <p className="text-base font-semibold text-slate-200">{verdict.writes}</p>}
      </div>
    </div>
  );
}
