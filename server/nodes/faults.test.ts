import { describe, expect, it, vi } from "vitest";
import { NodeEventHub, faultEvent, nodeEvent } from "./events";
import { checkFaultOptions, isFaultAction } from "./faults";
import { createNodeManager, nodeManagerOptionsFromEnv, supportsFaults } from "./manager";
import { resolveOptions } from "./options";
import { redisServerArgs } from "./redis-process";
import { faultRefusal } from "./transitions";
import type { NodeFaultAction, NodeManager, NodeState } from "./types";

const env = (vars: Record<string, string>) => vars as unknown as NodeJS.ProcessEnv;

describe("checkFaultOptions", () => {
  it("applies defaults and keeps only what each action reads", () => {
    expect(checkFaultOptions("lock-1", "partition")).toEqual({ ms: 0, jitterMs: 0, delayedRestartMs: 0 });
    expect(checkFaultOptions("lock-1", "partition", { instances: [3, 1, 3] })).toMatchObject({ instances: [1, 3] });
    expect(checkFaultOptions("lock-1", "latency", { ms: 200 })).toMatchObject({ ms: 200, jitterMs: 0 });
    expect(checkFaultOptions("lock-1", "latency", { ms: 0 })).toMatchObject({ ms: 0 });
    expect(checkFaultOptions("lock-1", "restart")).toMatchObject({ delayedRestartMs: 0 });
    expect(checkFaultOptions("lock-1", "restart", { delayedRestartMs: 5000, ms: 9 })).toMatchObject({ delayedRestartMs: 5000, ms: 0 });
    expect(checkFaultOptions("lock-1", "clock-jump", { ms: 2500 })).toMatchObject({ ms: 2500 });
  });

  it.each([
    ["latency", {}],
    ["latency", { ms: -1 }],
    ["latency", { ms: 100, jitterMs: Number.NaN }],
    ["latency", { ms: 100, instances: [1] }],
    ["clock-jump", {}],
    ["clock-jump", { ms: 0 }],
    ["restart", { delayedRestartMs: 10_000_000 }],
    ["partition", { instances: [] }],
    ["heal", { instances: [1.5] }],
    ["partition", { instances: [65] }],
  ] as [NodeFaultAction, object][])("refuses %s with %j as BAD_FAULT_OPTIONS", (action, options) => {
    expect(() => checkFaultOptions("lock-2", action, options)).toThrowError(
      expect.objectContaining({ code: "BAD_FAULT_OPTIONS", message: expect.stringMatching(new RegExp(`^Cannot ${action} lock-2: `)) }),
    );
  });

  it("tells fault actions from process actions", () => {
    expect(["partition", "heal", "latency", "restart", "clock-jump"].every(isFaultAction)).toBe(true);
    expect(["crash", "start", "freeze", "thaw", "pause"].some(isFaultAction)).toBe(false);
  });
});

describe("faultRefusal", () => {
  const states: NodeState[] = ["up", "frozen", "crashed", "starting"];
  const allowed: Record<NodeFaultAction, NodeState[]> = {
    partition: states,
    heal: states,
    latency: states,
    restart: ["up", "frozen"],
    "clock-jump": ["up"],
  };
  for (const [action, ok] of Object.entries(allowed) as [NodeFaultAction, NodeState[]][]) {
    for (const state of states) {
      it(`${ok.includes(state) ? "allows" : "refuses"} ${action} when ${state}`, () => {
        const refusal = faultRefusal("lock-3", state, state === "crashed" ? null : 7, action);
        if (ok.includes(state)) expect(refusal).toBeNull();
        else expect(refusal).toMatch(new RegExp(`^Cannot ${action} lock-3: `));
      });
    }
  }
});

describe("NodeEventHub", () => {
  it("gives onEvent listeners process events only, and onAll listeners everything", () => {
    const hub = new NodeEventHub();
    const process = vi.fn();
    const all = vi.fn();
    hub.on(process);
    const off = hub.onAll(all);
    const data = { nodeId: "lock-1" as const, atMs: 1, state: "up" as const, pid: 1 };
    hub.emit(nodeEvent("node:crash", data));
    hub.emit(faultEvent("node:partition", { ...data, path: { partitioned: [1], latencyMs: 0, jitterMs: 0 } }));
    expect(process.mock.calls.map(([event]) => event.name)).toEqual(["node:crash"]);
    expect(all.mock.calls.map(([event]) => event.name)).toEqual(["node:crash", "node:partition"]);
    off();
    hub.emit(faultEvent("node:heal", data));
    expect(all).toHaveBeenCalledTimes(2);
  });
});

describe("fault options of the manager", () => {
  it("default to no proxies and no persistence", () => {
    expect(resolveOptions({})).toMatchObject({ faultProxies: false });
    expect(resolveOptions({}).persistence.size).toBe(0);
  });

  it("take persistence per node and refuse unknown nodes, modes, and persistence on attached nodes", () => {
    const resolved = resolveOptions({ lockNodes: 3, nodeOptions: { "lock-3": { persistence: "fsync-always" }, cache: { persistence: "none" } } });
    expect([...resolved.persistence]).toEqual([
      ["lock-3", "fsync-always"],
      ["cache", "none"],
    ]);
    expect(() => resolveOptions({ lockNodes: 2, nodeOptions: { "lock-3": { persistence: "fsync-always" } } })).toThrowError(
      expect.objectContaining({ code: "BAD_CONFIG" }),
    );
    expect(() => resolveOptions({ nodeOptions: { "lock-1": { persistence: "everysec" as "none" } } })).toThrowError(
      expect.objectContaining({ code: "BAD_CONFIG", message: expect.stringMatching(/"none" or "fsync-always"/) }),
    );
    expect(() =>
      resolveOptions({
        attach: { cacheUrl: "redis://h:1", lockUrls: ["redis://h:2"] },
        nodeOptions: { "lock-1": { persistence: "fsync-always" } },
      }),
    ).toThrowError(expect.objectContaining({ code: "BAD_CONFIG" }));
  });

  it("reads LAB_FAULT_PROXIES", () => {
    expect(nodeManagerOptionsFromEnv(env({ LAB_FAULT_PROXIES: "1" }))).toEqual({ faultProxies: true });
    expect(nodeManagerOptionsFromEnv(env({ LAB_FAULT_PROXIES: "false" }))).toEqual({ faultProxies: false });
    expect(nodeManagerOptionsFromEnv(env({}))).toEqual({});
    expect(() => nodeManagerOptionsFromEnv(env({ LAB_FAULT_PROXIES: "yes please" }))).toThrowError(expect.objectContaining({ code: "BAD_CONFIG" }));
  });

  it("spawns a persistent node with an fsynced AOF, and the others without any persistence", () => {
    expect(redisServerArgs("127.0.0.1", 7000, "/d").join(" ")).toContain("--appendonly no");
    const args = redisServerArgs("127.0.0.1", 7000, "/d", "fsync-always").join(" ");
    expect(args).toContain("--appendonly yes --appendfsync always");
    expect(args).toContain('--save ');
  });

  it("supportsFaults tells the real manager from a plain NodeManager", () => {
    expect(supportsFaults(createNodeManager())).toBe(true);
    const plain = { start: async () => {}, list: () => [], get: () => ({}), apply: async () => ({}), onEvent: () => () => {}, stop: async () => {} };
    expect(supportsFaults(plain as unknown as NodeManager)).toBe(false);
  });

  it("refuses faults and instance ports before start()", async () => {
    const manager = createNodeManager({ faultProxies: true });
    await expect(manager.apply("lock-1", "partition")).rejects.toMatchObject({ code: "NOT_STARTED" });
    await expect(manager.clientPortFor("lock-1", 1)).rejects.toMatchObject({ code: "NOT_STARTED" });
  });
});
