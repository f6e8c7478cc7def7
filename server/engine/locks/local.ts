import type { Clock } from "../../core/clock";
import type { LockAttempt, LockGrant, LockService } from "../ports";

/**
 * An in-process mutex per resource, like singleflight or bentocache's local lock. It excludes the
 * requests of one instance only: with k instances an episode costs k database reads.
 */
export class LocalLockService implements LockService {
  readonly mode = "local" as const;
  private readonly held = new Map<string, { grant: LockGrant; waiters: Set<() => void> }>();
  private sequence = 0;

  constructor(private readonly clock: Clock) {}

  async tryAcquire(resource: string, ttlMs: number, holder: string): Promise<LockAttempt> {
    if (this.held.has(resource)) return { kind: "contended", votes: [] };
    const now = this.clock.now();
    const grant: LockGrant = {
      resource,
      value: `${holder}#${++this.sequence}`,
      holder,
      acquiredAt: now,
      grantedAt: now,
      // An in-process lock has no TTL; the scenario's TTL still bounds how long others assume it valid.
      validUntil: now + ttlMs,
      scope: "instance",
      votes: [],
    };
    this.held.set(resource, { grant, waiters: new Set() });
    return { kind: "acquired", grant };
  }

  async release(grant: LockGrant): Promise<void> {
    const entry = this.held.get(grant.resource);
    if (!entry || entry.grant.value !== grant.value) return;
    this.held.delete(grant.resource);
    for (const wake of entry.waiters) wake();
  }

  /** Resolves true when the current holder releases (at once if none holds it), false after `timeoutMs`. */
  whenReleased(resource: string, timeoutMs: number): Promise<boolean> {
    const entry = this.held.get(resource);
    if (!entry) return Promise.resolve(true);
    return new Promise((resolve) => {
      const wake = () => {
        this.clock.clearTimeout(timer);
        resolve(true);
      };
      const timer = this.clock.setTimeout(() => {
        entry.waiters.delete(wake);
        resolve(false);
      }, timeoutMs);
      entry.waiters.add(wake);
    });
  }

  async close(): Promise<void> {
    for (const entry of this.held.values()) for (const wake of entry.waiters) wake();
    this.held.clear();
  }
}
