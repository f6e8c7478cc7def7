import { StaleTokenError } from "./errors";
import type { Profile, Row, WriteLogEntry, WriteRequest } from "./types";

/**
 * The capacity model's data: real rows and the log of every persisted write, so a run can be
 * checked against what the database really holds. Knows nothing of time or load; callers hand
 * copies out so nobody can change a row behind the database's back.
 */
export class RowStore {
  private readonly rows = new Map<string, Row>();
  private readonly log: WriteLogEntry[] = [];
  private fencingSequence = 0;
  /** Writes refused / accepted with a fencing token older than the row's highest. */
  readonly staleTokens = { rejected: 0, accepted: 0 };

  get(id: string): Row | null {
    const row = this.rows.get(id);
    return row ? copyRow(row) : null;
  }

  /**
   * New rows start at version 1; an existing row gets the new profile and version + 1, so versions
   * never go backwards and a cached copy can always be compared with the row. Not logged: seeding
   * is setup, not a write anyone made.
   */
  seed(rows: ReadonlyArray<{ id: string; profile: Profile }>): void {
    for (const { id, profile } of rows) {
      const existing = this.rows.get(id);
      this.rows.set(id, {
        id,
        profile: { ...profile },
        version: existing ? existing.version + 1 : 1,
        lastFencingToken: existing?.lastFencingToken ?? 0,
        counter: existing?.counter ?? 0,
      });
    }
  }

  /** The database's own sequence: strictly increasing, never reused. */
  nextFencingToken(): number {
    return ++this.fencingSequence;
  }

  /**
   * Persists one write at `atMs` and returns the row as it now stands. A token older than the row's
   * highest is refused with StaleTokenError when the write asks for it (`rejectStaleToken`), and
   * accepted — and counted — otherwise.
   */
  apply(request: WriteRequest, atMs: number): Row {
    const existing = this.rows.get(request.id);
    const highest = existing?.lastFencingToken ?? 0;
    const stale = request.fencingToken !== undefined && request.fencingToken < highest;
    if (stale && request.rejectStaleToken) {
      this.staleTokens.rejected++;
      throw new StaleTokenError(request.id, request.fencingToken!, highest);
    }
    if (stale) this.staleTokens.accepted++;
    const row: Row = {
      id: request.id,
      profile: { ...request.profile },
      version: (existing?.version ?? 0) + 1,
      // The highest seen: an accepted stale token does not move it back.
      lastFencingToken: Math.max(highest, request.fencingToken ?? 0),
      counter: request.counter ?? existing?.counter ?? 0,
    };
    this.rows.set(row.id, row);
    const entry: WriteLogEntry = {
      seq: this.log.length + 1,
      atMs,
      id: row.id,
      version: row.version,
      writer: request.writer,
    };
    if (request.writeId !== undefined) entry.writeId = request.writeId;
    if (request.fencingToken !== undefined) entry.fencingToken = request.fencingToken;
    if (request.counter !== undefined) entry.counter = request.counter;
    this.log.push(Object.freeze(entry));
    return copyRow(row);
  }

  writeLog(): readonly WriteLogEntry[] {
    return this.log.slice();
  }
}

function copyRow(row: Row): Row {
  return { ...row, profile: { ...row.profile } };
}
