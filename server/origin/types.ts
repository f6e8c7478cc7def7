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
  /**
   * What the safety lab's protected read-modify-write adds one to. 0 for a new row; only a write
   * that sets it changes it (profile writes keep it).
   */
  counter: number;
}

export interface WriteRequest {
  id: string;
  profile: Profile;
  /** Who wrote it (e.g. `instance-2`), for the write log. */
  writer: string;
  /** Optional fencing token; recorded as given, and kept on the row as the highest seen. */
  fencingToken?: number;
  /**
   * Fencing enforced: refuse this write with StaleTokenError (`DB_STALE_TOKEN`) when `fencingToken`
   * is lower than the row's `lastFencingToken` — a conditional write, as `UPDATE … WHERE
   * last_token <= $token` would be. Without it a stale token is accepted (and counted). @default false
   */
  rejectStaleToken?: boolean;
  /** Sets the row's counter to this value; absent keeps the counter as it is. */
  counter?: number;
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
  /** The counter the write set, when it set one. */
  counter?: number;
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
  /** Writes refused because their fencing token was older than one the row had accepted (`rejectStaleToken`). */
  staleTokenRejected: number;
  /** Writes persisted although their fencing token was older than one the row had accepted (fencing not enforced). */
  staleTokenAccepted: number;
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
  /**
   * The next fencing token: strictly greater than every one handed out before, from the database's
   * own sequence (as PostgreSQL's `nextval`). Redlock cannot provide one: its lock value is a random
   * string, and the five nodes share no counter — a majority of independent nodes has no single
   * place where "next" is decided, and a node that restarts empty would start counting again. The
   * resource being protected must hand out the order itself; then it can also check it.
   */
  nextFencingToken(): Promise<number>;
  close(): Promise<void>;
}
