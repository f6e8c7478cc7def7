/**
 * Maps the node manager's types onto the wire types of lib/protocol.ts. The two look alike today;
 * keeping the mapping explicit means a server-side change cannot silently change the protocol.
 */
import type { WireNode, WireNodeEvent, WireNodePath, WireNodeState } from "../../lib/protocol";
import type { LabNodeEvent, NodePath, NodeState, NodeStatus } from "../nodes/types";

/** Exhaustive: a new server-side state fails to compile here until the protocol learns it. */
export function toWireState(state: NodeState): WireNodeState {
  switch (state) {
    case "starting":
    case "up":
    case "crashed":
    case "frozen":
      return state;
    default:
      return unreachable(state);
  }
}

function toWirePath(path: NodePath): WireNodePath {
  return {
    partitioned: Array.isArray(path.partitioned) ? [...path.partitioned] : path.partitioned,
    latencyMs: path.latencyMs,
    jitterMs: path.jitterMs,
  };
}

export function toWireNode(status: NodeStatus): WireNode {
  return {
    id: status.id,
    role: status.role,
    mode: status.mode,
    host: status.host,
    port: status.port,
    clientPort: status.clientPort,
    pid: status.pid,
    state: toWireState(status.state),
    since: status.since,
    ...(status.path ? { path: toWirePath(status.path) } : {}),
    ...(status.persistence ? { persistence: status.persistence } : {}),
  };
}

export function toWireNodeEvent(event: LabNodeEvent): WireNodeEvent {
  const { nodeId, atMs, state, pid, detail } = event.data;
  const path = "path" in event.data ? event.data.path : undefined;
  return {
    name: event.name,
    data: {
      nodeId,
      atMs,
      state: toWireState(state),
      pid,
      ...(detail === undefined ? {} : { detail }),
      ...(path === undefined ? {} : { path: toWirePath(path) }),
    },
  };
}

function unreachable(value: never): never {
  throw new Error(`unexpected value: ${String(value)}`);
}
