import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatSummary } from "../server/cli/summary";
import type { Report } from "./report";
import { defaultScenario, type Scenario } from "./scenario";
import { percent, verdictLines, verdictOf, type VerdictTone } from "./verdict";

/**
 * Real reports, recorded from the CLI's runs on real nodes (ticks left out): each a preset beat, some
 * with lock nodes crashed before the run as a previous story would have left them.
 */
function fixture(name: string): Report {
  return JSON.parse(readFileSync(new URL(`./testing/reports/${name}.json`, import.meta.url), "utf8")) as Report;
}

function report(overrides: {
  scenario?: Partial<Scenario>;
  requests?: Partial<Report["requests"]>;
  writes?: Partial<Report["writes"]>;
  db?: Partial<Report["db"]>;
  locks?: Partial<Report["locks"]>;
  episodeCount?: number;
  maxDbReadsPerEpisode?: number;
  episodes?: Report["episodes"];
  safetyViolations?: number;
  instances?: number;
  nodesAtStart?: Report["nodesAtStart"];
}): Report {
  const scenario = { ...defaultScenario(), lock: "redlock" as const, waiters: "poll" as const, instances: overrides.instances ?? 4, ...overrides.scenario };
  return {
    scenario,
    provenance: { seed: 42, gitSha: "x", versions: {}, cores: 2, startedAt: "2026-01-01T00:00:00.000Z" },
    durationMs: 6000,
    requests: { total: 100, hits: 90, misses: 1, staleServed: 0, errors: 9, timeouts: 0, ...overrides.requests },
    latencyMs: { p50: 10, p95: 20, p99: 30, max: 40 },
    db: {
      reads: overrides.maxDbReadsPerEpisode ?? 1,
      writes: 0,
      peakInFlight: 1,
      rejected: 0,
      timedOut: 0,
      readsOutsideEpisodes: 0,
      lockedWrites: 0,
      counterIncrease: 0,
      lostUpdates: 0,
      staleWritesRejected: 0,
      staleWritesAccepted: 0,
      ...overrides.db,
    },
    episodes: overrides.episodes ?? [],
    episodeCount: overrides.episodeCount ?? 1,
    maxDbReadsPerEpisode: overrides.maxDbReadsPerEpisode ?? 1,
    locks: {
      attempts: 1,
      acquired: 1,
      failed: 0,
      contended: 0,
      maxHoldersAtOnce: 1,
      safetyViolations: overrides.safetyViolations ?? 0,
      violationsByKind: { "two-holders": overrides.safetyViolations ?? 0, "write-after-validity": 0, "write-out-of-token-order": 0 },
      pauses: { taken: 0, outlivedValidity: 0 },
      observed: { samples: 0, maxDistinctHolders: 0 },
      ...overrides.locks,
    },
    violations: [],
    writes: { acknowledged: 0, failed: 0, persisted: 0, pending: 0, lost: 0, ...overrides.writes },
    cache: { reads: 0, found: 0, fills: 0, writeFailures: 0 },
    ...(overrides.nodesAtStart ? { nodesAtStart: overrides.nodesAtStart } : {}),
    nodes: [],
    runtime: { eventLoopLagMaxMs: 0, arrivalLagMaxMs: 0, distorted: false, distortionLimitMs: 250 },
    notes: [],
    ticks: [],
  };
}

const allUp = (downIds: string[] = []): NonNullable<Report["nodesAtStart"]> =>
  ["cache", "lock-1", "lock-2", "lock-3", "lock-4", "lock-5"].map((id) => ({ id, role: id === "cache" ? "cache" : "lock", state: downIds.includes(id) ? "crashed" : "up", partitioned: false }));

const CASES: Array<[string, Parameters<typeof report>[0], VerdictTone]> = [
  ["violation", { safetyViolations: 2 }, "unsafe"],
  ["no episode", { episodeCount: 0, maxDbReadsPerEpisode: 0 }, "quiet"],
  ["stampede", { maxDbReadsPerEpisode: 2500 }, "stampede"],
  ["a cluster lock with two reads in an episode leaked", { maxDbReadsPerEpisode: 2 }, "stampede"],
  ["in-process locks: one read per instance is their promise", { scenario: { lock: "local" }, instances: 8, maxDbReadsPerEpisode: 8 }, "protected"],
  ["in-process locks: more than one per instance is a stampede", { scenario: { lock: "local" }, instances: 4, maxDbReadsPerEpisode: 5 }, "stampede"],
  ["no lock and one read: lucky, not protected", { scenario: { lock: "none" }, locks: { attempts: 0, acquired: 0 } }, "quiet"],
  ["no lock and two reads: a stampede", { scenario: { lock: "none" }, locks: { attempts: 0, acquired: 0 }, maxDbReadsPerEpisode: 2 }, "stampede"],
  ["starved", { requests: { hits: 10, errors: 89 } }, "starved"],
  ["protected", {}, "protected"],
  ["writes lost", { writes: { acknowledged: 10, persisted: 6, lost: 4 } }, "protected"],
  ["writes kept", { writes: { acknowledged: 10, persisted: 6, pending: 4 } }, "protected"],
  ["nobody arrived", { requests: { total: 0, hits: 0, misses: 0, errors: 0 } }, "no-result"],
  ["every request timed out", { requests: { hits: 0, misses: 0, errors: 0, timeouts: 100 }, nodesAtStart: allUp() }, "no-result"],
  ["no grant in a lock run", { locks: { attempts: 40, acquired: 0, failed: 40 }, nodesAtStart: allUp(["lock-1", "lock-2", "lock-3"]) }, "no-result"],
];

describe("verdictOf", () => {
  it.each(CASES)("%s", (_name, overrides, tone) => {
    expect(verdictOf(report(overrides)).tone).toBe(tone);
  });

  it("names lost writes", () => {
    const v = verdictOf(report({ writes: { acknowledged: 10, persisted: 6, lost: 4 } }));
    expect(v.writesLost).toBe(true);
    expect(v.writes).toBe("4 acknowledged write(s) never reached the database.");
    expect(verdictOf(report({})).writes).toBeNull();
  });

  it("says exactly what the CLI summary says", () => {
    for (const [, overrides] of CASES) {
      const r = report(overrides);
      const cli = formatSummary(r).split("  verdict     ")[1];
      expect(cli).toBe(verdictLines(r).join("\n              "));
    }
  });

  it("formats percentages like the CLI", () => {
    expect(percent(1, 3)).toBe("33.3%");
    expect(percent(1, 0)).toBe("—");
  });
});

describe("a run that did no work is never green", () => {
  it("four lock nodes down before the run (redlock-holds after another story): NO RESULT with the reason, not protected", () => {
    const r = fixture("redlock-holds-four-down-before");
    expect(r.nodesAtStart?.filter((n) => n.state !== "up").map((n) => n.id)).toEqual(["lock-1", "lock-2", "lock-3", "lock-5"]);
    const v = verdictOf(r);
    expect(v.tone).toBe("no-result");
    expect(v.reads).toMatch(/^NO RESULT — 4 of 5 lock nodes were down before the run \(lock-1, lock-2, lock-3, lock-5\): no lock was granted in \d+ attempt\(s\), and no client of 3000 got a value\./);
    expect(v.reads).toContain("Reset the world and run it again.");
    // The CLI shows the world the run started from.
    expect(formatSummary(r)).toContain("  at start    lock-1 crashed, lock-2 crashed, lock-3 crashed, lock-5 crashed — before the scenario's own faults");
    expect(formatSummary(fixture("no-quorum-fail-closed"))).not.toContain("at start");
  });

  it("the safety lab with four nodes down before the run: NO RESULT, never 'all 0 increment(s) counted'", () => {
    const r = fixture("restart-four-down-before");
    expect(r.requests.timeouts).toBe(r.requests.total);
    const v = verdictOf(r);
    expect(v.tone).toBe("no-result");
    expect(v.reads).toMatch(/^NO RESULT — 4 of 5 lock nodes were down before the run \(lock-1, lock-2, lock-3, lock-4\)/);
    expect(v.reads).not.toMatch(/protected —|increment\(s\) counted/);
  });

  it("no-quorum fail closed: the scenario's own crashes took the quorum, so it is the story — starved, database spared", () => {
    const r = fixture("no-quorum-fail-closed");
    expect(r.nodesAtStart?.every((n) => n.state === "up")).toBe(true);
    expect(r.locks.acquired).toBe(0);
    expect(verdictOf(r)).toMatchObject({
      tone: "starved",
      reads: `starved — database spared, ${r.requests.timeouts + r.requests.errors} of ${r.requests.total} clients got no value (the scenario's faults left 2 of 5 lock nodes up, 3 needed).`,
    });
  });

  it("the same run with the quorum already gone before it started is NO RESULT: the crashes were not the scenario's", () => {
    const r = fixture("no-quorum-fail-closed");
    const before = { ...r, nodesAtStart: allUp(["lock-1", "lock-2", "lock-3"]) };
    expect(verdictOf(before)).toMatchObject({ tone: "no-result" });
    expect(verdictOf(before).reads).toMatch(/^NO RESULT — 3 of 5 lock nodes were down before the run \(lock-1, lock-2, lock-3\)/);
  });

  it("every request timed out with every node up: NO RESULT, and the machine's lag named when the run was distorted", () => {
    const base = report({ requests: { hits: 0, misses: 0, errors: 0, timeouts: 100 }, nodesAtStart: allUp() });
    expect(verdictOf(base).reads).toBe("NO RESULT — all 100 requests timed out. Nothing here says whether the database was protected.");
    const lagging = { ...base, runtime: { eventLoopLagMaxMs: 900, arrivalLagMaxMs: 400, distorted: true, distortionLimitMs: 250 } };
    expect(verdictOf(lagging).reads).toBe("NO RESULT — this machine fell behind (lag up to 900 ms): all 100 requests timed out. Nothing here says whether the database was protected.");
  });

  it("a run with no lock attempt at all is not 'no grant': served from the cache, it is quiet", () => {
    expect(verdictOf(report({ episodeCount: 0, maxDbReadsPerEpisode: 0, locks: { attempts: 0, acquired: 0 }, nodesAtStart: allUp() })).tone).toBe("quiet");
  });
});

describe("verdicts per lock mode", () => {
  it("redlock with exactly one read in the episode: protected", () => {
    expect(verdictOf(fixture("redlock-one-read"))).toMatchObject({ tone: "protected", reads: "protected — 1 DB read in the episode, and 100.0% of clients served." });
  });

  it("in-process locks: one read per instance is protected, and says it is per instance", () => {
    const r = fixture("local-locks");
    expect(r.maxDbReadsPerEpisode).toBe(4);
    expect(verdictOf(r)).toMatchObject({ tone: "protected", reads: "protected — 4 DB reads in the episode, no more than one per instance (4 instances), and 100.0% of clients served." });
    // The same four reads under a cluster lock are a leak.
    const cluster = { ...r, scenario: { ...r.scenario, lock: "redlock" as const } };
    expect(verdictOf(cluster)).toMatchObject({ tone: "stampede", reads: "stampede — 4 DB reads for one expired key: the lock leaked (a cluster-wide lock allows 1)." });
  });

  it("no-quorum fail open: the headline says the run's total when it differs from the one episode's", () => {
    const r = fixture("no-quorum-fail-open");
    expect(r.db.reads).toBeGreaterThan(r.maxDbReadsPerEpisode);
    const v = verdictOf(r);
    expect(v.tone).toBe("stampede");
    expect(v.reads).toBe(
      `stampede — ${r.db.reads} DB reads in the run, ${r.maxDbReadsPerEpisode} of them for one expired key: no lock could be granted, so every miss went to the database (fail open); the database refused ${r.db.rejected} and timed out ${r.db.timedOut}.`,
    );
  });

  it("many episodes: the run's total and the worst episode, never the worst episode alone", () => {
    const r = report({ scenario: { lock: "none" }, locks: { attempts: 0, acquired: 0 }, episodeCount: 12, maxDbReadsPerEpisode: 266, db: { reads: 3000 } });
    expect(verdictOf(r).reads).toBe("stampede — 3000 DB reads in the run over 12 episodes, up to 266 in one.");
  });
});

describe("XFetch is judged by the episodes it avoided", () => {
  it("beat 1 (β = 1): early refreshes and no episode — the point of the story, protected", () => {
    const r = fixture("xfetch-early-refresh");
    expect(r.episodeCount).toBe(0);
    expect(verdictOf(r)).toMatchObject({
      tone: "protected",
      reads: `protected — XFetch refreshed the key ${r.db.readsOutsideEpisodes} time(s) before it expired, so the crowd never found it missing (no episode); 100.0% of clients served.`,
    });
  });

  it("beat 2 (β = 0): every expiry met the crowd — exposed, not protected, although the lock kept each episode to one read", () => {
    const r = fixture("xfetch-off");
    expect(r.episodeCount).toBeGreaterThan(1);
    expect(r.maxDbReadsPerEpisode).toBe(1);
    expect(verdictOf(r)).toMatchObject({
      tone: "exposed",
      reads: `every expiry met the crowd — the key expired ${r.episodeCount} times in front of a steady crowd and each time opened an episode; the lock kept each to 1 DB read, but the crowd waited for every refill (latency p99 ${r.latencyMs.p99} ms). Nothing refreshed early (XFetch off).`,
    });
  });

  it("a sneaker drop meets one expiry by design: one episode is not 'exposed'", () => {
    const episodes = [{ key: "user:profile:0", startMs: 1000, endMs: 1200, dbReads: 1 }];
    expect(verdictOf(report({ episodes })).tone).toBe("protected");
  });

  it("serve-stale waiters do not make the crowd wait: repeated episodes stay protected", () => {
    const episodes = [1000, 3000, 5000].map((startMs) => ({ key: "user:profile:0", startMs, endMs: startMs + 200, dbReads: 1 }));
    const steady = { ...defaultScenario().crowd, profile: "steady" as const };
    expect(verdictOf(report({ episodes, episodeCount: 3, scenario: { crowd: steady } })).tone).toBe("exposed");
    expect(verdictOf(report({ episodes, episodeCount: 3, scenario: { crowd: steady, waiters: "serve-stale" } })).tone).toBe("protected");
  });
});
