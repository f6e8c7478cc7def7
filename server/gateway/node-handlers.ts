/** Socket handlers for node actions: the page's crash / start / freeze / thaw and fault buttons land here. */
import type { Socket } from "socket.io";
import {
  NODE_PROCESS_ACTIONS,
  nodeActionCommandSchema,
  type ClientToServerEvents,
  type NodeActionCommand,
  type ServerToClientEvents,
  type WireNodeProcessAction,
} from "../../lib/protocol";
import { LabError } from "../core/errors";
import { supportsFaults } from "../nodes/manager";
import { NodeErrorCode } from "../nodes/node-errors";
import type { NodeFaultOptions, NodeManager, NodeStatus } from "../nodes/types";
import { command, type CommandGate, type CommandLogger } from "./command";
import { toWireNode } from "./wire";

export type LabSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

/** `gate` decides per connection whether it may act at all (see access.ts); none lets everything through. */
export function registerNodeHandlers(socket: LabSocket, nodes: NodeManager, log?: CommandLogger, gate?: CommandGate): void {
  socket.on(
    "node:action",
    command(
      "node:action",
      nodeActionCommandSchema,
      async (request) => {
        // A well-formed id for a node this lab does not have (lock-9 with 5 lock nodes) is the
        // client's mistake, not the manager's: answer it here with the ids that do exist.
        const known = nodes.list().map((node) => node.id);
        if (!known.includes(request.nodeId)) {
          throw new LabError(NodeErrorCode.UnknownNode, `No node "${request.nodeId}" in this lab (nodes: ${known.join(", ")}).`);
        }
        return toWireNode(await applyNodeAction(nodes, request));
      },
      log,
      gate,
    ),
  );
}

function isProcessAction(action: string): action is WireNodeProcessAction {
  return (NODE_PROCESS_ACTIONS as readonly string[]).includes(action);
}

/** Process actions go to any manager; the safety lab's faults only to one that takes them. */
export function applyNodeAction(nodes: NodeManager, { nodeId, action, ms, jitterMs, delayedRestartMs, instances }: NodeActionCommand): Promise<NodeStatus> {
  if (isProcessAction(action)) return nodes.apply(nodeId, action);
  if (!supportsFaults(nodes)) {
    throw new LabError(NodeErrorCode.NoFaultProxy, `This lab's node manager cannot ${action} a node: start the lab with its own spawned nodes (npm run dev).`);
  }
  const options: NodeFaultOptions = {
    ...(ms === undefined ? {} : { ms }),
    ...(jitterMs === undefined ? {} : { jitterMs }),
    ...(delayedRestartMs === undefined ? {} : { delayedRestartMs }),
    ...(instances === undefined ? {} : { instances }),
  };
  return nodes.apply(nodeId, action, options);
}
