import type { Profile, Row, WriteLogEntry, WriteRequest } from "./types";

/**
 * The capacity model's data: real rows and the log of every persisted write, so a run can be
 * checked against what the database really holds. Knows nothing of time or load; callers hand
 * copies out so nobody can change a row behind the database's back.
 */
export class RowStore {
  private readonly rows = new Map<string, Row>();
  private readonly log: WriteLogEntry[] = [];

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
      });
    }
  }

  /** Persists one write at `atMs` and returns the row as it now stands. */
  apply(request: WriteRequest, atMs: number): Row {
    const existing = this.rows.get(request.id);
    const row: Row = {
      id: request.id,
      profile: { ...request.profile },
      version: (existing?.version ?? 0) + 1,
      // Recorded as the highest seen, not rejected when stale: refusing old tokens is the safety lab's job.
      lastFencingToken: Math.max(existing?.lastFencingToken ?? 0, request.fencingToken ?? 0),
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
