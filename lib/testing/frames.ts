import type { TickFrame } from "../report";

/** A tick frame where nothing happened, for tests: override only the fields a test is about. */
export function emptyFrame(t: number, overrides: Partial<TickFrame> = {}): TickFrame {
  return {
    t,
    lengthMs: 100,
    merged: false,
    arrivals: 0,
    hits: 0,
    misses: 0,
    staleServed: 0,
    errors: 0,
    timeouts: 0,
    hitRatio: null,
    latencyP50: null,
    latencyP99: null,
    dbReads: 0,
    dbReadsFailed: 0,
    dbInFlight: 0,
    dbQueued: 0,
    lockAttempts: 0,
    lockAcquired: 0,
    lockContended: 0,
    lockFailed: 0,
    lockRounds: 0,
    lockAnsweredInProcess: 0,
    cacheFills: 0,
    writesAcknowledged: 0,
    writesPending: 0,
    episodesOpen: 0,
    lastVotes: {},
    locks: [],
    ...overrides,
  };
}
