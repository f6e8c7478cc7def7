/** The controller's bookkeeping around runs, on the in-memory node manager (no processes). */
import { describe, expect, it } from "vitest";
import { createFakeNodeManager } from "../gateway/fake-node-manager";
import { LabController } from "./controller";
import type { LogEntry } from "./event-log";
import { scenario } from "./testing/real-lab";

describe("LabController", () => {
  it("logs node events, fault events included, until disposed", async () => {
    const nodes = createFakeNodeManager();
    const log: LogEntry[] = [];
    const lab = new LabController(nodes, { onLog: (entry) => log.push(entry) });
    await nodes.apply("lock-1", "crash");
    await nodes.apply("lock-2", "latency", { ms: 100 });
    expect(log.map((e) => e.text)).toEqual(["lock-1 crash", "lock-2 latency"]);
    expect(log).toMatchObject([
      { kind: "node", event: "changed", node: "lock-1", action: "crash" },
      { kind: "node", event: "changed", node: "lock-2", action: "latency" },
    ]);
    lab.dispose();
    await nodes.apply("lock-1", "start");
    expect(log).toHaveLength(2);
  });

  it("reset heals every path, removes latency and brings crashed and frozen nodes back", async () => {
    const nodes = createFakeNodeManager();
    const lab = new LabController(nodes);
    await nodes.apply("lock-1", "partition", { instances: [2] });
    await nodes.apply("lock-2", "latency", { ms: 300, jitterMs: 20 });
    await nodes.apply("lock-3", "crash");
    await nodes.apply("lock-4", "freeze");
    await lab.resetWorld();
    for (const node of nodes.list()) {
      expect(node.state, node.id).toBe("up");
      expect(node.path, node.id).toEqual({ partitioned: false, latencyMs: 0, jitterMs: 0 });
    }
    expect(lab.history().log.at(-1)).toMatchObject({ kind: "run", event: "world-reset" });
    lab.dispose();
  });

  it("a start that resets the world brings every node back before the run begins, in one log line", async () => {
    const nodes = createFakeNodeManager();
    const log: LogEntry[] = [];
    const statesAtRunning: string[][] = [];
    const lab = new LabController(nodes, {
      onLog: (entry) => log.push(entry),
      onState: (state) => {
        if (state.status === "running") statesAtRunning.push(nodes.list().map((node) => `${node.id}:${node.state}`));
      },
    });
    await nodes.apply("lock-2", "crash");
    await nodes.apply("lock-4", "crash");
    await nodes.apply("lock-3", "latency", { ms: 200 });
    await lab.start(scenario({ durationMs: 2000 }), { presetId: "redlock-holds", beat: 1 }, { resetWorld: true });
    expect(statesAtRunning).toHaveLength(1);
    expect(statesAtRunning[0]!.every((entry) => entry.endsWith(":up"))).toBe(true);
    expect(nodes.get("lock-3").path).toEqual({ partitioned: false, latencyMs: 0, jitterMs: 0 });
    const runLines = log.filter((entry) => entry.kind === "run").map((entry) => entry.text);
    expect(runLines.slice(0, 2)).toEqual([
      "world reset for redlock-holds beat 1: every node up and empty, every path healed, no latency (lock-2 started, lock-3 latency removed, lock-4 started)",
      "run 1 started: redlock-holds, beat 1",
    ]);
    lab.stop();
    lab.dispose();
  });

  it("a start that keeps the world leaves a crashed node down", async () => {
    const nodes = createFakeNodeManager();
    const lab = new LabController(nodes);
    await nodes.apply("lock-2", "crash");
    await lab.start(scenario({ durationMs: 2000 }), { presetId: "redlock-holds", beat: 1 });
    expect(nodes.get("lock-2").state).toBe("crashed");
    lab.stop();
    lab.dispose();
  });

  it("refuses to change a frozen node's persistence for a scenario, saying what to do, and starts nothing", async () => {
    const nodes = createFakeNodeManager();
    const lab = new LabController(nodes);
    await nodes.apply("lock-3", "freeze");
    const wantsAof = scenario({ nodeOptions: { "lock-3": { persistence: "fsync-always" } }, durationMs: 2000 });
    await expect(lab.start(wantsAof)).rejects.toMatchObject({ code: "NODE_FROZEN", message: expect.stringMatching(/thaw it/) });
    expect(lab.current.status).toBe("idle");
    lab.dispose();
  });

  it("refuses at start, with no run begun and no node changed, a scenario that cuts a path on nodes without fault proxies", async () => {
    const fake = createFakeNodeManager();
    // As a manager started with LAB_FAULT_PROXIES=0 lists its nodes: no path to cut.
    const nodes = { ...fake, list: () => fake.list().map(({ path: _path, ...node }) => node) };
    const log: LogEntry[] = [];
    const lab = new LabController(nodes, { onLog: (entry) => log.push(entry) });
    const split = scenario({
      durationMs: 2000,
      nodeOptions: { "lock-3": { persistence: "fsync-always" } },
      faults: [{ atMs: 100, node: "lock-4", action: "partition", instances: [1] }],
    });
    await expect(lab.start(split)).rejects.toMatchObject({ code: "NO_FAULT_PROXIES", message: expect.stringMatching(/LAB_FAULT_PROXIES=1/) });
    expect(lab.current.status).toBe("idle");
    // Refused before the nodes were touched: lock-3 was not switched to AOF for a run that never began.
    expect(fake.get("lock-3").persistence ?? "none").toBe("none");
    expect(log.filter((entry) => entry.kind === "run")).toEqual([]);
    lab.dispose();
  });
});
