"use client";

/**
 * The one hook that owns the page's socket. Components below it take props only; this is the
 * single place that knows socket.io exists.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { io, type Socket } from "socket.io-client";
import {
  PROTOCOL_VERSION,
  type Access,
  type Ack,
  type ClientToServerEvents,
  type HandshakeAuth,
  type InstancePauseCommand,
  type NodeActionCommand,
  type RehearsalState,
  type RunStartCommand,
  type ServerToClientEvents,
  ALARMS_KEPT,
  type WireAlarm,
  type WireNode,
  type WireNodeEvent,
  type WireRunState,
} from "@/lib/protocol";
import { withLogEntry } from "@/lib/log";
import type { LogEntry, Report, TickFrame } from "@/lib/report";
import type { PreviousRun } from "@/lib/recording";

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
  /** A node action with its fault's options (`ms`, `jitterMs`, `delayedRestartMs`, `instances`); answers with the node's new status. */
  sendNodeAction(command: NodeActionCommand): Promise<Ack<WireNode>>;
  /** What this page may do; null until the server says. */
  access: Access | null;
  run: WireRunState;
  /** The current (or last) run's frames, oldest first, at most {@link MAX_FRAMES}. */
  frames: TickFrame[];
  /** The lab's event log, oldest first, at most {@link MAX_LOG}. */
  log: LogEntry[];
  /** The last finished run's report (the same object the CLI prints with --json). */
  report: Report | null;
  /** The current (or last) run's safety alarms, oldest first, at most {@link ALARMS_KEPT}; empty when a new run starts. */
  alarms: WireAlarm[];
  /** The finished run before the current (or last) one, to compare with it; null until the page has seen one. */
  previousRun: PreviousRun | null;
  startRun(command: RunStartCommand): Promise<Ack<{ runId: number }>>;
  stopRun(): Promise<Ack<Record<string, never>>>;
  resetLab(): Promise<Ack<Record<string, never>>>;
  expireKey(): Promise<Ack<Record<string, never>>>;
  releaseCrowd(): Promise<Ack<{ clients: number }>>;
  /** A simulated GC pause of one instance's lock holder, now; answers with what was armed. */
  pauseInstance(command: InstancePauseCommand): Promise<Ack<InstancePauseCommand>>;
  /** The rehearsal going on, or the last one; null when none ran since the server started. */
  rehearsal: RehearsalState | null;
  /** Plays every beat of the stories named (every story when none are); answers with the beats planned. */
  rehearse(presetIds?: string[]): Promise<Ack<{ beats: number }>>;
  stopRehearsal(): Promise<Ack<Record<string, never>>>;
}

export interface LabSocketOptions {
  /** The audience view connects read-only. @default "presenter" */
  role?: "presenter" | "audience";
  /** The control token, when the lab listens beyond loopback. */
  token?: string;
}

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Starting a node waits for it to answer PING (5 s by default on the server), so allow more. */
const ACK_TIMEOUT_MS = 15_000;
const MAX_EVENTS = 50;
const MAX_FRAMES = 3000;
const MAX_LOG = 500;

/**
 * The alarms after `alarm` arrives, while the page shows `run`: one run's alarms at a time, oldest
 * first, at most {@link ALARMS_KEPT}. A late alarm of an earlier run than the one shown is dropped; one
 * of a newer run (ahead of its lab:state) replaces the older run's.
 */
export function withAlarm(previous: readonly WireAlarm[], alarm: WireAlarm, run: WireRunState): WireAlarm[] {
  if (run.status !== "idle" && alarm.runId < run.runId) return [...previous];
  return [...previous.filter((a) => a.runId === alarm.runId), alarm].slice(-ALARMS_KEPT);
}

/**
 * The run to compare with while the lab shows `state`: the last finished run the page saw, once
 * another run has begun; otherwise the one kept so far.
 */
export function previousRunFor(kept: PreviousRun | null, lastFinished: PreviousRun | null, state: WireRunState): PreviousRun | null {
  if (state.status === "idle" || !lastFinished || lastFinished.runId === state.runId) return kept;
  return lastFinished;
}

export function useLabSocket(options: LabSocketOptions = {}): LabSocket {
  const { role = "presenter", token } = options;
  const [status, setStatus] = useState<ConnectionStatus>({ kind: "connecting" });
  const [nodes, setNodes] = useState<WireNode[] | null>(null);
  const [events, setEvents] = useState<WireNodeEvent[]>([]);
  const [access, setAccess] = useState<Access | null>(null);
  const [run, setRun] = useState<WireRunState>({ status: "idle" });
  const [frames, setFrames] = useState<TickFrame[]>([]);
  const [log, setLog] = useState<LogEntry[]>([]);
  const [report, setReport] = useState<Report | null>(null);
  const [alarms, setAlarms] = useState<WireAlarm[]>([]);
  const [rehearsal, setRehearsal] = useState<RehearsalState | null>(null);
  const socketRef = useRef<ClientSocket | null>(null);
  const runRef = useRef<WireRunState>({ status: "idle" });
  const [previousRun, setPreviousRun] = useState<PreviousRun | null>(null);
  /** The last run whose report arrived, and the server that ran it: run ids start again after a restart. */
  const finishedRef = useRef<PreviousRun | null>(null);
  const serverStartedRef = useRef<number | null>(null);

  useEffect(() => {
    // Same origin: the custom server serves the page and socket.io on one port. WebSocket only:
    // no proxy sits in between, and skipping the long-polling handshake makes the first frame sooner.
    const auth: HandshakeAuth = { role, ...(token ? { token } : {}) };
    const socket: ClientSocket = io({ transports: ["websocket"], auth: { ...auth } });
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
      if (serverStartedRef.current !== null && serverStartedRef.current !== hello.serverStartedAt) {
        finishedRef.current = null;
        setPreviousRun(null);
      }
      serverStartedRef.current = hello.serverStartedAt;
      setStatus({ kind: "live", serverStartedAt: hello.serverStartedAt });
    });
    socket.on("nodes", setNodes);
    socket.on("access", setAccess);
    socket.on("lab:history", (history) => {
      const lastFinished = finishedRef.current;
      setPreviousRun((kept) => previousRunFor(kept, lastFinished, history.state));
      if (history.report && history.state.status !== "idle") {
        finishedRef.current = { runId: history.state.runId, meta: history.state.meta, report: history.report };
      }
      runRef.current = history.state;
      setRun(history.state);
      setFrames(history.frames);
      setLog(history.log);
      setReport(history.report);
      // A server older than protocol v3 sends none.
      setAlarms(history.alarms ?? []);
      setRehearsal(history.rehearsal ?? null);
    });
    socket.on("lab:rehearsal", setRehearsal);
    socket.on("lab:state", (state) => {
      const previous = runRef.current;
      runRef.current = state;
      setRun(state);
      const lastFinished = finishedRef.current;
      setPreviousRun((kept) => previousRunFor(kept, lastFinished, state));
      if (state.status === "running" && (previous.status !== "running" || previous.runId !== state.runId)) {
        // A new run: its charts start empty.
        setFrames([]);
        setReport(null);
        setAlarms([]);
      }
      if (state.status === "idle") {
        setFrames([]);
        setReport(null);
        setAlarms([]);
      }
    });
    socket.on("lab:frame", ({ runId, frame }) => {
      const current = runRef.current;
      if (current.status !== "idle" && "runId" in current && current.runId !== runId) return;
      setFrames((previous) => (previous.length >= MAX_FRAMES ? [...previous.slice(1), frame] : [...previous, frame]));
    });
    socket.on("lab:report", ({ runId, report: finished }) => {
      const run = runRef.current;
      // The finished run is kept for the comparison once the next one begins.
      finishedRef.current = { runId, meta: run.status !== "idle" && run.runId === runId ? run.meta : {}, report: finished };
      setReport(finished);
    });
    socket.on("lab:alarm", (alarm) => setAlarms((previous) => withAlarm(previous, alarm, runRef.current)));
    // A folded count (a node's refused commands) comes again with the same id: its line is updated.
    socket.on("lab:log", (entry) => setLog((previous) => withLogEntry(previous, entry, MAX_LOG)));
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
  }, [role, token]);

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

  const send = useCallback(
    async <T,>(event: keyof ClientToServerEvents, payload: unknown): Promise<Ack<T>> => {
      const socket = socketRef.current;
      if (!socket?.connected) return { error: { code: "OFFLINE", message: "Not connected to the lab server." } };
      try {
        // The event maps type each command; this one helper forwards them all, so it erases the pairing.
        return (await (socket.timeout(ACK_TIMEOUT_MS) as unknown as { emitWithAck: (e: string, p: unknown) => Promise<Ack<T>> }).emitWithAck(event, payload));
      } catch {
        return { error: { code: "TIMEOUT", message: `No answer from the server within ${ACK_TIMEOUT_MS / 1000} s.` } };
      }
    },
    [],
  );

  const startRun = useCallback((command: RunStartCommand) => send<{ runId: number }>("run:start", command), [send]);
  const stopRun = useCallback(() => send<Record<string, never>>("run:stop", {}), [send]);
  const resetLab = useCallback(() => send<Record<string, never>>("lab:reset", {}), [send]);
  const expireKey = useCallback(() => send<Record<string, never>>("key:expire", {}), [send]);
  const releaseCrowd = useCallback(() => send<{ clients: number }>("crowd:release", {}), [send]);
  const pauseInstance = useCallback((command: InstancePauseCommand) => send<InstancePauseCommand>("instance:pause", command), [send]);
  const rehearse = useCallback((presetIds?: string[]) => send<{ beats: number }>("lab:rehearse", presetIds ? { presetIds } : {}), [send]);
  const stopRehearsal = useCallback(() => send<Record<string, never>>("lab:rehearse-stop", {}), [send]);

  return {
    status,
    nodes,
    events,
    sendNodeAction,
    access,
    run,
    frames,
    log,
    report,
    alarms,
    previousRun,
    startRun,
    stopRun,
    resetLab,
    expireKey,
    releaseCrowd,
    pauseInstance,
    rehearsal,
    rehearse,
    stopRehearsal,
  };
}
