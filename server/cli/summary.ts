import { percent as pct, verdictLines } from "../../lib/verdict";
import type { Report } from "../lab/report";

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
  const rounds = roundsLine(report);
  if (rounds) lines.push(rounds);
  const downAtStart = (report.nodesAtStart ?? []).filter((n) => n.state !== "up" || n.partitioned);
  if (downAtStart.length > 0) {
    lines.push(`  at start    ${downAtStart.map((n) => `${n.id} ${n.state === "up" ? "cut off" : n.state}`).join(", ")} — before the scenario's own faults`);
  }
  if (writes.acknowledged + writes.failed > 0) {
    lines.push(`  writes      ${writes.acknowledged} acknowledged, ${writes.persisted} persisted, ${writes.pending} pending, ${writes.lost} LOST, ${writes.failed} failed`);
  }
  if (s.lockedWork === "increment") {
    lines.push(
      `  increments  ${db.lockedWrites} written, counter up ${db.counterIncrease}: ${db.lostUpdates} LOST; fencing ${s.fencing ? "on" : "off"}: ${db.staleWritesRejected} stale write(s) refused, ${db.staleWritesAccepted} accepted`,
    );
  }
  if (locks.pauses && locks.pauses.taken > 0) {
    lines.push(`  pauses      ${locks.pauses.taken} simulated stop-the-world pause(s) of a lock holder, ${locks.pauses.outlivedValidity} outlived its lock`);
  }
  if (cacheNode?.info) {
    lines.push(`  cache node  its own count: ${cacheNode.info.keyspaceHits} keyspace hits, ${cacheNode.info.keyspaceMisses} misses (engine saw ${report.cache.found} found of ${report.cache.reads} GETs)`);
  }
  lines.push(`  runtime     event-loop lag max ${report.runtime.eventLoopLagMaxMs} ms, arrival lag max ${report.runtime.arrivalLagMaxMs} ms`);
  if (report.runtime.distorted) {
    lines.push(`  WARNING     this machine fell behind (lag above ${report.runtime.distortionLimitMs} ms): latencies and timeouts include the lab's own delay`);
  }
  if (report.violations.length > 0) {
    // The first violation of each kind (a run without write violations prints one line, as before).
    const seen = new Set<string>();
    for (const v of report.violations) {
      const kind = v.kind ?? "two-holders";
      if (seen.has(kind)) continue;
      seen.add(kind);
      lines.push(
        v.kind === undefined || v.kind === "two-holders"
          ? `  VIOLATION   ${v.first.holder} and ${v.second.holder} held ${v.resource} at once (t = ${v.at})`
          : `  VIOLATION   ${v.detail ?? `${v.kind}: ${v.first.holder}`} (${v.resource}, t = ${v.at})`,
      );
    }
  }
  lines.push("", `  verdict     ${verdict(report)}`);
  return lines.join("\n");
}

/** Redlock's rounds beside the attempts they answered: what the in-process coalescing saved. */
export function roundsLine(report: Report): string | null {
  const { locks, scenario: s } = report;
  if ((s.lock !== "redlock" && s.lock !== "single-redis") || locks.rounds === undefined) return null;
  const split = `${locks.roundsAcquired ?? 0} acquired, ${locks.roundsContended ?? 0} contended, ${locks.roundsFailed ?? 0} failed`;
  if (s.lock === "single-redis") return `  rounds      ${locks.rounds} lock round(s) on lock-1 (${split}), one per attempt`;
  const inProcess = locks.answeredInProcess ?? 0;
  const how = s.redlock.coalesce
    ? `${inProcess} lock request(s) answered in-process (${locks.answeredByLook ?? 0} by the shared look, ${locks.answeredBySibling ?? 0} by a sibling's round)`
    : "coalescing off: every lock request ran its own round";
  return `  rounds      ${locks.rounds} Redlock round(s) (${split}); ${how}`;
}

function verdict(report: Report): string {
  return verdictLines(report).join("\n              ");
}

/** A one-line progress bar for stderr. */
export function progressLine(atMs: number, durationMs: number, arrived: number, planned: number): string {
  const width = 30;
  const done = Math.min(1, atMs / durationMs);
  const bar = "█".repeat(Math.round(done * width)).padEnd(width, "░");
  return `  ${bar} ${(atMs / 1000).toFixed(1)}s / ${(durationMs / 1000).toFixed(1)}s  ${arrived}/${planned} arrived`;
}
