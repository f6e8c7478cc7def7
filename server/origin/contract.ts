import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ManualClock, type Clock } from "../core/clock";
import { LabError } from "../core/errors";
import type { OriginDatabase, Profile } from "./types";

/**
 * The behaviour every OriginDatabase adapter owes the engine, as one shared suite (after
 * bentocache's `registerCacheDriverTestSuite`). Call it from an adapter's test file.
 *
 * `createDb` must return an empty database (no rows, empty write log) that serves at least 8
 * concurrent queries without rejecting. It receives a ManualClock: time-driven adapters must take
 * all time from it; I/O-driven ones (PostgreSQL) may ignore it except for write-log timestamps.
 */
export function registerOriginDatabaseContract(
  name: string,
  createDb: (clock: Clock) => OriginDatabase | Promise<OriginDatabase>,
): void {
  describe(`OriginDatabase contract: ${name}`, () => {
    let clock: ManualClock;
    let db: OriginDatabase;

    beforeEach(async () => {
      clock = new ManualClock(1_000);
      db = await createDb(clock);
    });

    afterEach(async () => {
      await db.close();
    });

    /** Moves the clock (and the event loop, for real I/O) until `promise` settles. */
    async function run<T>(promise: Promise<T>): Promise<T> {
      let settled = false;
      promise.then(
        () => (settled = true),
        () => (settled = true),
      );
      while (!settled) {
        await clock.runAll();
        if (!settled) await new Promise((resolve) => setImmediate(resolve));
      }
      return promise;
    }

    const alice: Profile = { name: "Alice", bio: "likes caches" };
    const bob: Profile = { name: "Bob", bio: "likes locks" };

    it("reads null for a missing row and counts the read", async () => {
      expect(await run(db.read("nobody"))).toBeNull();
      expect(db.stats()).toMatchObject({ reads: 1, writes: 0, writesSubmitted: 0 });
    });

    it("seeds rows at version 1 without counting, queueing or logging", async () => {
      await db.seed([
        { id: "u1", profile: alice },
        { id: "u2", profile: bob },
      ]);
      expect(db.peek("u1")).toEqual({ id: "u1", profile: alice, version: 1, lastFencingToken: 0, counter: 0 });
      expect(await run(db.read("u2"))).toEqual({ id: "u2", profile: bob, version: 1, lastFencingToken: 0, counter: 0 });
      expect(db.stats()).toMatchObject({ reads: 1, writes: 0, writesSubmitted: 0, inFlight: 0 });
      expect(db.writeLog()).toEqual([]);
    });

    it("re-seeding a row replaces its profile and still moves its version forward", async () => {
      await db.seed([{ id: "u1", profile: alice }]);
      await db.seed([{ id: "u1", profile: bob }]);
      expect(db.peek("u1")).toMatchObject({ profile: bob, version: 2 });
    });

    it("peeks without counting, null for a missing row", async () => {
      await db.seed([{ id: "u1", profile: alice }]);
      expect(db.peek("u1")?.profile).toEqual(alice);
      expect(db.peek("nobody")).toBeNull();
      expect(db.stats()).toMatchObject({ reads: 0, writes: 0, writesSubmitted: 0, peakInFlight: 0 });
    });

    it("hands out copies: changing a returned row does not change the database", async () => {
      await db.seed([{ id: "u1", profile: alice }]);
      const read = await run(db.read("u1"));
      read!.profile.name = "Mallory";
      read!.version = 99;
      const peeked = db.peek("u1")!;
      peeked.profile.bio = "changed";
      expect(db.peek("u1")).toEqual({ id: "u1", profile: alice, version: 1, lastFencingToken: 0, counter: 0 });
    });

    it("creates a missing row at version 1 on write and returns it", async () => {
      const row = await run(db.write({ id: "new", profile: alice, writer: "instance-1" }));
      expect(row).toEqual({ id: "new", profile: alice, version: 1, lastFencingToken: 0, counter: 0 });
      expect(db.peek("new")).toEqual(row);
      expect(db.stats()).toMatchObject({ reads: 0, writes: 1, writesSubmitted: 1 });
    });

    it("bumps the version by one per persisted write, and a read sees the latest", async () => {
      await db.seed([{ id: "u1", profile: alice }]);
      const versions: number[] = [];
      for (const bio of ["one", "two", "three"]) {
        versions.push((await run(db.write({ id: "u1", profile: { ...alice, bio }, writer: "w" }))).version);
      }
      expect(versions).toEqual([2, 3, 4]);
      expect(await run(db.read("u1"))).toMatchObject({ version: 4, profile: { bio: "three" } });
      expect(db.stats()).toMatchObject({ reads: 1, writes: 3, writesSubmitted: 3 });
    });

    it("persists concurrent writes to one row exactly once each, with distinct versions", async () => {
      await db.seed([{ id: "u1", profile: alice }]);
      const writes = [1, 2, 3, 4, 5].map((n) => db.write({ id: "u1", profile: alice, writer: `w${n}` }));
      const rows = await run(Promise.all(writes));
      expect(rows.map((row) => row.version).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6]);
      expect(db.peek("u1")?.version).toBe(6);
      const log = db.writeLog();
      expect(log.map((entry) => entry.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(log.map((entry) => entry.version)).toEqual([2, 3, 4, 5, 6]);
      expect(log.map((entry) => entry.writer).sort()).toEqual(["w1", "w2", "w3", "w4", "w5"]);
    });

    it("logs each persisted write with who, when, which version, writeId and token", async () => {
      await db.seed([{ id: "u1", profile: alice }]);
      const before = clock.now();
      await run(db.write({ id: "u1", profile: bob, writer: "instance-2", writeId: "wb-7", fencingToken: 4 }));
      await run(db.write({ id: "u2", profile: alice, writer: "instance-1" }));
      const after = clock.now();
      const [first, second] = db.writeLog();
      expect(first).toMatchObject({ seq: 1, id: "u1", version: 2, writer: "instance-2", writeId: "wb-7", fencingToken: 4 });
      expect(second).toMatchObject({ seq: 2, id: "u2", version: 1, writer: "instance-1" });
      expect(second).not.toHaveProperty("writeId");
      expect(second).not.toHaveProperty("fencingToken");
      expect(first!.atMs).toBeGreaterThanOrEqual(before);
      expect(second!.atMs).toBeGreaterThanOrEqual(first!.atMs);
      expect(second!.atMs).toBeLessThanOrEqual(after);
    });

    it("returns the write log as a snapshot", async () => {
      await run(db.write({ id: "u1", profile: alice, writer: "w" }));
      const snapshot = db.writeLog();
      await run(db.write({ id: "u1", profile: bob, writer: "w" }));
      expect(snapshot).toHaveLength(1);
      expect(db.writeLog()).toHaveLength(2);
    });

    it("keeps the highest fencing token on the row and each token as given in the log", async () => {
      await db.seed([{ id: "u1", profile: alice }]);
      const tokens = [5, 3, undefined, 9];
      const kept: number[] = [];
      for (const fencingToken of tokens) {
        const request = { id: "u1", profile: alice, writer: "w", ...(fencingToken === undefined ? {} : { fencingToken }) };
        kept.push((await run(db.write(request))).lastFencingToken);
      }
      expect(kept).toEqual([5, 5, 5, 9]);
      expect(db.peek("u1")?.lastFencingToken).toBe(9);
      expect(db.writeLog().map((entry) => entry.fencingToken)).toEqual([5, 3, undefined, 9]);
    });

    it("keeps the counter through profile writes and sets it only when a write carries one", async () => {
      await db.seed([{ id: "u1", profile: alice }]);
      expect(db.peek("u1")?.counter).toBe(0);
      expect((await run(db.write({ id: "u1", profile: alice, writer: "w", counter: 7 }))).counter).toBe(7);
      expect((await run(db.write({ id: "u1", profile: bob, writer: "w" }))).counter).toBe(7);
      expect((await run(db.write({ id: "u1", profile: bob, writer: "w", counter: 8 }))).counter).toBe(8);
      await db.seed([{ id: "u1", profile: alice }]);
      expect(db.peek("u1")).toMatchObject({ profile: alice, counter: 8 });
      expect(db.writeLog().map((entry) => entry.counter)).toEqual([7, undefined, 8]);
    });

    it("hands out strictly increasing fencing tokens from its own sequence, without counting a query", async () => {
      const tokens: number[] = [];
      for (let i = 0; i < 5; i++) tokens.push(await run(db.nextFencingToken()));
      tokens.push(...(await run(Promise.all([db.nextFencingToken(), db.nextFencingToken(), db.nextFencingToken()]))));
      for (let i = 1; i < tokens.length; i++) expect(tokens[i]!).toBeGreaterThan(tokens[i - 1]!);
      expect(new Set(tokens).size).toBe(tokens.length);
      expect(db.stats()).toMatchObject({ reads: 0, writes: 0, writesSubmitted: 0 });
    });

    it("with rejectStaleToken refuses an older token with DB_STALE_TOKEN, persisting and logging nothing", async () => {
      await db.seed([{ id: "u1", profile: alice }]);
      await run(db.write({ id: "u1", profile: alice, writer: "new", fencingToken: 5, counter: 1, rejectStaleToken: true }));
      const stale = run(db.write({ id: "u1", profile: bob, writer: "old", fencingToken: 4, counter: 1, rejectStaleToken: true }));
      await expect(stale).rejects.toSatisfy((error) => error instanceof LabError && error.code === "DB_STALE_TOKEN");
      expect(db.peek("u1")).toMatchObject({ profile: alice, version: 2, lastFencingToken: 5, counter: 1 });
      expect(db.writeLog().map((entry) => entry.writer)).toEqual(["new"]);
      // The same token again, and a newer one, are not stale.
      await run(db.write({ id: "u1", profile: bob, writer: "same", fencingToken: 5, counter: 2, rejectStaleToken: true }));
      await run(db.write({ id: "u1", profile: bob, writer: "newer", fencingToken: 6, counter: 3, rejectStaleToken: true }));
      expect(db.peek("u1")).toMatchObject({ lastFencingToken: 6, counter: 3 });
      expect(db.stats()).toMatchObject({ writes: 3, writesSubmitted: 4, staleTokenRejected: 1, staleTokenAccepted: 0 });
    });

    it("without rejectStaleToken accepts an older token, counts it, and keeps the highest on the row", async () => {
      await db.seed([{ id: "u1", profile: alice }]);
      await run(db.write({ id: "u1", profile: alice, writer: "new", fencingToken: 5, counter: 1 }));
      const row = await run(db.write({ id: "u1", profile: bob, writer: "old", fencingToken: 4, counter: 1 }));
      expect(row).toMatchObject({ profile: bob, version: 3, lastFencingToken: 5, counter: 1 });
      expect(db.stats()).toMatchObject({ writes: 2, staleTokenRejected: 0, staleTokenAccepted: 1 });
    });

    it("settles to nothing in flight once every query has finished", async () => {
      await db.seed([{ id: "u1", profile: alice }]);
      await run(Promise.all([db.read("u1"), db.read("u2"), db.write({ id: "u1", profile: bob, writer: "w" })]));
      expect(db.stats()).toMatchObject({
        reads: 2,
        writes: 1,
        writesSubmitted: 1,
        running: 0,
        queued: 0,
        inFlight: 0,
        rejected: 0,
        timedOut: 0,
        staleTokenRejected: 0,
        staleTokenAccepted: 0,
      });
      expect(db.stats().peakInFlight).toBeGreaterThanOrEqual(1);
    });

    it("refuses queries after close with DB_CLOSED, and closes twice without error", async () => {
      await db.close();
      await expect(db.read("u1")).rejects.toSatisfy((error) => error instanceof LabError && error.code === "DB_CLOSED");
      await expect(db.write({ id: "u1", profile: alice, writer: "w" })).rejects.toMatchObject({ code: "DB_CLOSED" });
      await expect(db.nextFencingToken()).rejects.toMatchObject({ code: "DB_CLOSED" });
      await db.close();
    });
  });
}
