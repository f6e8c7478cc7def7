/**
 * Plumbing for the gateway's integration tests: real redis-server nodes on the file's own ports, the
 * app on a real HTTP server, and raw socket.io clients that record everything the server says.
 */
import { createServer } from "node:http";
import net, { type AddressInfo } from "node:net";
import { io as connect, type Socket } from "socket.io-client";
import { expect } from "vitest";
import type {
  Access,
  Ack,
  ClientToServerEvents,
  Hello,
  LabHistory,
  RehearsalState,
  ServerToClientEvents,
  WireAlarm,
  WireNode,
  WireNodeEvent,
  WireRunState,
} from "../../../lib/protocol";
import { withLogEntry } from "../../../lib/log";
import type { LogEntry, Report, TickFrame } from "../../../lib/report";
import { createApp, type AppDeps, type LabApp } from "../../app";
import { livingRedisPids, ourRedisServers } from "../../lab/testing/real-lab";
import { createNodeManager, type LabNodeManager } from "../../nodes/manager";

export const quietLog = { warn: () => {}, error: () => {} };

export interface RealNodes {
  nodes: LabNodeManager;
  /** Every redis-server PID seen, restarts included. */
  pids: Set<number>;
  /** Stops the manager and fails unless every redis-server it spawned is gone. */
  stop(): Promise<void>;
}

export async function startRealNodes(basePort: number, lockNodes = 5, options: { faultProxies?: boolean } = {}): Promise<RealNodes> {
  const nodes = createNodeManager({ basePort, lockNodes, ...options });
  const pids = new Set<number>();
  const unsubscribe = nodes.onEvent((event) => {
    if (event.data.pid !== null) pids.add(event.data.pid);
  });
  try {
    await nodes.start();
  } catch (error) {
    unsubscribe();
    await nodes.stop();
    throw error;
  }
  for (const node of nodes.list()) if (node.pid !== null) pids.add(node.pid);
  return {
    nodes,
    pids,
    async stop() {
      await nodes.stop();
      unsubscribe();
      expect(pids.size, "the manager spawned redis-server processes").toBeGreaterThan(0);
      expect(livingRedisPids([...pids]), "redis-server PIDs still alive after stop()").toEqual([]);
      expect(ourRedisServers({ parent: process.pid }), "redis-server children of this process still alive").toEqual([]);
    },
  };
}

export interface AppServer {
  app: LabApp;
  url: string;
  close(): Promise<void>;
}

export async function startAppServer(deps: AppDeps): Promise<AppServer> {
  const httpServer = createServer();
  const app = createApp(httpServer, { log: quietLog, ...deps });
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  return {
    app,
    url,
    async close() {
      httpServer.closeAllConnections();
      await app.close();
    },
  };
}

export type TypedClient = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A raw client that keeps every message, in order. */
export interface Recorder {
  socket: TypedClient;
  hello: Hello;
  access: Access;
  history: LabHistory;
  /** Every message name in arrival order, for ordering checks. */
  order: string[];
  nodes: WireNode[];
  states: WireRunState[];
  frames: Array<{ runId: number; frame: TickFrame }>;
  log: LogEntry[];
  reports: Array<{ runId: number; report: Report }>;
  alarms: WireAlarm[];
  nodeEvents: WireNodeEvent[];
  rehearsals: RehearsalState[];
  /** Bytes of every lab:frame as JSON, for the rate check. */
  frameBytes: number[];
  send(event: string, ...args: unknown[]): Promise<Ack<unknown>>;
  close(): void;
}

/** Connects with `auth` and resolves once hello, access, nodes and lab:history have all arrived. */
export async function record(url: string, auth?: Record<string, unknown>): Promise<Recorder> {
  const socket: TypedClient = connect(url, {
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
    ...(auth ? { auth } : {}),
  });
  const order: string[] = [];
  const partial: Partial<Pick<Recorder, "hello" | "access" | "history">> = {};
  const recorder = {
    socket,
    order,
    nodes: [] as WireNode[],
    states: [] as WireRunState[],
    frames: [] as Recorder["frames"],
    log: [] as LogEntry[],
    reports: [] as Recorder["reports"],
    alarms: [] as WireAlarm[],
    nodeEvents: [] as WireNodeEvent[],
    rehearsals: [] as RehearsalState[],
    frameBytes: [] as number[],
    send(event: string, ...args: unknown[]) {
      return (socket as unknown as Socket).timeout(20_000).emitWithAck(event, ...args) as Promise<Ack<unknown>>;
    },
    close() {
      socket.disconnect();
    },
  };
  socket.onAny((name: string) => order.push(name));
  socket.on("hello", (hello) => (partial.hello = hello));
  socket.on("access", (access) => (partial.access = access));
  socket.on("lab:history", (history) => (partial.history = history));
  socket.on("nodes", (nodes) => (recorder.nodes = nodes));
  socket.on("lab:state", (state) => recorder.states.push(state));
  socket.on("lab:frame", (message) => {
    recorder.frames.push(message);
    recorder.frameBytes.push(JSON.stringify(message).length);
  });
  socket.on("lab:log", (entry) => {
    // As the page keeps it: a folded count replaces its earlier line.
    recorder.log = withLogEntry(recorder.log, entry, Number.POSITIVE_INFINITY);
  });
  socket.on("lab:report", (message) => recorder.reports.push(message));
  socket.on("lab:alarm", (alarm) => recorder.alarms.push(alarm));
  socket.on("node:event", (event) => recorder.nodeEvents.push(event));
  socket.on("lab:rehearsal", (state) => recorder.rehearsals.push(state));
  const ready = await waitUntil(() => partial.hello !== undefined && partial.access !== undefined && partial.history !== undefined && recorder.nodes.length > 0, 10_000);
  if (!ready) {
    socket.disconnect();
    throw new Error(`no greeting from ${url} (got: ${order.join(", ") || "nothing"})`);
  }
  return Object.assign(recorder, partial as Required<typeof partial>);
}

/** Polls until `check` holds or `timeoutMs` passes; returns whether it held. */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 25): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** PING over plain TCP: an outside witness sharing nothing with the lab's own clients. */
export function answersPing(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    let reply = "";
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      reply += chunk.toString("latin1");
      if (reply.includes("\r\n")) done(reply.startsWith("+PONG"));
    });
    socket.once("error", () => done(false));
    socket.once("close", () => done(false));
  });
}

export function errorOf(ack: Ack<unknown>): { code: string; message: string } | null {
  return "error" in ack ? ack.error : null;
}
