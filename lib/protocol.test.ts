/** The page's node commands are checked exactly as a scenario's faults are. */
import { describe, expect, it } from "vitest";
import { instancePauseCommandSchema, NODE_ACTIONS, nodeActionCommandSchema, wireNodeEventSchema } from "./protocol";
import { NODE_FAULT_ACTIONS } from "./scenario";

const issues = (input: unknown) => {
  const parsed = nodeActionCommandSchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
};

describe("node:action commands", () => {
  it("takes every action a scenario fault takes", () => {
    expect(NODE_ACTIONS).toEqual(NODE_FAULT_ACTIONS);
  });

  it.each([
    [{ nodeId: "lock-1", action: "crash" }],
    [{ nodeId: "cache", action: "restart" }],
    [{ nodeId: "lock-2", action: "restart", delayedRestartMs: 8000 }],
    [{ nodeId: "lock-3", action: "partition" }],
    [{ nodeId: "lock-3", action: "partition", instances: [1, 3] }],
    [{ nodeId: "lock-3", action: "heal", instances: [1] }],
    [{ nodeId: "lock-4", action: "latency", ms: 300, jitterMs: 50 }],
    [{ nodeId: "lock-4", action: "latency", ms: 0 }],
    [{ nodeId: "lock-5", action: "clock-jump", ms: 8000 }],
  ])("accepts %j", (command) => {
    expect(issues(command)).toEqual([]);
  });

  it.each([
    [{ nodeId: "lock-1", action: "crash", ms: 5 }, /^ms: "ms" does not apply to crash/],
    [{ nodeId: "lock-1", action: "latency" }, /^ms: latency needs "ms"/],
    [{ nodeId: "lock-1", action: "clock-jump" }, /^ms: clock-jump needs "ms"/],
    [{ nodeId: "lock-1", action: "clock-jump", ms: 0 }, /^ms: a clock jump of 0 ms changes nothing/],
    [{ nodeId: "lock-1", action: "restart", jitterMs: 5 }, /^jitterMs: "jitterMs" does not apply to restart/],
    [{ nodeId: "lock-1", action: "latency", ms: 10, instances: [1] }, /^instances: "instances" does not apply to latency/],
    [{ nodeId: "lock-1", action: "partition", instances: [2, 2] }, /^instances: each instance may be named once/],
    [{ nodeId: "lock-1", action: "partition", instances: [] }, /^instances: /],
    [{ nodeId: "lock-1", action: "latency", ms: -1 }, /^ms: /],
    [{ nodeId: "lock-1", action: "latency", ms: 1.5 }, /^ms: /],
    [{ nodeId: "lock-1", action: "sneeze" }, /^action: /],
    [{ nodeId: "lock-0", action: "crash" }, /^nodeId: /],
    [{ nodeId: "lock-1", action: "crash", extra: true }, /extra/],
  ])("refuses %j, naming the field", (command, expected) => {
    expect(issues(command).join("; ")).toMatch(expected);
  });
});

describe("node events on the wire", () => {
  it("names the fault events and carries the path", () => {
    const event = {
      name: "node:partition",
      data: { nodeId: "lock-2", atMs: 1, state: "up", pid: 42, detail: "cut", path: { partitioned: [1, 2], latencyMs: 0, jitterMs: 0 } },
    };
    expect(wireNodeEventSchema.parse(event)).toEqual(event);
    expect(wireNodeEventSchema.safeParse({ ...event, name: "node:sneeze" }).success).toBe(false);
  });
});

describe("instance:pause", () => {
  it("takes an instance and a pause in ms, by the scenario's own rules, and nothing else", () => {
    expect(instancePauseCommandSchema.parse({ instance: 2, ms: 2500 })).toEqual({ instance: 2, ms: 2500 });
    for (const bad of [{ instance: 0, ms: 100 }, { instance: 17, ms: 100 }, { instance: 1, ms: 0 }, { instance: 1, ms: 1.5 }, { instance: 1 }, { instance: 1, ms: 100, node: "lock-1" }]) {
      expect(instancePauseCommandSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
