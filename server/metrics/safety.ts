import type { SafetyViolation, ViolationKind } from "../../lib/report";

export type { SafetyViolation, ViolationKind };

/**
 * The grant-based safety checker. A grant is live from the moment the lock service had it in hand
 * (`grantedAt`: the library's acquire call returned) until its release or the end of its validity
 * (the library's own), whichever comes first. Not from the round's start: a slow round may reach
 * its quorum only after the previous holder's keys expired, and no one held the lock twice.
 * Two live cluster grants on one resource are a violation — the lock promised mutual exclusion and
 * did not deliver it. (Instance-scoped local locks exclude only their own instance and are counted,
 * not judged.)
 */
export interface GrantRecord {
  resource: string;
  value: string;
  holder: string;
  instance: number;
  /** Wall-clock ms at which the grant was in hand: where its interval starts. */
  grantedAt: number;
  validUntil: number;
  scope: "cluster" | "instance";
  /** Nodes that voted for it, when known. */
  nodes: string[];
  /** From the database's sequence, when the grant carried one (lockedWork "increment"). */
  fencingToken?: number;
}

/** A protected write the database accepted (lockedWork "increment"), as the checker judges it. */
export interface WriteRecord {
  resource: string;
  /** The writer's lock value; null when it wrote without a lock (lock "none", bypass). */
  value: string | null;
  /** Wall-clock ms at which the database accepted it. */
  at: number;
  /** Persisted although the row had already accepted a newer token. */
  staleAccepted: boolean;
  /** The row's highest accepted token after the write. */
  highestToken: number | null;
}


export class SafetyChecker {
  private readonly live = new Map<string, Map<string, GrantRecord & { releasedAt: number | null }>>();
  private readonly byValue = new Map<string, GrantRecord>();
  private readonly byToken = new Map<number, GrantRecord>();
  /** The most recent grant per resource: who took over from a late writer. */
  private readonly latest = new Map<string, GrantRecord>();
  /** Simulated pauses that held a grant's request, by resource and holder: the alarm says which request froze. */
  private readonly pausedMs = new Map<string, number>();
  readonly violations: SafetyViolation[] = [];
  readonly byKind: Record<ViolationKind, number> = { "two-holders": 0, "write-after-validity": 0, "write-out-of-token-order": 0 };
  maxHoldersAtOnce = 0;

  /** Records a grant; returns the violations it causes (empty when the lock held). */
  acquired(grant: GrantRecord): SafetyViolation[] {
    const grants = this.live.get(grant.resource) ?? new Map();
    this.live.set(grant.resource, grants);
    this.byValue.set(grant.value, grant);
    const found: SafetyViolation[] = [];
    for (const [value, other] of grants) {
      const stillLive = other.releasedAt === null && other.validUntil > grant.grantedAt;
      if (!stillLive) {
        grants.delete(value);
        continue;
      }
      if (grant.scope === "cluster" && other.scope === "cluster") {
        found.push({ resource: grant.resource, at: grant.grantedAt, first: this.side(other), second: this.side(grant) });
      }
    }
    grants.set(grant.value, { ...grant, releasedAt: null });
    if (grant.fencingToken !== undefined) this.byToken.set(grant.fencingToken, grant);
    this.latest.set(grant.resource, grant);
    this.maxHoldersAtOnce = Math.max(this.maxHoldersAtOnce, grants.size);
    this.violations.push(...found);
    this.byKind["two-holders"] += found.length;
    return found;
  }

  /**
   * Judges a protected write the database accepted. A write that lands at or after its holder's
   * validity ended is a violation (the lock no longer covered it, whoever holds it now); so is one
   * the database accepted out of token order (a newer holder had already written). One write is
   * one violation: a late write is reported as late, whatever its token. A write made without a
   * lock promised nothing and is not judged here (its damage shows in lost updates).
   */
  written(write: WriteRecord): SafetyViolation[] {
    if (write.value === null) return [];
    const writer = this.byValue.get(write.value);
    if (!writer) return [];
    let found: SafetyViolation | null = null;
    if (writer.scope === "cluster" && write.at >= writer.validUntil) {
      const successor = this.latest.get(write.resource);
      const other = successor && successor.value !== writer.value ? successor : writer;
      found = {
        resource: write.resource,
        at: write.at,
        kind: "write-after-validity",
        first: this.side(writer),
        second: this.side(other),
        detail:
          `${writer.holder} wrote ${write.at - writer.validUntil} ms after its lock's validity ended` +
          (this.pausedMs.has(pauseKey(writer)) ? ` (a simulated pause held it ${this.pausedMs.get(pauseKey(writer))} ms)` : "") +
          (other === writer ? " (nobody else held the lock)" : `; ${other.holder}${sameInstance(writer, other) ? `, another request of instance ${writer.instance},` : ""} held the lock by then`),
      };
    } else if (write.staleAccepted) {
      const newer = (write.highestToken !== null ? this.byToken.get(write.highestToken) : undefined) ?? writer;
      found = {
        resource: write.resource,
        at: write.at,
        kind: "write-out-of-token-order",
        first: this.side(writer),
        second: this.side(newer),
        detail: `the database took ${writer.holder}'s write after ${newer.holder}'s, although ${writer.holder}'s grant was the older one (grant ${writer.fencingToken}, then ${write.highestToken})`,
      };
    }
    if (!found) return [];
    this.violations.push(found);
    this.byKind[found.kind!]++;
    return [found];
  }

  released(resource: string, value: string, at: number): void {
    const grant = this.live.get(resource)?.get(value);
    if (grant) grant.releasedAt = at;
  }

  /** A simulated pause held `holder`'s request, holding `resource`, for `ms`; it runs again now. */
  resumed(resource: string, holder: string, ms: number): void {
    const key = pauseKey({ resource, holder });
    this.pausedMs.set(key, (this.pausedMs.get(key) ?? 0) + ms);
  }

  private side(grant: GrantRecord): SafetyViolation["first"] {
    const paused = this.pausedMs.get(pauseKey(grant));
    return { ...side(grant), ...(paused !== undefined ? { pausedMs: paused } : {}) };
  }

  /** Who a lock value belongs to, for the observer's reading of a node. */
  holderOf(value: string): GrantRecord | undefined {
    return this.byValue.get(value);
  }
}

function pauseKey(grant: Pick<GrantRecord, "resource" | "holder">): string {
  return `${grant.resource}\n${grant.holder}`;
}

function sameInstance(a: GrantRecord, b: GrantRecord): boolean {
  return a.instance === b.instance && a.holder !== b.holder;
}

function side(grant: GrantRecord): SafetyViolation["first"] {
  return {
    holder: grant.holder,
    value: grant.value,
    nodes: grant.nodes,
    validUntil: grant.validUntil,
    ...(grant.fencingToken !== undefined ? { fencingToken: grant.fencingToken } : {}),
  };
}
