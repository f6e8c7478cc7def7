import { LabError } from "../core/errors";
import type { NodeId } from "./types";

/** Stable codes of every LabError the node manager raises; the page and scripts switch on these. */
export const NodeErrorCode = {
  BadNodeCount: "BAD_NODE_COUNT",
  BadPort: "BAD_PORT",
  BadConfig: "BAD_CONFIG",
  BadAttachUrl: "BAD_ATTACH_URL",
  PortInUse: "PORT_IN_USE",
  NoFreePort: "NO_FREE_PORT",
  RedisServerMissing: "REDIS_SERVER_MISSING",
  SpawnFailed: "SPAWN_FAILED",
  NodeExited: "NODE_EXITED",
  NodeNotReady: "NODE_NOT_READY",
  AttachedNode: "ATTACHED_NODE",
  InvalidTransition: "INVALID_TRANSITION",
  UnknownNode: "UNKNOWN_NODE",
  NotStarted: "NOT_STARTED",
  AlreadyStarted: "ALREADY_STARTED",
  ManagerStopped: "MANAGER_STOPPED",
  /** A fault's options are out of range or missing (issue 5 faults). */
  BadFaultOptions: "BAD_FAULT_OPTIONS",
  /** partition / latency asked of a manager started without `faultProxies`. */
  NoFaultProxy: "NO_FAULT_PROXY",
  /** The clock-jump script failed on the node. */
  FaultFailed: "FAULT_FAILED",
} as const;

export type NodeErrorCode = (typeof NodeErrorCode)[keyof typeof NodeErrorCode];

export const MIN_LOCK_NODES = 1;
export const MAX_LOCK_NODES = 7;

export function badNodeCount(value: unknown): LabError {
  return new LabError(
    NodeErrorCode.BadNodeCount,
    `The lab runs ${MIN_LOCK_NODES}–${MAX_LOCK_NODES} lock nodes (got ${String(value)}): ` +
      `Redlock needs at least one node, and more than ${MAX_LOCK_NODES} Redis processes would crowd a small machine. ` +
      `Set lockNodes / LAB_LOCK_NODES to a whole number from ${MIN_LOCK_NODES} to ${MAX_LOCK_NODES}.`,
  );
}

export function portInUse(nodeId: NodeId, host: string, port: number, restart = false, cause?: unknown): LabError {
  const what = restart
    ? `${nodeId} restarts on its own port ${port}, but something else took ${host}:${port} while it was down`
    : `${nodeId} is configured to use port ${port}, but ${host}:${port} is already in use`;
  return new LabError(
    NodeErrorCode.PortInUse,
    `${what}. Stop whatever listens there (see \`ss -ltnp 'sport = :${port}'\`), ` +
      `or choose another port (omit the fixed port to let the lab pick a free one from basePort / LAB_BASE_PORT).`,
    { cause },
  );
}

export function redisServerMissing(nodeId: NodeId, path: string, cause?: unknown): LabError {
  return new LabError(
    NodeErrorCode.RedisServerMissing,
    `Cannot start ${nodeId}: the Redis server program "${path}" was not found. ` +
      `Install Redis (Debian/Ubuntu: \`sudo apt-get install redis-server\`; macOS: \`brew install redis\`), ` +
      `or attach the lab to Redis servers that are already running: ` +
      `REDIS_CACHE_URL=redis://host:port REDIS_LOCK_URLS=redis://host:port,redis://host:port,… ` +
      `(one URL per lock node, each its own server).`,
    { cause },
  );
}

export function attachedNode(nodeId: NodeId, action: string): LabError {
  return new LabError(
    NodeErrorCode.AttachedNode,
    `Cannot ${action} ${nodeId}: the lab attached to this Redis server and does not own its process, ` +
      `so it cannot kill, start, freeze or thaw it. Let the lab spawn its own nodes (unset REDIS_CACHE_URL and ` +
      `REDIS_LOCK_URLS) to inject process faults.`,
  );
}
