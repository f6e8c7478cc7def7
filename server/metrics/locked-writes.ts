import type { Report } from "../../lib/report";
import type { OriginDatabase } from "../origin/types";

export type LockedWriteFigures = Pick<Report["db"], "lockedWrites" | "counterIncrease" | "lostUpdates" | "staleWritesRejected" | "staleWritesAccepted">;

/**
 * The protected write's figures (lockedWork "increment"), from the database's own account rather
 * than the engine's: writes that set a counter, from its write log; the counters' increase since
 * `counterStart`, from its rows; stale tokens refused and accepted, from its own counts.
 * `lostUpdates` = writes that landed − what the counters show of them: 0 while the lock held.
 */
export function lockedWriteFigures(db: OriginDatabase, rowIds: Iterable<string>, counterStart: ReadonlyMap<string, number> = new Map()): LockedWriteFigures {
  const lockedWrites = db.writeLog().filter((entry) => entry.counter !== undefined).length;
  let counterIncrease = 0;
  for (const id of new Set([...rowIds, ...counterStart.keys()])) counterIncrease += (db.peek(id)?.counter ?? 0) - (counterStart.get(id) ?? 0);
  const stats = db.stats();
  return {
    lockedWrites,
    counterIncrease,
    lostUpdates: lockedWrites - counterIncrease,
    staleWritesRejected: stats.staleTokenRejected,
    staleWritesAccepted: stats.staleTokenAccepted,
  };
}
