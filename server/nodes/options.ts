import { systemClock, type Clock } from "../core/clock";
import { LabError } from "../core/errors";
import { parseAttachUrls, type AttachTarget } from "./attach-url";
import { badNodeCount, MAX_LOCK_NODES, MIN_LOCK_NODES, NodeErrorCode } from "./node-errors";
import { assertSpawnablePort, DEFAULT_BASE_PORT } from "./ports";
import type { NodeId, NodeManagerOptions, NodePersistence, NodeRole } from "./types";

export const DEFAULT_LOCK_NODES = 5;
export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_READY_TIMEOUT_MS = 5000;

/** NodeManagerOptions with defaults applied and everything checked, so the manager never re-validates. */
export interface ResolvedOptions {
  nodeIds: NodeId[];
  host: string;
  basePort: number;
  fixedPorts: ReadonlyMap<NodeId, number>;
  readyTimeoutMs: number;
  redisServerPath: string;
  /** Null in spawn mode. */
  attach: ReadonlyMap<NodeId, AttachTarget> | null;
  clock: Clock;
  faultProxies: boolean;
  /** Only nodes given `nodeOptions`; the rest are "none". */
  persistence: ReadonlyMap<NodeId, NodePersistence>;
}

const PERSISTENCE_MODES: readonly NodePersistence[] = ["none", "fsync-always"];

/** `cache`, then `lock-1` … `lock-N`. */
export function nodeIdsFor(lockNodes: number): NodeId[] {
  return ["cache", ...Array.from({ length: lockNodes }, (_, i) => `lock-${i + 1}` as const)];
}

export function roleOf(id: NodeId): NodeRole {
  return id === "cache" ? "cache" : "lock";
}

/** Throws a LabError (BAD_NODE_COUNT, BAD_PORT, BAD_CONFIG, BAD_ATTACH_URL) naming what is wrong. */
export function resolveOptions(options: NodeManagerOptions): ResolvedOptions {
  const lockNodes = options.lockNodes ?? options.attach?.lockUrls.length ?? DEFAULT_LOCK_NODES;
  if (!Number.isInteger(lockNodes) || lockNodes < MIN_LOCK_NODES || lockNodes > MAX_LOCK_NODES) {
    throw badNodeCount(lockNodes);
  }
  const nodeIds = nodeIdsFor(lockNodes);

  const basePort = options.basePort ?? DEFAULT_BASE_PORT;
  // basePort may be 6379 itself (the allocator skips it); only its range is checked here.
  if (basePort !== 6379) assertSpawnablePort(basePort, "basePort");

  const fixedPorts = new Map<NodeId, number>();
  for (const [id, port] of Object.entries(options.ports ?? {}) as [NodeId, number | undefined][]) {
    if (port === undefined) continue;
    if (!nodeIds.includes(id)) {
      throw new LabError(NodeErrorCode.BadConfig, `ports names "${id}", which is not a node of this lab (${nodeIds.join(", ")}).`);
    }
    assertSpawnablePort(port, `The port of ${id}`);
    const other = [...fixedPorts].find(([, p]) => p === port);
    if (other) throw new LabError(NodeErrorCode.BadPort, `${id} and ${other[0]} are both given port ${port}; each node needs its own.`);
    fixedPorts.set(id, port);
  }

  const readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  if (!(readyTimeoutMs > 0)) {
    throw new LabError(NodeErrorCode.BadConfig, `readyTimeoutMs must be a positive number of milliseconds (got ${readyTimeoutMs}).`);
  }

  let attach: ReadonlyMap<NodeId, AttachTarget> | null = null;
  if (options.attach) {
    const { cacheUrl, lockUrls } = options.attach;
    if (lockUrls.length !== lockNodes) {
      throw new LabError(
        NodeErrorCode.BadConfig,
        `${lockUrls.length} lock URL(s) given to attach to, but the lab is set to ${lockNodes} lock node(s); give one URL per lock node.`,
      );
    }
    attach = parseAttachUrls(nodeIds.map((id, i) => [id, i === 0 ? cacheUrl : (lockUrls[i - 1] ?? "")] as const));
  }

  if (options.faultProxies !== undefined && typeof options.faultProxies !== "boolean") {
    throw new LabError(NodeErrorCode.BadConfig, `faultProxies must be true or false (got ${String(options.faultProxies)}).`);
  }
  const persistence = new Map<NodeId, NodePersistence>();
  for (const [id, nodeOptions] of Object.entries(options.nodeOptions ?? {}) as [NodeId, { persistence?: NodePersistence } | undefined][]) {
    if (nodeOptions === undefined) continue;
    if (!nodeIds.includes(id)) {
      throw new LabError(NodeErrorCode.BadConfig, `nodeOptions names "${id}", which is not a node of this lab (${nodeIds.join(", ")}).`);
    }
    const mode = nodeOptions.persistence ?? "none";
    if (!PERSISTENCE_MODES.includes(mode)) {
      throw new LabError(
        NodeErrorCode.BadConfig,
        `The persistence of ${id} must be ${PERSISTENCE_MODES.map((m) => `"${m}"`).join(" or ")} (got ${JSON.stringify(mode)}).`,
      );
    }
    if (attach && mode !== "none") {
      throw new LabError(
        NodeErrorCode.BadConfig,
        `${id} has persistence "${mode}", but the lab attaches to its server and does not start it; ` +
          `configure persistence on that server itself, or let the lab spawn its own nodes.`,
      );
    }
    persistence.set(id, mode);
  }

  return {
    nodeIds,
    host: options.host ?? DEFAULT_HOST,
    basePort,
    fixedPorts,
    readyTimeoutMs,
    redisServerPath: options.redisServerPath ?? "redis-server",
    attach,
    clock: options.clock ?? systemClock,
    faultProxies: options.faultProxies ?? false,
    persistence,
  };
}

/**
 * Reads the lab's node settings from the environment:
 * - `REDIS_CACHE_URL` + `REDIS_LOCK_URLS=redis://h:p,redis://h:p,…` — attach to running servers (both or neither);
 * - `LAB_LOCK_NODES` — lock node count (1–7; in attach mode it must match the URL count);
 * - `LAB_BASE_PORT` — first port tried when spawning;
 * - `LAB_FAULT_PROXIES=1` (or `true`) — a fault proxy in front of every node (partition, latency).
 * Empty variables count as unset. URLs and ranges are checked by `createNodeManager`.
 */
export function nodeManagerOptionsFromEnv(env: NodeJS.ProcessEnv): NodeManagerOptions {
  const read = (name: string) => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const wholeNumber = (name: string) => {
    const raw = read(name);
    if (raw === undefined) return undefined;
    if (!/^\d+$/.test(raw)) throw new LabError(NodeErrorCode.BadConfig, `${name} must be a whole number (got "${raw}").`);
    return Number(raw);
  };

  const options: NodeManagerOptions = {};
  const lockNodes = wholeNumber("LAB_LOCK_NODES");
  if (lockNodes !== undefined) options.lockNodes = lockNodes;
  const basePort = wholeNumber("LAB_BASE_PORT");
  if (basePort !== undefined) options.basePort = basePort;
  const faultProxies = read("LAB_FAULT_PROXIES");
  if (faultProxies !== undefined) {
    if (!/^(1|0|true|false)$/i.test(faultProxies)) {
      throw new LabError(NodeErrorCode.BadConfig, `LAB_FAULT_PROXIES must be 1, 0, true or false (got "${faultProxies}").`);
    }
    options.faultProxies = /^(1|true)$/i.test(faultProxies);
  }

  const cacheUrl = read("REDIS_CACHE_URL");
  const lockList = read("REDIS_LOCK_URLS");
  if (cacheUrl === undefined && lockList === undefined) return options;
  if (cacheUrl === undefined || lockList === undefined) {
    const missing = cacheUrl === undefined ? "REDIS_CACHE_URL" : "REDIS_LOCK_URLS";
    throw new LabError(
      NodeErrorCode.BadConfig,
      `To attach to running Redis servers set both REDIS_CACHE_URL and REDIS_LOCK_URLS (${missing} is missing), ` +
        `or neither to let the lab spawn its own nodes.`,
    );
  }
  const lockUrls = lockList.split(",").map((url) => url.trim()).filter((url) => url !== "");
  if (lockNodes !== undefined && lockNodes !== lockUrls.length) {
    throw new LabError(
      NodeErrorCode.BadConfig,
      `LAB_LOCK_NODES is ${lockNodes} but REDIS_LOCK_URLS lists ${lockUrls.length} URL(s); give one URL per lock node or unset LAB_LOCK_NODES.`,
    );
  }
  options.attach = { cacheUrl, lockUrls };
  return options;
}
