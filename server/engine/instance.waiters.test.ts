import { afterEach, describe, expect, it } from "vitest";
import { TestLab, type TestLabOptions } from "./testing/lab";

/**
 * Waiter policies: what the requests that lose the lock race do. A cluster lock (Redlock over five
 * in-memory nodes) so that exactly one request in the crowd holds it; the first arrival (t = 0,
 * instance 1) is the holder.
 */

const CROWD = 21;

let lab: TestLab | null = null;
afterEach(async () => {
  await lab?.close();
  lab = null;
});

function newLab(options: TestLabOptions): TestLab {
  lab = new TestLab({ instances: 3, ...options, settings: { lock: "redlock", ...options.settings } });
  return lab;
}

const waitersOf = (lab: TestLab) => lab.reads.slice(1);
const holderOf = (lab: TestLab) => lab.reads[0]!;

describe("fail-fast (the seed's waiter: sleep 100 ms, look once)", () => {
  it("with a database slower than 100 ms, every waiter ends in error 100 ms after it arrived", async () => {
    const lab = newLab({ settings: { waiters: "fail-fast" }, db: { readLatencyMs: 200 } });
    lab.seedRows();
    lab.crowd(CROWD, { spreadMs: 50 });
    await lab.runUntil(1000);
    expect(holderOf(lab).outcome).toBe("miss");
    expect(lab.outcomes(waitersOf(lab))).toMatchObject({ error: CROWD - 1 });
    for (const w of waitersOf(lab)) expect(w.endedAt).toBe(w.scheduledAt + 100);
    expect(lab.db.stats().reads).toBe(1);
    expect(lab.eventsOf("request:ended").filter((e) => e.outcome === "error").every((e) => /100 ms after losing/.test(e.reason ?? ""))).toBe(true);
  });

  it("with a 50 ms database, every waiter finds the value on its one look: hit", async () => {
    const lab = newLab({ settings: { waiters: "fail-fast" }, db: { readLatencyMs: 50 } });
    lab.seedRows();
    lab.crowd(CROWD, { spreadMs: 50 });
    await lab.runUntil(1000);
    expect(holderOf(lab).outcome).toBe("miss");
    expect(lab.outcomes(waitersOf(lab))).toMatchObject({ hit: CROWD - 1 });
    expect(lab.db.stats().reads).toBe(1);
  });
});

describe("poll", () => {
  it("waiters hit once the holder fills", async () => {
    const lab = newLab({ settings: { waiters: "poll" }, db: { readLatencyMs: 200 } });
    lab.seedRows();
    lab.crowd(CROWD, { spreadMs: 50 });
    await lab.runUntil(2000);
    expect(lab.outcomes()).toMatchObject({ miss: 1, hit: CROWD - 1 });
    // Polling: the waiters retried the lock (one attempt each would be notify's way).
    expect(lab.collector.snapshot().locks.attempts).toBeGreaterThan(CROWD);
    expect(lab.db.stats().reads).toBe(1);
  });

  it("is bounded by patience: with a database slower than patience, everyone times out at exactly arrival + patience", async () => {
    const lab = newLab({ settings: { waiters: "poll" }, db: { readLatencyMs: 2000 } });
    lab.seedRows();
    lab.crowd(CROWD, { spreadMs: 50, patienceMs: 500 });
    await lab.runUntil(600);
    // The holder too: its client hung up, though its read goes on and still fills the cache.
    expect(lab.outcomes()).toMatchObject({ timeout: CROWD });
    for (const r of lab.reads) expect(r.endedAt).toBe(r.scheduledAt + 500);
    const ended = lab.eventsOf("request:ended");
    expect(ended).toHaveLength(CROWD);
    for (const e of ended) expect(e.endedAt).toBe(e.scheduledAt + 500);
    await lab.runUntil(2500);
    expect(lab.db.stats().reads).toBe(1);
    expect(lab.collector.snapshot().cache.fills).toBe(1);
    // Nothing ends twice.
    expect(lab.eventsOf("request:ended")).toHaveLength(CROWD);
  });
});

describe("serve-stale", () => {
  it("with a stale value in the cache, the crowd is served it at once while one refresh runs", async () => {
    const lab = newLab({ settings: { waiters: "serve-stale" }, db: { readLatencyMs: 200 } });
    lab.warm(undefined, { expiresAtMs: 0 }); // logically expired at t = 0, kept staleTtlMs longer
    lab.crowd(CROWD, { spreadMs: 50 });
    await lab.runUntil(1000);
    expect(lab.outcomes()).toMatchObject({ staleServed: CROWD });
    for (const r of lab.reads) expect(r.endedAt).toBe(r.scheduledAt);
    expect(lab.db.stats().reads).toBe(1);
    const totals = lab.collector.snapshot();
    expect(totals.episodes).toEqual([{ key: "user:profile:0", startMs: 0, endMs: 200, dbReads: 1 }]);
    const after = lab.read(1000, { instance: 3 });
    await lab.runUntil(1100);
    expect(after.outcome).toBe("hit");
  });

  it("with no value at all, falls back to polling: the holder misses, the waiters hit", async () => {
    const lab = newLab({ settings: { waiters: "serve-stale" }, db: { readLatencyMs: 200 } });
    lab.seedRows();
    lab.crowd(CROWD, { spreadMs: 50 });
    await lab.runUntil(2000);
    expect(lab.outcomes()).toMatchObject({ miss: 1, hit: CROWD - 1, staleServed: 0 });
    expect(lab.collector.snapshot().locks.attempts).toBeGreaterThan(CROWD);
    expect(lab.db.stats().reads).toBe(1);
  });
});

describe("notify", () => {
  const run = async (waiters: "notify" | "poll") => {
    const lab = newLab({ settings: { waiters }, db: { readLatencyMs: 1000 } });
    lab.seedRows();
    lab.crowd(CROWD, { spreadMs: 50 });
    await lab.runUntil(3000);
    return lab;
  };

  it("waiters on every instance are woken by the fill message and hit at the fill, without polling", async () => {
    const lab = await run("notify");
    expect(lab.outcomes()).toMatchObject({ miss: 1, hit: CROWD - 1 });
    // The fill lands at t = 1000; every waiter (on all three instances) answers then.
    for (const w of waitersOf(lab)) expect(w.endedAt).toBe(lab.at(1000));
    expect(new Set(waitersOf(lab).map((w) => w.instance))).toEqual(new Set([1, 2, 3]));
    // One lock try each, and at most three GETs each: miss, look after subscribing, look after the fill.
    expect(lab.collector.snapshot().locks.attempts).toBe(CROWD);
    expect(lab.cacheNode.gets).toBeLessThanOrEqual(3 * CROWD);
    for (const store of lab.stores) expect(store.gets).toBeLessThanOrEqual(3 * lab.reads.filter((r) => `instance-${r.instance}` === store.name).length);
  });

  it("for contrast, polling the same second-long fill costs more GETs", async () => {
    const notifyGets = (await run("notify")).cacheNode.gets;
    await lab?.close();
    const pollGets = (await run("poll")).cacheNode.gets;
    expect(pollGets).toBeGreaterThan(notifyGets);
  });

  /**
   * The database is busy until t = 1000 (one slot, taken), and a query may queue 300 ms: the
   * holder's read (t = 0) fails at t = 300 and it releases the lock. Poll waiters then take over and
   * are served once the slot frees; notify waiters only ever wake on a fill, so they sleep on until
   * their patience ends (4 s) though the lock has been free since t = 300.
   */
  const holderFails = async (waiters: "notify" | "poll") => {
    const lab = newLab({ instances: 2, settings: { waiters }, db: { readLatencyMs: 1000, capacity: 1, queueLimit: 10, timeoutMs: 300 } });
    lab.seedRows();
    void lab.db.read("someone-else").catch(() => undefined);
    lab.read(0, { instance: 1, patienceMs: 4000 });
    for (let i = 1; i <= 6; i++) lab.read(10 * i, { instance: (i % 2) + 1, patienceMs: 4000 });
    await lab.runUntil(6000);
    return lab;
  };

  it("for contrast, poll waiters take over from a holder whose read failed", async () => {
    const lab = await holderFails("poll");
    expect(holderOf(lab).outcome).toBe("error");
    expect(lab.outcomes(waitersOf(lab)).timeout).toBe(0);
    expect(lab.outcomes(waitersOf(lab)).hit).toBeGreaterThan(0);
  });

  // BUG (server/engine/instance.ts, loadUnderLock / notify): when the holder's database read fails
  // (loadFromDb returns an error: DB_TIMEOUT, DB_REJECTED) it releases the lock but wakes nobody —
  // notify waiters on every instance wait for a fill that will never come and all time out at
  // arrival + patience, though the lock is free. Fix: in loadUnderLock, after `await
  // this.release(grant)`, when the result is neither "hit" nor "miss", call
  // `this.wakeFillWaiters(key)` and `void this.cache.publishFill(key).catch(() => undefined)`:
  // notify()'s loop already handles "filled and gone again" by competing for the lock once more.
  it("notify waiters take over from a holder whose read failed", async () => {
    const lab = await holderFails("notify");
    expect(holderOf(lab).outcome).toBe("error");
    expect(lab.outcomes(waitersOf(lab)).timeout).toBe(0);
  });

  it("is bounded by patience: no fill before it → timeout at arrival + patience", async () => {
    const lab = newLab({ settings: { waiters: "notify" }, db: { readLatencyMs: 2000 } });
    lab.seedRows();
    lab.crowd(CROWD, { spreadMs: 50, patienceMs: 500 });
    await lab.runUntil(600);
    expect(lab.outcomes()).toMatchObject({ timeout: CROWD });
    for (const r of lab.reads) expect(r.endedAt).toBe(r.scheduledAt + 500);
  });
});
