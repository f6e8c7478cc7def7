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
  const byKind = report.locks.violationsByKind as Report["locks"]["violationsByKind"] | undefined;
  const writeViolations = byKind ? byKind["write-after-validity"] + byKind["write-out-of-token-order"] : 0;
  if (report.locks.safetyViolations > 0 && writeViolations > 0) {
    tone = "unsafe";
    const parts = [
      byKind!["two-holders"] > 0 ? `two holders at once ${byKind!["two-holders"]} time(s)` : null,
      byKind!["write-after-validity"] > 0 ? `${byKind!["write-after-validity"]} write(s) after the lock had expired` : null,
      byKind!["write-out-of-token-order"] > 0 ? `${byKind!["write-out-of-token-order"]} write(s) accepted out of token order` : null,
    ].filter((part): part is string => part !== null);
    reads = `the lock did not protect the row: ${parts.join(", ")}.`;
  } else if (report.locks.safetyViolations > 0) {
    tone = "unsafe";
    reads = `the lock let two holders in at once (${report.locks.safetyViolations} time(s)).`;
  } else if (s.lockedWork === "increment") {
    // The safety lab's writers: no cache episodes to judge, only whether every increment counted.
    tone = report.db.lostUpdates > 0 ? "unsafe" : "protected";
    reads =
      report.db.lostUpdates > 0
        ? `${report.db.lostUpdates} of ${report.db.lockedWrites} increment(s) were lost: writers overwrote each other.`
        : `protected — all ${report.db.lockedWrites} increment(s) counted${report.db.staleWritesRejected > 0 ? `; the database refused ${report.db.staleWritesRejected} stale write(s) by their fencing token` : ""}.`;
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

  if (s.lockedWork === "increment" && report.locks.safetyViolations > 0) {
    // The counter's own witness, next to the checker's.
    const lost = report.db.lostUpdates;
    writesLine = `${lost > 0 ? `${lost} of ${report.db.lockedWrites} increment(s) lost` : `no increment lost`}${report.db.staleWritesRejected > 0 ? `; ${report.db.staleWritesRejected} stale write(s) refused by fencing` : ""}.`;
  }

  return { tone, reads, writes: writesLine, writesLost: writes.lost > 0 };
}

/** The verdict as lines of text, reads first: the CLI joins them with its indentation. */
export function verdictLines(report: Report): string[] {
  const v = verdictOf(report);
  return v.writes === null ? [v.reads] : [v.reads, v.writes];
}
