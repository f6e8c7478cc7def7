/**
 * The run's verdict at the top of the audience view: on a phone it is what the room wants first,
 * before the numbers behind it. The words are the summary's own (lib/verdict), so the phone and the
 * presenter's screen say the same thing about the same report.
 */
import type { Report } from "@/lib/report";
import { verdictOf } from "@/lib/verdict";
import { verdictLook } from "../summary/verdict-look";

export function AudienceVerdict({ report }: { report: Report }) {
  const verdict = verdictOf(report);
  const look = verdictLook(verdict, report);
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
