/**
 * An in-memory NodeManager for gateway tests: same interface, no processes, so the socket edge can be
 * tested in milliseconds. `failNext` makes the next apply() throw, to test error sanitizing.
 */
import { LabError } from "../core/errors";
import type { NodeAction, NodeEvent, NodeId, NodeManager, NodeState, NodeStatus } from "../nodes/types";

const NEXT_STATE: Record<NodeAction, NodeState> = { crash: "crashed", start: "up", freeze: "frozen", thaw: "up" };

export interface FakeNodeManager extends NodeManager {
  failNext(error: unknown): void;
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
        clientPort: basePort + i,
        pid: 1000 + i,
        state: "up",
        since: Date.now(),
      },
    ]),
  );
  const listeners = new Set<(event: NodeEvent) => void>();
  let pendingFailure: { error: unknown } | null = null;

  const get = (id: NodeId): NodeStatus => {
    const status = statuses.get(id);
    if (!status) throw new LabError("UNKNOWN_NODE", `No node ${id}`);
    return { ...status };
  };

  return {
    async start() {},
    list: () => ids.map(get),
    get,
    async apply(id, action) {
      if (pendingFailure) {
        const { error } = pendingFailure;
        pendingFailure = null;
        throw error;
      }
      const current = get(id);
      const state = NEXT_STATE[action];
      const next: NodeStatus = { ...current, state, pid: state === "crashed" ? null : current.pid ?? 2000, since: Date.now() };
      statuses.set(id, next);
      for (const listener of listeners) listener({ name: `node:${action}`, data: { nodeId: id, atMs: next.since, state, pid: next.pid } });
      return { ...next };
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stop() {},
    failNext(error) {
      pendingFailure = { error };
    },
  };
}
