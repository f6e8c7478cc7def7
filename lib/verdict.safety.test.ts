import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatSummary } from "../server/cli/summary";
import type { Report } from "./report";
import { defaultScenario, type Scenario } from "./scenario";
import { verdictLines, verdictOf } from "./verdict";

/** A report of the safety lab (lockedWork "increment"), with what a test changes. */
function report(over: { scenario?: Partial<Scenario>; db?: Partial<Report["db"]>; byKind?: Partial<Report["locks"]["violationsByKind"]>; violations?: Report["violations"] } = {}): Report {
  const byKind = { "two-holders": 0, "write-after-validity": 0, "write-out-of-token-order": 0, ...over.byKind };
  const total = byKind["two-holders"] + byKind["write-after-validity"] + byKind["write-out-of-token-order"];
  return {
    scenario: { ...defaultScenario(), lock: "redlock", lockedWork: "increment", ...over.scenario },
    provenance: { seed: 42, gitSha: "x", versions: {}, cores: 2, startedAt: "2026-01-01T00:00:00.000Z" },
    durationMs: 6000,
    requests: { total: 40, hits: 0, misses: 40, staleServed: 0, errors: 0, timeouts: 0 },
    latencyMs: { p50: 10, p95: 20, p99: 30, max: 40 },
    db: {
      reads: 40,
      writes: 40,
      peakInFlight: 1,
      rejected: 0,
      timedOut: 0,
      readsOutsideEpisodes: 40,
      lockedWrites: 40,
      counterIncrease: 40,
      lostUpdates: 0,
      staleWritesRejected: 0,
      staleWritesAccepted: 0,
      ...over.db,
    },
    episodes: [],
    episodeCount: 0,
    maxDbReadsPerEpisode: 0,
    locks: {
      attempts: 80,
      acquired: 40,
      failed: 0,
      contended: 40,
      maxHoldersAtOnce: 1,
      safetyViolations: total,
      violationsByKind: byKind,
      pauses: { taken: 0, outlivedValidity: 0 },
      observed: { samples: 0, maxDistinctHolders: 0 },
    },
    violations: over.violations ?? [],
    writes: { acknowledged: 0, failed: 0, persisted: 0, pending: 0, lost: 0 },
    cache: { reads: 0, found: 0, fills: 0, writeFailures: 0 },
    nodes: [],
    runtime: { eventLoopLagMaxMs: 0, arrivalLagMaxMs: 0, distorted: false, distortionLimitMs: 250 },
    notes: [],
    ticks: [],
  };
}

const side = (holder: string, validUntil: number, fencingToken: number) => ({ holder, value: `${holder}#v`, nodes: ["lock-1", "lock-2", "lock-3"], validUntil, fencingToken });

describe("verdict of the safety lab (lockedWork increment)", () => {
  it("a write after validity: unsafe, named as such (not as two holders), with the counter's witness", () => {
    const r = report({ byKind: { "write-after-validity": 1 }, db: { lockedWrites: 40, counterIncrease: 25, lostUpdates: 15, staleWritesAccepted: 1 } });
    expect(verdictOf(r)).toMatchObject({ tone: "unsafe", reads: "the lock did not protect the row: 1 write(s) after the lock had expired." });
    expect(verdictLines(r)).toEqual(["the lock did not protect the row: 1 write(s) after the lock had expired.", "15 of 40 increment(s) lost."]);
  });

  it("every kind is named when several happened", () => {
    const r = report({ byKind: { "two-holders": 1, "write-out-of-token-order": 2 } });
    expect(verdictOf(r).reads).toBe("the lock did not protect the row: two holders at once 1 time(s), 2 write(s) from an older holder after a newer one's.");
  });

  it("fencing on: protected, and says how many stale writes the database refused", () => {
    const r = report({ scenario: { fencing: true }, db: { staleWritesRejected: 1, lockedWrites: 39, counterIncrease: 39 } });
    expect(verdictOf(r)).toMatchObject({ tone: "protected", reads: "protected — all 39 increment(s) counted; the database refused 1 stale write(s) by their fencing token." });
  });

  it("lost updates without any violation (no lock at all): unsafe all the same", () => {
    const r = report({ scenario: { lock: "none" }, db: { lostUpdates: 9, counterIncrease: 31 } });
    expect(verdictOf(r)).toMatchObject({ tone: "unsafe", reads: "9 of 40 increment(s) were lost: writers overwrote each other." });
  });

  it("the CLI summary shows the increments line and each kind's first violation in words", () => {
    const late = { resource: "lock:user:profile:0", at: 4500, kind: "write-after-validity" as const, first: side("instance-1/r15", 3000, 15), second: side("instance-2/r20", 4100, 16), detail: "instance-1/r15 wrote 1500 ms after its lock's validity ended; instance-2/r20 held the lock by then" };
    const r = report({ byKind: { "write-after-validity": 2 }, db: { lostUpdates: 15, counterIncrease: 25, staleWritesAccepted: 2 }, violations: [late, { ...late, at: 4600 }] });
    const text = formatSummary(r);
    expect(text).toContain("  increments  40 written, counter up 25: 15 LOST; fencing off: 0 stale write(s) refused, 2 accepted");
    expect(text).toContain("  VIOLATION   instance-1/r15 wrote 1500 ms after its lock's validity ended; instance-2/r20 held the lock by then (lock:user:profile:0, t = 4500)");
    expect(text.match(/VIOLATION/g)).toHaveLength(1);
  });
});

describe("the safety lab's real reports", () => {
  const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./testing/reports/${name}.json`, import.meta.url), "utf8")) as Report;

  it("gc-pause: unsafe; the violation says which request was paused and that the successor is another request of the same server", () => {
    const r = fixture("gc-pause");
    const [late] = r.violations;
    expect(late).toMatchObject({ kind: "write-after-validity", first: { holder: "instance-1/r15", pausedMs: 2500 } });
    expect(verdictOf(r)).toMatchObject({ tone: "unsafe", reads: "the lock did not protect the row: 1 write(s) after the lock had expired." });
    const line = formatSummary(r).split("\n").find((l) => l.startsWith("  VIOLATION"));
    expect(line).toMatch(/^ {2}VIOLATION {3}instance-1\/r15 wrote \d+ ms after its lock's validity ended \(a simulated pause held it 2500 ms\); instance-1\/r\d+, another request of instance 1, held the lock by then/);
  });
});
