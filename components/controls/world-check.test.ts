import { describe, expect, it } from "vitest";
import type { WireNode } from "@/lib/protocol";
import { parseScenario, type Scenario, type ScenarioInput } from "@/lib/scenario";
import { describeDownNodes, nodesUsedBy, startWarningText, unaskedDownNodes } from "./world-check";

function scenario(input: ScenarioInput): Scenario {
  const parsed = parseScenario(input);
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => `${i.field}: ${i.message}`).join("; "));
  return parsed.scenario;
}

function lab(states: Partial<Record<string, WireNode["state"]>>): WireNode[] {
  return ["cache", "lock-1", "lock-2", "lock-3", "lock-4", "lock-5"].map((id, i) => ({
    id: id as WireNode["id"],
    role: id === "cache" ? "cache" : "lock",
    mode: "spawned",
    host: "127.0.0.1",
    port: 7100 + i,
    clientPort: 7100 + i,
    pid: states[id] === "crashed" ? null : 1000 + i,
    state: states[id] ?? "up",
    since: 0,
  }));
}

describe("the world check before a builder run", () => {
  it("names the nodes a Redlock run needs that are down, in the lab's order", () => {
    const nodes = lab({ "lock-4": "crashed", "lock-2": "crashed" });
    const ids = unaskedDownNodes(scenario({ lock: "redlock" }), nodes);
    expect(ids).toEqual(["lock-2", "lock-4"]);
    expect(describeDownNodes(ids, nodes)).toBe("lock-2, lock-4 are down");
    expect(startWarningText(ids, nodes)).toBe("lock-2, lock-4 are down — the scenario does not take them down itself");
    expect(startWarningText(["lock-2"], nodes)).toBe("lock-2 is down — the scenario does not take it down itself");
  });

  it("says frozen when every named node is frozen", () => {
    const nodes = lab({ "lock-3": "frozen" });
    expect(describeDownNodes(unaskedDownNodes(scenario({ lock: "redlock" }), nodes), nodes)).toBe("lock-3 is frozen");
  });

  it("warns of nothing when every node is up", () => {
    expect(unaskedDownNodes(scenario({ lock: "redlock" }), lab({}))).toEqual([]);
  });

  it("ignores lock nodes the lock mode does not use", () => {
    const nodes = lab({ "lock-2": "crashed", "lock-5": "frozen" });
    expect(nodesUsedBy(scenario({ lock: "none" }))).toEqual(["cache"]);
    expect(unaskedDownNodes(scenario({ lock: "none" }), nodes)).toEqual([]);
    expect(unaskedDownNodes(scenario({ lock: "local" }), nodes)).toEqual([]);
    expect(unaskedDownNodes(scenario({ lock: "single-redis" }), nodes)).toEqual([]);
    expect(unaskedDownNodes(scenario({ lock: "single-redis" }), lab({ "lock-1": "crashed" }))).toEqual(["lock-1"]);
    // Beyond lockNodes: not part of this run's majority.
    expect(unaskedDownNodes(scenario({ lock: "redlock", lockNodes: 3 }), nodes)).toEqual(["lock-2"]);
  });

  it("always counts the cache node", () => {
    expect(unaskedDownNodes(scenario({ lock: "none" }), lab({ cache: "crashed" }))).toEqual(["cache"]);
  });

  it("does not warn of a node the scenario itself takes down at t = 0, but does of one it takes down later", () => {
    const nodes = lab({ "lock-2": "crashed", "lock-4": "crashed" });
    const atStart = scenario({
      lock: "redlock",
      faults: [
        { atMs: 0, node: "lock-2", action: "crash" },
        { atMs: 2000, node: "lock-4", action: "crash" },
      ],
    });
    expect(unaskedDownNodes(atStart, nodes)).toEqual(["lock-4"]);
  });
});
