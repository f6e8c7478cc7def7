import { afterEach, describe, expect, it } from "vitest";
import { TestLab, type TestLabOptions } from "./testing/lab";

/**
 * The stampede by lock mode: several instances on one cache node, one database, one collector.
 * The hot key is missing at t = 0 and the whole crowd arrives within 100 ms, before the first fill
 * (the database takes 200 ms), so every count below is exact.
 */

const CROWD = 30;
const INSTANCES = 3;

let lab: TestLab | null = null;
afterEach(async () => {
  await lab?.close();
  lab = null;
});

async function stampede(options: TestLabOptions): Promise<TestLab> {
  lab = new TestLab({ instances: INSTANCES, ...options });
  lab.seedRows();
  lab.crowd(CROWD, { fromMs: 0, spreadMs: 100 });
  await lab.runUntil(6000);
  return lab;
}

describe("lock: none", () => {
  it("every request that misses reads the database: reads == crowd", async () => {
    const lab = await stampede({ settings: { lock: "none" } });
    const totals = lab.collector.snapshot();
    expect(lab.db.stats().reads).toBe(CROWD);
    expect(totals.dbReadsSubmitted).toBe(CROWD);
    expect(totals.episodes).toEqual([{ key: "user:profile:0", startMs: 0, endMs: 200, dbReads: CROWD }]);
    expect(totals.requests).toEqual({ total: CROWD, hits: 0, misses: CROWD, staleServed: 0, errors: 0, timeouts: 0 });
    expect(totals.locks.attempts).toBe(0);
  });

  it("a request arriving after the first fill hits", async () => {
    lab = new TestLab({ instances: INSTANCES, settings: { lock: "none" } });
    lab.seedRows();
    lab.crowd(CROWD, { fromMs: 0, spreadMs: 100 });
    const late = lab.read(250, { instance: 2 });
    await lab.runUntil(1000);
    expect(late.outcome).toBe("hit");
    expect(lab.db.stats().reads).toBe(CROWD);
  });
});

describe("lock: local", () => {
  it("with k instances an episode costs exactly k database reads; the rest join their instance's fill", async () => {
    const lab = await stampede({ settings: { lock: "local" } });
    const totals = lab.collector.snapshot();
    expect(lab.db.stats().reads).toBe(INSTANCES);
    expect(totals.episodeCount).toBe(1);
    expect(totals.episodes[0]?.dbReads).toBe(INSTANCES);
    expect(totals.requests).toMatchObject({ total: CROWD, misses: INSTANCES, hits: CROWD - INSTANCES });
    // One reader per instance: each instance's first request.
    expect(new Set(lab.eventsOf("db:read-submitted").map((e) => e.instance))).toEqual(new Set([1, 2, 3]));
    // In-process locks exclude their own instance only: k holders at once, and that is no violation.
    expect(totals.locks.maxHoldersAtOnce).toBe(INSTANCES);
    expect(totals.locks.safetyViolations).toBe(0);
  });

  it("a single instance reads once", async () => {
    const lab = await stampede({ instances: 1, settings: { lock: "local" } });
    expect(lab.db.stats().reads).toBe(1);
  });
});

describe.each([
  { lock: "single-redis" as const, waiters: "poll" as const },
  { lock: "single-redis" as const, waiters: "notify" as const },
  { lock: "redlock" as const, waiters: "poll" as const },
  { lock: "redlock" as const, waiters: "notify" as const },
])("lock: $lock, waiters: $waiters", ({ lock, waiters }) => {
  it("exactly one database read for the whole crowd; everyone else contended and then hit", async () => {
    const lab = await stampede({ settings: { lock, waiters } });
    const totals = lab.collector.snapshot();
    expect(lab.db.stats().reads).toBe(1);
    expect(totals.episodes).toEqual([{ key: "user:profile:0", startMs: 0, endMs: 200, dbReads: 1 }]);
    expect(totals.locks.acquired).toBe(1);
    expect(totals.locks.contended).toBeGreaterThanOrEqual(CROWD - 1);
    expect(totals.locks.failed).toBe(0);
    expect(totals.requests).toEqual({ total: CROWD, hits: CROWD - 1, misses: 1, staleServed: 0, errors: 0, timeouts: 0 });
    expect(totals.locks.maxHoldersAtOnce).toBe(1);
    expect(totals.locks.safetyViolations).toBe(0);
    // Released: no lock left behind on any node.
    expect(lab.lockNodes.valuesOf("lock:user:profile:0").every((v) => v === null)).toBe(true);
    expect(lab.eventsOf("lock:released")).toEqual([expect.objectContaining({ ok: true })]);
  });
});
