import type { SafetyViolation } from "../../lib/report";

export type { SafetyViolation };

/**
 * The grant-based safety checker. A grant is live from its acquisition until its release or the end
 * of its validity, whichever comes first; two live cluster grants on one resource are a violation —
 * the lock promised mutual exclusion and did not deliver it. (Instance-scoped local locks exclude
 * only their own instance and are counted, not judged.)
 */
export interface GrantRecord {
  resource: string;
  value: string;
  holder: string;
  instance: number;
  acquiredAt: number;
  validUntil: number;
  scope: "cluster" | "instance";
  /** Nodes that voted for it, when known. */
  nodes: string[];
}


export class SafetyChecker {
  private readonly live = new Map<string, Map<string, GrantRecord & { releasedAt: number | null }>>();
  private readonly byValue = new Map<string, GrantRecord>();
  readonly violations: SafetyViolation[] = [];
  maxHoldersAtOnce = 0;

  /** Records a grant; returns the violations it causes (empty when the lock held). */
  acquired(grant: GrantRecord): SafetyViolation[] {
    const grants = this.live.get(grant.resource) ?? new Map();
    this.live.set(grant.resource, grants);
    this.byValue.set(grant.value, grant);
    const found: SafetyViolation[] = [];
    for (const [value, other] of grants) {
      const stillLive = other.releasedAt === null && other.validUntil > grant.acquiredAt;
      if (!stillLive) {
        grants.delete(value);
        continue;
      }
      if (grant.scope === "cluster" && other.scope === "cluster") {
        found.push({
          resource: grant.resource,
          at: grant.acquiredAt,
          first: { holder: other.holder, value: other.value, nodes: other.nodes, validUntil: other.validUntil },
          second: { holder: grant.holder, value: grant.value, nodes: grant.nodes, validUntil: grant.validUntil },
        });
      }
    }
    grants.set(grant.value, { ...grant, releasedAt: null });
    this.maxHoldersAtOnce = Math.max(this.maxHoldersAtOnce, grants.size);
    this.violations.push(...found);
    return found;
  }

  released(resource: string, value: string, at: number): void {
    const grant = this.live.get(resource)?.get(value);
    if (grant) grant.releasedAt = at;
  }

  /** Who a lock value belongs to, for the observer's reading of a node. */
  holderOf(value: string): GrantRecord | undefined {
    return this.byValue.get(value);
  }
}
