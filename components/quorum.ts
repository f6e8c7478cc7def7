/** What the lock nodes' states mean for Redlock: a lock needs a strict majority of them to answer. */
import type { WireNode } from "@/lib/protocol";

export interface QuorumSummary {
  total: number;
  answering: number;
  /** Strict majority: 3 of 5. */
  needed: number;
  reachable: boolean;
}

export function quorumSummary(nodes: readonly WireNode[]): QuorumSummary {
  const locks = nodes.filter((node) => node.role === "lock");
  // Only `up` answers: a frozen node holds its keys but replies to nothing, which to a client is the same as gone.
  const answering = locks.filter((node) => node.state === "up").length;
  const needed = Math.floor(locks.length / 2) + 1;
  return { total: locks.length, answering, needed, reachable: locks.length > 0 && answering >= needed };
}
