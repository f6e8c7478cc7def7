/**
 * The stampede on real Redis nodes: with no lock the whole crowd walks to the database; an
 * in-process lock cuts that to one read per instance; and the report's counts agree with the
 * cache node's own INFO counters and the database's own count.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { systemClock } from "../core/clock";
import type { EngineEvent } from "../engine/events";
import { HOT_KEY } from "../engine/keys";
import { createCapacityModelDatabase } from "../origin/capacity-model";
import type { OriginDatabase } from "../origin/types";
import { runScenario } from "./runner";
import { digest, scenario, startRealLab, type RealLab } from "./testing/real-lab";

let lab: RealLab;

beforeAll(async () => {
  lab = await startRealLab(0);
});

beforeEach(async () => {
  await lab.restoreAll();
});

afterAll(async () => {
  await lab?.stop();
});

/** A crowd that all arrives well before the first fill can land, and a database that refuses no one. */
const CROWD = 2500;
const ALL_BEFORE_FIRST_FILL = {
  instances: 4,
  durationMs: 3000,
  crowd: { profile: "sneaker-drop", clients: CROWD, expireAtMs: 500, arrivalMs: 100, patienceMs: 2000 },
  db: { readLatencyMs: 600, capacity: 10_000, queueLimit: 100_000, timeoutMs: 10_000 },
} as const;

/** Times of the engine's own events, for checking the premise "everyone arrived before the first fill". */
function timeline(events: EngineEvent[]) {
  const arrivals = events.flatMap((e) => (e.name === "request:arrived" && e.data.kind === "read" ? [e.data.startedAt] : []));
  const fills = events.flatMap((e) => (e.name === "cache:filled" && e.data.key === HOT_KEY ? [e.data.at] : []));
  return { lastArrival: Math.max(...arrivals), firstFill: Math.min(...fills), arrivals: arrivals.length, fills: fills.length };
}

describe("stampede on real nodes", () => {
  it("no lock: the first episode costs the database (nearly) the whole crowd", async () => {
    const events: EngineEvent[] = [];
    const report = await runScenario(scenario({ ...ALL_BEFORE_FIRST_FILL, lock: "none" }), {
      nodes: lab.nodes,
      onEvent: (e) => events.push(e),
    });
    const why = digest(report);

    // Premise: every client arrived before the first fill, and the database refused nobody.
    const t = timeline(events);
    expect(t.arrivals, why).toBe(CROWD);
    expect(t.lastArrival, why).toBeLessThan(t.firstFill);
    expect(report.db.rejected + report.db.timedOut, why).toBe(0);

    // The claim: the first episode's reads are at least 80% of the crowd.
    expect(report.requests.total, why).toBe(CROWD);
    const first = report.episodes[0];
    expect(first?.key, why).toBe(HOT_KEY);
    expect(first!.dbReads, why).toBeGreaterThanOrEqual(0.8 * CROWD);
    expect(report.maxDbReadsPerEpisode, why).toBe(first!.dbReads);
    // Without a lock nobody takes one.
    expect(report.locks.attempts, why).toBe(0);
  });

  it("local locks with 4 instances: exactly one read per instance in the episode", async () => {
    const events: EngineEvent[] = [];
    const report = await runScenario(scenario({ ...ALL_BEFORE_FIRST_FILL, lock: "local", waiters: "poll" }), {
      nodes: lab.nodes,
      onEvent: (e) => events.push(e),
    });
    const why = digest(report);

    // Premise: every instance met the missing key before any fill.
    const t = timeline(events);
    expect(t.lastArrival, why).toBeLessThan(t.firstFill);
    const readers = new Set(events.flatMap((e) => (e.name === "db:read-submitted" && e.data.at < t.firstFill ? [e.data.instance] : [])));
    expect([...readers].sort(), why).toEqual([1, 2, 3, 4]);

    // The claim: k = 4 instances, 4 reads — not 1 (a cluster lock), not the crowd (no lock).
    expect(report.episodes[0]?.dbReads, why).toBe(4);
    expect(report.maxDbReadsPerEpisode, why).toBe(4);
    expect(report.db.reads, why).toBe(4 + report.db.readsOutsideEpisodes);
    // Local locks were really taken: one grant per instance, the rest of the crowd contended.
    expect(report.locks.acquired, why).toBeGreaterThanOrEqual(4);
    expect(report.locks.contended, why).toBeGreaterThan(0);
  });

  it("the report agrees with the cache node's INFO and the database's own count", async () => {
    // Our own database, wrapped so that a third witness counts the reads it was really asked for.
    const inner = createCapacityModelDatabase({ readLatencyMs: 300, capacity: 50, queueLimit: 5000, timeoutMs: 10_000, clock: systemClock });
    let readsAsked = 0;
    const database: OriginDatabase = {
      ...inner,
      read: (id) => {
        readsAsked++;
        return inner.read(id);
      },
    };
    let report;
    try {
      report = await runScenario(
        scenario({
          instances: 4,
          durationMs: 3500,
          lock: "redlock",
          waiters: "poll",
          // Several keys, some of them expiring during the run (short jittered TTL), so hits,
          // misses and more than one episode all happen.
          cache: { ttlMs: 1500, jitterPct: 30 },
          crowd: { profile: "sneaker-drop", clients: 2500, keys: 20, keyDistribution: "zipf", expireAtMs: 500, arrivalMs: 2500, patienceMs: 2500 },
          db: { readLatencyMs: 300, capacity: 50, queueLimit: 5000 },
        }),
        { nodes: lab.nodes, database },
      );
    } finally {
      await database.close();
    }
    const why = digest(report);
    const r = report.requests;

    // Every arrival ended in exactly one outcome.
    expect(r.total, why).toBe(2500);
    expect(r.total, why).toBe(r.hits + r.misses + r.staleServed + r.errors + r.timeouts);
    expect(r.hits, why).toBeGreaterThan(0);
    expect(r.misses, why).toBeGreaterThan(0);

    // The cache node's own keyspace counters witness every GET the engine counted.
    const cache = report.nodes.find((n) => n.id === "cache");
    expect(cache?.info, why).not.toBeNull();
    expect(cache!.info!.keyspaceHits, why).toBe(report.cache.found);
    expect(cache!.info!.keyspaceMisses, why).toBe(report.cache.reads - report.cache.found);
    expect(report.cache.found, why).toBeGreaterThanOrEqual(r.hits);
    expect(cache!.info!.keyspaceHits, why).toBeGreaterThanOrEqual(r.hits);

    // The database's count equals what the engine says it submitted, episode by episode.
    const submitted = report.episodes.reduce((sum, e) => sum + e.dbReads, 0) + report.db.readsOutsideEpisodes;
    expect(report.episodeCount, why).toBeGreaterThan(1);
    expect(report.db.reads, why).toBe(submitted);
    expect(readsAsked, why).toBe(report.db.reads);
  });
});
