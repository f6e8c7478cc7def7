"use client";

/**
 * The one hook that owns the page's socket. Components below it take props only; this is the
 * single place that knows socket.io exists.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { io, type Socket } from "socket.io-client";
import {
  PROTOCOL_VERSION,
  type Ack,
  type ClientToServerEvents,
  type NodeActionCommand,
  type ServerToClientEvents,
  type WireNode,
  type WireNodeEvent,
} from "@/lib/protocol";

export type ConnectionStatus =
  | { kind: "connecting" }
  | { kind: "live"; serverStartedAt: number }
  | { kind: "error"; message: string };

export interface LabSocket {
  status: ConnectionStatus;
  /** The latest snapshot from the server; null until the first one arrives. */
  nodes: WireNode[] | null;
  /** Node events seen since the page connected, newest first, at most {@link MAX_EVENTS}. */
  events: WireNodeEvent[];
  sendNodeAction(command: NodeActionCommand): Promise<Ack<WireNode>>;
}

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Starting a node waits for it to answer PING (5 s by default on the server), so allow more. */
const ACK_TIMEOUT_MS = 15_000;
const MAX_EVENTS = 50;

export function useLabSocket(): LabSocket {
  const [status, setStatus] = useState<ConnectionStatus>({ kind: "connecting" });
  const [nodes, setNodes] = useState<WireNode[] | null>(null);
  const [events, setEvents] = useState<WireNodeEvent[]>([]);
  const socketRef = useRef<ClientSocket | null>(null);

  useEffect(() => {
    // Same origin: the custom server serves the page and socket.io on one port. WebSocket only:
    // no proxy sits in between, and skipping the long-polling handshake makes the first frame sooner.
    const socket: ClientSocket = io({ transports: ["websocket"] });
    socketRef.current = socket;

    socket.on("hello", (hello) => {
      // A page left open across an upgrade must not send commands the server would misread.
      if (hello.protocolVersion !== PROTOCOL_VERSION) {
        setStatus({
          kind: "error",
          message: `Server speaks protocol v${hello.protocolVersion}, this page v${PROTOCOL_VERSION}: reload the page.`,
        });
        socket.disconnect();
        return;
      }
      setStatus({ kind: "live", serverStartedAt: hello.serverStartedAt });
    });
    socket.on("nodes", setNodes);
    socket.on("node:event", (event) => setEvents((previous) => [event, ...previous].slice(0, MAX_EVENTS)));
    socket.on("connect_error", (error) =>
      setStatus({ kind: "error", message: `Cannot reach the lab server (${error.message}); retrying…` }),
    );
    socket.on("disconnect", (reason) =>
      setStatus({ kind: "error", message: `Connection lost (${reason}); reconnecting…` }),
    );

    return () => {
      socket.disconnect();
      socketRef.current = null;
    };
  }, []);

  const sendNodeAction = useCallback(async (command: NodeActionCommand): Promise<Ack<WireNode>> => {
    const socket = socketRef.current;
    if (!socket?.connected) {
      return { error: { code: "OFFLINE", message: "Not connected to the lab server." } };
    }
    try {
      return await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("node:action", command);
    } catch {
      return { error: { code: "TIMEOUT", message: `No answer from the server within ${ACK_TIMEOUT_MS / 1000} s.` } };
    }
  }, []);

  return { status, nodes, events, sendNodeAction };
}
