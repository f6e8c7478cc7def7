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
