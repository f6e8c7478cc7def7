import type { ConnectionStatus } from "../use-lab-socket";

const LOOK: Record<ConnectionStatus["kind"], { dot: string; text: string; ring: string; label: string }> = {
  connecting: { dot: "bg-amber-300 animate-pulse", text: "text-amber-200", ring: "border-amber-400/50", label: "connecting" },
  live: { dot: "bg-emerald-400", text: "text-emerald-300", ring: "border-emerald-500/50", label: "live" },
  error: { dot: "bg-rose-500 animate-pulse", text: "text-rose-300", ring: "border-rose-500/70", label: "error" },
};

/** The connection, as a word and a dot: `live`, `connecting` or `error` (with the reason beside it). */
export function ConnectionPill({ status, compact = false }: { status: ConnectionStatus; compact?: boolean }) {
  const look = LOOK[status.kind];
  return (
    <div className="flex min-w-0 items-center gap-3">
      <div
        role="status"
        title={status.kind === "error" ? status.message : undefined}
        className={`flex shrink-0 items-center gap-2.5 rounded-full border bg-slate-900/80 px-4 py-1.5 ${look.ring}`}
      >
        <span className={`size-3 rounded-full ${look.dot}`} aria-hidden />
        <span data-testid="connection-status" data-status={status.kind} className={`text-lg font-semibold ${look.text}`}>
          {look.label}
        </span>
      </div>
      {status.kind === "error" && !compact && (
        <p data-testid="connection-message" className="max-w-xs text-sm leading-tight text-rose-300">
          {status.message}
        </p>
      )}
    </div>
  );
}
