/**
 * Before a run from the builder (which keeps the world as the last run left it): which nodes the
 * scenario needs are down although it did not ask for them to be. Start then warns instead of
 * starting, so a crash left behind by the last story cannot quietly decide the next run.
 */
import type { WireNode } from "@/lib/protocol";
import type { Scenario } from "@/lib/scenario";

/**
 * The nodes a run of this scenario talks to: the cache node always; lock nodes as its lock mode uses
 * them — none for "none" and "local" (in-process), lock-1 for "single-redis", lock-1…lockNodes for
 * Redlock. A node beyond these may be down without changing the run.
 */
export function nodesUsedBy(scenario: Scenario): string[] {
  const locks =
    scenario.lock === "redlock" ? scenario.lockNodes : scenario.lock === "single-redis" ? 1 : 0;
  return ["cache", ...Array.from({ length: locks }, (_, i) => `lock-${i + 1}`)];
}

/**
 * Ids of nodes the scenario uses that are crashed or frozen now, in the lab's order, except those
 * its own faults crash or freeze at t = 0: a scenario that starts with a node down asked for it.
 * A fault later in the run expects the node up until then, so it does not excuse it.
 */
export function unaskedDownNodes(scenario: Scenario, nodes: readonly WireNode[]): string[] {
  const used = new Set(nodesUsedBy(scenario));
  const askedDown = new Set(
    scenario.faults.flatMap((fault) =>
      "node" in fault && fault.atMs === 0 && (fault.action === "crash" || fault.action === "freeze") ? [fault.node as string] : [],
    ),
  );
  return nodes
    .filter((node) => used.has(node.id) && (node.state === "crashed" || node.state === "frozen") && !askedDown.has(node.id))
    .map((node) => node.id);
}

/** "lock-2, lock-4 are down — the scenario does not take them down itself": the warning's words. */
export function startWarningText(ids: readonly string[], nodes: readonly WireNode[]): string {
  return `${describeDownNodes(ids, nodes)} — the scenario does not take ${ids.length === 1 ? "it" : "them"} down itself`;
}

/** "lock-2, lock-4 are down" / "lock-2 is frozen". */
export function describeDownNodes(ids: readonly string[], nodes: readonly WireNode[]): string {
  const states = new Set(ids.map((id) => nodes.find((node) => node.id === id)?.state));
  const word = states.size === 1 && states.has("frozen") ? "frozen" : "down";
  return `${ids.join(", ")} ${ids.length === 1 ? "is" : "are"} ${word}`;
}
