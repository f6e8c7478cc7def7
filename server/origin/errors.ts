import { LabError } from "../core/errors";

/**
 * Origin database failures. Any adapter (capacity model, PostgreSQL) raises these, so the engine and
 * the metrics can tell an overloaded basement from a broken one without knowing which one runs.
 */

export type QueryKind = "read" | "write";

/** The wait queue was full when the query arrived; it was refused without waiting. Code `DB_REJECTED`. */
export class DatabaseRejectedError extends LabError {
  constructor(
    readonly kind: QueryKind,
    readonly queueLimit: number,
  ) {
    super(
      "DB_REJECTED",
      `Database ${kind} rejected: the wait queue is full (${queueLimit} queued). ` +
        "Fewer queries must reach the origin (protect the cache), or raise capacity / queueLimit.",
    );
  }
}

/** The query waited in the queue longer than the timeout and was dropped unserved. Code `DB_TIMEOUT`. */
export class DatabaseTimeoutError extends LabError {
  constructor(
    readonly kind: QueryKind,
    readonly timeoutMs: number,
  ) {
    super(
      "DB_TIMEOUT",
      `Database ${kind} timed out after waiting ${timeoutMs} ms in the queue without being served. ` +
        "The origin is overloaded: fewer queries must reach it, or raise capacity / timeoutMs.",
    );
  }
}

/** The database was closed before (or while) serving the query; a write cut off this way is not persisted. Code `DB_CLOSED`. */
export class DatabaseClosedError extends LabError {
  constructor(readonly kind: QueryKind | "query") {
    super(
      "DB_CLOSED",
      `Database ${kind} failed: the database is closed (the run was stopped or reset). Create a new one to continue.`,
    );
  }
}

/** Options that cannot describe a database (e.g. capacity 0). Code `DB_INVALID_OPTIONS`. */
export class DatabaseOptionsError extends LabError {
  constructor(message: string) {
    super("DB_INVALID_OPTIONS", `Invalid database options: ${message}`);
  }
}

/**
 * A write carried a fencing token older than one the row already accepted, and fencing is enforced:
 * the writer's lock ran out (a pause, a lost lock node) and someone newer has written since. Code
 * `DB_STALE_TOKEN`.
 */
export class StaleTokenError extends LabError {
  constructor(
    readonly id: string,
    readonly token: number,
    readonly highestAccepted: number,
  ) {
    super(
      "DB_STALE_TOKEN",
      `Write to ${id} refused: its fencing token ${token} is older than ${highestAccepted}, already accepted. ` +
        "The writer's lock had expired and a newer holder has written since.",
    );
  }
}
