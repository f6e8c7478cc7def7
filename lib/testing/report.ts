import type { Report } from "../report";
import { defaultScenario } from "../scenario";

/** A whole report of a calm Redlock run, for tests: override only the fields a test is about. */
export function sampleReport(overrides: Partial<Report> = {}): Report {
  return {
    scenario: defaultScenario(),
    provenance: { seed: 42, gitSha: "x", versions: {}, cores: 2, startedAt: "2026-01-01T00:00:00.000Z" },
    durationMs: 6000,
    requests: { total: 3000, hits: 2999, misses: 1, staleServed: 0, errors: 0, timeouts: 0 },
    latencyMs: { p50: 14, p95: 334, p99: 368, max: 412 },
    db: { reads: 1, writes: 0, peakInFlight: 1, rejected: 0, timedOut: 0, readsOutsideEpisodes: 0, lockedWrites: 0, counterIncrease: 0, lostUpdates: 0, staleWritesRejected: 0, staleWritesAccepted: 0 },
    episodes: [{ key: "user:profile:0", startMs: 1001, endMs: 1259, dbReads: 1 }],
    episodeCount: 1,
    maxDbReadsPerEpisode: 1,
    locks: {
      attempts: 3119,
      acquired: 1,
      failed: 0,
      contended: 3118,
      maxHoldersAtOnce: 1,
      safetyViolations: 0,
      violationsByKind: { "two-holders": 0, "write-after-validity": 0, "write-out-of-token-order": 0 },
      pauses: { taken: 0, outlivedValidity: 0 },
      observed: { samples: 60, maxDistinctHolders: 1 },
      rounds: 5,
      roundsAcquired: 1,
      roundsContended: 4,
      roundsFailed: 0,
      answeredInProcess: 3114,
      answeredByLook: 3000,
      answeredBySibling: 114,
    },
    violations: [],
    writes: { acknowledged: 0, failed: 0, persisted: 0, pending: 0, lost: 0 },
    cache: { reads: 6119, found: 2999, fills: 1, writeFailures: 0 },
    nodes: [{ id: "cache", role: "cache", port: 7100, pid: 1, state: "up", info: { keyspaceHits: 2999, keyspaceMisses: 3120, commands: 6126 } }],
    runtime: { eventLoopLagMaxMs: 22, arrivalLagMaxMs: 17, distorted: false, distortionLimitMs: 250 },
    notes: [],
    ticks: [],
    ...overrides,
  };
}
