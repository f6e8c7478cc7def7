import { describe, expect, it } from "vitest";
import { quorumOf } from "../../../lib/scenario";
import { ManualClock } from "../../core/clock";
import type { LockVote } from "../ports";
import { FakeRedlockService, MemoryLockNodes } from "../testing/memory-lock-nodes";
import { classifyFailedRound, heldByMajority } from "./votes";

const N = 5;
const QUORUM = quorumOf(N);
type Vote = LockVote["vote"];

/** Every assignment of `alphabet` to `n` nodes (alphabet^n of them). */
function* assignments<T>(alphabet: readonly T[], n: number): Generator<T[]> {
  const total = alphabet.length ** n;
  for (let code = 0; code < total; code++) {
    const out: T[] = [];
    for (let i = 0, c = code; i < n; i++, c = Math.floor(c / alphabet.length)) out.push(alphabet[c % alphabet.length]!);
    yield out;
  }
}

const votesOf = (kinds: readonly Vote[]): LockVote[] =>
  kinds.map((vote, i): LockVote => (vote === "error" ? { nodeId: `lock-${i + 1}`, vote, message: "down" } : { nodeId: `lock-${i + 1}`, vote }));

describe("quorumOf", () => {
  it("is a strict majority", () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(quorumOf)).toEqual([1, 2, 2, 3, 3, 4, 4]);
  });
});

describe("classifyFailedRound: all 3^5 votes in {for, locked, error}", () => {
  const cases = [...assignments<Vote>(["for", "locked", "error"], N)];

  it("covers 243 rounds", () => expect(cases).toHaveLength(243));

  it("is an error whenever fewer than a quorum of nodes answered, whatever they said", () => {
    for (const kinds of cases) {
      const answered = kinds.filter((k) => k !== "error").length;
      if (answered >= QUORUM) continue;
      const verdict = classifyFailedRound(votesOf(kinds), QUORUM);
      expect(verdict, kinds.join(",")).toMatchObject({ kind: "error" });
      if (verdict.kind === "error") expect(verdict.reason).toContain(`only ${answered} of 5 lock nodes answered; 3 needed`);
    }
  });

  it("is contention when a quorum answered and a node reported the key held", () => {
    for (const kinds of cases) {
      const answered = kinds.filter((k) => k !== "error").length;
      const locked = kinds.filter((k) => k === "locked").length;
      if (answered < QUORUM || locked === 0) continue;
      expect(classifyFailedRound(votesOf(kinds), QUORUM), kinds.join(",")).toEqual({ kind: "contended" });
    }
  });

  it("is an error naming every vote when a quorum answered 'for' and the round failed anyway", () => {
    // Only a failed round reaches the classifier: a majority for with nobody holding means validity ran out.
    for (const kinds of cases) {
      const answered = kinds.filter((k) => k !== "error").length;
      const locked = kinds.filter((k) => k === "locked").length;
      if (answered < QUORUM || locked > 0) continue;
      const verdict = classifyFailedRound(votesOf(kinds), QUORUM);
      expect(verdict.kind, kinds.join(",")).toBe("error");
      if (verdict.kind === "error") expect(verdict.reason).toMatch(/^no majority: lock-1: /);
    }
  });

  it("the three rules above partition every round", () => {
    const counts = { error: 0, contended: 0 };
    for (const kinds of cases) counts[classifyFailedRound(votesOf(kinds), QUORUM).kind]++;
    // Contended: answered ≥ 3 and ≥ 1 locked. Counted independently of the classifier:
    let contended = 0;
    for (const kinds of cases) {
      const errors = kinds.filter((k) => k === "error").length;
      if (errors <= N - QUORUM && kinds.includes("locked")) contended++;
    }
    expect(counts.contended).toBe(contended);
    expect(counts.error + counts.contended).toBe(243);
  });
});

describe("heldByMajority: all 3^5 node readings in {empty, A, B}", () => {
  it("names a value iff a quorum of nodes hold it", () => {
    for (const values of assignments<string | null>([null, "A", "B"], N)) {
      const a = values.filter((v) => v === "A").length;
      const b = values.filter((v) => v === "B").length;
      const expected = a >= QUORUM ? "A" : b >= QUORUM ? "B" : null;
      expect(heldByMajority(values, QUORUM), JSON.stringify(values)).toBe(expected);
    }
  });

  it("two values can never both hold a majority", () => {
    // Pigeonhole on 5 nodes: 3 + 3 > 5. So a held verdict is unambiguous.
    for (const values of assignments<string | null>([null, "A", "B"], N)) {
      const a = values.filter((v) => v === "A").length;
      const b = values.filter((v) => v === "B").length;
      expect(a >= QUORUM && b >= QUORUM).toBe(false);
    }
  });
});

describe("FakeRedlockService quorum (redsync's TestMutexQuorum)", () => {
  it("all 2^5 up/down subsets: acquired iff ≥ 3 nodes are up; otherwise an error, never contention", async () => {
    let tried = 0;
    for (const up of assignments([true, false], N)) {
      const clock = new ManualClock(0);
      const nodes = new MemoryLockNodes(clock, N);
      up.forEach((u, i) => nodes.setUp(i, u));
      const upCount = up.filter(Boolean).length;
      const attempt = await new FakeRedlockService(nodes, clock).tryAcquire("r", 1000, "me");
      const label = up.map((u) => (u ? "up" : "down")).join(",");
      if (upCount >= QUORUM) {
        expect(attempt.kind, label).toBe("acquired");
        if (attempt.kind === "acquired") expect(attempt.grant.votes.filter((v) => v.vote === "for")).toHaveLength(upCount);
      } else {
        expect(attempt.kind, label).toBe("error");
        // The partial SETs were undone on every node that answered.
        up.forEach((u, i) => {
          if (u) expect(nodes.valueOn(i, "r"), label).toBeNull();
        });
      }
      tried++;
    }
    expect(tried).toBe(32);
  });

  it("all 3^5 subsets of free/taken/down: acquired iff ≥ 3 free; contended iff ≥ 3 answered; no leftovers", async () => {
    type NodeState = "free" | "taken" | "down";
    let tried = 0;
    for (const states of assignments<NodeState>(["free", "taken", "down"], N)) {
      const clock = new ManualClock(0);
      const nodes = new MemoryLockNodes(clock, N);
      states.forEach((s, i) => {
        if (s === "taken") nodes.setNx(i, "r", "other", 10_000);
        if (s === "down") nodes.setUp(i, false);
      });
      const free = states.filter((s) => s === "free").length;
      const down = states.filter((s) => s === "down").length;
      const attempt = await new FakeRedlockService(nodes, clock).tryAcquire("r", 1000, "me");
      const label = states.join(",");
      const expected = free >= QUORUM ? "acquired" : N - down >= QUORUM ? "contended" : "error";
      expect(attempt.kind, label).toBe(expected);
      if (attempt.kind !== "acquired") {
        // Nothing of ours is left behind on any reachable node.
        states.forEach((s, i) => {
          if (s !== "down") expect(nodes.valueOn(i, "r"), label).toBe(s === "taken" ? "other" : null);
        });
      }
      tried++;
    }
    expect(tried).toBe(243);
  });

  it("two clients racing on every up/down subset never both acquire", async () => {
    for (const up of assignments([true, false], N)) {
      const clock = new ManualClock(0);
      const nodes = new MemoryLockNodes(clock, N);
      up.forEach((u, i) => nodes.setUp(i, u));
      const [a, b] = await Promise.all([
        new FakeRedlockService(nodes, clock).tryAcquire("r", 1000, "a"),
        new FakeRedlockService(nodes, clock).tryAcquire("r", 1000, "b"),
      ]);
      expect([a.kind, b.kind].filter((k) => k === "acquired").length).toBeLessThanOrEqual(1);
    }
  });
});
