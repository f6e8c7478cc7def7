import type { Scenario } from "../../lib/scenario";
import { LabError } from "../core/errors";
import type { NodeStatus } from "../nodes/types";

/** Faults that act on the engine's path to a node, at its fault proxy. */
export function isPathFault(action: string): boolean {
  return action === "partition" || action === "heal" || action === "latency";
}

/**
 * Refuses a scenario the running nodes cannot carry out — a path fault on a node with no fault
 * proxy, node options the node was not started with — so a caller can say no before a run begins
 * rather than fail it part-way.
 */
export function assertNodesCanRun(scenario: Pick<Scenario, "faults" | "nodeOptions">, nodes: readonly NodeStatus[]): void {
  assertPathsCanBeCut(scenario, nodes);
  for (const [id, wanted] of Object.entries(scenario.nodeOptions)) {
    const node = nodes.find((n) => n.id === id);
    const has = node?.persistence ?? "none";
    if (node && has !== wanted.persistence) {
      throw new LabError(
        "NODE_OPTIONS_MISMATCH",
        `the scenario wants ${id} with persistence "${wanted.persistence}", but the lab's ${id} runs with "${has}": restart the lab's nodes with these nodeOptions`,
      );
    }
  }
}

/** Refuses a path fault (partition, heal, latency) on a node with no fault proxy in front of it. */
export function assertPathsCanBeCut(scenario: Pick<Scenario, "faults">, nodes: readonly NodeStatus[]): void {
  for (const fault of scenario.faults) {
    if (!("node" in fault) || !isPathFault(fault.action)) continue;
    const node = nodes.find((n) => n.id === fault.node);
    if (node && node.path === undefined) {
      throw new LabError(
        "NO_FAULT_PROXIES",
        `the scenario's fault "${fault.action} ${fault.node}" needs a fault proxy in front of ${fault.node}, but the lab's nodes run without them: restart the lab with LAB_FAULT_PROXIES=1`,
      );
    }
  }
}
