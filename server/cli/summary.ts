import type { Report } from "../lab/report";

const pct = (part: number, whole: number) => (whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : "—");
const ms = (value: number | null) => (value === null ? "—" : `${value} ms`);

/** A report as a person reads it at a terminal: the story first, then the figures behind it. */
export function formatSummary(report: Report): string {
  const { requests: r, db, locks, writes, scenario: s } = report;
  const cacheNode = report.nodes.find((n) => n.id === "cache");
  const lines = [
    `Stampede Lab — ${s.strategy}, lock ${s.lock}${s.lock === "none" ? "" : `, waiters ${s.waiters}, onLockError ${s.onLockError}`}, ${s.instances} instance(s), seed ${s.seed}`,
    "",
    `  requests    ${r.total} arrived: ${r.hits} hit (${pct(r.hits, r.total)}), ${r.misses} miss, ${r.staleServed} stale, ${r.errors} error, ${r.timeouts} timeout`,
    `  latency     p50 ${ms(report.latencyMs.p50)}, p95 ${ms(report.latencyMs.p95)}, p99 ${ms(report.latencyMs.p99)}, max ${ms(report.latencyMs.max)}`,
    `  database    ${db.reads} reads, ${db.writes} writes, peak ${db.peakInFlight} in flight, ${db.rejected} rejected, ${db.timedOut} timed out`,
    `  episodes    ${report.episodeCount}, at most ${report.maxDbReadsPerEpisode} DB read(s) in one; ${db.readsOutsideEpisodes} read(s) outside any episode`,
    `  locks       ${locks.attempts} attempts: ${locks.acquired} acquired, ${locks.contended} contended, ${locks.failed} failed; max ${locks.maxHoldersAtOnce} holder(s) at once, ${locks.safetyViolations} safety violation(s)`,
  ];
  if (writes.acknowledged + writes.failed > 0) {
    lines.push(`  writes      ${writes.acknowledged} acknowledged, ${writes.persisted} persisted, ${writes.pending} pending, ${writes.lost} LOST, ${writes.failed} failed`);
  }
  if (cacheNode?.info) {
    lines.push(`  cache node  its own count: ${cacheNode.info.keyspaceHits} keyspace hits, ${cacheNode.info.keyspaceMisses} misses (engine saw ${report.cache.found} found of ${report.cache.reads} GETs)`);
  }
  lines.push(`  runtime     event-loop lag max ${report.runtime.eventLoopLagMaxMs} ms, arrival lag max ${report.runtime.arrivalLagMaxMs} ms`);
  if (report.runtime.distorted) {
    lines.push(`  WARNING     this machine fell behind (lag above ${report.runtime.distortionLimitMs} ms): latencies and timeouts include the lab's own delay`);
  }
  if (report.violations.length > 0) {
    const v = report.violations[0]!;
    lines.push(`  VIOLATION   ${v.first.holder} and ${v.second.holder} held ${v.resource} at once (t = ${v.at})`);
  }
  lines.push("", `  verdict     ${verdict(report)}`);
  return lines.join("\n");
}

function verdict(report: Report): string {
  const parts = [readVerdict(report)];
  const { writes } = report;
  if (writes.lost > 0) parts.push(`${writes.lost} acknowledged write(s) never reached the database.`);
  else if (writes.acknowledged > 0) parts.push(`all ${writes.acknowledged} acknowledged write(s) are persisted or still pending.`);
  return parts.join("\n              ");
}

function readVerdict(report: Report): string {
  const { requests: r, maxDbReadsPerEpisode: worst, scenario: s } = report;
  if (report.locks.safetyViolations > 0) return `the lock let two holders in at once (${report.locks.safetyViolations} time(s)).`;
  if (report.episodeCount === 0) return "no episode: the crowd never found the key missing.";
  if (worst > Math.max(s.instances, 1) * 2) return `stampede — ${worst} DB reads for one expired key.`;
  const failed = r.errors + r.timeouts;
  if (failed > r.total / 2) return `the database was spared (${worst} read(s) per episode at most), but ${failed} of ${r.total} clients got no value.`;
  return `protected — at most ${worst} DB read(s) per episode, and ${pct(r.hits + r.misses + r.staleServed, r.total)} of clients served.`;
}

/** A one-line progress bar for stderr. */
export function progressLine(atMs: number, durationMs: number, arrived: number, planned: number): string {
  const width = 30;
  const done = Math.min(1, atMs / durationMs);
  const bar = "█".repeat(Math.round(done * width)).padEnd(width, "░");
  return `  ${bar} ${(atMs / 1000).toFixed(1)}s / ${(durationMs / 1000).toFixed(1)}s  ${arrived}/${planned} arrived`;
}
