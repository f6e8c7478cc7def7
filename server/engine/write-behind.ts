import type { Clock, TimerHandle } from "../core/clock";
import type { OriginDatabase, WriteRequest } from "../origin/types";
import { engineEvents, type EventSink } from "./events";

/**
 * Write-behind's pile on the desk: acknowledged writes wait here until the next flush carries them
 * to the database. Writes are not coalesced, so the write log shows every one that made it. A write
 * whose flush fails stays for the next trip; a crash drops the pile — the lost writes.
 */
export class WriteBehindBuffer {
  private queue: WriteRequest[] = [];
  private flushing = 0;
  private timer: TimerHandle | null = null;
  private stopped = false;
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
  ) {}

  /** Acknowledged, not yet persisted: queued plus on their way to the database. */
  get pending(): number {
    return this.queue.length + this.flushing;
  }

  start(): void {
    this.schedule();
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
    this.stopped = true;
    if (this.timer) this.deps.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.stopped) return;
    // The next trip is booked before this one leaves, so trips stay every `flushMs` however slow
    // the database is (a trip still on its way is shared, not doubled).
    this.timer = this.deps.clock.setTimeout(() => {
      this.schedule();
      void this.flush();
    }, this.deps.flushMs);
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
