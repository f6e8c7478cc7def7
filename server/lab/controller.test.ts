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
