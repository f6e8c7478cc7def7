import { afterEach, describe, expect, it } from "vitest";
import { HOT_KEY, HOT_LOCK, cacheKeyFor } from "./keys";
import { TestLab, type TestLabOptions } from "./testing/lab";

/**
 * lockedWork "increment": every request takes the lock and does a read-modify-write of its row's
 * counter. Fencing tokens come from the database's sequence; a simulated pause stops a holder
 * between its read and its write. In-memory nodes and database on a ManualClock: reads take 200 ms,
 * writes 50 ms unless a test says otherwise.
 */

let lab: TestLab | null = null;
afterEach(async () => {
  await lab?.close();
  lab = null;
});

function track(created: TestLab): TestLab {
  lab = created;
  return created;
}

function newLab(options: TestLabOptions = {}): TestLab {
  lab = new TestLab({ instances: 2, ...options, settings: { lock: "redlock", waiters: "poll", lockedWork: "increment", ...options.settings } });
  lab.seedRows();
  return lab;
}

describe("increment under a lock that holds", () => {
  it("every increment lands: counter = writes, no lost update, no violation, tokens strictly increasing", async () => {
    const lab = newLab({ instances: 3, db: { readLatencyMs: 20, writeLatencyMs: 10 }, settings: { lockTtlMs: 2000 } });
    for (let i = 0; i < 30; i++) lab.increment(i * 7, { instance: (i % 3) + 1, patienceMs: 20_000 });
    await lab.runUntil(25_000);
    expect(lab.outcomes()).toMatchObject({ miss: 30, pending: 0 });
    expect(lab.counterAccounting()).toEqual({ lockedWrites: 30, counterIncrease: 30, lostUpdates: 0, staleWritesRejected: 0, staleWritesAccepted: 0 });
    expect(lab.db.peek(HOT_KEY)?.counter).toBe(30);
    const tokens = lab.db.writeLog().map((e) => e.fencingToken!);
    expect(tokens).toHaveLength(30);
    for (let i = 1; i < tokens.length; i++) expect(tokens[i]!).toBeGreaterThan(tokens[i - 1]!);
    const totals = lab.collector.snapshot();
    expect(totals.locks).toMatchObject({ acquired: 30, safetyViolations: 0, maxHoldersAtOnce: 1 });
    expect(totals.lockedWrites).toEqual({ accepted: 30, rejectedStale: 0, staleAccepted: 0, failed: 0 });
    // Each grant carried its token to the event log.
    expect(lab.eventsOf("lock:acquired").map((e) => e.fencingToken)).toEqual(lab.db.writeLog().map((e) => e.fencingToken));
    // Increments count as requests, each with one outcome.
    expect(totals.requests).toMatchObject({ total: 30, misses: 30 });
  });

  it("each key has its own row and its own lock: increments on different keys all land", async () => {
    const keys = [0, 1, 2].map(cacheKeyFor);
    const lab = newLab({ db: { readLatencyMs: 20, writeLatencyMs: 10 } });
    lab.seedRows(keys);
    for (let i = 0; i < 12; i++) lab.increment(i * 5, { instance: (i % 2) + 1, key: keys[i % 3]!, patienceMs: 10_000 });
    await lab.runUntil(12_000);
    expect(keys.map((k) => lab.db.peek(k)?.counter)).toEqual([4, 4, 4]);
    expect(lab.counterAccounting(keys).lostUpdates).toBe(0);
  });

  it("a write carries the row's profile back unchanged and a writeId naming the request", async () => {
    const lab = newLab();
    const before = lab.db.peek(HOT_KEY)!;
    lab.increment(0);
    await lab.runUntil(1000);
    expect(lab.db.peek(HOT_KEY)).toMatchObject({ profile: before.profile, version: before.version + 1, counter: 1, lastFencingToken: 1 });
    expect(lab.db.writeLog()[0]).toMatchObject({ writer: "instance-1", writeId: "instance-1/i1", counter: 1, fencingToken: 1 });
  });
});

describe("increment without mutual exclusion loses updates", () => {
  it('lock "none": concurrent read-modify-writes overwrite each other, and the report counts it', async () => {
    const lab = newLab({ settings: { lock: "none" } });
    for (let i = 0; i < 10; i++) lab.increment(i * 5, { instance: (i % 2) + 1 });
    await lab.runUntil(2000);
    const figures = lab.counterAccounting();
    expect(figures.lockedWrites).toBe(10);
    // All ten reads (0–45 ms, 200 ms each) end before the first write lands at 250: each wrote 1.
    expect(figures.counterIncrease).toBe(1);
    expect(figures.lostUpdates).toBe(9);
    // No lock, no token, nothing to judge: the damage shows only as lost updates.
    expect(lab.db.writeLog().every((e) => e.fencingToken === undefined)).toBe(true);
    expect(lab.collector.snapshot().locks.safetyViolations).toBe(0);
  });

  it('lock "local" excludes only its own instance: two instances lose updates to each other', async () => {
    const lab = newLab({ settings: { lock: "local" } });
    lab.increment(0, { instance: 1 });
    lab.increment(0, { instance: 2 });
    lab.increment(10, { instance: 1 });
    await lab.runUntil(3000);
    expect(lab.outcomes()).toMatchObject({ miss: 3 });
    expect(lab.counterAccounting()).toMatchObject({ lockedWrites: 3, counterIncrease: 2, lostUpdates: 1 });
  });
});

describe("waiters in increment mode", () => {
  it("fail-fast: a request that finds the lock held tries once more 100 ms later, then gives up", async () => {
    const lab = newLab({ settings: { waiters: "fail-fast" } });
    lab.increment(0, { instance: 1 });
    const loser = lab.increment(10, { instance: 2 });
    await lab.runUntil(2000);
    expect(loser.outcome).toBe("error");
    expect(loser.endedAt).toBe(lab.at(110));
    expect(lab.db.peek(HOT_KEY)?.counter).toBe(1);
  });

  it("notify: waiters are woken by the holder's release and take their turns", async () => {
    const lab = newLab({ instances: 3, settings: { waiters: "notify" } });
    for (let i = 0; i < 6; i++) lab.increment(i, { instance: (i % 3) + 1, patienceMs: 10_000 });
    await lab.runUntil(10_000);
    expect(lab.outcomes()).toMatchObject({ miss: 6 });
    // 250 ms of work each, back to back: woken at once, not after a poll back-off.
    const ends = lab.reads.map((r) => r.endedAt! - lab.t0).sort((a, b) => a - b);
    expect(ends.at(-1)).toBe(6 * 250);
    expect(lab.counterAccounting().lostUpdates).toBe(0);
  });

  it("poll: a request whose patience runs out stops trying and never writes", async () => {
    const lab = newLab({ db: { readLatencyMs: 1000 } });
    lab.increment(0, { instance: 1 });
    const impatient = lab.increment(10, { instance: 2, patienceMs: 300 });
    await lab.runUntil(5000);
    expect(impatient.outcome).toBe("timeout");
    expect(lab.db.writeLog()).toHaveLength(1);
  });

  it('onLockError "bypass": with no quorum the request writes without a lock (and without a token)', async () => {
    const lab = newLab({ settings: { onLockError: "bypass" } });
    [0, 1, 2].forEach((i) => lab.lockNodes.setUp(i, false));
    lab.increment(0);
    await lab.runUntil(1000);
    expect(lab.db.writeLog()).toMatchObject([{ counter: 1 }]);
    expect(lab.db.writeLog()[0]).not.toHaveProperty("fencingToken");
  });
});

describe("gc-pause: a holder stops past its validity, a second client wins, both write", () => {
  /** Instance 1 takes the lock at t = 0 (TTL 1000) and is paused 3000 ms after its read; instance 2 comes at 1500. */
  async function gcPause(fencing: boolean) {
    const lab = newLab({ settings: { lockTtlMs: 1000, fencing } });
    lab.pauseAt(0, 1, 3000);
    const first = lab.increment(0, { instance: 1, patienceMs: 10_000 });
    const second = lab.increment(1500, { instance: 2 });
    await lab.runUntil(6000);
    return { lab, first, second, totals: lab.collector.snapshot(), figures: lab.counterAccounting() };
  }

  it("without fencing: the stale write is accepted, one update is lost, and the late write is a violation naming both holders", async () => {
    const { lab, first, second, totals, figures } = await gcPause(false);
    expect([first.outcome, second.outcome]).toEqual(["miss", "miss"]);
    expect(figures).toEqual({ lockedWrites: 2, counterIncrease: 1, lostUpdates: 1, staleWritesRejected: 0, staleWritesAccepted: 1 });
    // The pause is labelled simulated, starts after the read, and outlives the validity.
    expect(lab.eventsOf("instance:paused")).toEqual([
      { instance: 1, holder: "instance-1/r1", resource: HOT_LOCK, at: lab.at(200), ms: 3000, validUntil: lab.at(1000), simulated: true },
    ]);
    expect(lab.eventsOf("instance:resumed")).toMatchObject([{ instance: 1, at: lab.at(3200), pausedMs: 3000, expired: true }]);
    expect(totals.locks.pauses).toEqual({ taken: 1, outlivedValidity: 1 });
    // The lock itself never had two live holders: the second grant came after the first expired.
    expect(totals.locks.violationsByKind).toEqual({ "two-holders": 0, "write-after-validity": 1, "write-out-of-token-order": 0 });
    expect(totals.violations).toEqual([
      {
        resource: HOT_LOCK,
        at: 3250,
        kind: "write-after-validity",
        first: { holder: "instance-1/r1", value: expect.any(String), nodes: ["lock-1", "lock-2", "lock-3", "lock-4", "lock-5"], validUntil: 1000, fencingToken: 1, pausedMs: 3000 },
        second: { holder: "instance-2/r2", value: expect.any(String), nodes: ["lock-1", "lock-2", "lock-3", "lock-4", "lock-5"], validUntil: 2500, fencingToken: 2 },
        detail: "instance-1/r1 wrote 2250 ms after its lock's validity ended (a simulated pause held it 3000 ms); instance-2/r2 held the lock by then",
      },
    ]);
    // The collector announced it as an event, right after the write that caused it.
    const names = lab.events.map((e) => e.name);
    expect(names.indexOf("safety:violation")).toBe(names.lastIndexOf("db:locked-write") + 1);
    expect(lab.eventsOf("db:locked-write").at(-1)).toMatchObject({ holder: "instance-1/r1", token: 1, result: "accepted", staleAccepted: true, highestToken: 2 });
  });

  it("with fencing: the database refuses the stale token; nothing lost, no violation", async () => {
    const { lab, first, second, totals, figures } = await gcPause(true);
    expect([first.outcome, second.outcome]).toEqual(["error", "miss"]);
    expect(figures).toEqual({ lockedWrites: 1, counterIncrease: 1, lostUpdates: 0, staleWritesRejected: 1, staleWritesAccepted: 0 });
    expect(totals.locks.safetyViolations).toBe(0);
    expect(totals.lockedWrites).toEqual({ accepted: 1, rejectedStale: 1, staleAccepted: 0, failed: 0 });
    expect(lab.eventsOf("db:locked-write").at(-1)).toMatchObject({ holder: "instance-1/r1", token: 1, result: "rejected-stale", highestToken: 2 });
    expect(lab.eventsOf("request:ended").find((e) => e.requestId === 1)?.reason).toMatch(/DB_STALE_TOKEN|fencing token 1 is older than 2/);
  });

  it("a client that hung up during the pause still has its holder write (the work goes on)", async () => {
    const lab = newLab({ settings: { lockTtlMs: 1000 } });
    lab.pauseAt(0, 1, 3000);
    const first = lab.increment(0, { instance: 1, patienceMs: 1000 });
    await lab.runUntil(5000);
    expect(first.outcome).toBe("timeout");
    expect(lab.db.writeLog()).toMatchObject([{ writer: "instance-1", counter: 1 }]);
    // Nobody else held the lock: still a write after validity, naming the writer twice.
    expect(lab.collector.snapshot().violations).toMatchObject([{ kind: "write-after-validity", first: { holder: "instance-1/r1" }, second: { holder: "instance-1/r1" } }]);
  });
});

describe("pause: when it takes hold", () => {
  it("armed while no grant is held, it takes hold of the instance's next holder", async () => {
    const lab = newLab();
    lab.increment(0, { instance: 1 });
    lab.pauseAt(300, 1, 500); // the first holder wrote at 250 and released
    lab.increment(400, { instance: 2 });
    lab.increment(1000, { instance: 1 });
    await lab.runUntil(3000);
    expect(lab.eventsOf("instance:paused")).toMatchObject([{ holder: "instance-1/r3", at: lab.at(1200), ms: 500 }]);
    expect(lab.eventsOf("instance:resumed")).toMatchObject([{ expired: false }]);
    expect(lab.collector.snapshot().locks.pauses).toEqual({ taken: 1, outlivedValidity: 0 });
    expect(lab.counterAccounting().lostUpdates).toBe(0);
  });

  it("armed while the holder reads, it takes hold of that holder after its read", async () => {
    const lab = newLab();
    lab.increment(0, { instance: 1 });
    lab.pauseAt(100, 1, 400);
    await lab.runUntil(2000);
    expect(lab.eventsOf("instance:paused")).toMatchObject([{ holder: "instance-1/r1", at: lab.at(200) }]);
    expect(lab.db.writeLog()[0]!.atMs).toBe(lab.at(650));
  });

  it("a second pause armed before the first took hold replaces it, and says which it replaced", async () => {
    const lab = newLab();
    expect(lab.instance(1).pause(2000)).toBeNull();
    expect(lab.instance(1).pause(300)).toBe(2000);
    lab.increment(100, { instance: 1 });
    await lab.runUntil(2000);
    expect(lab.eventsOf("instance:paused")).toMatchObject([{ holder: "instance-1/r1", ms: 300 }]);
    expect(lab.eventsOf("instance:paused")).toHaveLength(1);
  });

  it("another instance's holder is not paused", async () => {
    const lab = newLab();
    lab.pauseAt(0, 2, 1000);
    lab.increment(0, { instance: 1 });
    await lab.runUntil(1000);
    expect(lab.eventsOf("instance:paused")).toEqual([]);
  });

  it("a crash during the pause ends it: the crashed holder writes nothing", async () => {
    const lab = newLab();
    lab.pauseAt(0, 1, 2000);
    lab.increment(0, { instance: 1 });
    lab.crashAt(1000, 1);
    await lab.runUntil(4000);
    expect(lab.db.writeLog()).toEqual([]);
  });

  it('in lockedWork "regenerate" it stops the fill between the DB read and the cache SET', async () => {
    const lab = new TestLab({ instances: 2, settings: { lock: "redlock", waiters: "poll", lockTtlMs: 1000 } });
    track(lab);
    lab.seedRows();
    lab.pauseAt(0, 1, 2000);
    lab.read(0, { instance: 1 });
    lab.read(1500, { instance: 2 });
    await lab.runUntil(5000);
    expect(lab.eventsOf("instance:paused")).toMatchObject([{ holder: "instance-1/r1", at: lab.at(200) }]);
    const fills = lab.eventsOf("cache:filled").map((f) => [f.instance, f.at - lab.t0]);
    // instance 2 filled at 1700 (read 1500–1700); the paused holder's older value landed at 2200.
    expect(fills).toEqual([
      [2, 1700],
      [1, 2200],
    ]);
    // No protected DB write in this mode: nothing for the write checker to judge.
    expect(lab.collector.snapshot().locks.safetyViolations).toBe(0);
  });
});

describe("a write accepted out of token order while both holders were valid", () => {
  it("a majority of lock nodes restarting empty gives a second holder; the older token lands last", async () => {
    async function run(fencing: boolean) {
      const lab = newLab({ settings: { lockTtlMs: 8000, fencing } });
      const nodes = lab.lockNodes;
      lab.pauseAt(0, 1, 500);
      lab.increment(0, { instance: 1 }); // token 1, reads to 200, paused to 700, writes 700–750
      lab.clock.setTimeout(() => [0, 1, 2].forEach((i) => nodes.restart(i)), 50);
      lab.increment(100, { instance: 2 }); // token 2, reads 100–300, writes 300–350
      await lab.runUntil(2000);
      return lab;
    }
    const open = await run(false);
    const totals = open.collector.snapshot();
    expect(totals.locks.violationsByKind).toEqual({ "two-holders": 1, "write-after-validity": 0, "write-out-of-token-order": 1 });
    expect(totals.violations[1]).toMatchObject({
      kind: "write-out-of-token-order",
      first: { holder: "instance-1/r1", fencingToken: 1 },
      second: { holder: "instance-2/r2", fencingToken: 2 },
      detail: "the database took instance-1/r1's write after instance-2/r2's, although instance-1/r1's grant was the older one (grant 1, then 2)",
    });
    expect(open.counterAccounting()).toMatchObject({ lostUpdates: 1, staleWritesAccepted: 1 });
    await open.close();

    const fenced = await run(true);
    expect(fenced.collector.snapshot().locks.violationsByKind).toEqual({ "two-holders": 1, "write-after-validity": 0, "write-out-of-token-order": 0 });
    expect(fenced.counterAccounting()).toMatchObject({ lostUpdates: 0, staleWritesRejected: 1, staleWritesAccepted: 0 });
    lab = fenced;
  });
});
