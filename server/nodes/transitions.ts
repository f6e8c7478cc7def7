import type { NodeAction, NodeId, NodeState } from "./types";

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

function exhaustive(value: never): never {
  throw new Error(`unhandled node state: ${String(value)}`);
}
