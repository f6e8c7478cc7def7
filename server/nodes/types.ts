import type { Clock } from "../core/clock";

/** `cache` holds the cached values; `lock-1` … `lock-N` hold only lock keys, as in the seed story. */
export type NodeId = "cache" | `lock-${number}`;
export type NodeRole = "cache" | "lock";

/**
 * What a node's process is doing, as the manager made it. Faults on the path to it (partition,
 * latency) are not states: they live in NodeStatus.path. Every consumer switches exhaustively, so the
 * compiler finds the places to update.
 */
export type NodeState = "starting" | "up" | "crashed" | "frozen";

/** How the lab got the node: it spawned the process (faults allowed), or attached to one it does not own. */
export type NodeMode = "spawned" | "attached";

export type NodeAction = "crash" | "start" | "freeze" | "thaw";

/**
 * Faults of issue 5, on the path to a node and on its data. Kept apart from NodeAction so that code
 * switching exhaustively over NodeAction (gateway, protocol, page) keeps compiling until it learns
 * them; a {@link FaultNodeManager} takes both.
 * - `partition` / `heal`: cut / restore the engine's path through the node's fault proxy (needs
 *   `faultProxies`); the node keeps running, keeps its data and answers on its real port.
 * - `latency`: `ms` added to each round trip through the proxy (half each way), ± `jitterMs`; 0 removes it.
 * - `restart`: crash (SIGKILL) and start again on the same port, at least `delayedRestartMs` later;
 *   empty unless the node's persistence is `fsync-always`.
 * - `clock-jump`: a labelled simulation of the node's clock jumping ahead by `ms`: the PTTL of every
 *   `lock:*` key on it is cut by `ms` (to at least 1 ms). Redis's own clock is not touched.
 */
export type NodeFaultAction = "partition" | "heal" | "latency" | "restart" | "clock-jump";
export type LabNodeAction = NodeAction | NodeFaultAction;

/** `fsync-always`: AOF with `appendfsync always`, so a crashed or restarted node comes back with its keys. */
export type NodePersistence = "none" | "fsync-always";

/** Options of a fault; each action reads only its own (others are ignored). */
export interface NodeFaultOptions {
  /** latency: added round-trip ms (0 removes); clock-jump: how far the clock jumps, ms. */
  ms?: number;
  /** latency: spread of the round trip, ± ms. @default 0 */
  jitterMs?: number;
  /** restart: the node stays down at least this long. @default 0 */
  delayedRestartMs?: number;
  /** partition / heal: only these engine instances (1-based), through their own proxies; omitted = the whole node. */
  instances?: number[];
}

/** The engine's path to a node, through its fault proxy. */
export interface NodePath {
  /** true: cut for everyone; a list: only these instances are cut off; false: reachable. */
  partitioned: boolean | number[];
  /** Added round-trip delay, ms. */
  latencyMs: number;
  jitterMs: number;
}

export interface NodeStatus {
  id: NodeId;
  role: NodeRole;
  mode: NodeMode;
  host: string;
  /** The redis-server's own port. */
  port: number;
  /**
   * Where engine clients connect. Equal to `port` unless the manager runs with `faultProxies`: then
   * it is the node's shared fault proxy, so that cutting the path (partition, latency) leaves the real
   * port reachable to outside witnesses.
   */
  clientPort: number;
  /** Null when attached, or while crashed. */
  pid: number | null;
  state: NodeState;
  /** Wall-clock ms of the last state change. */
  since: number;
  /** Faults on the engine's path to the node; present only when the manager runs with `faultProxies`. */
  path?: NodePath;
  /** Present only for nodes given `nodeOptions` or `setPersistence` (spawned nodes). */
  persistence?: NodePersistence;
}

export type NodeEvent = {
  name: `node:${NodeAction}` | "node:exited";
  data: { nodeId: NodeId; atMs: number; state: NodeState; pid: number | null; detail?: string };
};

/** An issue-5 fault, delivered through `onAnyEvent` (never to `onEvent` listeners, whose types do not know it). */
export type NodeFaultEvent = {
  name: `node:${NodeFaultAction}`;
  data: NodeEvent["data"] & { path?: NodePath };
};

/** Every node event: process events (as `onEvent` gives them) and fault events. */
export type LabNodeEvent = NodeEvent | NodeFaultEvent;

export interface NodeManagerOptions {
  /** Number of lock nodes, 1–7. @default 5 */
  lockNodes?: number;
  /** First port tried; nodes take the next free ports from here. Never 6379. @default 7100 */
  basePort?: number;
  /**
   * Fixed ports for some nodes. Unlike the ports taken from `basePort` (which skip busy ones),
   * a fixed port that is busy fails `start()` with a `PORT_IN_USE` LabError.
   */
  ports?: Partial<Record<NodeId, number>>;
  host?: string;
  /** How long to wait for PING after spawning. @default 5000 */
  readyTimeoutMs?: number;
  /** Path to redis-server. @default "redis-server" on PATH */
  redisServerPath?: string;
  /** Attach instead of spawning: `REDIS_CACHE_URL`-style URLs. */
  attach?: { cacheUrl: string; lockUrls: string[] };
  clock?: Clock;
  /**
   * Put a fault proxy in front of every node (partition, latency): NodeStatus.clientPort becomes the
   * proxy's port, and `clientPortFor(id, instance)` gives each engine instance its own. Proxy ports
   * come from the same range as the nodes'. @default false
   */
  faultProxies?: boolean;
  /** Per-node options of spawned nodes. */
  nodeOptions?: Partial<Record<NodeId, { persistence?: NodePersistence }>>;
}

/**
 * Owns the Redis nodes of one lab: spawns (or attaches to) them, applies faults, and stops every
 * process it started. Implemented in `manager.ts` by `createNodeManager(options)`.
 */
export interface NodeManager {
  /** Spawns or attaches every node and waits for PING; throws a LabError naming the node on failure. */
  start(): Promise<void>;
  list(): NodeStatus[];
  get(id: NodeId): NodeStatus;
  /** A real effect on the real process; attached nodes refuse PID faults with a LabError. */
  apply(id: NodeId, action: NodeAction): Promise<NodeStatus>;
  /** Node events (each fault, and unexpected exits). Returns an unsubscribe function. */
  onEvent(listener: (event: NodeEvent) => void): () => void;
  /** Stops every process this manager started (SIGCONT first for frozen ones), by PID. Idempotent. */
  stop(): Promise<void>;
}

/**
 * A NodeManager that also takes the faults of issue 5. `createNodeManager` returns one; use
 * `supportsFaults(manager)` (manager.ts) to narrow a plain NodeManager.
 */
export interface FaultNodeManager extends NodeManager {
  /** As NodeManager.apply, plus the fault actions and their options. */
  apply(id: NodeId, action: LabNodeAction, options?: NodeFaultOptions): Promise<NodeStatus>;
  /**
   * Where engine instance `instance` (1-based) connects to node `id`: its own proxy's port (opened on
   * first call) with `faultProxies`, else the node's clientPort.
   */
  clientPortFor(id: NodeId, instance: number): Promise<number>;
  /** Every event, fault events included. Returns an unsubscribe function. */
  onAnyEvent(listener: (event: LabNodeEvent) => void): () => void;
  /**
   * Changes a spawned node's persistence while the lab runs (a scenario's `nodeOptions` on a
   * long-lived manager). Up: applied at once with CONFIG SET (turning AOF on waits for its first
   * rewrite, so the keys it holds now survive a crash); crashed: applies from the next start.
   * Refused while frozen, and for attached nodes.
   */
  setPersistence(id: NodeId, persistence: NodePersistence): Promise<NodeStatus>;
}
