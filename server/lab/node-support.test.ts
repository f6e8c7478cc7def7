import { describe, expect, it } from "vitest";
import type { NodeStatus } from "../nodes/types";
import { assertNodesCanRun, isPathFault } from "./node-support";
import { scenario } from "./testing/real-lab";

const node = (id: NodeStatus["id"], extra: Partial<NodeStatus> = {}): NodeStatus => ({
  id,
  role: id === "cache" ? "cache" : "lock",
  mode: "spawned",
  host: "127.0.0.1",
  port: 7101,
  clientPort: 7101,
  pid: 1,
  state: "up",
  since: 0,
  ...extra,
});
const open = { partitioned: false, latencyMs: 0, jitterMs: 0 } as const;

describe("assertNodesCanRun", () => {
  it("takes partition, heal and latency as path faults, and nothing else", () => {
    expect(["partition", "heal", "latency"].map(isPathFault)).toEqual([true, true, true]);
    expect(["crash", "start", "freeze", "thaw", "restart", "clock-jump", "pause"].some(isPathFault)).toBe(false);
  });

  it("refuses each path fault on a node with no fault proxy, naming the fault and the fix", () => {
    for (const fault of [
      { atMs: 0, node: "lock-2", action: "partition" },
      { atMs: 0, node: "lock-2", action: "heal" },
      { atMs: 0, node: "lock-2", action: "latency", ms: 100 },
    ] as const) {
      const s = scenario({ faults: [{ ...fault }] });
      expect(() => assertNodesCanRun(s, [node("lock-2")])).toThrow(
        expect.objectContaining({ code: "NO_FAULT_PROXIES", message: expect.stringContaining(`"${fault.action} lock-2" needs a fault proxy`) }),
      );
      expect(() => assertNodesCanRun(s, [node("lock-2", { path: open })])).not.toThrow();
    }
  });

  it("lets node faults that need no proxy through, and refuses persistence the node lacks", () => {
    const restart = scenario({ faults: [{ atMs: 0, node: "lock-2", action: "restart" }] });
    expect(() => assertNodesCanRun(restart, [node("lock-2")])).not.toThrow();
    const aof = scenario({ nodeOptions: { "lock-3": { persistence: "fsync-always" } } });
    expect(() => assertNodesCanRun(aof, [node("lock-3")])).toThrow(expect.objectContaining({ code: "NODE_OPTIONS_MISMATCH" }));
    expect(() => assertNodesCanRun(aof, [node("lock-3", { persistence: "fsync-always" })])).not.toThrow();
  });
});
