import type { LockVote } from "../ports";

export type RedlockVerdict = { kind: "contended" } | { kind: "error"; reason: string };

/**
 * Why a Redlock round failed, from each node's vote. Contention means the nodes answered and
 * someone else holds the key: waiting helps. An error means too few nodes answered for any
 * majority: only `onLockError` can decide what to do.
 */
export function classifyFailedRound(votes: readonly LockVote[], quorum: number): RedlockVerdict {
  const answered = votes.filter((v) => v.vote === "for" || v.vote === "locked").length;
  const locked = votes.filter((v) => v.vote === "locked").length;
  if (answered < quorum) {
    return { kind: "error", reason: `only ${answered} of ${votes.length} lock nodes answered; ${quorum} needed` };
  }
  if (locked > 0) return { kind: "contended" };
  return { kind: "error", reason: `no majority: ${describeVotes(votes)}` };
}

/** True when a majority of nodes hold the same value: someone owns the lock right now. */
export function heldByMajority(values: ReadonlyArray<string | null>, quorum: number): string | null {
  const counts = new Map<string, number>();
  for (const value of values) if (value !== null) counts.set(value, (counts.get(value) ?? 0) + 1);
  for (const [value, count] of counts) if (count >= quorum) return value;
  return null;
}

export function describeVotes(votes: readonly LockVote[]): string {
  return votes.map((v) => `${v.nodeId}: ${v.vote === "error" ? `error (${v.message})` : v.vote}`).join(", ");
}
