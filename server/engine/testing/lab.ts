import { defaultScenario, type Scenario } from "../../../lib/scenario";
import { ManualClock } from "../../core/clock";
import { seededRandom } from "../../core/random";
import { MetricsCollector } from "../../metrics/collector";
import { lockedWriteFigures, type LockedWriteFigures } from "../../metrics/locked-writes";
import { createCapacityModelDatabase, type CapacityModelOptions } from "../../origin/capacity-model";
import type { OriginDatabase } from "../../origin/types";
import type { EngineEvent, EngineEventName, EngineEventOf, ReadOutcome } from "../events";
import { EngineInstance, type EngineSettings } from "../instance";
import { HOT_KEY } from "../keys";
import { LocalLockService } from "../locks/local";
import type { CachedEntry, LockService } from "../ports";
import { MemoryCacheNode, type MemoryCacheStore } from "./memory-cache-store";
import { FakeRedlockService, FakeSingleRedisLockService, MemoryLockNodes } from "./memory-lock-nodes";

export type SettingsPatch = Partial<Omit<EngineSettings, "cache">> & { cache?: Partial<Scenario["cache"]> };

export interface TestLabOptions {
  /** App servers. @default 3 */
  instances?: number;
  /** Merged over the scenario defaults (`{}`). */
  settings?: SettingsPatch;
  /** The capacity model's shape. @default roomy: capacity 1000, queueLimit 1000, no queue timeout, reads 200 ms, writes 50 ms */
  db?: Omit<CapacityModelOptions, "clock">;
  /** @default 5 */
  lockNodes?: number;
  /** One lock round's duration on the clock. @default 0 */
  lockLatencyMs?: number;
  /** Per instance (index 0 = instance 1): its lock rounds' duration, over `lockLatencyMs`. */
  lockLatencyMsByInstance?: readonly number[];
  /** Redlock: the engine's request coalescing in front of the fake's rounds, as `redlock.coalesce`. @default false */
  coalesceLocks?: boolean;
  /** Redlock's drift factor in the fake. @default 0 */
  driftFactor?: number;
  /** Every cache command's trip to the node, before it executes. @default 0 */
  cacheLatencyMs?: number;
  /** Per instance (index 0 = instance 1): how long answers take to come back on its connection. @default 0 */
  cacheReplyLatencyMs?: readonly number[];
  /** @default 42 */
  seed?: number | string;
  /** Wall-clock ms of t = 0; not 0, so that nothing passes by treating "unset" as zero. @default 1_000_000 */
  startMs?: number;
  /** @default 100 */
  tickMs?: number;
}

/** A read scheduled on the lab's clock and what became of it. */
export interface TrackedRead {
  requestId: number;
  instance: number;
  key: string;
  /** Wall-clock ms. */
  scheduledAt: number;
  outcome?: ReadOutcome;
  /** Wall-clock ms at which the promise resolved. */
  endedAt?: number;
}

export interface TrackedWrite {
  requestId: number;
  instance: number;
  key: string;
  scheduledAt: number;
  acknowledged?: boolean;
}

/**
 * Several engine instances on one in-memory cache node, one set of in-memory lock nodes, one
 * capacity-model database and one metrics collector, all on a ManualClock: a run of the lab with
 * no Redis and no real time. Times given to its methods are ms since t = 0.
 */
export class TestLab {
  readonly clock: ManualClock;
  readonly t0: number;
  readonly settings: EngineSettings;
  readonly cacheNode: MemoryCacheNode;
  readonly stores: MemoryCacheStore[];
  readonly lockNodes: MemoryLockNodes;
  readonly locks: Array<LockService | null>;
  readonly db: OriginDatabase;
  readonly collector: MetricsCollector;
  readonly events: EngineEvent[] = [];
  readonly instances: EngineInstance[];
  readonly reads: TrackedRead[] = [];
  readonly writes: TrackedWrite[] = [];
  private nextRequestId = 1;

  constructor(options: TestLabOptions = {}) {
    const { settings: patch = {} } = options;
    const base = defaultScenario();
    this.settings = {
      strategy: patch.strategy ?? base.strategy,
      flushMs: patch.flushMs ?? base.flushMs,
      lock: patch.lock ?? base.lock,
      lockTtlMs: patch.lockTtlMs ?? base.lockTtlMs,
      waiters: patch.waiters ?? base.waiters,
      onLockError: patch.onLockError ?? base.onLockError,
      xfetchBeta: patch.xfetchBeta ?? base.xfetchBeta,
      cache: { ...base.cache, ...patch.cache },
      ...(patch.timeScale !== undefined ? { timeScale: patch.timeScale } : {}),
      ...(patch.lockedWork !== undefined ? { lockedWork: patch.lockedWork } : {}),
      ...(patch.fencing !== undefined ? { fencing: patch.fencing } : {}),
      ...(patch.writeBehindBuffer !== undefined ? { writeBehindBuffer: patch.writeBehindBuffer } : {}),
    };
    this.t0 = options.startMs ?? 1_000_000;
    this.clock = new ManualClock(this.t0);
    const clock = this.clock;
    const random = seededRandom(options.seed ?? 42);
    this.cacheNode = new MemoryCacheNode(clock, { latencyMs: options.cacheLatencyMs ?? 0 });
    this.lockNodes = new MemoryLockNodes(clock, options.lockNodes ?? 5);
    this.db = createCapacityModelDatabase({
      capacity: 1000,
      queueLimit: 1000,
      timeoutMs: Infinity,
      readLatencyMs: 200,
      writeLatencyMs: 50,
      ...options.db,
      clock,
    });
    this.collector = new MetricsCollector(this.t0, options.tickMs ?? 100);
    this.collector.onEvent((event) => this.events.push(event));
    const count = options.instances ?? 3;
    this.stores = Array.from({ length: count }, (_, i) =>
      this.cacheNode.connect(`instance-${i + 1}`, { replyLatencyMs: options.cacheReplyLatencyMs?.[i] ?? 0 }),
    );
    this.locks = this.stores.map((_, i): LockService | null => {
      const lockOptions = { latencyMs: options.lockLatencyMsByInstance?.[i] ?? options.lockLatencyMs ?? 0, driftFactor: options.driftFactor ?? 0 };
      switch (this.settings.lock) {
        case "none":
          return null;
        case "local":
          return new LocalLockService(clock);
        case "single-redis":
          return new FakeSingleRedisLockService(this.lockNodes, clock, lockOptions);
        case "redlock":
          return new FakeRedlockService(this.lockNodes, clock, { ...lockOptions, coalesce: options.coalesceLocks ?? false });
      }
    });
    this.instances = this.stores.map(
      (cache, i) =>
        new EngineInstance({
          index: i + 1,
          settings: this.settings,
          cache,
          lock: this.locks[i] ?? null,
          db: this.db,
          clock,
          random: random.fork(`instance-${i + 1}`),
          emit: this.collector.record,
        }),
    );
  }

  /** Wall-clock ms of `ms` after t = 0. */
  at(ms: number): number {
    return this.t0 + ms;
  }

  /** Ms since t = 0 now. */
  get elapsed(): number {
    return this.clock.now() - this.t0;
  }

  /** Puts rows in the database (uncounted), as the warm-up does. */
  seedRows(keys: readonly string[] = [HOT_KEY]): void {
    this.db.seed(keys.map((id) => ({ id, profile: { name: id, bio: `profile of ${id}` } })));
  }

  /**
   * Seeds the row and caches it as the warm-up would: logically fresh until `expiresAtMs` (since
   * t = 0), physically present until `physicalUntilMs` (default: the expiry, plus the stale window
   * under serve-stale).
   */
  warm(key = HOT_KEY, options: { expiresAtMs: number; recomputeMs?: number; physicalUntilMs?: number }): CachedEntry {
    this.seedRows([key]);
    const row = this.db.peek(key);
    if (!row) throw new Error(`row ${key} missing after seeding`);
    const now = this.clock.now();
    const entry: CachedEntry = {
      profile: row.profile,
      version: row.version,
      logicalExpiresAt: this.at(options.expiresAtMs),
      recomputeMs: options.recomputeMs ?? 200,
      writtenAt: now,
      writer: "warm-up",
    };
    const stale = this.settings.waiters === "serve-stale" ? this.settings.cache.staleTtlMs : 0;
    const physicalUntil = this.at(options.physicalUntilMs ?? options.expiresAtMs + stale);
    // An expiry at or before now means the crowd finds the key already gone, as in the warm-up.
    if (physicalUntil > now) this.cacheNode.put(key, entry, physicalUntil - now);
    return entry;
  }

  /** Schedules one read at `atMs` on instance `instance` (1-based). */
  read(atMs: number, options: { instance?: number; key?: string; patienceMs?: number } = {}): TrackedRead {
    const instance = options.instance ?? 1;
    const engine = this.instance(instance);
    const tracked: TrackedRead = { requestId: this.nextRequestId++, instance, key: options.key ?? HOT_KEY, scheduledAt: this.at(atMs) };
    this.reads.push(tracked);
    this.clock.setTimeout(() => {
      void engine
        .read({ requestId: tracked.requestId, key: tracked.key, scheduledAt: tracked.scheduledAt, patienceMs: options.patienceMs ?? 5000 })
        .then((outcome) => {
          tracked.outcome = outcome;
          tracked.endedAt = this.clock.now();
        });
    }, tracked.scheduledAt - this.clock.now());
    return tracked;
  }

  /**
   * `count` reads spread evenly over [fromMs, fromMs + spreadMs) in whole ms, dealt round-robin to
   * the instances (request i to instance i mod k + 1), so every instance gets some when count ≥ k.
   */
  crowd(count: number, options: { fromMs?: number; spreadMs?: number; key?: string; patienceMs?: number } = {}): TrackedRead[] {
    const from = options.fromMs ?? 0;
    const spread = options.spreadMs ?? 100;
    return Array.from({ length: count }, (_, i) =>
      this.read(from + Math.floor((i * spread) / count), {
        instance: (i % this.instances.length) + 1,
        ...(options.key !== undefined ? { key: options.key } : {}),
        ...(options.patienceMs !== undefined ? { patienceMs: options.patienceMs } : {}),
      }),
    );
  }

  /** Schedules one write at `atMs` on instance `instance` (1-based). */
  write(atMs: number, options: { instance?: number; key?: string } = {}): TrackedWrite {
    const instance = options.instance ?? 1;
    const engine = this.instance(instance);
    const tracked: TrackedWrite = { requestId: this.nextRequestId++, instance, key: options.key ?? HOT_KEY, scheduledAt: this.at(atMs) };
    this.writes.push(tracked);
    this.clock.setTimeout(() => {
      void engine.write({ requestId: tracked.requestId, key: tracked.key, scheduledAt: tracked.scheduledAt }).then((ok) => {
        tracked.acknowledged = ok;
      });
    }, tracked.scheduledAt - this.clock.now());
    return tracked;
  }

  /** Schedules one protected increment (lockedWork "increment") at `atMs` on instance `instance` (1-based). */
  increment(atMs: number, options: { instance?: number; key?: string; patienceMs?: number } = {}): TrackedRead {
    const instance = options.instance ?? 1;
    const engine = this.instance(instance);
    const tracked: TrackedRead = { requestId: this.nextRequestId++, instance, key: options.key ?? HOT_KEY, scheduledAt: this.at(atMs) };
    this.reads.push(tracked);
    this.clock.setTimeout(() => {
      void engine
        .increment({ requestId: tracked.requestId, key: tracked.key, scheduledAt: tracked.scheduledAt, patienceMs: options.patienceMs ?? 5000 })
        .then((outcome) => {
          tracked.outcome = outcome;
          tracked.endedAt = this.clock.now();
        });
    }, tracked.scheduledAt - this.clock.now());
    return tracked;
  }

  /** Arms a simulated stop-the-world pause of `ms` on instance `instance` at `atMs`, as the runner does. */
  pauseAt(atMs: number, instance: number, ms: number): void {
    const engine = this.instance(instance);
    this.clock.setTimeout(() => engine.pause(ms), this.at(atMs) - this.clock.now());
  }

  /** The report's lost-update accounting (server/metrics/locked-writes.ts) over `keys`. */
  counterAccounting(keys: readonly string[] = [HOT_KEY], start?: ReadonlyMap<string, number>): LockedWriteFigures {
    return lockedWriteFigures(this.db, keys, start);
  }

  /** Crashes instance `instance` (1-based) at `atMs`. */
  crashAt(atMs: number, instance: number): void {
    const engine = this.instance(instance);
    this.clock.setTimeout(() => engine.crash(), this.at(atMs) - this.clock.now());
  }

  /** Runs the clock until `ms` since t = 0. */
  async runUntil(ms: number): Promise<void> {
    await this.clock.advance(this.at(ms) - this.clock.now());
  }

  instance(index: number): EngineInstance {
    const engine = this.instances[index - 1];
    if (!engine) throw new RangeError(`no instance ${index}`);
    return engine;
  }

  /** Every recorded event of one kind, in order. */
  eventsOf<N extends EngineEventName>(name: N): Array<EngineEventOf<N>["data"]> {
    const out: Array<EngineEventOf<N>["data"]> = [];
    for (const event of this.events) if (event.name === name) out.push(event.data as EngineEventOf<N>["data"]);
    return out;
  }

  /** How many tracked reads ended in each outcome (undefined: still running). */
  outcomes(reads: readonly TrackedRead[] = this.reads): Record<ReadOutcome | "pending", number> {
    const counts: Record<ReadOutcome | "pending", number> = { hit: 0, miss: 0, staleServed: 0, timeout: 0, error: 0, pending: 0 };
    for (const read of reads) counts[read.outcome ?? "pending"]++;
    return counts;
  }

  /**
   * The report's write accounting (server/lab/report.ts): persisted is read from the database's own
   * write log, pending from the live instances, lost is what remains of the acknowledged writes.
   */
  writeAccounting(): { acknowledged: number; persisted: number; pending: number; lost: number } {
    const { writes } = this.collector.snapshot();
    const persisted = this.db.writeLog().filter((e) => e.writeId !== undefined && writes.acknowledgedIds.has(e.writeId)).length;
    // With the cache-node buffer: what the node's list holds (nothing once it restarted empty) plus what instances took off it.
    const pending =
      this.settings.writeBehindBuffer === "cache-node"
        ? this.cacheNode.pendingTexts.length + this.instances.reduce((sum, i) => sum + (i.isAlive ? i.pendingWritesInFlight : 0), 0)
        : this.instances.reduce((sum, i) => sum + (i.isAlive ? i.pendingWrites : 0), 0);
    return { acknowledged: writes.acknowledged, persisted, pending, lost: writes.acknowledged - persisted - pending };
  }

  async close(): Promise<void> {
    await Promise.all(this.instances.map((i) => i.close()));
    await this.db.close();
  }
}
