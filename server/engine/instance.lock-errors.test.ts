import { afterEach, describe, expect, it } from "vitest";
import { TestLab, type TestLabOptions } from "./testing/lab";

/**
 * When the lock cannot be decided (too few nodes answer), `onLockError` decides: `wait` fails
 * closed (treat it as someone else's fill: no database read), `bypass` fails open (every request
 * reads the database). And a grant that is already expired when it arrives is no grant at all.
 */

const CROWD = 20;

let lab: TestLab | null = null;
afterEach(async () => {
  await lab?.close();
  lab = null;
});

function newLab(options: TestLabOptions): TestLab {
  lab = new TestLab({ instances: 2, ...options });
  lab.seedRows();
  return lab;
}

function downNodes(lab: TestLab, indices: number[]): void {
  for (const i of indices) lab.lockNodes.setUp(i, false);
}

describe("redlock with 3 of 5 nodes down", () => {
  it("wait + fail-fast: no database read; every request errors after its one look", async () => {
    const lab = newLab({ settings: { lock: "redlock", onLockError: "wait", waiters: "fail-fast" } });
    downNodes(lab, [0, 2, 4]);
    lab.crowd(CROWD, { spreadMs: 50 });
    await lab.runUntil(1000);
    expect(lab.db.stats().reads).toBe(0);
    expect(lab.outcomes()).toMatchObject({ error: CROWD });
    for (const r of lab.reads) expect(r.endedAt).toBe(r.scheduledAt + 100);
    const totals = lab.collector.snapshot();
    expect(totals.locks).toMatchObject({ attempts: CROWD, failed: CROWD, acquired: 0, contended: 0 });
    const attempt = lab.eventsOf("lock:attempted")[0];
    expect(attempt?.reason).toBe("only 2 of 5 lock nodes answered; 3 needed");
    // Each node's vote is carried, so the page can say why.
    expect(attempt?.votes.map((v) => v.vote)).toEqual(["error", "for", "error", "for", "error"]);
  });

  it("wait + poll: no database read; every request times out at arrival + patience", async () => {
    const lab = newLab({ settings: { lock: "redlock", onLockError: "wait", waiters: "poll" } });
    downNodes(lab, [0, 1, 2]);
    lab.crowd(CROWD, { spreadMs: 50, patienceMs: 800 });
    await lab.runUntil(2000);
    expect(lab.db.stats().reads).toBe(0);
    expect(lab.outcomes()).toMatchObject({ timeout: CROWD });
    for (const r of lab.reads) expect(r.endedAt).toBe(r.scheduledAt + 800);
  });

  it("wait + notify: no database read; every request times out", async () => {
    const lab = newLab({ settings: { lock: "redlock", onLockError: "wait", waiters: "notify" } });
    downNodes(lab, [2, 3, 4]);
    lab.crowd(CROWD, { spreadMs: 50, patienceMs: 800 });
    await lab.runUntil(2000);
    expect(lab.db.stats().reads).toBe(0);
    expect(lab.outcomes()).toMatchObject({ timeout: CROWD });
  });

  it("bypass: every request reads the database (the stampede, part two)", async () => {
    const lab = newLab({ settings: { lock: "redlock", onLockError: "bypass", waiters: "poll" } });
    downNodes(lab, [0, 2, 4]);
    lab.crowd(CROWD, { spreadMs: 50 });
    await lab.runUntil(1000);
    expect(lab.db.stats().reads).toBe(CROWD);
    expect(lab.outcomes()).toMatchObject({ miss: CROWD });
    expect(lab.collector.snapshot().episodes[0]?.dbReads).toBe(CROWD);
  });

  it("a minority down (2 of 5) is not an error: one read, everyone served", async () => {
    const lab = newLab({ settings: { lock: "redlock", onLockError: "wait", waiters: "poll" } });
    downNodes(lab, [1, 3]);
    lab.crowd(CROWD, { spreadMs: 50 });
    await lab.runUntil(2000);
    expect(lab.db.stats().reads).toBe(1);
    expect(lab.outcomes()).toMatchObject({ miss: 1, hit: CROWD - 1 });
    expect(lab.collector.snapshot().locks.failed).toBe(0);
  });
});

describe("single-redis with lock-1 down", () => {
  it("wait: no database read", async () => {
    const lab = newLab({ settings: { lock: "single-redis", onLockError: "wait", waiters: "fail-fast" } });
    downNodes(lab, [0]);
    lab.crowd(CROWD, { spreadMs: 50 });
    await lab.runUntil(1000);
    expect(lab.db.stats().reads).toBe(0);
    expect(lab.outcomes()).toMatchObject({ error: CROWD });
  });

  it("bypass: every request reads the database", async () => {
    const lab = newLab({ settings: { lock: "single-redis", onLockError: "bypass", waiters: "fail-fast" } });
    downNodes(lab, [0]);
    lab.crowd(CROWD, { spreadMs: 50 });
    await lab.runUntil(1000);
    expect(lab.db.stats().reads).toBe(CROWD);
  });
});

describe("a grant already expired when it arrives", () => {
  it("(round took the whole TTL) is counted as a lock failure, never as acquired, and is given back", async () => {
    const lab = newLab({ settings: { lock: "redlock", lockTtlMs: 50, onLockError: "wait", waiters: "fail-fast" }, lockLatencyMs: 50 });
    const read = lab.read(0);
    // The SETs landed at t = 50 with PX 50; at t = 60 only a release can have cleared them.
    await lab.runUntil(60);
    expect(lab.lockNodes.valuesOf("lock:user:profile:0").every((v) => v === null)).toBe(true);
    await lab.runUntil(1000);
    const totals = lab.collector.snapshot();
    expect(totals.locks).toMatchObject({ attempts: 1, acquired: 0, failed: 1, maxHoldersAtOnce: 0 });
    expect(lab.eventsOf("lock:acquired")).toHaveLength(0);
    expect(lab.eventsOf("lock:attempted")[0]).toMatchObject({ result: "failed", reason: "grant expired before it could be used" });
    expect(lab.db.stats().reads).toBe(0);
    expect(read.outcome).toBe("error");
  });

  it("with bypass, the request reads the database anyway", async () => {
    const lab = newLab({ settings: { lock: "redlock", lockTtlMs: 50, onLockError: "bypass" }, lockLatencyMs: 50 });
    const read = lab.read(0);
    await lab.runUntil(1000);
    expect(read.outcome).toBe("miss");
    expect(lab.collector.snapshot().locks).toMatchObject({ acquired: 0, failed: 1 });
  });

  it.each([
    { latency: 96, acquired: true },
    { latency: 97, acquired: false },
  ])("drift counts: TTL 100, drift 0.01 → valid for 97 ms; a $latency ms round acquired = $acquired", async ({ latency, acquired }) => {
    const lab = newLab({ settings: { lock: "redlock", lockTtlMs: 100, waiters: "fail-fast" }, lockLatencyMs: latency, driftFactor: 0.01 });
    lab.read(0);
    await lab.runUntil(1000);
    expect(lab.collector.snapshot().locks).toMatchObject({ acquired: acquired ? 1 : 0, failed: acquired ? 0 : 1 });
    expect(lab.db.stats().reads).toBe(acquired ? 1 : 0);
  });
});
