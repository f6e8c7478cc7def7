/**
 * The wire protocol between the lab server and the browser: the one module both sides import.
 * Everything here is plain data plus zod schemas — no Node imports, and nothing from `server/`,
 * so the browser bundle stays small and the server cannot leak internals onto the wire.
 */
import { z } from "zod";

/** Bumped on every incompatible change; the page refuses to talk to a server that speaks another one. */
export const PROTOCOL_VERSION = 1;

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

export const NODE_ACTIONS = ["crash", "start", "freeze", "thaw"] as const;
export const nodeActionSchema = z.enum(NODE_ACTIONS);
export type WireNodeAction = z.infer<typeof nodeActionSchema>;

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
});
export type WireNode = z.infer<typeof wireNodeSchema>;

export const wireNodeEventSchema = z.object({
  name: z.enum(["node:crash", "node:start", "node:freeze", "node:thaw", "node:exited"]),
  data: z.object({
    nodeId: nodeIdSchema,
    atMs: z.number(),
    state: nodeStateSchema,
    pid: z.number().int().nullable(),
    detail: z.string().optional(),
  }),
});
export type WireNodeEvent = z.infer<typeof wireNodeEventSchema>;

// ---------------------------------------------------------------------------------------------
// Client commands (each validated at the server's edge)

export const nodeActionCommandSchema = z.strictObject({
  nodeId: nodeIdSchema,
  action: nodeActionSchema,
});
export type NodeActionCommand = z.infer<typeof nodeActionCommandSchema>;

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
}

export interface ClientToServerEvents {
  /** Inject a fault or undo one; answers with the node's new status. */
  "node:action": (command: NodeActionCommand, ack: AckCallback<WireNode>) => void;
}
