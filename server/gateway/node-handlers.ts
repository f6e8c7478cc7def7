/** Socket handlers for node faults: the page's crash / start / freeze / thaw buttons land here. */
import type { Socket } from "socket.io";
import {
  nodeActionCommandSchema,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from "../../lib/protocol";
import { LabError } from "../core/errors";
import { NodeErrorCode } from "../nodes/node-errors";
import type { NodeManager } from "../nodes/types";
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
      async ({ nodeId, action }) => {
        // A well-formed id for a node this lab does not have (lock-9 with 5 lock nodes) is the
        // client's mistake, not the manager's: answer it here with the ids that do exist.
        const known = nodes.list().map((node) => node.id);
        if (!known.includes(nodeId)) {
          throw new LabError(NodeErrorCode.UnknownNode, `No node "${nodeId}" in this lab (nodes: ${known.join(", ")}).`);
        }
        return toWireNode(await nodes.apply(nodeId, action));
      },
      log,
      gate,
    ),
  );
}
