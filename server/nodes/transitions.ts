import type { NodeAction, NodeFaultAction, NodeId, NodeState } from "./types";

/**
 * Which faults a spawned node accepts in each state: why `action` cannot run now, or null when it
 * can. The message is shown to the user as is, so it says what to do instead.
 */
export function transitionRefusal(id: NodeId, state: NodeState, pid: number | null, action: NodeAction): string | null {
  switch (state) {
    case "up":
      if (action === "start") return `Cannot start ${id}: it is already up (pid ${pid}). Crash it first to restart it empty.`;
      if (action === "thaw") return `Cannot thaw ${id}: it is up, not frozen.`;
      return null;
    case "frozen":
      if (action === "start") return `Cannot start ${id}: it is frozen (pid ${pid}), not down. Thaw it, or crash it first.`;
      if (action === "freeze") return `Cannot freeze ${id}: it is already frozen (pid ${pid}).`;
      return null;
    case "crashed":
      if (action === "start") return null;
      return `Cannot ${action} ${id}: it is crashed (no process). Start it first.`;
    case "starting":
      return `Cannot ${action} ${id}: it is still starting.`;
    default:
      return exhaustive(state);
  }
}

/**
 * The same for the faults of issue 5. Path faults (partition, heal, latency) act on the proxy, not
 * the process, so every state takes them; restart needs a process to kill, clock-jump one that answers.
 */
export function faultRefusal(id: NodeId, state: NodeState, pid: number | null, action: NodeFaultAction): string | null {
  switch (action) {
    case "partition":
    case "heal":
    case "latency":
      return null;
    case "restart":
      if (state === "up" || state === "frozen") return null;
      if (state === "crashed") return `Cannot restart ${id}: it is crashed (no process). Start it instead.`;
      return `Cannot restart ${id}: it is still starting.`;
    case "clock-jump":
      if (state === "up") return null;
      if (state === "frozen") return `Cannot clock-jump ${id}: it is frozen (pid ${pid}) and cannot run the script. Thaw it first.`;
      if (state === "crashed") return `Cannot clock-jump ${id}: it is crashed (no process, no lock keys). Start it first.`;
      return `Cannot clock-jump ${id}: it is still starting.`;
    default:
      return exhaustive(action);
  }
}

function exhaustive(value: never): never {
  throw new Error(`unhandled node state: ${String(value)}`);
}
