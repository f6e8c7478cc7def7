/**
 * The basement: the origin database the cache protects. The engine talks only to this interface;
 * the embedded capacity model implements it today, a PostgreSQL adapter later, both held to one
 * shared contract test suite.
 */
export interface Profile {
  name: string;
  /** Free-form payload so values have a realistic size. */
  bio: string;
}

export interface Row {
  id: string;
  profile: Profile;
  /** Increases by one with every persisted write. */
  version: number;
  /** Highest fencing token a write to this row carried; 0 when none did. */
  lastFencingToken: number;
}

export interface WriteRequest {
  id: string;
  profile: Profile;
  /** Who wrote it (e.g. `instance-2`), for the write log. */
  writer: string;
  /** Optional fencing token; recorded as given (rejection of stale tokens comes with the safety lab). */
  fencingToken?: number;
  /** Caller's tag so write-behind accounting can match acknowledged writes to persisted ones. */
  writeId?: string;
}

export interface WriteLogEntry {
  seq: number;
  atMs: number;
  id: string;
  version: number;
  writer: string;
  writeId?: string;
  fencingToken?: number;
}

export interface DatabaseStats {
  /** Reads submitted, rejected and timed-out ones included. */
  reads: number;
  /** Writes persisted. */
  writes: number;
  /** Writes submitted, rejected and timed-out ones included. */
  writesSubmitted: number;
  /** Running + queued right now. */
  inFlight: number;
  running: number;
  queued: number;
  /** Highest running + queued seen. */
  peakInFlight: number;
  /** Refused at once because the queue was full. */
  rejected: number;
  /** Failed after waiting longer than the timeout. */
  timedOut: number;
}

export interface OriginDatabase {
  read(id: string): Promise<Row | null>;
  write(request: WriteRequest): Promise<Row>;
  /** Warm-up path: puts rows in place without counting or queueing. */
  seed(rows: ReadonlyArray<{ id: string; profile: Profile }>): void;
  stats(): DatabaseStats;
  /** What was really persisted, in order. */
  writeLog(): readonly WriteLogEntry[];
  /** Current row, read without counting (for checks and reports). */
  peek(id: string): Row | null;
  close(): Promise<void>;
}
