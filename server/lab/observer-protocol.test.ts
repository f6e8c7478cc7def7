import net from "node:net";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../core/clock";
import { LockObserver } from "./observer";
import { classify, distinctValuesIn, roundSchema, workerMessageSchema, type NodeReport, type RoundMessage } from "./observer-protocol";
import { failureKind, ObserverSampler, type NodeReader } from "./observer-sampler";

const LIMITS = { lateAfterMs: 300, noAnswerAfterMs: 750 };

/** Readers that behave as an up, a crashed and a frozen node would through ioredis, on the manual clock. */
function nodes(clock: ManualClock) {
  const reads = { up: 0, crashed: 0, frozen: 0 };
  let held: string | null = null;
  const readers: NodeReader[] = [
    {
      nodeId: "lock-1",
      read: () => {
        reads.up++;
        return new Promise((resolve) => clock.setTimeout(() => resolve({ value: held, pttlMs: held ? 7400 : -2 }), 2));
      },
    },
    {
      nodeId: "lock-2",
      read: () => {
        reads.crashed++;
        return Promise.reject(new Error("Stream isn't writeable and enableOfflineQueue options is false"));
      },
    },
    {
      nodeId: "lock-3",
      read: () => {
        reads.frozen++;
        return new Promise((_, reject) => clock.setTimeout(() => reject(new Error("Command timed out")), LIMITS.noAnswerAfterMs));
      },
    },
  ];
  return { readers, reads, hold: (value: string | null) => (held = value) };
}

async function round(sampler: ObserverSampler, clock: ManualClock, advanceMs: number): Promise<RoundMessage> {
  const posted = sampler.round();
  await clock.advance(advanceMs);
  return posted;
}

const report = (message: RoundMessage, nodeId: string): NodeReport => message.nodes.find((n) => n.nodeId === nodeId)!;

describe("the observer's sampler", () => {
  it("reads every node at one instant and posts the round when the answers are in or the deadline passes", async () => {
    const clock = new ManualClock(10_000);
    const { readers, hold } = nodes(clock);
    hold("v1");
    const sampler = new ObserverSampler(readers, clock, 80);
    const first = await round(sampler, clock, 100);

    expect(roundSchema.parse(first)).toEqual(first);
    expect(first.at).toBe(10_000);
    expect(report(first, "lock-1")).toEqual({ nodeId: "lock-1", last: { outcome: "answered", at: 10_002, value: "v1", pttlMs: 7400 }, waitingSince: null });
    expect(report(first, "lock-2").last).toMatchObject({ outcome: "refused", at: 10_000 });
    // The frozen node holds up no one: it is reported as still waiting, with nothing read yet.
    expect(report(first, "lock-3")).toEqual({ nodeId: "lock-3", last: null, waitingSince: 10_000 });
  });

  it("sends a silent node no second read until the first ends, then reports its silence", async () => {
    const clock = new ManualClock(0);
    const { readers, reads } = nodes(clock);
    const sampler = new ObserverSampler(readers, clock, 80);
    let last: RoundMessage | undefined;
    for (let i = 0; i < 7; i++) last = await round(sampler, clock, 100);
    expect(reads.frozen).toBe(1);
    expect(reads.up).toBe(7);
    expect(reads.crashed).toBe(7);
    expect(report(last!, "lock-3")).toEqual({ nodeId: "lock-3", last: null, waitingSince: 0 });

    last = await round(sampler, clock, 100); // t = 700: posted once the others answered, before the timeout at 750
    expect(report(last, "lock-3")).toEqual({ nodeId: "lock-3", last: null, waitingSince: 0 });
    // t = 800: the silence is on record and a new read is out, but a node known silent is not
    // waited for: the round goes out once the others answered (t = 802), not at its deadline.
    const posted = sampler.round();
    let postedAt: number | null = null;
    void posted.then(() => (postedAt = clock.now()));
    await clock.advance(100);
    last = await posted;
    expect(postedAt).toBe(802);
    expect(reads.frozen).toBe(2);
    expect(report(last, "lock-3")).toEqual({ nodeId: "lock-3", last: { outcome: "no-answer", at: 750, error: "Command timed out" }, waitingSince: 800 });
  });

  it("drops a negative PTTL (no key, or no expiry) and keeps a value's own", async () => {
    const clock = new ManualClock(0);
    const { readers } = nodes(clock);
    const sampler = new ObserverSampler(readers, clock, 80);
    expect(report(await round(sampler, clock, 100), "lock-1").last).toEqual({ outcome: "answered", at: 2, value: null, pttlMs: null });
  });
});

describe("late or refused", () => {
  const answered: NodeReport = { nodeId: "lock-1", last: { outcome: "answered", at: 1000, value: "v1", pttlMs: 7000 }, waitingSince: null };

  it("keeps an answer an answer: fresh while young, late (greyed with its age) once older than the tick allows", () => {
    expect(classify("lock-1", answered, 1100, LIMITS)).toEqual({ nodeId: "lock-1", reachable: true, value: "v1", pttlMs: 7000, answer: "answered", sampledAt: 1000, ageMs: 100 });
    expect(classify("lock-1", answered, 1300, LIMITS).answer).toBe("answered");
    // However late the worker's next round is, an up node is never "no answer".
    const late = classify("lock-1", { ...answered, waitingSince: 1100 }, 1700, LIMITS);
    expect(late).toEqual({ nodeId: "lock-1", reachable: true, value: "v1", pttlMs: 7000, answer: "late", sampledAt: 1000, ageMs: 700 });
  });

  it("reports refusals and silences as the node's last word, whatever their age", () => {
    const refused: NodeReport = { nodeId: "lock-2", last: { outcome: "refused", at: 1000, error: "Stream isn't writeable" }, waitingSince: null };
    expect(classify("lock-2", refused, 1050, LIMITS)).toMatchObject({ reachable: false, answer: "refused", ageMs: 50 });
    expect(classify("lock-2", refused, 9000, LIMITS)).toMatchObject({ reachable: false, answer: "refused", ageMs: 8000 });
    const silent: NodeReport = { nodeId: "lock-3", last: { outcome: "no-answer", at: 1750, error: "Command timed out" }, waitingSince: 1800 };
    expect(classify("lock-3", silent, 1900, LIMITS)).toMatchObject({ reachable: false, value: null, answer: "no-answer" });
  });

  it("turns a read out past the no-answer limit into a non-answer before its timeout reports it", () => {
    expect(classify("lock-1", { ...answered, waitingSince: 1100 }, 1100 + 749, LIMITS).answer).toBe("late");
    expect(classify("lock-1", { ...answered, waitingSince: 1100 }, 1100 + 750, LIMITS)).toMatchObject({ answer: "no-answer", reachable: false, value: null });
  });

  it("has nothing to show for a node never read: late while its first read is young, no answer once it is not", () => {
    expect(classify("lock-4", undefined, 5000, LIMITS)).toEqual({ nodeId: "lock-4", reachable: false, value: null, pttlMs: null, answer: "late", sampledAt: null, ageMs: null });
    expect(classify("lock-4", { nodeId: "lock-4", last: null, waitingSince: 4000 }, 5000, LIMITS).answer).toBe("no-answer");
  });

  it("tells a silent node from one that refused by ioredis' error", () => {
    expect(failureKind(new Error("Command timed out"))).toBe("no-answer");
    expect(failureKind(new Error("Stream isn't writeable and enableOfflineQueue options is false"))).toBe("refused");
    expect(failureKind(new Error("Connection is closed."))).toBe("refused");
    expect(failureKind("connect ECONNREFUSED 127.0.0.1:7101")).toBe("refused");
  });
});

describe("the worker's messages", () => {
  it("are checked at the edge: a malformed one is refused", () => {
    expect(workerMessageSchema.safeParse({ type: "round", seq: 0, at: 1, nodes: [{ nodeId: "lock-1", last: { outcome: "answered", at: 1 }, waitingSince: null }] }).success).toBe(false);
    expect(workerMessageSchema.safeParse({ type: "failure", message: "x" }).success).toBe(true);
  });

  it("count the distinct values answered in one round, not leftovers of earlier rounds", () => {
    const round: RoundMessage = {
      type: "round",
      seq: 3,
      at: 1000,
      nodes: [
        { nodeId: "lock-1", last: { outcome: "answered", at: 1001, value: "a", pttlMs: 5 }, waitingSince: null },
        { nodeId: "lock-2", last: { outcome: "answered", at: 1002, value: "b", pttlMs: 5 }, waitingSince: null },
        { nodeId: "lock-3", last: { outcome: "answered", at: 900, value: "c", pttlMs: 5 }, waitingSince: 1000 },
        { nodeId: "lock-4", last: { outcome: "answered", at: 1001, value: null, pttlMs: null }, waitingSince: null },
      ],
    };
    expect(distinctValuesIn(round)).toBe(2);
  });

  it("arrive from a real worker thread, which reads a port nobody listens on as refused and exits on close", async () => {
    const port = await closedPort();
    const observer = LockObserver.start([{ nodeId: "lock-1", host: "127.0.0.1", port }], {
      lockKey: "lock:hot",
      intervalMs: 50,
      noAnswerAfterMs: 750,
      lateAfterMs: 200,
    });
    try {
      expect(await observer.ready(10_000)).toBe(true);
      const [reading] = observer.readingsAt(Date.now());
      expect(reading).toMatchObject({ nodeId: "lock-1", reachable: false, answer: "refused" });
      expect(observer.failed).toBeNull();
    } finally {
      await observer.close();
    }
    expect(observer.exited).toBe(true);
  });
});

/** A port that was free a moment ago: connections to it are refused. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
