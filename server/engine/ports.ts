import type { Profile, WriteRequest } from "../origin/types";

/**
 * What the cache node stores for a key. The value carries its own logical expiry so that a value
 * kept past it (serve-stale) can be recognised, and the time its last recompute took (XFetch's δ).
 */
export interface CachedEntry {
  profile: Profile;
  version: number;
  /** Wall-clock ms after which the value is stale. */
  logicalExpiresAt: number;
  /** How long the database read that produced it took, in ms. */
  recomputeMs: number;
  writtenAt: number;
  /** Who wrote it (`instance-2`), for the dashboard. */
  writer: string;
}

/** The cache node, as one engine instance sees it. Each instance owns its own connections. */
export interface CacheStore {
  /** Null when the key is absent. Throws CacheUnavailableError when the node cannot be reached. */
  get(key: string): Promise<CachedEntry | null>;
  set(key: string, entry: CachedEntry, physicalTtlMs: number): Promise<void>;
  del(key: string): Promise<void>;
  /** Tells every instance's waiters that `key` was filled (pub/sub on the cache node). */
  publishFill(key: string): Promise<void>;
  /** Listens for fills; returns an unsubscribe function. */
  onFill(listener: (key: string) => void): () => void;
  close(): Promise<void>;
  /**
   * The write-behind list on the cache node (writeBehindBuffer "cache-node"), shared by every
   * instance; absent on stores that have none.
   */
  readonly pendingList?: PendingWriteList;
}

/**
 * Acknowledged writes waiting for the flush, in a list on the cache node: they survive an app
 * server's crash and die with the cache node's. Every call throws CacheUnavailableError when the
 * node cannot be reached.
 */
export interface PendingWriteList {
  /** Appends one write (RPUSH). */
  push(write: WriteRequest): Promise<void>;
  /** Takes up to `max` writes off the head, atomically (LPOP count): no two flushers get the same one. */
  take(max: number): Promise<WriteRequest[]>;
  /** Puts writes back at the head, in their order (a flush that failed them). */
  putBack(writes: readonly WriteRequest[]): Promise<void>;
  /** Writes in the list now (LLEN). */
  length(): Promise<number>;
}

/** One lock node's answer to an acquisition, for the event log and the lock grid. */
export type LockVote =
  | { nodeId: string; vote: "for" }
  | { nodeId: string; vote: "locked" }
  /** Had not answered when the quorum decided (a granted lock does not wait for the slowest node). */
  | { nodeId: string; vote: "pending" }
  | { nodeId: string; vote: "error"; message: string };

export interface LockGrant {
  resource: string;
  /** The random value stored in the lock key: how the observer recognises this holder on a node. */
  value: string;
  holder: string;
  /** Wall-clock ms at which the round that won the grant started (the library measures validity from it). */
  acquiredAt: number;
  /**
   * Wall-clock ms at which the lock service had the grant in hand (the library's acquire call
   * returned). The grant is only known to be held from here on: a slow round may reach its quorum
   * after the previous holder's keys expired, so the safety checker starts the interval here.
   */
  grantedAt: number;
  /** Wall-clock ms after which the holder may no longer assume it holds the lock. */
  validUntil: number;
  /** "cluster" locks exclude every instance; "instance" locks (in-process) only their own. */
  scope: "cluster" | "instance";
  votes: LockVote[];
  /**
   * Set by the engine, not the lock: a token from the database's own sequence, taken at grant time
   * (lockedWork "increment"). The lock service has none to give — see OriginDatabase.nextFencingToken.
   */
  fencingToken?: number;
}

/**
 * Who answered an attempt. `round`: a lock round of its own (the Redlock library's acquire call, the
 * single-redis SET NX). In-process, without a round of its own (Redlock's coalescing): `look`, the
 * instance's shared read of the lock key found a majority holding it; `sibling`, another request of
 * the same instance was already running a round for the resource and this one learned its outcome.
 * Absent for in-process locks, which ask no node at all.
 */
export type LockAnswer = "round" | "look" | "sibling";

export type LockAttempt =
  | { kind: "acquired"; grant: LockGrant; answeredBy?: LockAnswer }
  /** Someone else holds it: normal contention, handled by the waiter policy. */
  | { kind: "contended"; votes: LockVote[]; answeredBy?: LockAnswer }
  /** The lock could not be decided (nodes down, no quorum): handled by `onLockError`. */
  | { kind: "error"; reason: string; votes: LockVote[]; answeredBy?: LockAnswer };

export interface LockService {
  readonly mode: "local" | "single-redis" | "redlock";
  tryAcquire(resource: string, ttlMs: number, holder: string): Promise<LockAttempt>;
  release(grant: LockGrant): Promise<void>;
  close(): Promise<void>;
}
