/**
 * Maps the node manager's types onto the wire types of lib/protocol.ts. The two look alike today;
 * keeping the mapping explicit means a server-side change cannot silently change the protocol.
 */
import type { WireNode, WireNodeEvent, WireNodeState } from "../../lib/protocol";
import type { NodeEvent, NodeState, NodeStatus } from "../nodes/types";

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
  };
}

export function toWireNodeEvent(event: NodeEvent): WireNodeEvent {
  const { nodeId, atMs, state, pid, detail } = event.data;
  return {
    name: event.name,
    data: { nodeId, atMs, state: toWireState(state), pid, ...(detail === undefined ? {} : { detail }) },
  };
}

function unreachable(value: never): never {
  throw new Error(`unexpected value: ${String(value)}`);
}
