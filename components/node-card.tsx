"use client";

import { useState } from "react";
import type { Ack, WireNode, WireNodeAction } from "@/lib/protocol";
import { formatDuration } from "./format";
import { ACTION_HELP, availableActions } from "./node-actions";
import { stateStyle } from "./node-state-style";

export interface NodeCardProps {
  node: WireNode;
  /** Wall-clock ms, for the time-in-state label. */
  now: number;
  /** False while the page is not connected: buttons would only fail. */
  connected: boolean;
  onAction(action: WireNodeAction): Promise<Ack<WireNode>>;
}

const BUTTON: Record<WireNodeAction, string> = {
  crash: "bg-rose-600 hover:bg-rose-500 text-white",
  freeze: "bg-sky-700 hover:bg-sky-600 text-white",
  thaw: "bg-sky-500 hover:bg-sky-400 text-slate-950",
  start: "bg-emerald-500 hover:bg-emerald-400 text-slate-950",
};

export function NodeCard({ node, now, connected, onAction }: NodeCardProps) {
  const [pending, setPending] = useState<WireNodeAction | null>(null);
  // Remembered with the state change it answered: once the node moves on, the refusal is stale.
  const [refusal, setRefusal] = useState<{ message: string; since: number } | null>(null);
  const error = refusal?.since === node.since ? refusal.message : null;
  const look = stateStyle(node.state);
  const attached = node.mode === "attached";
  const actions = attached ? [] : availableActions(node.state);

  async function run(action: WireNodeAction) {
    const since = node.since;
    setPending(action);
    setRefusal(null);
    const result = await onAction(action);
    setPending(null);
    if ("error" in result) setRefusal({ message: result.error.message, since });
  }

  return (
    <article
      data-testid={`node-${node.id}`}
      data-state={node.state}
      aria-label={`${node.id} ${look.label}`}
      className={`flex flex-col gap-4 rounded-2xl border-2 p-5 transition-colors duration-300 ${look.card}`}
    >
      <header className="flex items-baseline justify-between gap-2">
        <h3 className="font-mono text-3xl font-bold tracking-tight">{node.id}</h3>
        <span className="text-sm uppercase tracking-widest text-slate-400">{node.role}</span>
      </header>

      <div>
        <div className="flex items-center gap-3">
          <span className={`size-5 shrink-0 rounded-full ${look.dot}`} aria-hidden />
          <span data-testid="node-state" className={`text-3xl font-extrabold ${look.text}`}>
            {look.label}
          </span>
        </div>
        <p className="mt-1 text-base text-slate-400 tabular-nums">for {formatDuration(now - node.since)}</p>
      </div>

      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 font-mono text-lg">
        <dt className="text-slate-500">port</dt>
        <dd data-testid="node-port">{node.port}</dd>
        <dt className="text-slate-500">pid</dt>
        <dd data-testid="node-pid">{node.pid ?? "—"}</dd>
      </dl>

      <div className="mt-auto flex min-h-11 flex-wrap gap-2">
        {attached && <p className="text-sm text-slate-400">Attached: the lab does not own this process.</p>}
        {actions.map((action) => (
          <button
            key={action}
            type="button"
            title={ACTION_HELP[action]}
            disabled={!connected || pending !== null}
            onClick={() => void run(action)}
            className={`rounded-lg px-4 py-2 text-base font-semibold capitalize shadow transition-colors disabled:cursor-not-allowed disabled:opacity-40 ${BUTTON[action]}`}
          >
            {pending === action ? `${action}…` : action}
          </button>
        ))}
      </div>

      {error && (
        <p role="alert" className="rounded-lg bg-rose-950/70 px-3 py-2 text-sm text-rose-200">
          {error}
        </p>
      )}
    </article>
  );
}
