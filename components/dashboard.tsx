"use client";

import { useCallback } from "react";
import type { WireNodeAction, WireNodeId } from "@/lib/protocol";
import { ConnectionBadge } from "./connection-badge";
import { EventLog } from "./event-log";
import { LabSummary } from "./lab-summary";
import { NodeRack } from "./node-rack";
import { useLabSocket } from "./use-lab-socket";
import { useNow } from "./use-now";

/** The page's one stateful component: it holds the socket hook and hands props down. */
export function Dashboard() {
  const { status, nodes, events, sendNodeAction } = useLabSocket();
  const now = useNow();
  const connected = status.kind === "live";
  const onAction = useCallback(
    (nodeId: WireNodeId, action: WireNodeAction) => sendNodeAction({ nodeId, action }),
    [sendNodeAction],
  );

  return (
    <main className="mx-auto flex max-w-[1800px] flex-col gap-8 px-8 py-8">
      <header className="flex flex-wrap items-start justify-between gap-6">
        <div>
          <h1 className="text-5xl font-black tracking-tight">
            Stampede <span className="text-amber-400">Lab</span>
          </h1>
          <p className="mt-2 text-xl text-slate-400">
            A cache stampede on real Redis nodes — and whether Redlock holds.
          </p>
        </div>
        <ConnectionBadge status={status} />
      </header>

      {nodes === null ? (
        <p className="py-24 text-center text-2xl text-slate-500">Waiting for the lab server…</p>
      ) : (
        // Stale data stays visible but dimmed while the connection is down.
        <div className={`flex flex-col gap-8 transition-opacity ${connected ? "" : "opacity-50"}`}>
          <NodeRack nodes={nodes} now={now} connected={connected} onAction={onAction} />
          <LabSummary nodes={nodes} />
          <EventLog events={events} />
        </div>
      )}

      <footer className="text-base text-slate-500">
        Faults are real: <strong className="text-slate-300">crash</strong> kills the redis-server process and its data,{" "}
        <strong className="text-slate-300">freeze</strong> pauses it with SIGSTOP so it answers nothing.
      </footer>
    </main>
  );
}
