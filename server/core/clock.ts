/**
 * The only way engine code reads time or waits. Production uses the system clock; unit tests use
 * {@link ManualClock} so that latency formulas, patience and TTLs can be checked without sleeping.
 */
export interface Clock {
  /** Wall-clock milliseconds (the system clock uses Date.now: Redis TTLs and Redlock's validity follow it too). */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  sleep(ms: number): Promise<void>;
}

export type TimerHandle = { readonly id: number };

export const systemClock: Clock = (() => {
  const timers = new Map<number, NodeJS.Timeout>();
  let nextId = 1;
  return {
    now: () => Date.now(),
    setTimeout(fn, ms) {
      const id = nextId++;
      timers.set(
        id,
        setTimeout(() => {
          timers.delete(id);
          fn();
        }, Math.max(0, ms)),
      );
      return { id };
    },
    clearTimeout(handle) {
      const timer = timers.get(handle.id);
      if (timer) clearTimeout(timer);
      timers.delete(handle.id);
    },
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
  };
})();

/**
 * A clock that moves only when told to. Timers fire in due-time order (ties in scheduling order),
 * and `advance` lets the microtasks each timer starts settle before firing the next one, so
 * async code chained on timers behaves as it would on the real clock.
 */
export class ManualClock implements Clock {
  private current: number;
  private nextId = 1;
  private readonly timers = new Map<number, { due: number; fn: () => void }>();

  constructor(startMs = 0) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { due: this.current + Math.max(0, ms), fn });
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle.id);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, ms));
  }

  /** Number of timers not yet fired. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      await settle();
      const next = this.earliest();
      if (!next || next.due > target) break;
      this.timers.delete(next.id);
      this.current = Math.max(this.current, next.due);
      next.fn();
    }
    this.current = target;
    await settle();
  }

  /** Fires timers until none is left (or `limitMs` of clock time has passed). */
  async runAll(limitMs = 3_600_000): Promise<void> {
    const stopAt = this.current + limitMs;
    for (;;) {
      await settle();
      const next = this.earliest();
      if (!next || next.due > stopAt) break;
      this.timers.delete(next.id);
      this.current = Math.max(this.current, next.due);
      next.fn();
    }
    await settle();
  }

  private earliest(): { id: number; due: number; fn: () => void } | undefined {
    let best: { id: number; due: number; fn: () => void } | undefined;
    for (const [id, timer] of this.timers) {
      if (!best || timer.due < best.due) best = { id, ...timer };
    }
    return best;
  }
}

/** Lets every queued promise continuation run (several turns, since chains hop more than once). */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}
