import type { WireNode } from "@/lib/protocol";
import { quorumSummary } from "./quorum";

/** Two sentences a room can read: can requests use the cache, and can Redlock grant a lock? */
export function LabSummary({ nodes }: { nodes: readonly WireNode[] }) {
  const cache = nodes.find((node) => node.role === "cache");
  const cacheUp = cache?.state === "up";
  const quorum = quorumSummary(nodes);
  // With exactly a majority left, every further failure decides the outcome: worth a warning colour.
  const quorumHealth: Health = !quorum.reachable ? "down" : quorum.answering === quorum.needed ? "edge" : "ok";

  return (
    <div className="grid gap-4 md:grid-cols-2">
      <Tile
        health={cacheUp ? "ok" : "down"}
        testId="cache-summary"
        title={cacheUp ? "Cache answering" : "Cache down"}
        detail={
          cacheUp
            ? "Hits are served from Redis; only misses go to the database."
            : "Every request goes straight to the database."
        }
      />
      <Tile
        health={quorumHealth}
        testId="quorum-summary"
        title={`${quorum.answering} of ${quorum.total} lock nodes answering`}
        detail={
          quorumHealth === "ok"
            ? `Redlock can grant a lock: it needs ${quorum.needed}.`
            : quorumHealth === "edge"
              ? `Redlock can still grant a lock, with exactly ${quorum.needed}: one more failure and it cannot.`
              : `Redlock cannot grant a lock: it needs ${quorum.needed}.`
        }
      />
    </div>
  );
}

type Health = "ok" | "edge" | "down";

const TILE: Record<Health, { box: string; badge: string; mark: string }> = {
  ok: { box: "border-emerald-500/30 bg-emerald-950/20", badge: "bg-emerald-500/20 text-emerald-300", mark: "✓" },
  edge: { box: "border-amber-400/60 bg-amber-950/30", badge: "bg-amber-400/20 text-amber-200", mark: "!" },
  down: { box: "border-rose-500/60 bg-rose-950/40", badge: "bg-rose-500/20 text-rose-300", mark: "✕" },
};

function Tile({ health, title, detail, testId }: { health: Health; title: string; detail: string; testId: string }) {
  const look = TILE[health];
  return (
    <div data-testid={testId} data-health={health} className={`flex items-center gap-5 rounded-2xl border-2 px-6 py-5 ${look.box}`}>
      <span
        aria-hidden
        className={`flex size-12 shrink-0 items-center justify-center rounded-full text-2xl font-black ${look.badge}`}
      >
        {look.mark}
      </span>
      <div>
        <p className="text-2xl font-bold">{title}</p>
        <p className="text-lg text-slate-300">{detail}</p>
      </div>
    </div>
  );
}
