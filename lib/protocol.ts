/**
 * The wire protocol between the lab server and the browser: the one module both sides import.
 * Everything here is plain data plus zod schemas — no Node imports, and nothing from `server/`,
 * so the browser bundle stays small and the server cannot leak internals onto the wire.
 */
import { z } from "zod";
import type { ExpectResult } from "./expect";
import type { LogEntry, Report, RunStop, SafetyViolation, TickFrame } from "./report";
import { instanceIndexSchema, NODE_FAULT_ACTIONS, nodeFaultOptionShape, pauseMsSchema, refineNodeFaultFields, type Scenario } from "./scenario";

/** Bumped on every incompatible change; the page refuses to talk to a server that speaks another one. */
export const PROTOCOL_VERSION = 4;

// ---------------------------------------------------------------------------------------------
// Nodes

/** `cache`, or `lock-1` … `lock-N` (no `lock-0`). */
export const NODE_ID_PATTERN = /^(cache|lock-[1-9]\d*)$/;
export type WireNodeId = "cache" | `lock-${number}`;

export const nodeIdSchema = z.custom<WireNodeId>(
  (value) => typeof value === "string" && NODE_ID_PATTERN.test(value),
  { message: 'expected "cache" or "lock-<n>"' },
);

export const NODE_STATES = ["starting", "up", "crashed", "frozen"] as const;
export const nodeStateSchema = z.enum(NODE_STATES);
export type WireNodeState = z.infer<typeof nodeStateSchema>;

/** What the process does: the lab's original four, on the node itself. */
export const NODE_PROCESS_ACTIONS = ["crash", "start", "freeze", "thaw"] as const;
/**
 * Every action a page may ask of a node: the process actions plus the faults of the safety lab —
 * on the path through the node's fault proxy (partition, heal, latency), a restart, and the
 * simulated clock jump. The same list as a scenario's node faults.
 */
export const NODE_ACTIONS = NODE_FAULT_ACTIONS;
export const nodeActionSchema = z.enum(NODE_ACTIONS);
export type WireNodeAction = z.infer<typeof nodeActionSchema>;
export type WireNodeProcessAction = (typeof NODE_PROCESS_ACTIONS)[number];

/** The engine's path to a node through its fault proxy (present when the lab runs with proxies). */
export const wireNodePathSchema = z.object({
  /** true: cut for every instance; a list: only these engine instances are cut off; false: open. */
  partitioned: z.union([z.boolean(), z.array(z.number().int())]),
  latencyMs: z.number(),
  jitterMs: z.number(),
});
export type WireNodePath = z.infer<typeof wireNodePathSchema>;

/** One Redis node as the page sees it. */
export const wireNodeSchema = z.object({
  id: nodeIdSchema,
  role: z.enum(["cache", "lock"]),
  /** `spawned`: the lab owns the process and may inject faults; `attached`: someone else's Redis. */
  mode: z.enum(["spawned", "attached"]),
  host: z.string(),
  port: z.number().int(),
  clientPort: z.number().int(),
  pid: z.number().int().nullable(),
  state: nodeStateSchema,
  /** Wall-clock ms of the last state change. */
  since: z.number(),
  /** Faults on the engine's path to the node; absent when the lab runs without fault proxies. */
  path: wireNodePathSchema.optional(),
  /** `fsync-always`: the node writes every command to its append-only file before answering. */
  persistence: z.enum(["none", "fsync-always"]).optional(),
});
export type WireNode = z.infer<typeof wireNodeSchema>;

export const wireNodeEventSchema = z.object({
  name: z.enum([...NODE_ACTIONS.map((action) => `node:${action}` as const), "node:exited"]),
  data: z.object({
    nodeId: nodeIdSchema,
    atMs: z.number(),
    state: nodeStateSchema,
    pid: z.number().int().nullable(),
    detail: z.string().optional(),
    /** The path after a path fault (partition, heal, latency). */
    path: wireNodePathSchema.optional(),
  }),
});
export type WireNodeEvent = z.infer<typeof wireNodeEventSchema>;

// ---------------------------------------------------------------------------------------------
// Client commands (each validated at the server's edge)

/**
 * A node action with the options its fault takes, checked as a scenario's fault is: `ms` for
 * latency and clock-jump, `jitterMs` for latency, `delayedRestartMs` for restart, `instances` for
 * partition and heal; an option given to another action is refused, not ignored.
 */
export const nodeActionCommandSchema = z
  .strictObject({
    nodeId: nodeIdSchema,
    action: nodeActionSchema,
    ...nodeFaultOptionShape,
  })
  .superRefine(refineNodeFaultFields, { when: (payload) => payload.issues.length === 0 });
export type NodeActionCommand = z.infer<typeof nodeActionCommandSchema>;

/** Start a run: the scenario is validated by the shared scenario schema at the server's edge. */
export const runStartCommandSchema = z.strictObject({
  /** Anything the CLI's --config would take; refused with each bad field named. */
  scenario: z.unknown(),
  presetId: z.string().max(100).optional(),
  beat: z.number().int().min(1).max(50).optional(),
  /** Slow motion, 1–10: every duration stretched by this factor. @default 1 */
  timeScale: z.number().min(1).max(10).optional(),
  /**
   * A story (`presetId`) starts from its own world: every node up and empty, every path healed, no
   * latency. `true` keeps the world as it is (nodes down stay down). Runs without a presetId always
   * keep it. @default false
   */
  keepWorld: z.boolean().optional(),
});
export type RunStartCommand = z.infer<typeof runStartCommandSchema>;

/**
 * A simulated stop-the-world pause of one engine instance, now: the scenario's `pause` fault from
 * the page, with the same rules (instance 1…16, ms ≥ 1). It takes hold of the instance's current
 * lock holder, or its next one, between its read and its write.
 */
export const instancePauseCommandSchema = z.strictObject({ instance: instanceIndexSchema, ms: pauseMsSchema });
export type InstancePauseCommand = z.infer<typeof instancePauseCommandSchema>;

/** Rehearse: play every beat of the named stories (every story when none are named) and check each beat's expects. */
export const rehearseCommandSchema = z.strictObject({
  presetIds: z.array(z.string().max(100)).min(1).max(50).optional(),
});
export type RehearseCommand = z.infer<typeof rehearseCommandSchema>;

/** Commands that carry nothing. */
export const emptyCommandSchema = z.strictObject({});
export type EmptyCommand = z.infer<typeof emptyCommandSchema>;

// ---------------------------------------------------------------------------------------------
// The lab's run, as the page sees it

export type RunMeta = { presetId?: string; beat?: number };

/** Where the lab is. The page switches on `status` exhaustively. */
export type WireRunState =
  | { status: "idle" }
  | { status: "running"; runId: number; scenario: Scenario; meta: RunMeta; startedAt: number }
  | { status: "finished"; runId: number; scenario: Scenario; meta: RunMeta; startedAt: number; endedAt: number; stopped?: RunStop }
  | { status: "failed"; runId: number; scenario: Scenario; meta: RunMeta; message: string };

/**
 * A safety violation as it happens: the checker's finding, with when it happened on the run's time
 * line. The page raises an alarm naming both holders and their nodes.
 */
export interface WireAlarm {
  runId: number;
  /** Ms since t = 0 of the run. */
  atMs: number;
  violation: SafetyViolation;
  /**
   * This alarm's number in its run, from 1: the run's count so far, even when only the latest
   * {@link ALARMS_KEPT} alarms are kept. Absent in recordings made before it existed.
   */
  seq?: number;
}

/** One beat of a rehearsal, judged: each of its expects against the beat's report. */
export interface RehearsalBeatResult {
  presetId: string;
  /** 1-based. */
  beat: number;
  title: string;
  /** `error`: the beat could not run (the message says why); `stopped`: the presenter ended it. */
  status: "passed" | "failed" | "error" | "stopped";
  results: ExpectResult[];
  /** The run fell behind (event-loop or arrival lag): a failed expect is then likely the machine's doing. */
  distorted: boolean;
  durationMs: number;
  message?: string;
}

/** A rehearsal so far: the beats judged, oldest first, and the one playing now. */
export interface RehearsalState {
  status: "running" | "finished" | "stopped";
  /** Beats planned. */
  total: number;
  beats: RehearsalBeatResult[];
  current?: { presetId: string; beat: number; title: string };
}

/**
 * Alarms kept per run, by the server for pages that join later and by each page: enough to show a
 * broken run; one that breaks thousands of times keeps counting in `seq` and in its report.
 */
export const ALARMS_KEPT = 200;

/** What a page gets on connecting: enough to draw the run in progress (or the last one). */
export interface LabHistory {
  state: WireRunState;
  frames: TickFrame[];
  log: LogEntry[];
  report: Report | null;
  /** The current (or last) run's safety alarms, oldest first. */
  alarms: WireAlarm[];
  /** The rehearsal going on, or the last one; absent when there was none. */
  rehearsal?: RehearsalState;
}

/** What this connection may do, and how others can join. */
export interface Access {
  /** False for the audience view, and for pages without the control token when the lab listens beyond loopback. */
  canControl: boolean;
  /** Why not, in words, when `canControl` is false. */
  reason?: string;
  /** Links for the room when the lab listens on the LAN (presenter only). */
  lanUrls?: { presenter: string; audience: string }[];
}

/** Handshake `auth` a page sends: the audience view never has a token. */
export interface HandshakeAuth {
  role?: "presenter" | "audience";
  token?: string;
}

// ---------------------------------------------------------------------------------------------
// Acks

/** Stable codes the page may switch on; the message is for people. */
export type WireErrorCode = "BAD_REQUEST" | (string & {});
export type WireError = { code: WireErrorCode; message: string };

/** Every command is answered with exactly one of these. */
export type Ack<T> = { data: T } | { error: WireError };

export type AckCallback<T> = (response: Ack<T>) => void;

// ---------------------------------------------------------------------------------------------
// Event maps, used as `new Server<ClientToServerEvents, ServerToClientEvents>()` and `io()`'s type.

export type Hello = {
  protocolVersion: number;
  /** Wall-clock ms when this server process started; a change means the server restarted. */
  serverStartedAt: number;
};

export interface ServerToClientEvents {
  /** First message on every connection. */
  hello: (hello: Hello) => void;
  /** Full snapshot of every node: sent on connect and after every node event. */
  nodes: (nodes: WireNode[]) => void;
  "node:event": (event: WireNodeEvent) => void;
  access: (access: Access) => void;
  /** Sent on connect: the run so far. */
  "lab:history": (history: LabHistory) => void;
  "lab:state": (state: WireRunState) => void;
  /** One closed tick window with the observer's reading; the server sends them at the tick rate, whatever the crowd. */
  "lab:frame": (message: { runId: number; frame: TickFrame }) => void;
  /** One log line with its typed fields (lib/log.ts). An entry with an `id` already sent updates that line in place. */
  "lab:log": (entry: LogEntry) => void;
  /** A safety violation, the moment the checker sees it. */
  "lab:alarm": (alarm: WireAlarm) => void;
  "lab:report": (message: { runId: number; report: Report }) => void;
  /** A rehearsal's progress: after each beat begins and after each is judged. */
  "lab:rehearsal": (state: RehearsalState) => void;
}

export interface ClientToServerEvents {
  /** Inject a fault or undo one; answers with the node's new status. */
  "node:action": (command: NodeActionCommand, ack: AckCallback<WireNode>) => void;
  "run:start": (command: RunStartCommand, ack: AckCallback<{ runId: number }>) => void;
  /** Ends the run early; its report still comes. */
  "run:stop": (command: EmptyCommand, ack: AckCallback<Record<string, never>>) => void;
  /** Stops any run and brings every node back up. */
  "lab:reset": (command: EmptyCommand, ack: AckCallback<Record<string, never>>) => void;
  /** The hot key goes stale now. */
  "key:expire": (command: EmptyCommand, ack: AckCallback<Record<string, never>>) => void;
  /** A sneaker-drop wave arrives now; answers with its size. */
  "crowd:release": (command: EmptyCommand, ack: AckCallback<{ clients: number }>) => void;
  /** A simulated GC pause of one engine instance's lock holder (the current one or its next). */
  "instance:pause": (command: InstancePauseCommand, ack: AckCallback<InstancePauseCommand>) => void;
  /** Plays every beat of the stories (all, or those named), resetting the world before each; answers with the beats planned. */
  "lab:rehearse": (command: RehearseCommand, ack: AckCallback<{ beats: number }>) => void;
  /** Stops the rehearsal: the beat playing ends early, no further beat starts. */
  "lab:rehearse-stop": (command: EmptyCommand, ack: AckCallback<Record<string, never>>) => void;
}
