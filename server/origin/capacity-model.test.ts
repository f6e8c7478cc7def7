import { describe, expect, it } from "vitest";
import { ManualClock } from "../core/clock";
import { createCapacityModelDatabase, type CapacityModelOptions } from "./capacity-model";
import { DatabaseClosedError, DatabaseRejectedError, DatabaseTimeoutError } from "./errors";
import type { Profile } from "./types";

const alice: Profile = { name: "Alice", bio: "likes caches" };

function setup(options: Omit<CapacityModelOptions, "clock">) {
  const clock = new ManualClock(0);
  const db = createCapacityModelDatabase({ timeoutMs: Infinity, ...options, clock });
  return { clock, db };
}

/** Records when (in clock time) a query settled, and how. */
function track<T>(clock: ManualClock, promise: Promise<T>) {
  const outcome: { at?: number; value?: T; error?: unknown } = {};
  promise.then(
    (value) => Object.assign(outcome, { at: clock.now(), value }),
    (error: unknown) => Object.assign(outcome, { at: clock.now(), error }),
  );
  return outcome;
}

describe("capacity model: concurrency and queueing", () => {
  it("serves exactly `capacity` queries at once and queues the rest", async () => {
    const { clock, db } = setup({ capacity: 3, queueLimit: 10, readLatencyMs: 100 });
    const reads = Array.from({ length: 7 }, (_, i) => track(clock, db.read(`u${i}`)));
    expect(db.stats()).toMatchObject({ reads: 7, running: 3, queued: 4, inFlight: 7, peakInFlight: 7 });

    await clock.advance(99);
    expect(reads.filter((r) => r.at !== undefined)).toHaveLength(0);
    await clock.advance(1);
    expect(reads.map((r) => r.at)).toEqual([100, 100, 100, undefined, undefined, undefined, undefined]);
    expect(db.stats()).toMatchObject({ running: 3, queued: 1, inFlight: 4 });

    await clock.runAll();
    expect(db.stats()).toMatchObject({ reads: 7, running: 0, queued: 0, inFlight: 0, peakInFlight: 7 });
  });

  it("starts queued queries in arrival order", async () => {
    const { clock, db } = setup({ capacity: 1, queueLimit: 10, readLatencyMs: 10, writeLatencyMs: 10 });
    const order: string[] = [];
    const submit = (label: string, query: Promise<unknown>) => query.then(() => order.push(label));
    submit("a", db.read("a"));
    submit("b", db.write({ id: "b", profile: alice, writer: "w" }));
    submit("c", db.read("c"));
    submit("d", db.write({ id: "d", profile: alice, writer: "w" }));
    await clock.runAll();
    expect(order).toEqual(["a", "b", "c", "d"]);
  });
});

describe("capacity model: service time = latency × (1 + queued / queueLimit)", () => {
  it("slows each read by the queue behind it when it starts", async () => {
    const { clock, db } = setup({ capacity: 1, queueLimit: 10, readLatencyMs: 100 });
    const reads = Array.from({ length: 6 }, (_, i) => track(clock, db.read(`u${i}`)));
    await clock.runAll();
    // Starts with 0, 4, 3, 2, 1, 0 others queued: 100, 140, 130, 120, 110, 100 ms.
    expect(reads.map((r) => r.at)).toEqual([100, 240, 370, 490, 600, 700]);
  });

  it("measures the queue when a query starts, not when it arrives", async () => {
    const { clock, db } = setup({ capacity: 1, queueLimit: 10, readLatencyMs: 100 });
    track(clock, db.read("first"));
    const early = track(clock, db.read("early")); // arrives with nobody else waiting
    await clock.advance(50);
    const late = [1, 2, 3].map((i) => track(clock, db.read(`late${i}`)));
    await clock.runAll();
    // `early` starts at 100 with 3 waiting behind it: 130 ms, not the 100 ms an idle queue gives.
    expect(early.at).toBe(230);
    expect(late.map((r) => r.at)).toEqual([350, 460, 560]);
  });

  it("uses writeLatencyMs for writes and persists at the end of service time", async () => {
    const { clock, db } = setup({ capacity: 1, queueLimit: 10, readLatencyMs: 100, writeLatencyMs: 30 });
    db.seed([{ id: "u1", profile: alice }]);
    const read = track(clock, db.read("u1"));
    const first = track(clock, db.write({ id: "u1", profile: { ...alice, bio: "one" }, writer: "w" }));
    const second = track(clock, db.write({ id: "u1", profile: { ...alice, bio: "two" }, writer: "w" }));

    await clock.advance(132);
    // The read finished at 100; the first write started then with 1 queued: 30 + 3 = 33 ms.
    expect(read.at).toBe(100);
    expect(db.peek("u1")?.version).toBe(1);
    expect(db.stats()).toMatchObject({ writes: 0, writesSubmitted: 2 });

    await clock.runAll();
    expect([first.at, second.at]).toEqual([133, 163]);
    expect(db.writeLog().map((entry) => [entry.atMs, entry.version])).toEqual([
      [133, 2],
      [163, 3],
    ]);
    expect(db.peek("u1")?.profile.bio).toBe("two");
  });

  it("runs at base latency when there is no queue at all (queueLimit 0)", async () => {
    const { clock, db } = setup({ capacity: 1, queueLimit: 0, readLatencyMs: 100 });
    const served = track(clock, db.read("u1"));
    const refused = track(clock, db.read("u2"));
    await clock.runAll();
    expect(served.at).toBe(100);
    expect(refused.error).toBeInstanceOf(DatabaseRejectedError);
    expect(db.stats()).toMatchObject({ reads: 2, rejected: 1 });
  });
});

describe("capacity model: meltdown", () => {
  it("rejects at once when the queue is full, counting the query as submitted", async () => {
    const { clock, db } = setup({ capacity: 1, queueLimit: 2, readLatencyMs: 100 });
    const accepted = [1, 2, 3].map((i) => track(clock, db.read(`u${i}`)));
    const rejectedRead = db.read("u4");
    await expect(rejectedRead).rejects.toBeInstanceOf(DatabaseRejectedError);
    await expect(rejectedRead).rejects.toMatchObject({ code: "DB_REJECTED", kind: "read", queueLimit: 2 });
    const rejectedWrite = db.write({ id: "u5", profile: alice, writer: "w" });
    await expect(rejectedWrite).rejects.toMatchObject({ code: "DB_REJECTED", kind: "write" });
    expect(clock.now()).toBe(0);
    expect(db.stats()).toMatchObject({
      reads: 4,
      writesSubmitted: 1,
      writes: 0,
      rejected: 2,
      running: 1,
      queued: 2,
      inFlight: 3,
      peakInFlight: 3,
    });

    await clock.runAll();
    expect(accepted.every((r) => r.error === undefined && r.at !== undefined)).toBe(true);
    expect(db.writeLog()).toEqual([]);
    // Room again once the queue drained.
    const later = track(clock, db.read("u6"));
    await clock.runAll();
    expect(later.error).toBeUndefined();
    expect(db.stats()).toMatchObject({ reads: 5, rejected: 2 });
  });

  it("fails a query that waits longer than timeoutMs; a running query still finishes", async () => {
    const { clock, db } = setup({ capacity: 1, queueLimit: 10, readLatencyMs: 100, timeoutMs: 150 });
    const [q0, q1, q2, q3] = [0, 1, 2, 3].map((i) => track(clock, db.read(`u${i}`)));

    await clock.advance(150);
    expect(q2!.error).toBeInstanceOf(DatabaseTimeoutError);
    expect(q2!.error).toMatchObject({ code: "DB_TIMEOUT", kind: "read", timeoutMs: 150 });
    expect([q2!.at, q3!.at]).toEqual([150, 150]);
    expect(q3!.error).toBeInstanceOf(DatabaseTimeoutError);
    expect(db.stats()).toMatchObject({ reads: 4, timedOut: 2, rejected: 0, running: 1, queued: 0, inFlight: 1 });

    await clock.runAll();
    expect(q0!.at).toBe(100);
    // q1 left the queue at 100 (before its deadline) with 2 behind it: 120 ms, finishing past 150.
    expect(q1!.at).toBe(220);
    expect(q1!.error).toBeUndefined();
    expect(db.stats()).toMatchObject({ timedOut: 2, inFlight: 0 });
  });

  it("does not persist a write that timed out in the queue", async () => {
    const { clock, db } = setup({ capacity: 1, queueLimit: 10, writeLatencyMs: 100, timeoutMs: 50 });
    const first = track(clock, db.write({ id: "u1", profile: alice, writer: "w1" }));
    const second = track(clock, db.write({ id: "u1", profile: alice, writer: "w2" }));
    await clock.runAll();
    expect(first.value?.version).toBe(1);
    expect(second.error).toMatchObject({ code: "DB_TIMEOUT", kind: "write" });
    expect(db.writeLog().map((entry) => entry.writer)).toEqual(["w1"]);
    expect(db.stats()).toMatchObject({ writesSubmitted: 2, writes: 1, timedOut: 1 });
  });

  it("keeps peakInFlight at the highest running + queued, rejected queries excluded", async () => {
    const { clock, db } = setup({ capacity: 2, queueLimit: 3, readLatencyMs: 10 });
    const all = Array.from({ length: 7 }, (_, i) => db.read(`u${i}`).catch(() => null));
    expect(db.stats()).toMatchObject({ inFlight: 5, peakInFlight: 5, rejected: 2 });
    await clock.runAll();
    await Promise.all(all);
    void db.read("again");
    expect(db.stats()).toMatchObject({ inFlight: 1, peakInFlight: 5 });
    await clock.runAll();
  });
});

describe("capacity model: rows and write log", () => {
  it("seeds and peeks outside the queue, uncounted, even when the database is full", async () => {
    const { clock, db } = setup({ capacity: 1, queueLimit: 1, readLatencyMs: 100 });
    void db.read("busy");
    void db.read("waiting");
    db.seed([{ id: "u1", profile: alice }]);
    expect(db.peek("u1")?.version).toBe(1);
    expect(db.stats()).toMatchObject({ reads: 2, writes: 0, writesSubmitted: 0, running: 1, queued: 1 });
    await clock.runAll();
  });

  it("tracks versions, fencing tokens and the log across concurrent writes", async () => {
    const { clock, db } = setup({ capacity: 2, queueLimit: 10, writeLatencyMs: 50 });
    db.seed([{ id: "u1", profile: alice }]);
    const w1 = track(clock, db.write({ id: "u1", profile: alice, writer: "a", writeId: "x1", fencingToken: 3 }));
    const w2 = track(clock, db.write({ id: "u1", profile: alice, writer: "b", writeId: "x2", fencingToken: 7 }));
    const w3 = track(clock, db.write({ id: "u1", profile: alice, writer: "c", writeId: "x3", fencingToken: 5 }));
    await clock.runAll();
    expect([w1.value?.version, w2.value?.version, w3.value?.version]).toEqual([2, 3, 4]);
    expect([w1.value?.lastFencingToken, w2.value?.lastFencingToken, w3.value?.lastFencingToken]).toEqual([3, 7, 7]);
    expect(db.writeLog()).toEqual([
      { seq: 1, atMs: 50, id: "u1", version: 2, writer: "a", writeId: "x1", fencingToken: 3 },
      { seq: 2, atMs: 50, id: "u1", version: 3, writer: "b", writeId: "x2", fencingToken: 7 },
      { seq: 3, atMs: 100, id: "u1", version: 4, writer: "c", writeId: "x3", fencingToken: 5 },
    ]);
    expect(db.peek("u1")).toMatchObject({ version: 4, lastFencingToken: 7 });
  });

  it("persists the profile as submitted, even if the caller changes it while the write waits", async () => {
    const { clock, db } = setup({ capacity: 1, queueLimit: 10, writeLatencyMs: 10 });
    const profile = { ...alice };
    void db.write({ id: "u1", profile, writer: "w" });
    profile.bio = "changed after submit";
    await clock.runAll();
    expect(db.peek("u1")?.profile).toEqual(alice);
  });
});

describe("capacity model: lifecycle and options", () => {
  it("close fails queued and running queries with DB_CLOSED and leaves no timer behind", async () => {
    const { clock, db } = setup({ capacity: 1, queueLimit: 5, writeLatencyMs: 100, timeoutMs: 1_000 });
    const running = db.write({ id: "u1", profile: alice, writer: "w" });
    const queued = db.read("u1");
    expect(clock.pendingTimers).toBe(2);
    await db.close();
    await expect(running).rejects.toBeInstanceOf(DatabaseClosedError);
    await expect(queued).rejects.toMatchObject({ code: "DB_CLOSED", kind: "read" });
    expect(clock.pendingTimers).toBe(0);
    expect(db.writeLog()).toEqual([]);
    expect(db.peek("u1")).toBeNull();
    expect(db.stats()).toMatchObject({ running: 0, queued: 0, inFlight: 0, reads: 1, writesSubmitted: 1 });
    await expect(db.read("u1")).rejects.toMatchObject({ code: "DB_CLOSED" });
    expect(db.stats().reads).toBe(1);
  });

  it("uses the documented defaults (read 50 ms, write 80 ms)", async () => {
    const clock = new ManualClock(0);
    const db = createCapacityModelDatabase({ clock });
    const read = track(clock, db.read("u1"));
    const write = track(clock, db.write({ id: "u1", profile: alice, writer: "w" }));
    await clock.runAll();
    expect([read.at, write.at]).toEqual([50, 80]);
  });

  it.each([
    { capacity: 0 },
    { capacity: 1.5 },
    { queueLimit: -1 },
    { readLatencyMs: Number.NaN },
    { writeLatencyMs: -1 },
    { timeoutMs: 0 },
  ])("refuses options %o with DB_INVALID_OPTIONS", (options) => {
    expect(() => createCapacityModelDatabase({ ...options, clock: new ManualClock() })).toThrow(
      expect.objectContaining({ code: "DB_INVALID_OPTIONS" }),
    );
  });
});
