import { describe, expect, it } from "vitest";
import { ManualClock } from "../core/clock";
import type { CachedEntry } from "./ports";
import { MemoryCacheNode } from "./testing/memory-cache-store";
import { FakeRedlockService, FakeSingleRedisLockService, MemoryLockNodes } from "./testing/memory-lock-nodes";

/** The fakes are only worth the tests built on them if they keep the ports' promises. */

const entry = (logicalExpiresAt: number): CachedEntry => ({
  profile: { name: "u", bio: "b" },
  version: 1,
  logicalExpiresAt,
  recomputeMs: 10,
  writtenAt: 0,
  writer: "test",
});

describe("MemoryCacheStore", () => {
  it("keeps a key until its physical TTL on the clock, then answers null", async () => {
    const clock = new ManualClock(0);
    const store = new MemoryCacheNode(clock).connect();
    await store.set("k", entry(50), 100);
    await clock.advance(99);
    expect(await store.get("k")).toEqual(entry(50));
    await clock.advance(1);
    expect(await store.get("k")).toBeNull();
  });

  it("hands out copies, as a serialised value would be", async () => {
    const clock = new ManualClock(0);
    const store = new MemoryCacheNode(clock).connect();
    const value = entry(50);
    await store.set("k", value, 100);
    value.version = 99;
    const got = await store.get("k");
    expect(got?.version).toBe(1);
  });

  it("throws on every command while the node (or this store alone) is down", async () => {
    const clock = new ManualClock(0);
    const node = new MemoryCacheNode(clock);
    const a = node.connect("a");
    const b = node.connect("b");
    node.down = true;
    await expect(a.get("k")).rejects.toMatchObject({ code: "CACHE_UNAVAILABLE" });
    await expect(a.set("k", entry(1), 1)).rejects.toMatchObject({ code: "CACHE_UNAVAILABLE" });
    await expect(a.publishFill("k")).rejects.toMatchObject({ code: "CACHE_UNAVAILABLE" });
    node.down = false;
    b.down = true;
    await expect(a.get("k")).resolves.toBeNull();
    await expect(b.get("k")).rejects.toMatchObject({ code: "CACHE_UNAVAILABLE" });
  });

  it("counts GETs per store and on the node", async () => {
    const clock = new ManualClock(0);
    const node = new MemoryCacheNode(clock);
    const a = node.connect("a");
    const b = node.connect("b");
    await a.get("k");
    await a.get("k");
    await b.get("k");
    expect([a.gets, b.gets, node.gets]).toEqual([2, 1, 3]);
  });

  it("delivers a fill to every attached store, the publisher's own included, until it closes", async () => {
    const clock = new ManualClock(0);
    const node = new MemoryCacheNode(clock);
    const stores = [node.connect("a"), node.connect("b"), node.connect("c")];
    const heard: string[] = [];
    stores.forEach((s) => s.onFill((key) => heard.push(`${s.name}:${key}`)));
    await stores[0]!.publishFill("k");
    await clock.advance(0);
    expect(heard.sort()).toEqual(["a:k", "b:k", "c:k"]);
    await stores[2]!.close();
    heard.length = 0;
    await stores[1]!.publishFill("j");
    await clock.advance(0);
    expect(heard.sort()).toEqual(["a:j", "b:j"]);
  });

  it("takes its command latency on the clock", async () => {
    const clock = new ManualClock(0);
    const store = new MemoryCacheNode(clock, { latencyMs: 5 }).connect();
    let answeredAt: number | null = null;
    void store.get("k").then(() => (answeredAt = clock.now()));
    await clock.advance(4);
    expect(answeredAt).toBeNull();
    await clock.advance(1);
    expect(answeredAt).toBe(5);
  });
});

describe("MemoryLockNodes", () => {
  it("SET NX refuses a held key until it expires on the clock", async () => {
    const clock = new ManualClock(0);
    const nodes = new MemoryLockNodes(clock, 1);
    expect(nodes.setNx(0, "r", "a", 100)).toBe(true);
    expect(nodes.setNx(0, "r", "b", 100)).toBe(false);
    await clock.advance(100);
    expect(nodes.setNx(0, "r", "b", 100)).toBe(true);
    expect(nodes.valueOn(0, "r")).toBe("b");
  });

  it("compare-and-delete removes only its own value", () => {
    const nodes = new MemoryLockNodes(new ManualClock(0), 1);
    nodes.setNx(0, "r", "a", 100);
    expect(nodes.compareAndDelete(0, "r", "b")).toBe(false);
    expect(nodes.compareAndDelete(0, "r", "a")).toBe(true);
    expect(nodes.valueOn(0, "r")).toBeNull();
  });

  it("a down node refuses commands but keeps its keys; a restart wipes them", () => {
    const nodes = new MemoryLockNodes(new ManualClock(0), 2);
    nodes.setNx(0, "r", "a", 100);
    nodes.setUp(0, false);
    expect(() => nodes.setNx(0, "r", "b", 100)).toThrow(/lock-1 did not answer/);
    nodes.setUp(0, true);
    expect(nodes.valueOn(0, "r")).toBe("a");
    nodes.restart(0);
    expect(nodes.valueOn(0, "r")).toBeNull();
  });
});

describe("FakeRedlockService", () => {
  it("acquires on a majority, then excludes every other client until release", async () => {
    const clock = new ManualClock(0);
    const nodes = new MemoryLockNodes(clock, 5);
    const a = new FakeRedlockService(nodes, clock);
    const b = new FakeRedlockService(nodes, clock);
    const first = await a.tryAcquire("r", 1000, "a");
    expect(first.kind).toBe("acquired");
    if (first.kind !== "acquired") return;
    expect(first.grant).toMatchObject({ acquiredAt: 0, validUntil: 1000, scope: "cluster" });
    expect(first.grant.votes.map((v) => v.vote)).toEqual(["for", "for", "for", "for", "for"]);
    expect(await b.tryAcquire("r", 1000, "b")).toMatchObject({ kind: "contended" });
    await a.release(first.grant);
    expect(nodes.valuesOf("r")).toEqual([null, null, null, null, null]);
    expect((await b.tryAcquire("r", 1000, "b")).kind).toBe("acquired");
  });

  it("undoes the SETs of a failed round", async () => {
    const clock = new ManualClock(0);
    const nodes = new MemoryLockNodes(clock, 5);
    // Someone else holds three nodes; we win the other two, which must be given back.
    for (const i of [0, 1, 2]) nodes.setNx(i, "r", "other", 1000);
    const attempt = await new FakeRedlockService(nodes, clock).tryAcquire("r", 1000, "me");
    expect(attempt.kind).toBe("contended");
    expect(nodes.valuesOf("r")).toEqual(["other", "other", "other", null, null]);
  });

  it("takes the round's latency and the drift off the validity", async () => {
    const clock = new ManualClock(0);
    const nodes = new MemoryLockNodes(clock, 3);
    const lock = new FakeRedlockService(nodes, clock, { latencyMs: 30, driftFactor: 0.01 });
    const pending = lock.tryAcquire("r", 1000, "me");
    await clock.advance(30);
    const attempt = await pending;
    // Validity from the round's start: 1000 − (0.01 × 1000 + 2).
    expect(attempt).toMatchObject({ kind: "acquired", grant: { acquiredAt: 0, validUntil: 988 } });
  });

  it("single-redis asks lock-1 only", async () => {
    const clock = new ManualClock(0);
    const nodes = new MemoryLockNodes(clock, 5);
    const lock = new FakeSingleRedisLockService(nodes, clock);
    expect(lock.mode).toBe("single-redis");
    nodes.setUp(1, false);
    nodes.setUp(2, false);
    nodes.setUp(3, false);
    const attempt = await lock.tryAcquire("r", 1000, "me");
    expect(attempt.kind).toBe("acquired");
    expect(nodes.valuesOf("r").map((v) => v !== null)).toEqual([true, false, false, false, false]);
    nodes.setUp(0, false);
    expect(await lock.tryAcquire("s", 1000, "me")).toMatchObject({ kind: "error", votes: [{ nodeId: "lock-1", vote: "error" }] });
  });
});
