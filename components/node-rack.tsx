import type { Ack, WireNode, WireNodeAction, WireNodeId } from "@/lib/protocol";
import { NodeCard } from "./node-card";

export interface NodeRackProps {
  nodes: readonly WireNode[];
  now: number;
  connected: boolean;
  onAction(nodeId: WireNodeId, action: WireNodeAction): Promise<Ack<WireNode>>;
}

/** The six nodes in one row, like a rack: the cache on the left, the lock nodes Redlock votes on to its right. */
export function NodeRack({ nodes, now, connected, onAction }: NodeRackProps) {
  const cache = nodes.filter((node) => node.role === "cache");
  const locks = nodes.filter((node) => node.role === "lock");
  const card = (node: WireNode) => (
    <NodeCard
      key={node.id}
      node={node}
      now={now}
      connected={connected}
      onAction={(action) => onAction(node.id, action)}
    />
  );

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,5fr)]">
      <section aria-labelledby="cache-heading" className="flex flex-col gap-3">
        <h2 id="cache-heading" className="text-sm font-semibold uppercase tracking-[0.2em] text-slate-400">
          Cache
        </h2>
        <div className="grid gap-4">{cache.map(card)}</div>
      </section>
      <section aria-labelledby="locks-heading" className="flex flex-col gap-3">
        <h2 id="locks-heading" className="text-sm font-semibold uppercase tracking-[0.2em] text-slate-400">
          Lock nodes · Redlock
        </h2>
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-5">{locks.map(card)}</div>
      </section>
    </div>
  );
}
