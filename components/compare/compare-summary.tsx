/**
 * The two runs' summaries in two columns, with the difference: the figures every before/after is
 * about, then whatever else differs. The numbers are the two reports', nothing recomputed.
 */
import type { Report } from "@/lib/report";
import { verdictOf } from "@/lib/verdict";
import { formatDifference, formatFigure, summaryRows, type RunLabel } from "./compare-data";

export interface CompareSummaryProps {
  previous: Report;
  /** Null while this run is still going. */
  current: Report | null;
  labels: { previous: RunLabel; current: RunLabel };
}

const JUDGEMENT_LOOK = { better: "text-emerald-300", worse: "text-rose-300" } as const;

export function CompareSummary({ previous, current, labels }: CompareSummaryProps) {
  const rows = summaryRows(previous, current);
  return (
    // On a phone the four columns scroll inside their box, not the page.
    <div className="overflow-x-auto">
      <table data-testid="compare-summary" className="w-full min-w-[36rem] border-collapse text-lg">
        <caption className="sr-only">The two runs&apos; figures and the difference</caption>
        <thead>
          <tr className="text-left align-bottom text-sm font-semibold uppercase tracking-wider text-slate-400">
            <th scope="col" className="py-2 pr-4 font-semibold">
              figure
            </th>
            <th scope="col" className="py-2 pr-4 text-right font-semibold" data-testid="compare-column-previous">
              <span className="block normal-case tracking-normal text-base text-slate-400">{labels.previous.full}</span>
              <span className="block normal-case tracking-normal text-sm text-slate-500">{verdictWord(previous)}</span>
            </th>
            <th scope="col" className="py-2 pr-4 text-right font-semibold" data-testid="compare-column-current">
              <span className="block normal-case tracking-normal text-base text-slate-100">{labels.current.full}</span>
              <span className="block normal-case tracking-normal text-sm text-slate-500">{current ? verdictWord(current) : "running…"}</span>
            </th>
            <th scope="col" className="py-2 text-right font-semibold">
              difference
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} data-testid={`compare-row-${row.id}`} className="border-t border-slate-800">
              <th scope="row" className="py-1.5 pr-4 text-left font-normal text-slate-300">
                {row.label}
              </th>
              <td data-run="previous" className="py-1.5 pr-4 text-right font-mono text-xl tabular-nums text-slate-400">
                {formatFigure(row.previous, row.unit)}
              </td>
              <td data-run="current" className="py-1.5 pr-4 text-right font-mono text-xl font-bold tabular-nums">
                {current ? formatFigure(row.current, row.unit) : <span className="text-base font-normal text-slate-500">after the run</span>}
              </td>
              <td
                data-run="difference"
                data-judgement={row.judgement ?? undefined}
                className={`py-1.5 text-right font-mono text-xl tabular-nums ${row.judgement ? JUDGEMENT_LOOK[row.judgement] : "text-slate-300"}`}
              >
                {formatDifference(row)}
                {row.judgement && <span className="ml-2 font-sans text-sm">{row.judgement}</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The verdict banner's titles, in lower case; a tone without one reads as its name. */
const VERDICT_WORDS: Record<string, string> = {
  unsafe: "unsafe",
  stampede: "stampede",
  starved: "spared, but clients starved",
  exposed: "every expiry met the crowd",
  protected: "protected",
  quiet: "quiet",
  "no-result": "no result",
};

/** "verdict: protected", in the summary's own words. */
function verdictWord(report: Report): string {
  const { tone } = verdictOf(report);
  return `verdict: ${VERDICT_WORDS[tone] ?? tone.replace(/-/g, " ")}`;
}
