/**
 * The one-line verdict on a run, shared by the CLI summary and the dashboard's run summary so both
 * say the same thing about the same report. Pure: no Node imports.
 */
import type { Report } from "./report";

/** What kind of ending it was, for colour; the words carry the meaning. */
export type VerdictTone = "unsafe" | "stampede" | "starved" | "protected" | "quiet";

export interface Verdict {
  tone: VerdictTone;
  /** About the reads: did the lock spare the database, and were clients served? */
  reads: string;
  /** About acknowledged writes, when the run had any; null otherwise. */
  writes: string | null;
  /** True when acknowledged writes never reached the database. */
  writesLost: boolean;
}

/** "12.3%", or "—" when there is nothing to divide by. */
export function percent(part: number, whole: number): string {
  return whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : "—";
}

export function verdictOf(report: Report): Verdict {
  const { requests: r, maxDbReadsPerEpisode: worst, scenario: s, writes } = report;
  let tone: VerdictTone;
  let reads: string;
  const failed = r.errors + r.timeouts;
  // The order decides precedence: a safety violation outranks everything, then a stampede.
  if (report.locks.safetyViolations > 0) {
    tone = "unsafe";
    reads = `the lock let two holders in at once (${report.locks.safetyViolations} time(s)).`;
  } else if (report.episodeCount === 0) {
    tone = "quiet";
    reads = "no episode: the crowd never found the key missing.";
  } else if (worst > Math.max(s.instances, 1) * 2) {
    // More reads than a per-instance lock would explain (one per instance, twice over).
    tone = "stampede";
    reads = `stampede — ${worst} DB reads for one expired key.`;
  } else if (failed > r.total / 2) {
    tone = "starved";
    reads = `the database was spared (${worst} read(s) per episode at most), but ${failed} of ${r.total} clients got no value.`;
  } else {
    tone = "protected";
    reads = `protected — at most ${worst} DB read(s) per episode, and ${percent(r.hits + r.misses + r.staleServed, r.total)} of clients served.`;
  }

  let writesLine: string | null = null;
  if (writes.lost > 0) writesLine = `${writes.lost} acknowledged write(s) never reached the database.`;
  else if (writes.acknowledged > 0) writesLine = `all ${writes.acknowledged} acknowledged write(s) are persisted or still pending.`;

  return { tone, reads, writes: writesLine, writesLost: writes.lost > 0 };
}

/** The verdict as lines of text, reads first: the CLI joins them with its indentation. */
export function verdictLines(report: Report): string[] {
  const v = verdictOf(report);
  return v.writes === null ? [v.reads] : [v.reads, v.writes];
}
