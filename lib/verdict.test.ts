import { describe, expect, it } from "vitest";
import { formatSummary } from "../server/cli/summary";
import type { Report } from "./report";
import { defaultScenario } from "./scenario";
import { percent, verdictLines, verdictOf } from "./verdict";

function report(overrides: {
  requests?: Partial<Report["requests"]>;
  writes?: Partial<Report["writes"]>;
  episodeCount?: number;
  maxDbReadsPerEpisode?: number;
  safetyViolations?: number;
  instances?: number;
}): Report {
  const scenario = { ...defaultScenario(), instances: overrides.instances ?? 4 };
  return {
    scenario,
    provenance: { seed: 42, gitSha: "x", versions: {}, cores: 2, startedAt: "2026-01-01T00:00:00.000Z" },
    durationMs: 6000,
    requests: { total: 100, hits: 90, misses: 1, staleServed: 0, errors: 9, timeouts: 0, ...overrides.requests },
    latencyMs: { p50: 10, p95: 20, p99: 30, max: 40 },
    db: {
      reads: 1,
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
    },
    episodes: [],
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
    },
    violations: [],
    writes: { acknowledged: 0, failed: 0, persisted: 0, pending: 0, lost: 0, ...overrides.writes },
    cache: { reads: 0, found: 0, fills: 0, writeFailures: 0 },
    nodes: [],
    runtime: { eventLoopLagMaxMs: 0, arrivalLagMaxMs: 0, distorted: false, distortionLimitMs: 250 },
    notes: [],
    ticks: [],
  };
}

const CASES: Array<[string, Parameters<typeof report>[0], ReturnType<typeof verdictOf>["tone"]]> = [
  ["violation", { safetyViolations: 2 }, "unsafe"],
  ["no episode", { episodeCount: 0, maxDbReadsPerEpisode: 0 }, "quiet"],
  ["stampede", { maxDbReadsPerEpisode: 2500 }, "stampede"],
  ["per-instance reads are not a stampede", { maxDbReadsPerEpisode: 8 }, "protected"],
  ["starved", { requests: { hits: 10, errors: 89 } }, "starved"],
  ["protected", {}, "protected"],
  ["writes lost", { writes: { acknowledged: 10, persisted: 6, lost: 4 } }, "protected"],
  ["writes kept", { writes: { acknowledged: 10, persisted: 6, pending: 4 } }, "protected"],
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
