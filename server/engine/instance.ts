import type { Scenario } from "../../lib/scenario";
import type { Clock } from "../core/clock";
import { describeError } from "../core/errors";
import type { Random } from "../core/random";
import { StaleTokenError } from "../origin/errors";
import type { OriginDatabase, WriteRequest } from "../origin/types";
import { jitteredTtl, viewOf, xfetchShouldRefresh, type CacheView } from "./cache-entry";
import { engineEvents, type EventSink, type ReadOutcome } from "./events";
import { lockResourceFor } from "./keys";
import { LocalLockService } from "./locks/local";
import type { CacheStore, CachedEntry, LockGrant, LockService } from "./ports";
import { CacheNodeWriteBehind, WriteBehindBuffer } from "./write-behind";

export type EngineSettings = Pick<
  Scenario,
  "strategy" | "flushMs" | "lock" | "lockTtlMs" | "waiters" | "onLockError" | "xfetchBeta" | "cache"
> & {
  /** Slow motion stretches the engine's own waits too. @default 1 */
  timeScale?: number;
  /** What a lock holder does; see Scenario.lockedWork. @default "regenerate" */
  lockedWork?: Scenario["lockedWork"];
  /** Enforce fencing tokens on the increment's write; see Scenario.fencing. @default false */
  fencing?: boolean;
  /** Where write-behind's pending writes wait; see Scenario.writeBehindBuffer. @default "instance" */
  writeBehindBuffer?: Scenario["writeBehindBuffer"];
};

export interface InstanceDeps {
  /** 1-based, as in `faults[].instance`. */
  index: number;
  settings: EngineSettings;
  cache: CacheStore;
  /** Null when `lock` is "none". */
  lock: LockService | null;
  db: OriginDatabase;
  clock: Clock;
  random: Random;
  emit: EventSink;
}

export interface ReadRequest {
  requestId: number;
  key: string;
  /** When the client arrived (the crowd's schedule), wall-clock ms. */
  scheduledAt: number;
  patienceMs: number;
}

type ReadResult = { outcome: ReadOutcome; reason?: string };

/** One crowd read as it moves through the read path: its key, its deadline, and who it is. */
type ReadContext = { key: string; deadline: number; requestId: number };

/** The seed's waiter: one lock try, sleep this long, look once more. */
const FAIL_FAST_SLEEP_MS = 100;
const POLL_BACKOFF_START_MS = 50;
const POLL_BACKOFF_MAX_MS = 500;

/**
 * One app server. It owns its connections and lock client and shares nothing with the other
 * instances but Redis and the database. It never counts: it emits events.
 */
export class EngineInstance {
  readonly index: number;
  readonly name: string;
  private readonly settings: EngineSettings;
  private readonly cache: CacheStore;
  private readonly lock: LockService | null;
  private readonly db: OriginDatabase;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly emit: EventSink;
  private readonly fillWaiters = new Map<string, Set<() => void>>();
  /** Increment waiters under `notify`, in arrival order: each release message wakes one per instance. */
  private readonly turnWaiters = new Map<string, Array<() => void>>();
  private readonly inFlight = new Map<number, (result: ReadResult) => void>();
  private readonly background = new Set<Promise<unknown>>();
  private readonly writeBehind: WriteBehindBuffer | CacheNodeWriteBehind;
  private readonly unsubscribeFill: () => void;
  private alive = true;
  /** A simulated stop-the-world pause waiting for a lock holder (ms), or null. */
  private armedPause: number | null = null;

  constructor(deps: InstanceDeps) {
    this.index = deps.index;
    this.name = `instance-${deps.index}`;
    this.settings = deps.settings;
    this.cache = deps.cache;
    this.lock = deps.lock;
    this.db = deps.db;
    this.clock = deps.clock;
    this.random = deps.random;
    this.emit = deps.emit;
    this.unsubscribeFill = this.cache.onFill((key) => {
      this.wakeFillWaiters(key);
      this.wakeNextTurn(key);
    });
    const onCacheNode = deps.settings.writeBehindBuffer === "cache-node";
    if (onCacheNode && !deps.cache.pendingList) {
      throw new Error('writeBehindBuffer "cache-node" needs a cache store with a pending-write list');
    }
    this.writeBehind =
      onCacheNode && deps.cache.pendingList
        ? new CacheNodeWriteBehind({ instance: deps.index, list: deps.cache.pendingList, db: deps.db, clock: deps.clock, flushMs: deps.settings.flushMs, emit: deps.emit })
        : new WriteBehindBuffer({
            instance: deps.index,
            writer: this.name,
            db: deps.db,
            clock: deps.clock,
            flushMs: deps.settings.flushMs,
            emit: deps.emit,
          });
    if (deps.settings.strategy === "write-behind") this.writeBehind.start();
  }

  get isAlive(): boolean {
    return this.alive;
  }

  /**
   * Writes acknowledged to clients but not yet in the database. With the cache-node buffer this is
   * an estimate (the list is shared): use {@link pendingWritesInFlight} and the list's length.
   */
  get pendingWrites(): number {
    return this.writeBehind.pending;
  }

  /** writeBehindBuffer "cache-node": writes this instance took off the list and has not persisted yet. */
  get pendingWritesInFlight(): number {
    return this.writeBehind instanceof CacheNodeWriteBehind ? this.writeBehind.inFlight : this.writeBehind.pending;
  }

  /** Serves one crowd read; resolves with its single outcome, by arrival + patience at the latest. */
  read(request: ReadRequest): Promise<ReadOutcome> {
    return this.serve(request, "read", (ctx) => this.serveRead(ctx));
  }

  /**
   * lockedWork "increment": the request takes the lock (waiting per `waiters`), reads its row, adds
   * one to the row's counter and writes it back — the protected read-modify-write. Resolves "miss"
   * once the database accepted the write, by arrival + patience at the latest; a holder whose client
   * has hung up still writes.
   */
  increment(request: ReadRequest): Promise<ReadOutcome> {
    return this.serve(request, "increment", (ctx) => this.serveIncrement(ctx));
  }

  /**
   * A simulated stop-the-world pause (in-process instances cannot really be stopped): it takes hold
   * of this instance's current lock holder, or its next one, between reading and writing — the
   * holder's work stops for `ms`, its timers and connections do not — then the holder goes on and
   * writes, even past its validity. A second call before it took hold replaces the first; returns
   * the replaced pause's ms, or null.
   */
  pause(ms: number): number | null {
    if (!this.alive) return null;
    const replaced = this.armedPause;
    this.armedPause = ms;
    return replaced;
  }

  private serve(request: ReadRequest, kind: "read" | "increment", work: (ctx: ReadContext) => Promise<ReadResult>): Promise<ReadOutcome> {
    const startedAt = this.clock.now();
    this.emit(
      engineEvents.requestArrived({
        requestId: request.requestId,
        instance: this.index,
        key: request.key,
        scheduledAt: request.scheduledAt,
        startedAt,
        kind,
      }),
    );
    if (!this.alive) return Promise.resolve(this.end(request, { outcome: "error", reason: "instance is down" }));

    return new Promise<ReadOutcome>((resolve) => {
      let settled = false;
      const finish = (result: ReadResult) => {
        if (settled) return;
        settled = true;
        this.clock.clearTimeout(timer);
        this.inFlight.delete(request.requestId);
        resolve(this.end(request, result));
      };
      const deadline = request.scheduledAt + request.patienceMs;
      const timer = this.clock.setTimeout(
        () => finish({ outcome: "timeout", reason: `no value within ${request.patienceMs} ms` }),
        deadline - this.clock.now(),
      );
      this.inFlight.set(request.requestId, finish);
      // The work goes on after a timeout, as a server's would after its client hung up: a lock holder
      // still fills the cache for everyone else.
      this.track(
        work({ key: request.key, deadline, requestId: request.requestId }).then(finish, (error: unknown) =>
          finish({ outcome: "error", reason: describeError(error).message }),
        ),
      );
    });
  }

  /** Serves one crowd write by the strategy; resolves true once acknowledged to the client. */
  async write(request: { requestId: number; key: string; scheduledAt: number }): Promise<boolean> {
    this.emit(
      engineEvents.requestArrived({
        requestId: request.requestId,
        instance: this.index,
        key: request.key,
        scheduledAt: request.scheduledAt,
        startedAt: this.clock.now(),
        kind: "write",
      }),
    );
    const writeId = `${this.name}/w${request.requestId}`;
    const profile = { name: request.key, bio: `written by ${writeId}` };
    const fail = (message: string) => {
      this.emit(engineEvents.writeFailed({ instance: this.index, key: request.key, writeId, message }));
      return false;
    };
    if (!this.alive) return fail("instance is down");
    try {
      switch (this.settings.strategy) {
        case "cache-aside": {
          // Database first, then drop the cached copy: the next read refills it.
          await this.db.write({ id: request.key, profile, writer: this.name, writeId });
          await this.cache.del(request.key);
          break;
        }
        case "write-through": {
          // Both copies before the client hears "done": slower, never behind.
          const row = await this.db.write({ id: request.key, profile, writer: this.name, writeId });
          const ttl = this.logicalTtl();
          await this.cache.set(request.key, this.entryFor(profile, row.version, 0, ttl), this.physicalTtl(ttl));
          break;
        }
        case "write-behind": {
          // The desk first; the basement at the next flush. Until then the write lives only here.
          const ttl = this.logicalTtl();
          await this.cache.set(request.key, this.entryFor(profile, 0, 0, ttl), this.physicalTtl(ttl));
          if (!this.alive) return fail("instance crashed before acknowledging");
          // In memory the pile grows at once; on the cache node the write is acknowledged once there.
          const queued = this.writeBehind.enqueue({ id: request.key, profile, writer: this.name, writeId });
          if (queued) await queued;
          break;
        }
      }
    } catch (error) {
      return fail(describeError(error).message);
    }
    if (!this.alive) return fail("instance crashed before acknowledging");
    this.emit(
      engineEvents.writeAcknowledged({
        instance: this.index,
        key: request.key,
        writeId,
        strategy: this.settings.strategy,
        at: this.clock.now(),
      }),
    );
    return true;
  }

  /** Write-behind's end-of-day trip to the basement: everything on the desk goes down. */
  flush(): Promise<void> {
    return this.alive ? this.writeBehind.flushAll() : Promise.resolve();
  }

  /**
   * The desk catches fire: requests in flight end in error, the write-behind buffer is gone, and
   * locks this instance holds stay on the nodes until their TTL, as they would for a dead server.
   */
  crash(): void {
    if (!this.alive) return;
    this.alive = false;
    this.armedPause = null;
    const inFlight = [...this.inFlight.values()];
    this.emit(engineEvents.instanceCrashed({ instance: this.index, at: this.clock.now(), inFlight: inFlight.length }));
    this.writeBehind.drop();
    for (const finish of inFlight) finish({ outcome: "error", reason: "instance crashed" });
    this.wakeAllFillWaiters();
    for (const queue of this.turnWaiters.values()) for (const wake of queue.splice(0)) wake();
    this.turnWaiters.clear();
  }

  /** Waits for background work (refreshes, flushes) to finish. */
  async idle(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
  }

  async close(): Promise<void> {
    this.writeBehind.stop();
    this.unsubscribeFill();
    await Promise.allSettled([this.cache.close(), this.lock?.close()]);
  }

  // ── read path ──────────────────────────────────────────────────────────────────────────────

  private async serveRead(req: ReadContext): Promise<ReadResult> {
    const { key } = req;
    const view = await this.look(key);
    if (view.state === "fresh") {
      // XFetch: once in a while a request volunteers to refresh before the expiry.
      if (xfetchShouldRefresh(view.entry, this.clock.now(), this.settings.xfetchBeta, this.random)) {
        return this.refreshEarly(req);
      }
      return { outcome: "hit" };
    }
    if (view.state === "stale" && this.settings.waiters === "serve-stale") return this.serveStale(req);
    // No protection: every miss goes to the basement.
    if (!this.lock) return this.loadFromDb(key, false);
    return this.acquireOrWait(req, view);
  }

  /** GETs the key and reports, for episodes, when it needs a fill. */
  private async look(key: string): Promise<CacheView> {
    const issuedAt = this.clock.now();
    let view: CacheView;
    try {
      const entry = await this.cache.get(key);
      view = viewOf(entry, this.clock.now());
      this.emit(engineEvents.cacheRead({ instance: this.index, key, found: entry !== null, issuedAt }));
    } catch (error) {
      view = { state: "unreachable", message: describeError(error).message };
    }
    if (view.state !== "fresh") this.emit(engineEvents.cacheNeedsFill({ key, reason: view.state === "stale" ? "expired" : view.state, issuedAt }));
    return view;
  }

  private async acquireOrWait(req: ReadContext, lastSeen: CacheView): Promise<ReadResult> {
    const { key } = req;
    const attempt = await this.tryLock(key, req.requestId);
    switch (attempt.kind) {
      case "acquired":
        return this.loadUnderLock(key, attempt.grant);
      case "contended":
        return this.waitForFill(req, lastSeen);
      case "error":
        // Fail open: nobody can say who holds the lock, so read anyway (the stampede, part two).
        if (this.settings.onLockError === "bypass") return this.loadFromDb(key, false);
        // Fail closed: treat it as someone else's fill in progress (the seed's behaviour).
        return this.waitForFill(req, lastSeen);
    }
  }

  /** The lock's answer, with Redlock's own rule that a grant already expired on arrival is no grant. */
  private async tryLock(key: string, requestId: number): Promise<
    { kind: "acquired"; grant: LockGrant } | { kind: "contended" } | { kind: "error"; reason: string }
  > {
    const resource = lockResourceFor(key);
    const lock = this.lock;
    if (!lock) return { kind: "error", reason: "no lock configured" };
    // "instance-2/r1234": the lock grid names the app server and the request that hold the lock.
    const holder = `${this.name}/r${requestId}`;
    let attempt;
    try {
      attempt = await lock.tryAcquire(resource, this.settings.lockTtlMs, holder);
    } catch (error) {
      attempt = { kind: "error" as const, reason: describeError(error).message, votes: [] };
    }
    const at = this.clock.now();
    const answeredBy = attempt.answeredBy ? { answeredBy: attempt.answeredBy } : {};
    switch (attempt.kind) {
      case "acquired": {
        const { grant } = attempt;
        if (grant.validUntil <= at) {
          this.emit(engineEvents.lockAttempted({ instance: this.index, resource, result: "failed", reason: "grant expired before it could be used", votes: grant.votes, ...answeredBy, at }));
          void lock.release(grant).catch(() => undefined);
          return { kind: "error", reason: "grant expired before use" };
        }
        let held = grant;
        if (this.settings.lockedWork === "increment") {
          // The fencing token comes from the database's sequence the moment the grant is won.
          try {
            held = { ...grant, fencingToken: await this.db.nextFencingToken() };
          } catch (error) {
            const reason = `no fencing token: ${describeError(error).message}`;
            this.emit(engineEvents.lockAttempted({ instance: this.index, resource, result: "failed", reason, votes: grant.votes, ...answeredBy, at }));
            void lock.release(grant).catch(() => undefined);
            return { kind: "error", reason };
          }
        }
        this.emit(engineEvents.lockAttempted({ instance: this.index, resource, result: "acquired", votes: held.votes, ...answeredBy, at }));
        this.emit(
          engineEvents.lockAcquired({
            instance: this.index,
            resource,
            value: held.value,
            holder: held.holder,
            acquiredAt: held.acquiredAt,
            grantedAt: held.grantedAt,
            validUntil: held.validUntil,
            scope: held.scope,
            votes: held.votes,
            ...(held.fencingToken !== undefined ? { fencingToken: held.fencingToken } : {}),
          }),
        );
        return { kind: "acquired", grant: held };
      }
      case "contended":
        this.emit(engineEvents.lockAttempted({ instance: this.index, resource, result: "contended", votes: attempt.votes, ...answeredBy, at }));
        return { kind: "contended" };
      case "error":
        this.emit(engineEvents.lockAttempted({ instance: this.index, resource, result: "failed", reason: attempt.reason, votes: attempt.votes, ...answeredBy, at }));
        return { kind: "error", reason: attempt.reason };
    }
  }

  private async release(grant: LockGrant): Promise<void> {
    // A dead server releases nothing: its lock stays on the nodes until the TTL ends it.
    if (!this.alive) return;
    let ok = true;
    try {
      await this.lock?.release(grant);
    } catch {
      // The lock expires by itself; a failed release only delays the next holder.
      ok = false;
    }
    this.emit(engineEvents.lockReleased({ instance: this.index, resource: grant.resource, value: grant.value, holder: grant.holder, at: this.clock.now(), ok }));
  }

  private async loadUnderLock(key: string, grant: LockGrant): Promise<ReadResult> {
    let result: ReadResult = { outcome: "error", reason: "lock holder failed" };
    try {
      // Double-check: the previous holder may have filled the cache while we queued for the lock.
      const view = await this.look(key);
      result = view.state === "fresh" ? { outcome: "hit" } : await this.loadFromDb(key, false, grant);
      return result;
    } finally {
      await this.release(grant);
      // A holder that failed must still wake the notify waiters, or they sleep out their patience
      // on a lock that is already free; woken, they find no value and compete for the lock again.
      if (result.outcome !== "hit" && result.outcome !== "miss" && this.alive) {
        this.wakeFillWaiters(key);
        void this.cache.publishFill(key).catch(() => undefined);
      }
    }
  }

  /**
   * Reads the row, fills the cache, tells the waiters. The only place the read path reads the
   * database. `grant`: the lock this fill runs under, where an armed pause takes hold.
   */
  private async loadFromDb(key: string, early: boolean, grant?: LockGrant): Promise<ReadResult> {
    const submittedAt = this.clock.now();
    this.emit(engineEvents.dbReadSubmitted({ instance: this.index, key, at: submittedAt, early }));
    let row;
    try {
      row = await this.db.read(key);
    } catch (error) {
      const { code, message } = describeError(error);
      this.emit(engineEvents.dbReadFailed({ instance: this.index, key, code }));
      return { outcome: "error", reason: message };
    }
    if (!row) {
      return { outcome: "error", reason: `row ${key} does not exist` };
    }
    // A crashed server does nothing more: the value it read dies with it.
    if (!this.alive) return { outcome: "error", reason: "instance crashed" };
    if (grant) {
      await this.holderPause(grant);
      if (!this.alive) return { outcome: "error", reason: "instance crashed" };
    }
    const recomputeMs = this.clock.now() - submittedAt;
    const ttl = this.logicalTtl();
    const entry = this.entryFor(row.profile, row.version, recomputeMs, ttl);
    try {
      await this.cache.set(key, entry, this.physicalTtl(ttl));
      this.emit(engineEvents.cacheFilled({ instance: this.index, key, at: this.clock.now(), early }));
      void this.cache.publishFill(key).catch(() => undefined);
    } catch (error) {
      // The value still answers this client; only the next ones lose it.
      this.emit(engineEvents.cacheWriteFailed({ instance: this.index, key, message: describeError(error).message }));
    }
    this.wakeFillWaiters(key);
    return { outcome: "miss" };
  }

  private async refreshEarly(req: ReadContext): Promise<ReadResult> {
    const { key } = req;
    if (!this.lock) return this.loadFromDb(key, true);
    const attempt = await this.tryLock(key, req.requestId);
    if (attempt.kind !== "acquired") return { outcome: "hit" }; // someone else is already refreshing
    try {
      return await this.loadFromDb(key, true);
    } finally {
      await this.release(attempt.grant);
    }
  }

  /** Hands out the expired value now; one refresh runs behind it. */
  private async serveStale(req: ReadContext): Promise<ReadResult> {
    const { key } = req;
    if (!this.lock) {
      // Without a lock every stale reader refreshes: fast answers, but the basement still gets the crowd.
      this.track(this.loadFromDb(key, false));
      return { outcome: "staleServed" };
    }
    const attempt = await this.tryLock(key, req.requestId);
    if (attempt.kind === "acquired") {
      this.track(this.loadUnderLock(key, attempt.grant));
    } else if (attempt.kind === "error" && this.settings.onLockError === "bypass") {
      this.track(this.loadFromDb(key, false));
    }
    return { outcome: "staleServed" };
  }

  // ── the protected read-modify-write (lockedWork "increment") ───────────────────────────────

  private async serveIncrement(req: ReadContext): Promise<ReadResult> {
    const { key, requestId, deadline } = req;
    if (!this.lock) return this.incrementRow(key, requestId, null);
    const notify = this.settings.waiters === "notify" && this.settings.lock !== "local";
    let tries = 0;
    while (this.alive) {
      // Under notify the waiter takes its place in line before it tries, so a release that lands
      // between its failed try and its wait still wakes it. A holder that died never announces its
      // release, so a waiter also looks again after a lock TTL at the latest.
      const turn = notify ? this.nextTurn(key, Math.min(deadline, this.clock.now() + this.settings.lockTtlMs)) : null;
      const attempt = await this.tryLock(key, requestId);
      if (attempt.kind === "acquired") {
        turn?.cancel();
        return this.incrementUnderLock(key, requestId, attempt.grant);
      }
      // Fail open: nobody can say who holds the lock, so write anyway.
      if (attempt.kind === "error" && this.settings.onLockError === "bypass") {
        turn?.cancel();
        return this.incrementRow(key, requestId, null);
      }
      tries++;
      const waited = await this.waitForLockTurn(req, tries, turn);
      if (waited) return waited;
    }
    return { outcome: "error", reason: "instance crashed" };
  }

  /**
   * Waits, per `waiters`, before the next try at the lock; returns the request's end instead when
   * it should stop trying. Nothing to serve stale here: serve-stale waits as poll does.
   */
  private async waitForLockTurn(req: ReadContext, tries: number, turn: { promise: Promise<void>; cancel: () => void } | null): Promise<ReadResult | null> {
    const { key, deadline } = req;
    const remaining = () => deadline - this.clock.now();
    const timeout: ReadResult = { outcome: "timeout", reason: "patience ran out waiting for the lock" };
    if (turn) {
      // notify: each release wakes one waiter per instance — not all of them, or every release sets
      // off a herd of lock rounds.
      await turn.promise;
      if (remaining() <= 0) {
        // Giving up: hand the wake-up on, or the next waiter sleeps through a free lock.
        this.wakeNextTurn(key);
        return timeout;
      }
      return null;
    }
    if (remaining() <= 0) return timeout;
    if (this.settings.lock === "local" && this.lock instanceof LocalLockService) {
      await this.lock.whenReleased(lockResourceFor(key), remaining());
      return null;
    }
    switch (this.settings.waiters) {
      case "fail-fast": {
        // The seed's waiter: one more try 100 ms later, then give up.
        if (tries > 1) return { outcome: "error", reason: `lock still held ${FAIL_FAST_SLEEP_MS * this.timeScale} ms after losing the race` };
        await this.clock.sleep(Math.min(FAIL_FAST_SLEEP_MS * this.timeScale, remaining()));
        return null;
      }
      case "poll":
      case "serve-stale":
      case "notify": {
        const backoff = Math.min(POLL_BACKOFF_MAX_MS, POLL_BACKOFF_START_MS * 2 ** Math.min(tries - 1, 10)) * this.timeScale;
        const sleep = Math.min(backoff / 2 + this.random.next() * (backoff / 2), remaining());
        await this.clock.sleep(Math.max(0, sleep));
        return null;
      }
    }
  }

  private async incrementUnderLock(key: string, requestId: number, grant: LockGrant): Promise<ReadResult> {
    try {
      return await this.incrementRow(key, requestId, grant);
    } finally {
      await this.release(grant);
      // Tell the notify waiters (every instance's, through the cache node) the lock is free again.
      if (this.alive) void this.cache.publishFill(key).catch(() => this.wakeNextTurn(key));
    }
  }

  /** A place in line for `key`: resolves when a release message reaches it, or at `until`. */
  private nextTurn(key: string, until: number): { promise: Promise<void>; cancel: () => void } {
    let cancel = () => undefined as void;
    const promise = new Promise<void>((resolve) => {
      const queue = this.turnWaiters.get(key) ?? [];
      this.turnWaiters.set(key, queue);
      const leave = () => {
        const at = queue.indexOf(wake);
        if (at >= 0) queue.splice(at, 1);
        if (queue.length === 0 && this.turnWaiters.get(key) === queue) this.turnWaiters.delete(key);
      };
      const wake = () => {
        this.clock.clearTimeout(timer);
        resolve();
      };
      const timer = this.clock.setTimeout(() => {
        leave();
        resolve();
      }, until - this.clock.now());
      queue.push(wake);
      cancel = () => {
        this.clock.clearTimeout(timer);
        leave();
        resolve();
      };
    });
    return { promise, cancel };
  }

  private wakeNextTurn(key: string): void {
    const queue = this.turnWaiters.get(key);
    const next = queue?.shift();
    if (queue && queue.length === 0) this.turnWaiters.delete(key);
    next?.();
  }

  /** Read the row, add one to its counter, write it back — under `grant` when there is one. */
  private async incrementRow(key: string, requestId: number, grant: LockGrant | null): Promise<ReadResult> {
    const resource = lockResourceFor(key);
    this.emit(engineEvents.dbReadSubmitted({ instance: this.index, key, at: this.clock.now(), early: false }));
    let row;
    try {
      row = await this.db.read(key);
    } catch (error) {
      const { code, message } = describeError(error);
      this.emit(engineEvents.dbReadFailed({ instance: this.index, key, code }));
      return { outcome: "error", reason: message };
    }
    if (!row) return { outcome: "error", reason: `row ${key} does not exist` };
    if (!this.alive) return { outcome: "error", reason: "instance crashed" };
    if (grant) await this.holderPause(grant);
    // A crashed server writes nothing; a paused one that wakes past its validity still does.
    if (!this.alive) return { outcome: "error", reason: "instance crashed" };
    const token = grant?.fencingToken;
    const write: WriteRequest = {
      id: key,
      profile: row.profile,
      writer: this.name,
      writeId: `${this.name}/i${requestId}`,
      counter: row.counter + 1,
      ...(token !== undefined ? { fencingToken: token, rejectStaleToken: this.settings.fencing === true } : {}),
    };
    const base = {
      instance: this.index,
      key,
      resource,
      holder: grant?.holder ?? null,
      value: grant?.value ?? null,
      validUntil: grant?.validUntil ?? null,
      token: token ?? null,
      counter: write.counter!,
    };
    try {
      const after = await this.db.write(write);
      const staleAccepted = token !== undefined && after.lastFencingToken > token;
      this.emit(engineEvents.lockedWrite({ ...base, at: this.clock.now(), result: "accepted", staleAccepted, highestToken: token !== undefined ? after.lastFencingToken : null }));
      return { outcome: "miss" };
    } catch (error) {
      const { message } = describeError(error);
      if (error instanceof StaleTokenError) {
        this.emit(engineEvents.lockedWrite({ ...base, at: this.clock.now(), result: "rejected-stale", staleAccepted: false, highestToken: error.highestAccepted, reason: message }));
      } else {
        this.emit(engineEvents.lockedWrite({ ...base, at: this.clock.now(), result: "failed", staleAccepted: false, highestToken: null, reason: message }));
      }
      return { outcome: "error", reason: message };
    }
  }

  /** Where an armed pause takes hold of a holder: after its read, before its write. */
  private async holderPause(grant: LockGrant): Promise<void> {
    const ms = this.armedPause;
    if (ms === null || !this.alive) return;
    this.armedPause = null;
    const startedAt = this.clock.now();
    this.emit(engineEvents.instancePaused({ instance: this.index, holder: grant.holder, resource: grant.resource, at: startedAt, ms, validUntil: grant.validUntil, simulated: true }));
    await this.clock.sleep(ms);
    const at = this.clock.now();
    this.emit(
      engineEvents.instanceResumed({ instance: this.index, holder: grant.holder, resource: grant.resource, at, pausedMs: at - startedAt, validUntil: grant.validUntil, expired: at >= grant.validUntil }),
    );
  }

  // ── waiters ───────────────────────────────────────────────────────────────────────────────

  private async waitForFill(req: ReadContext, lastSeen: CacheView): Promise<ReadResult> {
    // In-process single-flight: join this instance's own fill, whatever the waiter policy.
    if (this.settings.lock === "local") {
      if (lastSeen.state === "stale" && this.settings.waiters === "serve-stale") return { outcome: "staleServed" };
      return this.joinLocalFlight(req);
    }
    switch (this.settings.waiters) {
      case "fail-fast":
        return this.failFast(req);
      case "poll":
        return this.poll(req);
      case "serve-stale":
        return lastSeen.state === "stale" ? { outcome: "staleServed" } : this.poll(req);
      case "notify":
        return this.notify(req);
    }
  }

  /** The seed's code exactly: sleep 100 ms, look once, else give up. */
  private async failFast(req: ReadContext): Promise<ReadResult> {
    const { key } = req;
    await this.clock.sleep(FAIL_FAST_SLEEP_MS * this.timeScale);
    const view = await this.look(key);
    if (view.state === "fresh") return { outcome: "hit" };
    return { outcome: "error", reason: `still no value ${FAIL_FAST_SLEEP_MS * this.timeScale} ms after losing the lock race` };
  }

  private async poll(req: ReadContext): Promise<ReadResult> {
    const { key, deadline } = req;
    let backoff = POLL_BACKOFF_START_MS * this.timeScale;
    while (this.alive) {
      // Full jitter on the back-off keeps the waiters from polling in lock-step.
      const sleep = Math.min(backoff / 2 + this.random.next() * (backoff / 2), deadline - this.clock.now());
      if (sleep <= 0) break;
      await this.clock.sleep(sleep);
      if (this.clock.now() >= deadline) break;
      const view = await this.look(key);
      if (view.state === "fresh") return { outcome: "hit" };
      const attempt = await this.tryLock(key, req.requestId);
      if (attempt.kind === "acquired") return this.loadUnderLock(key, attempt.grant);
      if (attempt.kind === "error" && this.settings.onLockError === "bypass") return this.loadFromDb(key, false);
      backoff = Math.min(POLL_BACKOFF_MAX_MS * this.timeScale, backoff * 2);
    }
    return { outcome: "timeout", reason: "patience ran out while polling" };
  }

  /** Waits for a fill message instead of polling; patience bounds the wait. */
  private async notify(req: ReadContext): Promise<ReadResult> {
    const { key, deadline } = req;
    while (this.alive && this.clock.now() < deadline) {
      const filled = this.nextFill(key, deadline);
      // Look once after subscribing: the fill may have landed between our miss and now.
      const view = await this.look(key);
      if (view.state === "fresh") {
        filled.cancel();
        return { outcome: "hit" };
      }
      if (!(await filled.promise)) break;
      const after = await this.look(key);
      if (after.state === "fresh") return { outcome: "hit" };
      // Filled and gone again (a write dropped it, or it expired): compete for the lock once more.
      const attempt = await this.tryLock(key, req.requestId);
      if (attempt.kind === "acquired") return this.loadUnderLock(key, attempt.grant);
      if (attempt.kind === "error" && this.settings.onLockError === "bypass") return this.loadFromDb(key, false);
    }
    return { outcome: "timeout", reason: "no fill message before patience ran out" };
  }

  /** Waits for this instance's own holder to finish, then looks again. */
  private async joinLocalFlight(req: ReadContext): Promise<ReadResult> {
    const { key, deadline } = req;
    if (!(this.lock instanceof LocalLockService)) throw new Error("joinLocalFlight needs the local lock");
    const resource = lockResourceFor(key);
    while (this.alive && this.clock.now() < deadline) {
      if (!(await this.lock.whenReleased(resource, deadline - this.clock.now()))) break;
      const view = await this.look(key);
      if (view.state === "fresh") return { outcome: "hit" };
      const attempt = await this.tryLock(key, req.requestId);
      if (attempt.kind === "acquired") return this.loadUnderLock(key, attempt.grant);
    }
    return { outcome: "timeout", reason: "this instance's fill did not finish in time" };
  }

  /** Resolves true on the next fill of `key`, false at the deadline. */
  private nextFill(key: string, deadline: number): { promise: Promise<boolean>; cancel: () => void } {
    let cancel = () => undefined as void;
    const promise = new Promise<boolean>((resolve) => {
      const waiters = this.fillWaiters.get(key) ?? new Set<() => void>();
      this.fillWaiters.set(key, waiters);
      const wake = () => {
        this.clock.clearTimeout(timer);
        waiters.delete(wake);
        resolve(true);
      };
      const timer = this.clock.setTimeout(() => {
        waiters.delete(wake);
        resolve(false);
      }, deadline - this.clock.now());
      waiters.add(wake);
      cancel = () => {
        this.clock.clearTimeout(timer);
        waiters.delete(wake);
        resolve(false);
      };
    });
    return { promise, cancel };
  }

  private wakeFillWaiters(key: string): void {
    const waiters = this.fillWaiters.get(key);
    if (!waiters) return;
    this.fillWaiters.delete(key);
    for (const wake of waiters) wake();
  }

  private wakeAllFillWaiters(): void {
    for (const key of [...this.fillWaiters.keys()]) this.wakeFillWaiters(key);
  }

  // ── helpers ───────────────────────────────────────────────────────────────────────────────

  private end(request: ReadRequest, result: ReadResult): ReadOutcome {
    this.emit(
      engineEvents.requestEnded({
        requestId: request.requestId,
        instance: this.index,
        key: request.key,
        outcome: result.outcome,
        scheduledAt: request.scheduledAt,
        endedAt: this.clock.now(),
        ...(result.reason ? { reason: result.reason } : {}),
      }),
    );
    return result.outcome;
  }

  private get timeScale(): number {
    return this.settings.timeScale ?? 1;
  }

  private logicalTtl(): number {
    return jitteredTtl(this.settings.cache.ttlMs, this.settings.cache.jitterPct, this.random);
  }

  /** Serve-stale keeps the value in Redis past its logical expiry, so a stale copy exists to serve. */
  private physicalTtl(logicalTtlMs: number): number {
    return logicalTtlMs + (this.settings.waiters === "serve-stale" ? this.settings.cache.staleTtlMs : 0);
  }

  private entryFor(profile: CachedEntry["profile"], version: number, recomputeMs: number, ttl = this.logicalTtl()): CachedEntry {
    const now = this.clock.now();
    return { profile, version, logicalExpiresAt: now + ttl, recomputeMs, writtenAt: now, writer: this.name };
  }

  private track<T>(work: Promise<T>): Promise<T> {
    const tracked = work.finally(() => this.background.delete(tracked));
    this.background.add(tracked);
    return tracked;
  }
}
