import type { WireNodeEvent } from "@/lib/protocol";
import { stateStyle } from "./node-state-style";

const VERB: Record<WireNodeEvent["name"], string> = {
  "node:crash": "crashed",
  "node:start": "started",
  "node:freeze": "frozen",
  "node:thaw": "thawed",
  "node:exited": "exited on its own",
};

/** What happened to the nodes, newest first: the page's memory of the faults injected this session. */
export function EventLog({ events, limit = 8 }: { events: readonly WireNodeEvent[]; limit?: number }) {
  return (
    <section aria-labelledby="events-heading" className="flex flex-col gap-3">
      <h2 id="events-heading" className="text-sm font-semibold uppercase tracking-[0.2em] text-slate-400">
        Node events
      </h2>
      {events.length === 0 ? (
        <p className="rounded-2xl border border-dashed border-slate-700 px-6 py-5 text-lg text-slate-500">
          Nothing yet. Crash or freeze a node and watch what changes.
        </p>
      ) : (
        <ol data-testid="event-log" className="divide-y divide-slate-800 rounded-2xl border border-slate-800 bg-slate-900/60">
          {events.slice(0, limit).map((event) => (
            <EventRow key={`${event.data.nodeId}-${event.name}-${event.data.atMs}`} event={event} />
          ))}
        </ol>
      )}
    </section>
  );
}

function EventRow({ event }: { event: WireNodeEvent }) {
  const look = stateStyle(event.data.state);
  return (
    <li className="flex items-baseline gap-5 px-6 py-3 text-lg">
      <time className="font-mono text-slate-500 tabular-nums" dateTime={new Date(event.data.atMs).toISOString()}>
        {new Date(event.data.atMs).toLocaleTimeString([], { hour12: false })}
      </time>
      <span className="w-24 font-mono font-bold">{event.data.nodeId}</span>
      <span className={`w-40 font-semibold ${look.text}`}>{VERB[event.name]}</span>
      {/* The manager's detail already names the pid; fall back to it only when there is no detail. */}
      {event.data.detail ? (
        <span className="truncate text-slate-400">{event.data.detail}</span>
      ) : (
        event.data.pid !== null && <span className="font-mono text-slate-500">pid {event.data.pid}</span>
      )}
    </li>
  );
}
