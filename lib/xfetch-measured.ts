/**
 * XFetch in a run: the theory's inputs read from the scenario, and what the report says happened —
 * early refreshes, episodes, fills, recomputes per cycle and how long before the expiry each early
 * refresh came (to the tick). Pure: the page and tests read the same report the CLI prints.
 */
import type { Report } from "./report";
import type { Scenario } from "./scenario";
import type { XfetchInputs, XfetchLock } from "./xfetch-theory";

export type XfetchInputsResult = { ok: true; inputs: XfetchInputs } | { ok: false; reason: string };

/**
 * The theory's r, δ, β, L and lock from a scenario. The formula takes one key under a steady
 * stream, so other crowds get the reason instead of a number that would not hold.
 */
export function xfetchInputsOf(scenario: Scenario): XfetchInputsResult {
  if (scenario.xfetchBeta <= 0) return { ok: false, reason: "XFetch is off in this run (β = 0)." };
  if (scenario.crowd.profile !== "steady") {
    return { ok: false, reason: `The formula needs a steady stream of requests; this crowd is a ${scenario.crowd.profile}.` };
  }
  if (scenario.crowd.keys !== 1) return { ok: false, reason: `The formula is for one hot key; this crowd asks for ${scenario.crowd.keys}.` };
  if (scenario.crowd.rps <= 0) return { ok: false, reason: "No requests arrive (0 per second)." };
  const lock: XfetchLock = scenario.lock === "none" ? "none" : scenario.lock === "local" ? "local" : "cluster";
  return {
    ok: true,
    inputs: {
      beta: scenario.xfetchBeta,
      // The δ a value carries is its last recompute's time: the database's read time while it is not queueing.
      deltaMs: Math.max(1, scenario.db.readLatencyMs),
      ratePerSec: scenario.crowd.rps,
      lifetimeMs: scenario.cache.ttlMs,
      lock,
      instances: scenario.instances,
    },
  };
}

export interface XfetchMeasured {
  /** DB reads while the value was still fresh: the volunteers' recomputes. */
  earlyRefreshes: number;
  /** Times the crowd found the value expired or missing. */
  episodes: number;
  fills: number;
  dbReads: number;
  /** Renewals of the value: a burst of DB reads ended by a fill. */
  cycles: number;
  /** DB reads per cycle; null without a cycle. */
  recomputesPerCycle: number | null;
  /** Each early refresh's lead before the expiry in force, ms, to the tick. */
  leadsMs: number[];
  meanLeadMs: number | null;
  /** The leads' resolution: one tick. */
  resolutionMs: number;
}

/**
 * Reads the cycles off the report's ticks: a cycle starts with the first window with DB reads and
 * ends with the next window with a fill, which sets a new expiry (fill + TTL). A read window outside
 * every episode is an early refresh; its lead is the expiry then in force minus the read, both taken
 * at their windows' middles (the first expiry, the warm-up's, is exact).
 */
export function measureXfetch(report: Report): XfetchMeasured {
  const { scenario } = report;
  const tick = scenario.tickMs;
  const ticks = [...report.ticks].sort((a, b) => a.t - b.t);
  const episodes = report.episodes;
  const inEpisode = (t: number) => episodes.some((e) => e.startMs < t + tick && (e.endMs === null || e.endMs >= t));
  let expiry: number | null = scenario.crowd.expireAtMs > 0 ? scenario.crowd.expireAtMs : null;
  let inCycle = false;
  let cycles = 0;
  let reads = 0;
  const leadsMs: number[] = [];
  for (const frame of ticks) {
    if (frame.dbReads > 0) {
      reads += frame.dbReads;
      if (!inCycle) {
        cycles += 1;
        inCycle = true;
        // An early refresh: the value was fresh when this window's read went to the database.
        if (expiry !== null && !inEpisode(frame.t)) leadsMs.push(expiry - (frame.t + tick / 2));
      }
    }
    if (frame.cacheFills > 0) {
      inCycle = false;
      expiry = frame.t + tick / 2 + scenario.cache.ttlMs;
    }
  }
  return {
    earlyRefreshes: report.db.readsOutsideEpisodes,
    episodes: report.episodeCount,
    fills: report.cache.fills,
    dbReads: report.db.reads,
    cycles,
    recomputesPerCycle: cycles > 0 ? reads / cycles : null,
    leadsMs,
    meanLeadMs: leadsMs.length > 0 ? leadsMs.reduce((sum, lead) => sum + lead, 0) / leadsMs.length : null,
    resolutionMs: tick,
  };
}
