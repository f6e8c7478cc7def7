/**
 * An in-memory NodeManager for gateway tests: same interface as the real one (faults included), no
 * processes, so the socket edge can be tested in milliseconds. `failNext` makes the next apply()
 * throw, to test error sanitizing.
 */
import { LabError } from "../core/errors";
import type {
  FaultNodeManager,
  LabNodeAction,
  LabNodeEvent,
  NodeFaultOptions,
  NodeId,
  NodePersistence,
  NodeState,
  NodeStatus,
} from "../nodes/types";

const NEXT_STATE: Partial<Record<LabNodeAction, NodeState>> = { crash: "crashed", start: "up", freeze: "frozen", thaw: "up", restart: "up" };

export interface FakeNodeManager extends FaultNodeManager {
  failNext(error: unknown): void;
  /** Every apply(), in order, with its options. */
  readonly applied: ReadonlyArray<{ id: NodeId; action: LabNodeAction; options?: NodeFaultOptions }>;
}

export function createFakeNodeManager(lockNodes = 5, basePort = 7100): FakeNodeManager {
  const ids: NodeId[] = ["cache", ...Array.from({ length: lockNodes }, (_, i) => `lock-${i + 1}` as const)];
  const statuses = new Map<NodeId, NodeStatus>(
    ids.map((id, i) => [
      id,
      {
        id,
        role: id === "cache" ? "cache" : "lock",
        mode: "spawned",
        host: "127.0.0.1",
        port: basePort + i,
        clientPort: basePort + 100 + i,
        pid: 1000 + i,
        state: "up",
        since: Date.now(),
        path: { partitioned: false, latencyMs: 0, jitterMs: 0 },
      },
    ]),
  );
  const listeners = new Set<(event: LabNodeEvent) => void>();
  const applied: Array<{ id: NodeId; action: LabNodeAction; options?: NodeFaultOptions }> = [];
  let pendingFailure: { error: unknown } | null = null;

  const get = (id: NodeId): NodeStatus => {
    const status = statuses.get(id);
    if (!status) throw new LabError("UNKNOWN_NODE", `No node ${id}`);
    return { ...status, ...(status.path ? { path: { ...status.path } } : {}) };
  };

  const pathAfter = (current: NodeStatus, action: LabNodeAction, options: NodeFaultOptions = {}): NodeStatus["path"] => {
    const path = current.path ?? { partitioned: false, latencyMs: 0, jitterMs: 0 };
    switch (action) {
      case "partition":
        return { ...path, partitioned: options.instances ?? true };
      case "heal":
        return { ...path, partitioned: false };
      case "latency":
        return { ...path, latencyMs: options.ms ?? 0, jitterMs: options.jitterMs ?? 0 };
      default:
        return path;
    }
  };

  return {
    applied,
    async start() {},
    list: () => ids.map(get),
    get,
    async apply(id, action, options) {
      applied.push({ id, action, ...(options === undefined ? {} : { options }) });
      if (pendingFailure) {
        const { error } = pendingFailure;
        pendingFailure = null;
        throw error;
      }
      const current = get(id);
      const state = NEXT_STATE[action] ?? current.state;
      const next: NodeStatus = {
        ...current,
        state,
        pid: state === "crashed" ? null : current.pid ?? 2000,
        since: Date.now(),
        path: pathAfter(current, action, options),
      };
      statuses.set(id, next);
      const event = { name: `node:${action}`, data: { nodeId: id, atMs: next.since, state, pid: next.pid, path: next.path } } as LabNodeEvent;
      for (const listener of listeners) listener(event);
      return get(id);
    },
    onEvent(listener) {
      const process = (event: LabNodeEvent) => {
        if (["node:crash", "node:start", "node:freeze", "node:thaw", "node:exited"].includes(event.name)) listener(event as Parameters<typeof listener>[0]);
      };
      listeners.add(process);
      return () => listeners.delete(process);
    },
    onAnyEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async clientPortFor(id) {
      return get(id).clientPort;
    },
    async setPersistence(id: NodeId, persistence: NodePersistence) {
      statuses.set(id, { ...get(id), persistence });
      return get(id);
    },
    async stop() {},
    failNext(error) {
      pendingFailure = { error };
    },
  };
}
