import { afterEach, describe, expect, it } from "vitest";
import { engineEvents, type ReadOutcome } from "../engine/events";
import { TestLab } from "../engine/testing/lab";
import { MetricsCollector } from "./collector";

const T0 = 50_000;
const KEY = "user:profile:0";

const arrived = (requestId: number, at: number) =>
  engineEvents.requestArrived({ requestId, instance: 1, key: KEY, scheduledAt: at, startedAt: at, kind: "read" });
const ended = (requestId: number, outcome: ReadOutcome, scheduledAt: number, endedAt: number) =>
  engineEvents.requestEnded({ requestId, instance: 1, key: KEY, outcome, scheduledAt, endedAt });
const needsFill = (issuedAt: number, key = KEY) => engineEvents.cacheNeedsFill({ key, reason: "missing", issuedAt });
const filled = (at: number, key = KEY) => engineEvents.cacheFilled({ instance: 1, key, at, early: false });
const dbRead = (at: number, key = KEY) => engineEvents.dbReadSubmitted({ instance: 1, key, at, early: false });

describe("MetricsCollector: outcomes", () => {
  it("counts one outcome per ended read, in the matching field", () => {
    const c = new MetricsCollector(T0, 100);
    const outcomes: ReadOutcome[] = ["hit", "hit", "miss", "staleServed", "error", "timeout", "timeout"];
    outcomes.forEach((o, i) => {
      c.record(arrived(i, T0));
      c.record(ended(i, o, T0, T0 + 10));
    });
    expect(c.snapshot().requests).toEqual({ total: 7, hits: 2, misses: 1, staleServed: 1, errors: 1, timeouts: 2 });
  });

  it("counts writes' arrivals apart from reads", () => {
    const c = new MetricsCollector(T0, 100);
    c.record(engineEvents.requestArrived({ requestId: 1, instance: 1, key: KEY, scheduledAt: T0, startedAt: T0 + 7, kind: "write" }));
    expect(c.snapshot().requests.total).toBe(0);
    expect(c.snapshot().arrivalLagMaxMs).toBe(7);
  });

  it("measures latency from the scheduled arrival, for answered reads only", () => {
    const c = new MetricsCollector(T0, 100);
    c.record(arrived(1, T0));
    c.record(ended(1, "hit", T0, T0 + 40));
    c.record(arrived(2, T0));
    c.record(ended(2, "timeout", T0, T0 + 5000));
    expect(c.snapshot().latencyMs.max).toBe(40);
  });
});

describe("MetricsCollector: episodes", () => {
  it("opens on the first miss, ignores later misses, attributes reads, closes on the fill", () => {
    const c = new MetricsCollector(T0, 100);
    c.record(needsFill(T0 + 100));
    c.record(dbRead(T0 + 100));
    c.record(needsFill(T0 + 120));
    c.record(dbRead(T0 + 130));
    expect(c.snapshot().episodes).toEqual([{ key: KEY, startMs: 100, endMs: null, dbReads: 2 }]);
    c.record(filled(T0 + 300));
    c.record(dbRead(T0 + 310)); // a straggler after the fill belongs to no episode
    const totals = c.snapshot();
    expect(totals.episodes).toEqual([{ key: KEY, startMs: 100, endMs: 300, dbReads: 2 }]);
    expect(totals.episodeCount).toBe(1);
    expect(totals.maxDbReadsPerEpisode).toBe(2);
    expect(totals.dbReadsSubmitted).toBe(3);
    expect(totals.readsOutsideEpisodes).toBe(1);
  });

  it("a GET issued before a fill cannot open a new episode, even when its answer arrives after", () => {
    const c = new MetricsCollector(T0, 100);
    c.record(needsFill(T0 + 100));
    c.record(filled(T0 + 300));
    c.record(needsFill(T0 + 299)); // issued 1 ms before the fill, reported after it
    expect(c.snapshot().episodeCount).toBe(1);
    c.record(needsFill(T0 + 400)); // a real second expiry
    expect(c.snapshot().episodes.map((e) => e.startMs)).toEqual([100, 400]);
  });

  // BUG (server/metrics/collector.ts:166): the guard is `issuedAt >= lastFillAt`. Timestamps are
  // whole ms (Date.now), and on localhost a GET and the fill's SET often share one: a GET that
  // *missed* was executed before the SET, so it was issued before the fill was acknowledged, yet
  // when its answer is processed after the fill event (another instance's connection, any order)
  // it opens a second episode that no fill will close (endMs null, episodesOpen stuck at 1, later
  // reads of the key attributed to it). Fix: compare strictly —
  //   if (!this.openEpisodes.has(key) && issuedAt > (this.lastFillAt.get(key) ?? -Infinity)) {
  // (a key that truly vanishes in the fill's own ms opens its episode on the next ms's GET).
  it("a miss issued in the fill's own millisecond, reported after the fill, opens no episode", () => {
    const c = new MetricsCollector(T0, 100);
    c.record(needsFill(T0 + 100));
    c.record(filled(T0 + 300));
    c.record(needsFill(T0 + 300));
    expect(c.snapshot().episodeCount).toBe(1);
  });

  it("…and through the engine: a GET at the fill's ms, answered later on another connection, leaves a phantom episode", async () => {
    // Instance 2's connection answers 0.5 ms late. Its GET at t = 200 runs on the node just before
    // instance 1's fill lands at t = 200, so it misses; its miss is reported at 200.5.
    const lab = new TestLab({ instances: 2, settings: { lock: "redlock", waiters: "poll" }, cacheReplyLatencyMs: [0, 0.5] });
    lab.seedRows();
    lab.read(0, { instance: 1 });
    lab.read(200, { instance: 2 });
    await lab.runUntil(1000);
    expect(lab.db.stats().reads).toBe(1);
    const { episodes } = lab.collector.snapshot();
    await lab.close();
    expect(episodes).toEqual([{ key: KEY, startMs: 0, endMs: 200, dbReads: 1 }]);
  });

  it("keeps one episode per key", () => {
    const c = new MetricsCollector(T0, 100);
    c.record(needsFill(T0 + 10, "a"));
    c.record(needsFill(T0 + 20, "b"));
    c.record(dbRead(T0 + 30, "a"));
    c.record(filled(T0 + 40, "a"));
    c.record(dbRead(T0 + 50, "b"));
    expect(c.snapshot().episodes).toEqual([
      { key: "a", startMs: 10, endMs: 40, dbReads: 1 },
      { key: "b", startMs: 20, endMs: null, dbReads: 1 },
    ]);
  });

  it("reports episode times from t = 0 as set by rebase", () => {
    const c = new MetricsCollector(0, 100);
    c.rebase(T0);
    c.record(needsFill(T0 + 5));
    c.record(filled(T0 + 25));
    expect(c.snapshot().episodes[0]).toMatchObject({ startMs: 5, endMs: 25 });
  });
});

describe("MetricsCollector: tick windows", () => {
  it("are per window, never cumulative, and advance by tickMs", () => {
    const c = new MetricsCollector(T0, 100);
    c.record(arrived(1, T0));
    c.record(arrived(2, T0));
    c.record(ended(1, "hit", T0, T0 + 10));
    c.record(dbRead(T0));
    const first = c.closeWindow();
    c.record(arrived(3, T0 + 100));
    c.record(ended(2, "miss", T0, T0 + 150));
    const second = c.closeWindow();
    const third = c.closeWindow();
    expect([first.t, second.t, third.t]).toEqual([0, 100, 200]);
    expect([first.arrivals, second.arrivals, third.arrivals]).toEqual([2, 1, 0]);
    expect([first.hits, second.hits, second.misses]).toEqual([1, 0, 1]);
    expect([first.dbReads, second.dbReads]).toEqual([1, 0]);
    expect([first.hitRatio, second.hitRatio, third.hitRatio]).toEqual([1, 0, null]);
    expect([first.latencyP50, second.latencyP50, third.latencyP50]).toEqual([10, 150, null]);
    expect(c.windowStartedAt).toBe(T0 + 300);
    // The run totals, meanwhile, are cumulative.
    expect(c.snapshot().requests).toMatchObject({ total: 3, hits: 1, misses: 1 });
  });

  it("report the episodes open when the window closes", () => {
    const c = new MetricsCollector(T0, 100);
    c.record(needsFill(T0 + 10));
    expect(c.closeWindow().episodesOpen).toBe(1);
    c.record(filled(T0 + 150));
    expect(c.closeWindow().episodesOpen).toBe(0);
  });
});

describe("MetricsCollector: forwarding", () => {
  it("hands every event to listeners until they unsubscribe", () => {
    const c = new MetricsCollector(T0, 100);
    const seen: string[] = [];
    const off = c.onEvent((e) => seen.push(e.name));
    c.record(needsFill(T0));
    off();
    c.record(filled(T0));
    // The episode the miss opened is announced right after it; nothing reaches the listener after off().
    expect(seen).toEqual(["cache:needs-fill", "episode:changed"]);
  });

  it("announces exactly the episodes it counts: a GET issued before the last fill opens none", () => {
    const c = new MetricsCollector(T0, 100);
    const changes: string[] = [];
    c.onEvent((e) => {
      if (e.name === "episode:changed") changes.push(`${e.data.change}@${e.data.atMs}`);
    });
    c.record(needsFill(T0 + 10));
    c.record(filled(T0 + 200));
    c.record(needsFill(T0 + 150)); // issued before the fill, answered after it
    expect(changes).toEqual(["opened@10", "closed@200"]);
    expect(c.snapshot().episodeCount).toBe(1);
  });
});

/**
 * Every arrival ends in exactly one outcome, across every lock mode and waiter policy, with faults
 * thrown in (an instance crash mid-run, impatient clients, a slow database). Seeded: a failing
 * combination is reproducible from its title.
 */
describe("MetricsCollector over the engine: total == hits + misses + staleServed + errors + timeouts", () => {
  const locks = ["none", "local", "single-redis", "redlock"] as const;
  const waiters = ["fail-fast", "poll", "serve-stale", "notify"] as const;
  const cases = locks.flatMap((lock) => waiters.flatMap((w) => [1, 2].map((seed) => ({ lock, waiters: w, seed }))));

  let lab: TestLab | null = null;
  afterEach(async () => {
    await lab?.close();
    lab = null;
  });

  it.each(cases)("lock $lock, waiters $waiters, seed $seed", async ({ lock, waiters, seed }) => {
    lab = new TestLab({ instances: 3, seed, settings: { lock, waiters, xfetchBeta: seed === 2 ? 1 : 0 }, db: { readLatencyMs: seed * 150 } });
    lab.warm(undefined, { expiresAtMs: 200 });
    for (let i = 0; i < 60; i++) {
      const at = Math.floor(((i * 7919) % 1000) / 2); // spread over [0, 500)
      lab.read(at, { instance: (i % 3) + 1, patienceMs: 300 + ((i * 31) % 400) });
    }
    lab.crashAt(250, 2);
    await lab.runUntil(3000);
    const { requests } = lab.collector.snapshot();
    expect(requests.total).toBe(60);
    expect(requests.hits + requests.misses + requests.staleServed + requests.errors + requests.timeouts).toBe(requests.total);
    // And each request ended exactly once, with the outcome its caller saw.
    const endings = new Map<number, number>();
    for (const e of lab.eventsOf("request:ended")) endings.set(e.requestId, (endings.get(e.requestId) ?? 0) + 1);
    expect([...endings.values()].every((n) => n === 1)).toBe(true);
    expect(endings.size).toBe(60);
    expect(lab.reads.every((r) => r.outcome !== undefined)).toBe(true);
    // Nobody waits past its patience.
    for (const e of lab.eventsOf("request:ended")) expect(e.endedAt).toBeLessThanOrEqual(e.scheduledAt + 700);
    // Cluster locks never double-grant.
    expect(lab.collector.snapshot().locks.safetyViolations).toBe(0);
  });
});

describe("MetricsCollector: windows on a machine that fell behind", () => {
  it("starts the next window on the tick grid at the closing time, leaving a gap instead of drifting", () => {
    const c = new MetricsCollector(T0, 100);
    expect(c.closeWindow(T0 + 100).t).toBe(0);
    // The event loop stalled: the next closing comes 450 ms late.
    expect(c.closeWindow(T0 + 650).t).toBe(100);
    expect(c.closeWindow(T0 + 700).t).toBe(600);
    expect(c.closeWindow().t).toBe(700);
  });

  it("says how long each window really lasted, and which ones ran long enough to stand for several ticks", () => {
    const c = new MetricsCollector(T0, 100);
    const windows = [c.closeWindow(T0 + 100), c.closeWindow(T0 + 650), c.closeWindow(T0 + 700), c.closeWindow(T0 + 730)];
    expect(windows.map((w) => w.lengthMs)).toEqual([100, 550, 50, 30]);
    expect(windows.map((w) => w.merged)).toEqual([false, true, false, false]);
    // Without a closing time the window is taken as one tick long.
    expect(c.closeWindow().lengthMs).toBe(100);
  });

  it("measures the first window from t = 0 after the warm-up, not from when the collector was made", () => {
    const c = new MetricsCollector(0, 100);
    c.rebase(T0);
    expect(c.closeWindow(T0 + 120).lengthMs).toBe(120);
  });
});
