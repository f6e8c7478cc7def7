import type { Clock, TimerHandle } from "../core/clock";
import type { OriginDatabase, WriteRequest } from "../origin/types";
import { engineEvents, type EventSink } from "./events";
import type { PendingWriteList } from "./ports";

/**
 * Write-behind's pile on the desk: acknowledged writes wait here until the next flush carries them
 * to the database. Writes are not coalesced, so the write log shows every one that made it. A write
 * whose flush fails stays for the next trip; a crash drops the pile — the lost writes.
 */
export class WriteBehindBuffer {
  private queue: WriteRequest[] = [];
  private flushing = 0;
  private readonly trips: FixedRateTimer;
  private dropped = false;
  private current: Promise<void> | null = null;

  constructor(
    private readonly deps: {
      instance: number;
      writer: string;
      db: OriginDatabase;
      clock: Clock;
      flushMs: number;
      emit: EventSink;
    },
  ) {
    this.trips = new FixedRateTimer(deps.clock, deps.flushMs, () => void this.flush());
  }

  /** Acknowledged, not yet persisted: queued plus on their way to the database. */
  get pending(): number {
    return this.queue.length + this.flushing;
  }

  start(): void {
    this.trips.start();
  }

  enqueue(write: WriteRequest): void {
    this.queue.push(write);
  }

  /** Carries everything queued now to the database; concurrent calls share one trip. */
  flush(): Promise<void> {
    this.current ??= this.trip().finally(() => {
      this.current = null;
    });
    return this.current;
  }

  /**
   * The last trip at a normal end: a trip already on its way carries only what was queued when it
   * left, so trips go on until the pile is empty — or until one persists nothing (the database is
   * refusing; what remains is reported as pending, honestly).
   */
  async flushAll(): Promise<void> {
    await this.flush();
    while (this.queue.length > 0 && !this.dropped) {
      const before = this.queue.length;
      await this.flush();
      if (this.queue.length >= before) break;
    }
  }

  /** The desk fire: everything not yet handed to the database is gone. */
  drop(): void {
    const dropped = this.queue.length;
    this.queue = [];
    this.dropped = true;
    this.stop();
    this.deps.emit(engineEvents.writeBehindDropped({ instance: this.deps.instance, dropped, at: this.deps.clock.now() }));
  }

  stop(): void {
    this.trips.stop();
  }

  private async trip(): Promise<void> {
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    this.flushing += batch.length;
    let persisted = 0;
    const retry: WriteRequest[] = [];
    await Promise.all(
      batch.map(async (write) => {
        try {
          await this.deps.db.write(write);
          persisted++;
        } catch {
          retry.push(write);
        } finally {
          this.flushing--;
        }
      }),
    );
    // A crash during the trip already dropped the pile; the failed ones die with it.
    if (!this.dropped) this.queue.unshift(...retry);
    this.deps.emit(
      engineEvents.writeBehindFlushed({ instance: this.deps.instance, persisted, failed: retry.length, at: this.deps.clock.now() }),
    );
  }
}

/**
 * writeBehindBuffer "cache-node": the pile lives in a list on the cache node, shared by every
 * instance, instead of on this instance's desk. An app server that crashes loses nothing that was
 * in the list; a cache node that crashes (and comes back empty) loses all of it. Each instance's
 * flusher takes batches off the list's head every `flushMs`; writes the database fails go back.
 */
export class CacheNodeWriteBehind {
  /** Taken off the list by this instance, not yet persisted or put back. */
  private flushing = 0;
  /** The list's length as this instance last saw it: an estimate for the live charts only. */
  private lastSeenLength = 0;
  private readonly trips: FixedRateTimer;
  private dead = false;
  private current: Promise<number> | null = null;

  constructor(
    private readonly deps: {
      instance: number;
      list: PendingWriteList;
      db: OriginDatabase;
      clock: Clock;
      flushMs: number;
      emit: EventSink;
      /** Most writes one trip takes off the list. @default 500 */
      batch?: number;
    },
  ) {
    this.trips = new FixedRateTimer(deps.clock, deps.flushMs, () => void this.trip());
  }

  /** An estimate for the ticks (the list is shared): the list as last seen plus this instance's trip. */
  get pending(): number {
    return this.lastSeenLength + this.flushing;
  }

  /** Writes taken off the list by this instance and still on their way: add the list's LLEN for the whole. */
  get inFlight(): number {
    return this.flushing;
  }

  start(): void {
    this.trips.start();
  }

  /** RPUSH; the write is acknowledged only once the cache node has it. Throws when it cannot be reached. */
  async enqueue(write: WriteRequest): Promise<void> {
    await this.deps.list.push(write);
    this.lastSeenLength++;
  }

  flush(): Promise<void> {
    return this.trip().then(() => undefined);
  }

  /** The final trips at a normal end: until the list is empty, or a trip persists nothing. */
  async flushAll(): Promise<void> {
    for (;;) {
      const persisted = await this.trip();
      let left: number;
      try {
        left = await this.deps.list.length();
      } catch {
        return; // the cache node is gone, and the list with it
      }
      this.lastSeenLength = left;
      if (left === 0 || persisted === 0) return;
    }
  }

  /** The app server crashed: its flusher stops; what it had taken and failed to persist dies with it. */
  drop(): void {
    this.dead = true;
    this.stop();
    this.deps.emit(engineEvents.writeBehindDropped({ instance: this.deps.instance, dropped: 0, at: this.deps.clock.now() }));
  }

  stop(): void {
    this.trips.stop();
  }

  /** One trip; concurrent calls share it. Resolves with how many writes it persisted. */
  private trip(): Promise<number> {
    this.current ??= this.carry().finally(() => {
      this.current = null;
    });
    return this.current;
  }

  private async carry(): Promise<number> {
    let batch: WriteRequest[];
    try {
      batch = await this.deps.list.take(this.deps.batch ?? 500);
    } catch {
      return 0; // the cache node cannot be reached: nothing to carry this time
    }
    if (batch.length === 0) {
      this.lastSeenLength = 0;
      return 0;
    }
    this.lastSeenLength = Math.max(0, this.lastSeenLength - batch.length);
    this.flushing += batch.length;
    let persisted = 0;
    const retry: WriteRequest[] = [];
    await Promise.all(
      batch.map(async (write) => {
        try {
          await this.deps.db.write(write);
          persisted++;
          this.flushing--;
        } catch {
          retry.push(write);
        }
      }),
    );
    // Failed writes stay "in flight" until they are back in the list (or lost).
    let dropped = 0;
    if (retry.length > 0) {
      if (this.dead) {
        dropped = retry.length;
      } else {
        try {
          await this.deps.list.putBack(retry);
        } catch {
          dropped = retry.length; // nowhere to put them back: lost
        }
      }
    }
    this.flushing -= retry.length;
    this.deps.emit(engineEvents.writeBehindFlushed({ instance: this.deps.instance, persisted, failed: retry.length, at: this.deps.clock.now() }));
    if (dropped > 0) this.deps.emit(engineEvents.writeBehindDropped({ instance: this.deps.instance, dropped, at: this.deps.clock.now() }));
    return persisted;
  }
}

/**
 * Write-behind's trips to the database: every `periodMs` on a fixed rate. The next trip is booked
 * before this one leaves, so a slow database does not stretch the gaps (a trip still on its way is
 * shared by the buffer, not doubled).
 */
class FixedRateTimer {
  private timer: TimerHandle | null = null;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly periodMs: number,
    private readonly tick: () => void,
  ) {}

  start(): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(() => {
      this.start();
      this.tick();
    }, this.periodMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}
