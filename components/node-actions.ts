/** Which fault buttons make sense in which state; the server stays the authority and may still refuse. */
import type { NodeActionCommand, WireNode, WireNodeAction, WireNodeId, WireNodePath, WireNodeProcessAction, WireNodeState } from "@/lib/protocol";

/** The node's own process: crash, start, freeze, thaw — the buttons always shown in its row. */
export function availableActions(state: WireNodeState): readonly WireNodeProcessAction[] {
  switch (state) {
    case "up":
      return ["crash", "freeze"];
    case "frozen":
      return ["thaw", "crash"];
    case "crashed":
      return ["start"];
    case "starting":
      return [];
    default:
      return unreachable(state);
  }
}

/** Tooltips: what each button really does to the process, or to the engine's path to it. */
export const ACTION_HELP: Record<WireNodeAction, string> = {
  crash: "Kill the redis-server process. Its data is lost; it stays down until you start it.",
  start: "Start a fresh, empty redis-server on the same port.",
  freeze: "Pause the process (SIGSTOP): alive, but it answers nothing.",
  thaw: "Resume the paused process (SIGCONT).",
  partition:
    "Cut the engine's path to the node at its fault proxy: connections dropped, new ones held unanswered. The node keeps running with its data; its own port still answers.",
  heal: "Open the engine's path to the node again (every instance).",
  latency: "Delay every byte through the node's fault proxy: slower votes, so less validity left after acquiring.",
  restart:
    "Crash the process and start it again: empty, unless the node runs with fsync-always persistence. A delay keeps it down at least that long (antirez's fix: at least the lock TTL).",
  "clock-jump":
    "SIMULATED: cuts the TTL of this node's lock keys by the given ms, as a clock running ahead would. Redis's own clock is not moved.",
};

/** The faults of the safety lab, offered in the row's fault panel. */
export const PANEL_FAULTS = ["partition", "heal", "latency", "restart", "clock-jump"] as const;
export type PanelFault = (typeof PANEL_FAULTS)[number];

/** Whether a panel fault applies now; `why` says why not (a tooltip). Also "remove latency". */
export type FaultAvailability = Record<PanelFault | "unlatency", { enabled: boolean; why?: string }>;

/**
 * What the fault panel offers a node in its state. Stricter than the server where a fault would
 * be pointless (a crashed node answers nothing, so cutting its path shows nothing); undoing a fault
 * (heal, remove latency) is always offered while there is something to undo.
 */
export function faultAvailability(node: WireNode): FaultAvailability {
  const { id, state, path } = node;
  const noPath = "This lab runs without fault proxies (LAB_FAULT_PROXIES=0): nothing sits between the engine and the node to cut or slow.";
  const starting = `${id} is still starting.`;
  const on = { enabled: true } as const;
  const off = (why: string) => ({ enabled: false, why });

  const pathFault = (): { enabled: boolean; why?: string } =>
    !path ? off(noPath) : state === "crashed" ? off(`${id} is crashed: nothing answers on it anyway. Start it first.`) : state === "starting" ? off(starting) : on;

  const restart =
    node.mode === "attached"
      ? off(`${id} is attached: the lab does not own its process.`)
      : state === "up" || state === "frozen"
        ? on
        : state === "crashed"
          ? off(`${id} is crashed: start it instead.`)
          : off(starting);

  const clockJump =
    state === "up"
      ? on
      : state === "frozen"
        ? off(`${id} is frozen: it cannot run the script that cuts its TTLs. Thaw it first.`)
        : state === "crashed"
          ? off(`${id} is crashed: no process, no lock keys. Start it first.`)
          : off(starting);

  return {
    partition: pathFault(),
    heal: !path ? off(noPath) : path.partitioned === false ? off(`The engine's path to ${id} is open: nothing to heal.`) : on,
    latency: pathFault(),
    unlatency: !path ? off(noPath) : hasLatency(path) ? on : off(`No latency on ${id}'s path.`),
    restart,
    "clock-jump": clockJump,
  };
}

export function hasLatency(path: WireNodePath): boolean {
  return path.latencyMs > 0 || path.jitterMs > 0;
}

/** What the fault panel's inputs hold (text, as typed). */
export interface FaultForm {
  /** Engine instances to cut off; empty = the whole node. */
  instances: number[];
  latencyMs: string;
  jitterMs: string;
  delayedRestartMs: string;
  clockJumpMs: string;
}

export const DEFAULT_FAULT_FORM: FaultForm = { instances: [], latencyMs: "300", jitterMs: "50", delayedRestartMs: "0", clockJumpMs: "5000" };

/**
 * The command a panel button sends, with exactly the options its fault takes (the server refuses
 * any other), or the reason the inputs cannot make one. "unlatency" removes latency (ms 0).
 */
export function faultCommand(nodeId: WireNodeId, fault: PanelFault | "unlatency", form: FaultForm): { command: NodeActionCommand } | { error: string } {
  switch (fault) {
    case "partition":
      return { command: form.instances.length > 0 ? { nodeId, action: "partition", instances: sorted(form.instances) } : { nodeId, action: "partition" } };
    case "heal":
      return { command: { nodeId, action: "heal" } };
    case "latency": {
      const ms = msOf(form.latencyMs, "latency", 0);
      if (typeof ms === "string") return { error: ms };
      const jitterMs = form.jitterMs.trim() === "" ? 0 : msOf(form.jitterMs, "jitter", 0);
      if (typeof jitterMs === "string") return { error: jitterMs };
      return { command: { nodeId, action: "latency", ms, jitterMs } };
    }
    case "unlatency":
      return { command: { nodeId, action: "latency", ms: 0, jitterMs: 0 } };
    case "restart": {
      const delayedRestartMs = form.delayedRestartMs.trim() === "" ? 0 : msOf(form.delayedRestartMs, "the restart delay", 0);
      if (typeof delayedRestartMs === "string") return { error: delayedRestartMs };
      return { command: delayedRestartMs > 0 ? { nodeId, action: "restart", delayedRestartMs } : { nodeId, action: "restart" } };
    }
    case "clock-jump": {
      const ms = msOf(form.clockJumpMs, "the clock jump", 1);
      if (typeof ms === "string") return { error: ms };
      return { command: { nodeId, action: "clock-jump", ms } };
    }
    default:
      return unreachable(fault);
  }
}

/** A whole number of ms ≥ `min`, or what is wrong with the text. */
function msOf(text: string, what: string, min: number): number | string {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return `Give ${what} as a whole number of milliseconds${min > 0 ? `, at least ${min}` : ""}.`;
  const value = Number(trimmed);
  if (value < min) return `Give ${what} as at least ${min} ms.`;
  return value;
}

function sorted(list: number[]): number[] {
  return [...new Set(list)].sort((a, b) => a - b);
}

/** The node's path and persistence as short badges: "partitioned", "cut off from instance 2", "+300 ms ±50", "fsync-always". */
export function nodeBadges(node: WireNode): Array<{ kind: "partition" | "latency" | "persistence"; text: string; help: string }> {
  const out: Array<{ kind: "partition" | "latency" | "persistence"; text: string; help: string }> = [];
  const path = node.path;
  if (path && path.partitioned === true) {
    out.push({ kind: "partition", text: "partitioned", help: "The engine cannot reach this node: its fault proxy drops and holds every connection. The node runs on with its data." });
  } else if (path && Array.isArray(path.partitioned) && path.partitioned.length > 0) {
    const list = path.partitioned;
    out.push({
      kind: "partition",
      text: `cut off from instance${list.length > 1 ? "s" : ""} ${list.join(", ")}`,
      help: `Engine instance${list.length > 1 ? "s" : ""} ${list.join(", ")} cannot reach this node; the other instances (and the observer) still do.`,
    });
  }
  if (path && hasLatency(path)) {
    out.push({
      kind: "latency",
      text: `+${path.latencyMs} ms${path.jitterMs > 0 ? ` ±${path.jitterMs}` : ""}`,
      help: `Every command to this node is delayed by ${path.latencyMs} ms${path.jitterMs > 0 ? ` ± ${path.jitterMs} ms` : ""} on the engine's path.`,
    });
  }
  if (node.persistence === "fsync-always") {
    out.push({ kind: "persistence", text: "fsync-always", help: "appendonly yes, appendfsync always: every write reaches the disk before the answer, so a restart brings the keys back." });
  }
  return out;
}

function unreachable(value: never): never {
  throw new Error(`unexpected value: ${String(value)}`);
}
