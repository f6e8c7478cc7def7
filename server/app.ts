/**
 * Builds the lab's real-time side on an existing HTTP server: socket.io with the typed protocol,
 * one LabController shared by every page, node snapshots, run state, frames, log and reports pushed
 * to everyone, and commands gated per connection (see gateway/access.ts). Reads no env and starts
 * no processes — server/index.ts wires.
 *
 * Rates: a frame is one closed tick window (plus the observer's reading of each lock node), sent
 * once per tick to all pages, so bytes per second depend on the tick and the node count, never on
 * the crowd. The log is already aggregated per tick by the controller; the pump caps what is left.
 *
 * The run belongs to the server, not to a page: it goes on when the last page leaves, and a page
 * that connects later gets the run so far in `lab:history`.
 */
import type { Server as HttpServer } from "node:http";
import { Server } from "socket.io";
import {
  PROTOCOL_VERSION,
  type ClientToServerEvents,
  type LabHistory,
  type ServerToClientEvents,
} from "../lib/protocol";
import type { Clock } from "./core/clock";
import { resolveAccess, sameOriginOrNone } from "./gateway/access";
import type { CommandLogger } from "./gateway/command";
import { registerLabHandlers } from "./gateway/lab-handlers";
import { createLogPump, type LogPumpOptions } from "./gateway/log-pump";
import { registerNodeHandlers } from "./gateway/node-handlers";
import { toWireNode, toWireNodeEvent } from "./gateway/wire";
import { LabController } from "./lab/controller";
import { supportsFaults } from "./nodes/manager";
import type { LabNodeEvent, NodeManager } from "./nodes/types";

export type LabIo = Server<ClientToServerEvents, ServerToClientEvents>;

export interface AppDeps {
  nodes: NodeManager;
  /** @default console */
  log?: CommandLogger;
  /** Wall-clock ms reported to pages in `hello`. @default Date.now() at creation */
  startedAt?: number;
  /**
   * When set, a command runs only for a page whose handshake carries this token (server/index.ts
   * sets one whenever the lab listens beyond loopback). The audience view never controls, token or not.
   */
  controlToken?: string;
  /** Base URLs the room can reach the lab at (`http://192.168.1.20:3000`); sent, as links, to controlling pages. */
  lanBaseUrls?: readonly string[];
  clock?: Clock;
  logPump?: LogPumpOptions;
}

export interface LabApp {
  io: LabIo;
  /** The one lab every page shares. */
  lab: LabController;
  /**
   * Stops a run in progress (waiting a little for it to let go of Redis), disconnects every page,
   * stops listening for node events. Also closes the HTTP server.
   */
  close(): Promise<void>;
}

/** How long close() waits for a stopped run to wind down before closing anyway. */
const CLOSE_RUN_GRACE_MS = 2500;

export function createApp(httpServer: HttpServer, deps: AppDeps): LabApp {
  const { nodes, log = console, startedAt = Date.now(), controlToken, lanBaseUrls = [], clock } = deps;
  const io: LabIo = new Server(httpServer, {
    // The page bundles socket.io-client itself; nothing to serve from /socket.io/.
    serveClient: false,
    // Only the lab's own pages (or clients that are not browsers): see sameOriginOrNone.
    allowRequest: (req, callback) => {
      const ok = sameOriginOrNone(req.headers.origin, req.headers.host);
      callback(ok ? null : "cross-origin connections are refused: open the lab's own page", ok);
    },
  });
  const snapshot = () => nodes.list().map(toWireNode);

  const broadcastNodeEvent = (event: LabNodeEvent) => {
    io.emit("node:event", toWireNodeEvent(event));
    // A full snapshot after each event: a handful of small rows, and a page never has to patch state.
    io.emit("nodes", snapshot());
  };
  // Fault events (partition, latency, restart, clock-jump) too, when the manager has them.
  const unsubscribeNodes = supportsFaults(nodes) ? nodes.onAnyEvent(broadcastNodeEvent) : nodes.onEvent(broadcastNodeEvent);

  const stateWaiters = new Set<() => void>();
  const pump = createLogPump((entry) => io.emit("lab:log", entry), deps.logPump);
  const lab = new LabController(
    nodes,
    {
      onState: (state) => {
        io.emit("lab:state", state);
        for (const wake of stateWaiters) wake();
      },
      onFrame: (runId, frame) => io.emit("lab:frame", { runId, frame }),
      onLog: (entry) => pump.push(entry),
      onReport: (runId, report) => io.emit("lab:report", { runId, report }),
      onAlarm: (alarm) => io.emit("lab:alarm", alarm),
      onNodesChanged: () => io.emit("nodes", snapshot()),
      onRehearsal: (state) => io.emit("lab:rehearsal", state),
    },
    clock,
  );

  // World-changing commands from every page, one at a time.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => T | Promise<T>): Promise<T> => {
    const result = queue.then(task);
    queue = result.catch(() => undefined);
    return result;
  };

  io.on("connection", (socket) => {
    const { access, gate } = resolveAccess(socket.handshake.auth, { controlToken, lanBaseUrls });
    socket.emit("hello", { protocolVersion: PROTOCOL_VERSION, serverStartedAt: startedAt });
    socket.emit("access", access);
    socket.emit("nodes", snapshot());
    // Built and sent in the same turn as the registration above: no frame can fall between the
    // history and the live stream, and none can come twice.
    const history: LabHistory = { state: lab.current, ...lab.history() };
    socket.emit("lab:history", history);
    registerNodeHandlers(socket, nodes, log, gate);
    registerLabHandlers(socket, { lab, nodes, log, gate, serial });
  });

  return {
    io,
    lab,
    async close() {
      if (lab.current.status === "running") {
        const settled = new Promise<void>((resolve) => {
          const wake = () => {
            if (lab.current.status === "running") return;
            stateWaiters.delete(wake);
            resolve();
          };
          stateWaiters.add(wake);
          setTimeout(() => {
            stateWaiters.delete(wake);
            resolve();
          }, CLOSE_RUN_GRACE_MS).unref();
        });
        try {
          lab.stop();
        } catch {
          // Already ending.
        }
        await settled;
      }
      unsubscribeNodes();
      lab.dispose();
      pump.close();
      // Resolves once the HTTP server has closed too; the caller drops idle keep-alive sockets.
      await io.close();
    },
  };
}
