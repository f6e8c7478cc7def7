/**
 * Request coalescing in front of Redlock (the engine's CoalescedRounds over the in-memory lock
 * nodes), on an injected clock and seeded randomness: what it saves in rounds, what it costs in
 * nothing else, and that the collector's count of rounds is the lock client's own.
 */
import { describe, expect, it } from "vitest";
import type { TickWindow } from "../../../lib/report";
import { TestLab } from "../testing/lab";
import { FakeRedlockService } from "../testing/memory-lock-nodes";

const CROWD = 400;
const INSTANCES = 4;

async function crowdRun(coalesce: boolean, seed = 42) {
  const lab = new TestLab({
    instances: INSTANCES,
    seed,
    coalesceLocks: coalesce,
    lockLatencyMs: 20,
    settings: { lock: "redlock", waiters: "poll" },
    db: { readLatencyMs: 200 },
  });
  lab.warm(undefined, { expiresAtMs: 0 });
  const frames: TickWindow[] = [];
  const closeEvery = (ms: number) => lab.clock.setTimeout(() => {
    frames.push(lab.collector.closeWindow(lab.clock.now()));
    closeEvery(ms);
  }, ms);
  closeEvery(100);
  lab.crowd(CROWD, { fromMs: 0, spreadMs: 100, patienceMs: 3000 });
  await lab.runUntil(4000);
  frames.push(lab.collector.closeWindow(lab.clock.now()));
  const totals = lab.collector.snapshot();
  const fakes = lab.locks.filter((lock): lock is FakeRedlockService => lock instanceof FakeRedlockService);
  const witness = fakes.reduce((sum, lock) => sum + lock.rounds, 0);
  const looks = fakes.reduce((sum, lock) => sum + lock.looks, 0);
  const outcomes = lab.outcomes();
  const dbReads = lab.db.stats().reads;
  await lab.close();
  return { totals, frames, witness, looks, outcomes, dbReads };
}

describe("Redlock's request coalescing", () => {
  it("coalesced: about one round per instance; every other attempt is answered in-process, by the shared look or a sibling's round", async () => {
    const { totals, frames, witness, looks, outcomes, dbReads } = await crowdRun(true);
    expect(outcomes.hit + outcomes.miss).toBe(CROWD);
    expect(dbReads).toBe(1);
    const { locks } = totals;
    // The collector counts exactly the rounds the lock clients ran.
    expect(locks.rounds).toBe(witness);
    expect(locks.rounds).toBeGreaterThanOrEqual(1);
    expect(locks.rounds).toBeLessThanOrEqual(2 * INSTANCES);
    // One grant read the database; the others came after the fill and found the value (a hit).
    expect(locks.roundsAcquired).toBeGreaterThanOrEqual(1);
    expect(locks.roundsAcquired + locks.roundsContended + locks.roundsFailed).toBe(locks.rounds);
    expect(locks.answeredByLook).toBeGreaterThan(0);
    // One reading of the key serves every concurrent look of an instance.
    expect(looks).toBeGreaterThan(0);
    expect(looks).toBeLessThan(locks.answeredByLook);
    expect(locks.answeredBySibling).toBeGreaterThan(0);
    expect(locks.answeredInProcess).toBe(locks.answeredByLook + locks.answeredBySibling);
    // Every attempt is one or the other; attempts keep their meaning (requests that asked for the lock).
    expect(locks.rounds + locks.answeredInProcess).toBe(locks.attempts);
    expect(locks.attempts).toBeGreaterThanOrEqual(CROWD);
    // The frames carry the same counts, window by window.
    expect(frames.reduce((sum, f) => sum + f.lockRounds, 0)).toBe(locks.rounds);
    expect(frames.reduce((sum, f) => sum + f.lockAnsweredInProcess, 0)).toBe(locks.answeredInProcess);
    expect(frames.filter((f) => f.lockRounds > 0).length).toBeGreaterThan(0);
  });

  it("redlock.coalesce false: every attempt runs its own round, none is answered in-process — and still one DB read", async () => {
    const { totals, frames, witness, looks, outcomes, dbReads } = await crowdRun(false);
    expect(outcomes.hit + outcomes.miss).toBe(CROWD);
    expect(dbReads).toBe(1);
    const { locks } = totals;
    expect(locks.rounds).toBe(witness);
    expect(locks.rounds).toBe(locks.attempts);
    expect(locks.rounds).toBeGreaterThanOrEqual(CROWD);
    expect(locks.answeredInProcess).toBe(0);
    // No shared look either: nothing stands between a request and its round.
    expect(looks).toBe(0);
    expect(locks.safetyViolations).toBe(0);
    expect(frames.reduce((sum, f) => sum + f.lockRounds, 0)).toBe(locks.rounds);
  });

  it("the same seed gives the same counts", async () => {
    const a = await crowdRun(true, 7);
    const b = await crowdRun(true, 7);
    expect(a.totals.locks).toEqual(b.totals.locks);
  });

  it("in-process locks ask no node: no rounds, nothing answered in-process by coalescing", async () => {
    const lab = new TestLab({ instances: 2, settings: { lock: "local", waiters: "poll" } });
    lab.warm(undefined, { expiresAtMs: 0 });
    lab.crowd(20, { fromMs: 0, spreadMs: 10 });
    await lab.runUntil(2000);
    const { locks } = lab.collector.snapshot();
    expect(locks.attempts).toBeGreaterThan(0);
    expect(locks.rounds).toBe(0);
    expect(locks.answeredInProcess).toBe(0);
    await lab.close();
  });

  it("single-redis: every attempt is a round of its own (one SET NX)", async () => {
    const lab = new TestLab({ instances: 2, settings: { lock: "single-redis", waiters: "poll" } });
    lab.warm(undefined, { expiresAtMs: 0 });
    lab.crowd(20, { fromMs: 0, spreadMs: 10 });
    await lab.runUntil(2000);
    const { locks } = lab.collector.snapshot();
    expect(locks.rounds).toBe(locks.attempts);
    expect(locks.answeredInProcess).toBe(0);
    await lab.close();
  });
});
