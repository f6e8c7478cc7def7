import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { TickFrame } from "../../lib/report";
import { HOT_LOCK } from "../engine/keys";
import { connect } from "../nodes/test-support";
import { LockObserver } from "./observer";
import { runScenario } from "./runner";
import { digest, scenario, startRealLab, type RealLab } from "./testing/real-lab";

// Real nodes behind fault proxies, with the engine's event loop blocked on purpose: the observer
// reads on its own thread and the nodes' own ports, so an up node answers on time however busy the
// loop is, a crashed one refuses and a frozen one is silent. Ports: the lower half of slot 24 (the
// event-log file has its upper half): cache + 3 lock nodes, their proxies and one instance's own
// proxies are 12 ports.
const SLOT = 24;
const LIMITS = { intervalMs: 100, noAnswerAfterMs: 750, lateAfterMs: 300 };

/** Keeps this thread busy: no timer, no I/O, no message handler runs meanwhile. */
function block(ms: number): { from: number; to: number } {
  const from = Date.now();
  while (Date.now() - from < ms) {
    // busy
  }
  return { from, to: Date.now() };
}

let lab: RealLab;
const clients: Redis[] = [];

beforeAll(async () => {
  lab = await startRealLab(SLOT, 3, { faultProxies: true });
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.disconnect();
  await lab.restoreAll();
});

afterAll(async () => {
  await lab?.stop();
});

const ownPorts = () =>
  lab.nodes
    .list()
    .filter((n) => n.role === "lock")
    .map((n) => ({ nodeId: n.id, host: n.host, port: n.port }));

describe("the lock observer on real nodes, with the main event loop blocked", () => {
  it("keeps reading on time while this thread is busy: the partitioned node answers on its own port, the crashed one refuses, the frozen one is silent", async () => {
    const lock1 = lab.nodes.get("lock-1");
    expect(lock1.clientPort, "the lab runs with fault proxies").not.toBe(lock1.port);
    const witness = await connect(lock1.port);
    clients.push(witness);
    await witness.set(HOT_LOCK, "held-by-the-test", "PX", 60_000);
    await lab.nodes.apply("lock-1", "partition");
    await lab.nodes.apply("lock-2", "crash");
    await lab.nodes.apply("lock-3", "freeze");

    const observer = LockObserver.start(ownPorts(), { lockKey: HOT_LOCK, ...LIMITS });
    try {
      expect(await observer.ready(5000)).toBe(true);
      const busy = block(1200);
      const readings = observer.readingsAt(busy.to);
      const byNode = new Map(readings.map((r) => [r.nodeId, r]));
      const why = JSON.stringify({ busy, readings });

      // Read while this thread could not run: the reading is from the blocked stretch's last tick.
      const one = byNode.get("lock-1")!;
      expect(one, why).toMatchObject({ reachable: true, value: "held-by-the-test", answer: "answered" });
      expect(one.pttlMs, why).toBeGreaterThan(50_000);
      expect(one.sampledAt!, why).toBeGreaterThanOrEqual(busy.to - LIMITS.intervalMs - 50);
      expect(one.ageMs!, why).toBeLessThanOrEqual(LIMITS.lateAfterMs);
      expect(byNode.get("lock-2"), why).toMatchObject({ reachable: false, answer: "refused" });
      // Frozen since before the block: its read timed out on the worker's own clock meanwhile.
      expect(byNode.get("lock-3"), why).toMatchObject({ reachable: false, value: null, answer: "no-answer" });
    } finally {
      await observer.close();
    }
    expect(observer.exited).toBe(true);
  });

  it("in a run whose loop stalls for 600 ms, every frame shows the up node answered, the crashed one refused and the frozen one silent", async () => {
    const s = scenario({
      strategy: "cache-aside",
      lock: "redlock",
      waiters: "poll",
      lockNodes: 3,
      instances: 1,
      durationMs: 3000,
      crowd: { clients: 200, expireAtMs: 800, arrivalMs: 400, patienceMs: 2000 },
      faults: [
        { atMs: 300, node: "lock-1", action: "partition" },
        { atMs: 300, node: "lock-2", action: "crash" },
        { atMs: 300, node: "lock-3", action: "freeze" },
      ],
    });
    let stall: { from: number; to: number } | null = null;
    let stalledFrame: TickFrame | null = null;
    const report = await runScenario(s, {
      nodes: lab.nodes,
      onTick: (frame) => {
        if (stall === null && frame.t >= 1200) {
          stall = block(600);
          stalledFrame = frame;
        }
      },
    });
    const why = digest(report);
    expect(stall, why).not.toBeNull();
    expect(report.runtime.eventLoopLagMaxMs, why).toBeGreaterThanOrEqual(500);

    const frames = report.ticks.filter((f) => f.locks.length > 0);
    const at = (frame: TickFrame, nodeId: string) => frame.locks.find((l) => l.nodeId === nodeId)!;
    // lock-1 is up the whole run (partitioned from the engine only): never a non-answer, never late.
    for (const frame of frames) {
      expect(at(frame, "lock-1").answer, `t = ${frame.t}: ${JSON.stringify(frame.locks)}`).toBe("answered");
      expect(at(frame, "lock-1").ageMs!, `t = ${frame.t}`).toBeLessThanOrEqual(LIMITS.lateAfterMs);
    }
    // The frame that closed just after the stall carries a reading taken during it.
    const after = frames.find((f) => f.t > stalledFrame!.t)!;
    expect(at(after, "lock-1").ageMs!, JSON.stringify(after.locks)).toBeLessThanOrEqual(LIMITS.lateAfterMs);

    // Once the faults have had time to show (the frozen node's silence takes its timeout to tell).
    const settled = frames.filter((f) => f.t >= 300 + LIMITS.noAnswerAfterMs + 2 * s.tickMs);
    expect(settled.length, why).toBeGreaterThan(5);
    for (const frame of settled) {
      expect(at(frame, "lock-2"), `t = ${frame.t}`).toMatchObject({ reachable: false, answer: "refused" });
      expect(at(frame, "lock-3"), `t = ${frame.t}`).toMatchObject({ reachable: false, answer: "no-answer" });
    }
  });
});
