import type { Clock, TimerHandle } from "../core/clock";
import {
  DatabaseClosedError,
  DatabaseOptionsError,
  DatabaseRejectedError,
  DatabaseTimeoutError,
} from "./errors";
import { RowStore } from "./row-store";
import type { DatabaseStats, OriginDatabase, Row, WriteRequest } from "./types";

/** Shape of the embedded origin database. Defaults describe a small database that a stampede can overwhelm. */
export interface CapacityModelOptions {
  /** Service time of a read when nothing waits. @default 50 */
  readLatencyMs?: number;
  /** Service time of a write when nothing waits. @default 80 */
  writeLatencyMs?: number;
  /** Queries served at the same time (connections / workers). @default 8 */
  capacity?: number;
  /** Queries allowed to wait for a free slot; one more is rejected at once. 0 means no queue. @default 64 */
  queueLimit?: number;
  /** Longest a query may wait in the queue before it fails; `Infinity` never times out. @default 2000 */
  timeoutMs?: number;
  /** All waiting and timestamps go through it, so tests can drive the database with a ManualClock. */
  clock: Clock;
}

export const CAPACITY_MODEL_DEFAULTS = {
  readLatencyMs: 50,
  writeLatencyMs: 80,
  capacity: 8,
  queueLimit: 64,
  timeoutMs: 2000,
} as const satisfies Required<Omit<CapacityModelOptions, "clock">>;

type Query =
  | { kind: "read"; id: string; resolve: (row: Row | null) => void; reject: (error: unknown) => void; timer?: TimerHandle }
  | { kind: "write"; request: WriteRequest; resolve: (row: Row) => void; reject: (error: unknown) => void; timer?: TimerHandle };

interface Job {
  query: Query;
  timer: TimerHandle;
}

/**
 * The basement as a queueing model: `capacity` queries are served at once, the rest wait in a
 * bounded FIFO queue, and a longer queue makes every query slower — so a stampede degrades the
 * database the way a real one does, then melts it down (rejections, timeouts).
 */
export function createCapacityModelDatabase(options: CapacityModelOptions): OriginDatabase {
  const config = resolveOptions(options);
  const { clock } = options;
  const store = new RowStore();
  // A Set keeps insertion (FIFO) order and lets a timed-out query leave from the middle in O(1).
  const queue = new Set<Query>();
  const running = new Set<Job>();
  const counts = { reads: 0, writes: 0, writesSubmitted: 0, peakInFlight: 0, rejected: 0, timedOut: 0 };
  let closed = false;

  function submit(query: Query): void {
    if (running.size < config.capacity) {
      start(query);
    } else if (queue.size >= config.queueLimit) {
      // Queue full: the meltdown refuses at the door rather than waiting.
      counts.rejected++;
      query.reject(new DatabaseRejectedError(query.kind, config.queueLimit));
      return;
    } else {
      enqueue(query);
    }
    counts.peakInFlight = Math.max(counts.peakInFlight, running.size + queue.size);
  }

  function enqueue(query: Query): void {
    queue.add(query);
    if (!Number.isFinite(config.timeoutMs)) return;
    query.timer = clock.setTimeout(() => {
      queue.delete(query);
      counts.timedOut++;
      query.reject(new DatabaseTimeoutError(query.kind, config.timeoutMs));
    }, config.timeoutMs);
  }

  function start(query: Query): void {
    const baseMs = query.kind === "read" ? config.readLatencyMs : config.writeLatencyMs;
    // Service time = base × (1 + queued / queueLimit), with `queued` read when the query starts
    // running and not counting itself: a query is slowed by the load present while it is served,
    // not by the load when it arrived. Written as a sum so integer inputs give exact times.
    const serviceMs = config.queueLimit === 0 ? baseMs : baseMs + (baseMs * queue.size) / config.queueLimit;
    const job: Job = { query, timer: clock.setTimeout(() => finish(job), serviceMs) };
    running.add(job);
  }

  function finish(job: Job): void {
    running.delete(job);
    startNext();
    const { query } = job;
    // Rows are read and written at the end of service time, so a read sees every write finished before it.
    if (query.kind === "read") {
      query.resolve(store.get(query.id));
    } else {
      let row: Row;
      try {
        row = store.apply(query.request, clock.now());
      } catch (error) {
        // A refused write (stale fencing token) is served, not persisted.
        query.reject(error);
        return;
      }
      counts.writes++;
      query.resolve(row);
    }
  }

  function startNext(): void {
    while (running.size < config.capacity) {
      const next = queue.values().next();
      if (next.done) return;
      queue.delete(next.value);
      if (next.value.timer) clock.clearTimeout(next.value.timer);
      start(next.value);
    }
  }

  return {
    read(id) {
      return new Promise((resolve, reject) => {
        // A closed database is a caller bug, not load: refuse without counting.
        if (closed) return reject(new DatabaseClosedError("read"));
        counts.reads++;
        submit({ kind: "read", id, resolve, reject });
      });
    },

    write(request) {
      return new Promise((resolve, reject) => {
        if (closed) return reject(new DatabaseClosedError("write"));
        counts.writesSubmitted++;
        submit({ kind: "write", request: { ...request, profile: { ...request.profile } }, resolve, reject });
      });
    },

    seed: (rows) => store.seed(rows),
    // The sequence is not a query: it costs no slot, as a sequence's nextval is next to free.
    nextFencingToken: () => (closed ? Promise.reject(new DatabaseClosedError("query")) : Promise.resolve(store.nextFencingToken())),
    peek: (id) => store.get(id),
    writeLog: () => store.writeLog(),

    stats(): DatabaseStats {
      return {
        ...counts,
        running: running.size,
        queued: queue.size,
        inFlight: running.size + queue.size,
        staleTokenRejected: store.staleTokens.rejected,
        staleTokenAccepted: store.staleTokens.accepted,
      };
    },

    async close() {
      if (closed) return;
      closed = true;
      for (const query of queue) {
        if (query.timer) clock.clearTimeout(query.timer);
        query.reject(new DatabaseClosedError(query.kind));
      }
      queue.clear();
      // Running queries fail too (a write cut off is not persisted), so no timer outlives the database.
      for (const job of running) {
        clock.clearTimeout(job.timer);
        job.query.reject(new DatabaseClosedError(job.query.kind));
      }
      running.clear();
    },
  };
}

function resolveOptions(options: CapacityModelOptions): Required<Omit<CapacityModelOptions, "clock">> {
  const config = {
    readLatencyMs: options.readLatencyMs ?? CAPACITY_MODEL_DEFAULTS.readLatencyMs,
    writeLatencyMs: options.writeLatencyMs ?? CAPACITY_MODEL_DEFAULTS.writeLatencyMs,
    capacity: options.capacity ?? CAPACITY_MODEL_DEFAULTS.capacity,
    queueLimit: options.queueLimit ?? CAPACITY_MODEL_DEFAULTS.queueLimit,
    timeoutMs: options.timeoutMs ?? CAPACITY_MODEL_DEFAULTS.timeoutMs,
  };
  if (!Number.isInteger(config.capacity) || config.capacity < 1) {
    throw new DatabaseOptionsError(`capacity must be a whole number ≥ 1, got ${config.capacity}`);
  }
  if (!Number.isInteger(config.queueLimit) || config.queueLimit < 0) {
    throw new DatabaseOptionsError(`queueLimit must be a whole number ≥ 0, got ${config.queueLimit}`);
  }
  for (const key of ["readLatencyMs", "writeLatencyMs"] as const) {
    if (!Number.isFinite(config[key]) || config[key] < 0) {
      throw new DatabaseOptionsError(`${key} must be a finite number ≥ 0, got ${config[key]}`);
    }
  }
  if (Number.isNaN(config.timeoutMs) || config.timeoutMs <= 0) {
    throw new DatabaseOptionsError(`timeoutMs must be > 0 (or Infinity), got ${config.timeoutMs}`);
  }
  return config;
}
