/**
 * Builds the lab's real-time side on an existing HTTP server: socket.io with the typed protocol,
 * node snapshots pushed to every page. Reads no env and starts no processes — server/index.ts wires.
 */
import type { Server as HttpServer } from "node:http";
import { Server } from "socket.io";
import {
  PROTOCOL_VERSION,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from "../lib/protocol";
import type { CommandLogger } from "./gateway/command";
import { registerNodeHandlers } from "./gateway/node-handlers";
import { toWireNode, toWireNodeEvent } from "./gateway/wire";
import type { NodeManager } from "./nodes/types";

export type LabIo = Server<ClientToServerEvents, ServerToClientEvents>;

export interface AppDeps {
  nodes: NodeManager;
  /** @default console */
  log?: CommandLogger;
  /** Wall-clock ms reported to pages in `hello`. @default Date.now() at creation */
  startedAt?: number;
}

export interface LabApp {
  io: LabIo;
  /** Disconnects every page and stops listening for node events. Also closes the HTTP server. */
  close(): Promise<void>;
}

export function createApp(httpServer: HttpServer, deps: AppDeps): LabApp {
  const { nodes, log = console, startedAt = Date.now() } = deps;
  // serveClient: the page bundles socket.io-client itself; nothing to serve from /socket.io/.
  const io: LabIo = new Server(httpServer, { serveClient: false });
  const snapshot = () => nodes.list().map(toWireNode);

  const unsubscribe = nodes.onEvent((event) => {
    io.emit("node:event", toWireNodeEvent(event));
    // A full snapshot after each event: six small rows, and a page never has to patch state.
    io.emit("nodes", snapshot());
  });

  io.on("connection", (socket) => {
    socket.emit("hello", { protocolVersion: PROTOCOL_VERSION, serverStartedAt: startedAt });
    socket.emit("nodes", snapshot());
    registerNodeHandlers(socket, nodes, log);
  });

  return {
    io,
    async close() {
      unsubscribe();
      // Resolves once the HTTP server has closed too; the caller drops idle keep-alive sockets.
      await io.close();
    },
  };
}
