import type { Clock } from "../core/clock";

/** `cache` holds the cached values; `lock-1` … `lock-N` hold only lock keys, as in the seed story. */
export type NodeId = "cache" | `lock-${number}`;
export type NodeRole = "cache" | "lock";

/**
 * What a node is doing, as the manager made it. Later faults (partition, latency) add states here;
 * every consumer switches exhaustively, so the compiler finds the places to update.
 */
export type NodeState = "starting" | "up" | "crashed" | "frozen";

/** How the lab got the node: it spawned the process (faults allowed), or attached to one it does not own. */
export type NodeMode = "spawned" | "attached";

export type NodeAction = "crash" | "start" | "freeze" | "thaw";

export interface NodeStatus {
  id: NodeId;
  role: NodeRole;
  mode: NodeMode;
  host: string;
  /** The redis-server's own port. */
  port: number;
  /**
   * Where engine clients connect. Equal to `port` today; a later fault proxy (partition, latency)
   * sits here so that cutting the path leaves the real port reachable to outside witnesses.
   */
  clientPort: number;
  /** Null when attached, or while crashed. */
  pid: number | null;
  state: NodeState;
  /** Wall-clock ms of the last state change. */
  since: number;
}

export type NodeEvent = {
  name: `node:${NodeAction}` | "node:exited";
  data: { nodeId: NodeId; atMs: number; state: NodeState; pid: number | null; detail?: string };
};

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
