import type { ConnectionStatus } from "./use-lab-socket";

const LOOK: Record<ConnectionStatus["kind"], { dot: string; text: string; ring: string }> = {
  connecting: { dot: "bg-amber-300 animate-pulse", text: "text-amber-200", ring: "border-amber-400/40" },
  live: { dot: "bg-emerald-400", text: "text-emerald-300", ring: "border-emerald-500/40" },
  error: { dot: "bg-rose-500", text: "text-rose-300", ring: "border-rose-500/60" },
};

export function ConnectionBadge({ status }: { status: ConnectionStatus }) {
  const look = LOOK[status.kind];
  return (
    <div className="flex flex-col items-end gap-1">
      <div
        data-testid="connection-status"
        data-status={status.kind}
        role="status"
        className={`flex items-center gap-3 rounded-full border bg-slate-900/80 px-5 py-2 ${look.ring}`}
      >
        <span className={`size-3.5 rounded-full ${look.dot}`} aria-hidden />
        <span className={`text-xl font-semibold tracking-wide ${look.text}`}>{status.kind}</span>
      </div>
      {status.kind === "error" && <p className="max-w-md text-right text-sm text-rose-300">{status.message}</p>}
    </div>
  );
}
