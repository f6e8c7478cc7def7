/**
 * The one-line verdict on a run, shared by the CLI summary and the dashboard's run summary so both
 * say the same thing about the same report. Pure: no Node imports.
 *
 * The rules, in order of precedence:
 * 1. A safety violation outranks everything ("unsafe").
 * 2. A run that did no work — nobody arrived, nobody got an answer, or a lock run where no lock was
 *    granted — proves nothing: "no-result", with the reason (nodes down before the run) — unless the
 *    scenario's own faults took the lock's quorum away, which is then the story and judged below.
 * 3. Each lock mode is judged by what it promises: a cluster lock (single-redis, redlock) one DB read
 *    per episode; in-process locks one per instance; no lock nothing (a thin crowd is only lucky).
 *    More is a stampede; the CLI and the page say the run's total when it differs from one episode's.
 * 4. The database spared but most clients without a value: "starved".
 * 5. XFetch is judged by the episodes it avoided: early refreshes and no episode is the point of it;
 *    a steady crowd meeting every expiry of a key, with nothing refreshing early, is "exposed" even
 *    when the lock kept each episode to one read.
 */
import type { NodeAtStart, Report } from "./report";
import { quorumOf, type Scenario } from "./scenario";

/** What kind of ending it was, for colour; the words carry the meaning. */
export type VerdictTone = "unsafe" | "stampede" | "starved" | "exposed" | "protected" | "quiet" | "no-result";

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
  const judged = judgeReads(report);
  const { writes, scenario: s } = report;

  let writesLine: string | null = null;
  if (writes.lost > 0) writesLine = `${writes.lost} acknowledged write(s) never reached the database.`;
  else if (writes.acknowledged > 0) writesLine = `all ${writes.acknowledged} acknowledged write(s) are persisted or still pending.`;

  if (s.lockedWork === "increment" && report.locks.safetyViolations > 0) {
    // The counter's own witness, next to the checker's.
    const lost = report.db.lostUpdates;
    writesLine = `${lost > 0 ? `${lost} of ${report.db.lockedWrites} increment(s) lost` : `no increment lost`}${report.db.staleWritesRejected > 0 ? `; ${report.db.staleWritesRejected} stale write(s) refused by fencing` : ""}.`;
  }

  return { ...judged, writes: writesLine, writesLost: writes.lost > 0 };
}

/** The verdict as lines of text, reads first: the CLI joins them with its indentation. */
export function verdictLines(report: Report): string[] {
  const v = verdictOf(report);
  return v.writes === null ? [v.reads] : [v.reads, v.writes];
}

function judgeReads(report: Report): { tone: VerdictTone; reads: string } {
  const { requests: r, maxDbReadsPerEpisode: worst, scenario: s, db, locks } = report;
  const failed = r.errors + r.timeouts;
  const served = r.hits + r.misses + r.staleServed;

  const byKind = locks.violationsByKind as Report["locks"]["violationsByKind"] | undefined;
  const writeViolations = byKind ? byKind["write-after-validity"] + byKind["write-out-of-token-order"] : 0;
  if (locks.safetyViolations > 0 && writeViolations > 0) {
    const parts = [
      byKind!["two-holders"] > 0 ? `two holders at once ${byKind!["two-holders"]} time(s)` : null,
      byKind!["write-after-validity"] > 0 ? `${byKind!["write-after-validity"]} write(s) after the lock had expired` : null,
      byKind!["write-out-of-token-order"] > 0 ? `${byKind!["write-out-of-token-order"]} write(s) from an older holder after a newer one's` : null,
    ].filter((part): part is string => part !== null);
    return { tone: "unsafe", reads: `the lock did not protect the row: ${parts.join(", ")}.` };
  }
  if (locks.safetyViolations > 0) return { tone: "unsafe", reads: `the lock let two holders in at once (${locks.safetyViolations} time(s)).` };

  const world = worldOf(report);
  const noGrant = s.lock !== "none" && s.lock !== "local" && locks.attempts > 0 && locks.acquired === 0;
  // The scenario's own faults taking the quorum away is the no-quorum story, judged below.
  const explained = r.total > 0 && world.scenarioRemovesQuorum;
  if ((r.total === 0 || served === 0 || noGrant) && !explained) {
    return { tone: "no-result", reads: noResultWords(report, world, { noGrant, served }) };
  }

  if (s.lockedWork === "increment") {
    // The safety lab's writers: no cache episodes to judge, only whether every increment counted.
    return report.db.lostUpdates > 0
      ? { tone: "unsafe", reads: `${report.db.lostUpdates} of ${report.db.lockedWrites} increment(s) were lost: writers overwrote each other.` }
      : {
          tone: "protected",
          reads: `protected — all ${report.db.lockedWrites} increment(s) counted${report.db.staleWritesRejected > 0 ? `; the database refused ${report.db.staleWritesRejected} stale write(s) by their fencing token` : ""}.`,
        };
  }

  const servedPct = percent(served, r.total);
  const starved = () => ({
    tone: "starved" as const,
    reads: `starved — database spared, ${failed} of ${r.total} clients got no value${noGrant && world.scenarioRemovesQuorum ? ` (${world.quorumWords})` : ""}.`,
  });
  const earlyRefreshes = s.xfetchBeta > 0 ? db.readsOutsideEpisodes : 0;

  if (report.episodeCount === 0) {
    if (failed > r.total / 2) return starved();
    if (earlyRefreshes > 0) {
      return {
        tone: "protected",
        reads: `protected — XFetch refreshed the key ${earlyRefreshes} time(s) before it expired, so the crowd never found it missing (no episode); ${servedPct} of clients served.`,
      };
    }
    return { tone: "quiet", reads: "no episode: the crowd never found the key missing." };
  }

  const allowed = readsAllowed(s);
  if (worst > allowed) return { tone: "stampede", reads: stampedeWords(report, allowed) };
  if (failed > r.total / 2) return starved();
  if (s.lock === "none") {
    return { tone: "quiet", reads: `no stampede, but no lock either: at most ${worst} DB read(s) per episode — the crowd was too thin to pile up.` };
  }
  if (worst === 0) {
    return { tone: "quiet", reads: `${report.episodeCount} episode(s), but no DB read in any: nobody refilled the key, and ${servedPct} of clients were served anyway.` };
  }

  const repeated = expiriesMetByTheCrowd(report);
  if (repeated > 1 && earlyRefreshes === 0 && s.waiters !== "serve-stale") {
    const all = report.episodeCount > repeated ? ` (${report.episodeCount} episodes in all)` : "";
    return {
      tone: "exposed",
      reads:
        `every expiry met the crowd — the key expired ${repeated} times in front of a steady crowd and each time opened an episode${all}; ` +
        `the lock kept each to ${readsWords(worst)}${perInstance(s)}, but ${s.waiters === "fail-fast" ? "the crowd found the key missing each time" : "the crowd waited for every refill"} (latency p99 ${ms(report.latencyMs.p99)}). Nothing refreshed early${s.xfetchBeta === 0 ? " (XFetch off)" : ""}.`,
    };
  }

  const xfetch = earlyRefreshes > 0 ? `; XFetch refreshed early ${earlyRefreshes} time(s), yet ${report.episodeCount} expir${report.episodeCount === 1 ? "y" : "ies"} still met the crowd` : "";
  return {
    tone: "protected",
    reads: `protected — ${readsWords(worst)} ${report.episodeCount === 1 ? "in the episode" : `at most in each of ${report.episodeCount} episodes`}${perInstance(s)}${xfetch}, and ${servedPct} of clients served.`,
  };
}

/** How many DB reads per episode the lock mode promises at most. */
function readsAllowed(s: Scenario): number {
  switch (s.lock) {
    case "none":
    case "single-redis":
    case "redlock":
      return 1;
    case "local":
      return Math.max(1, s.instances);
  }
}

function readsWords(worst: number): string {
  return `${worst} DB read${worst === 1 ? "" : "s"}`;
}

/** In-process locks promise one read per instance: ", no more than one per instance (4 instances)". */
function perInstance(s: Scenario): string {
  return s.lock === "local" ? `, no more than one per instance (${s.instances} instance${s.instances === 1 ? "" : "s"})` : "";
}

/** What happened in the run, and in the worst episode when they differ (one of twelve episodes is not the run). */
function stampedeWords(report: Report, allowed: number): string {
  const { maxDbReadsPerEpisode: worst, db, episodeCount, scenario: s } = report;
  const refused = [db.rejected > 0 ? `refused ${db.rejected}` : null, db.timedOut > 0 ? `timed out ${db.timedOut}` : null].filter(Boolean);
  const load = refused.length > 0 ? `; the database ${refused.join(" and ")}` : "";
  const leak =
    s.lock === "local"
      ? `, more than one per instance (${s.instances} instance(s))`
      : s.lock !== "none" && s.onLockError !== "bypass" && worst <= 2 * Math.max(1, s.instances)
        ? `: the lock leaked (a cluster-wide lock allows ${allowed})`
        : s.lock !== "none" && s.onLockError === "bypass" && report.locks.acquired === 0
          ? ": no lock could be granted, so every miss went to the database (fail open)"
          : "";
  if (episodeCount > 1) return `stampede — ${db.reads} DB reads in the run over ${episodeCount} episodes, up to ${worst} in one${leak}${load}.`;
  if (db.reads > worst) return `stampede — ${db.reads} DB reads in the run, ${worst} of them for one expired key${leak}${load}.`;
  return `stampede — ${worst} DB reads for one expired key${leak}${load}.`;
}

/** The most episodes one key had: a steady crowd meeting that key's every expiry. */
function expiriesMetByTheCrowd(report: Report): number {
  if (report.scenario.crowd.profile === "sneaker-drop") return 0;
  const byKey = new Map<string, number>();
  for (const e of report.episodes) byKey.set(e.key, (byKey.get(e.key) ?? 0) + 1);
  return Math.max(0, ...byKey.values());
}

interface World {
  /** Lock nodes the scenario uses that were down or cut off at t = 0. */
  lockDownAtStart: NodeAtStart[];
  lockNodesUsed: number;
  needed: number;
  quorumMissingAtStart: boolean;
  cacheDownAtStart: boolean;
  /** The scenario's own faults take down enough lock nodes that no quorum is left. */
  scenarioRemovesQuorum: boolean;
  quorumWords: string;
  /** False for reports made before nodesAtStart existed. */
  known: boolean;
}

const unavailable = (n: NodeAtStart) => n.state !== "up" || n.partitioned;

function worldOf(report: Report): World {
  const s = report.scenario;
  const used = s.lock === "single-redis" ? ["lock-1"] : s.lock === "redlock" ? Array.from({ length: s.lockNodes }, (_, i) => `lock-${i + 1}`) : [];
  const needed = s.lock === "redlock" ? quorumOf(s.lockNodes) : used.length;
  const atStart = report.nodesAtStart ?? [];
  const lockDownAtStart = atStart.filter((n) => used.includes(n.id) && unavailable(n));
  const upAtStart = used.length - lockDownAtStart.length;
  const downAtStartIds = new Set(lockDownAtStart.map((n) => n.id));
  const takenByScenario = new Set(
    s.faults.flatMap((f) =>
      "node" in f && used.includes(f.node) && !downAtStartIds.has(f.node) && (f.action === "crash" || f.action === "freeze" || (f.action === "partition" && f.instances === undefined)) ? [f.node] : [],
    ),
  );
  const left = upAtStart - takenByScenario.size;
  return {
    lockDownAtStart,
    lockNodesUsed: used.length,
    needed,
    quorumMissingAtStart: used.length > 0 && upAtStart < needed,
    cacheDownAtStart: atStart.some((n) => n.role === "cache" && unavailable(n)),
    scenarioRemovesQuorum: used.length > 0 && upAtStart >= needed && left < needed,
    quorumWords: `the scenario's faults left ${Math.max(0, left)} of ${used.length} lock node${used.length === 1 ? "" : "s"} up, ${needed} needed`,
    known: report.nodesAtStart !== undefined,
  };
}

function noResultWords(report: Report, world: World, seen: { noGrant: boolean; served: number }): string {
  const { requests: r, locks, runtime } = report;
  const what =
    r.total === 0
      ? "no client arrived"
      : seen.noGrant && seen.served === 0
        ? `no lock was granted in ${locks.attempts} attempt(s), and no client of ${r.total} got a value`
        : seen.noGrant
          ? `no lock was granted in ${locks.attempts} attempt(s), so the lock was never tested`
          : r.timeouts === r.total
            ? `all ${r.total} requests timed out`
            : `no client of ${r.total} got a value (${r.errors} error(s), ${r.timeouts} timeout(s))`;
  const why: string[] = [];
  if (report.stopped) why.push(`the run was stopped at ${(report.stopped.atMs / 1000).toFixed(1)} s by the ${report.stopped.by}`);
  if (world.lockDownAtStart.length > 0) {
    const ids = world.lockDownAtStart.map((n) => n.id).join(", ");
    why.push(`${world.lockDownAtStart.length} of ${world.lockNodesUsed} lock node${world.lockNodesUsed === 1 ? " was" : "s were"} down before the run (${ids})`);
  }
  if (world.cacheDownAtStart) why.push("the cache node was down before the run");
  if (why.length === 0 && runtime.distorted) why.push(`this machine fell behind (lag up to ${Math.max(runtime.eventLoopLagMaxMs, runtime.arrivalLagMaxMs)} ms)`);
  const advice = why.length > 0 && (world.lockDownAtStart.length > 0 || world.cacheDownAtStart) ? " Reset the world and run it again." : "";
  return `NO RESULT — ${why.length > 0 ? `${why.join("; ")}: ` : ""}${what}. Nothing here says whether the database was protected.${advice}`;
}

function ms(value: number | null): string {
  return value === null ? "—" : `${value} ms`;
}
