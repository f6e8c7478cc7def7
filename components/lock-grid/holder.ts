/**
 * Who holds the lock, as the observer read it from a node: `instance-2/r123` (instance 2, its
 * request 123), `unknown` (a value on the node that no grant the lab knows of wrote), or null (free).
 */
import type { TickFrame } from "@/lib/report";
import { instanceColor, OKABE_ITO, textOn } from "../charts/palette";

export type HolderReading =
  /** `expired`: the last reading's TTL has since run out on the page's clock. */
  | { kind: "free"; expired?: boolean; late?: LateReading }
  | { kind: "held"; holder: string; instance: number | null; request: number | null; late?: LateReading }
  /** A real non-answer: `refused` (no connection: crashed, not started), else silent (frozen). */
  | { kind: "no-answer"; refused?: boolean }
  /** The node is not in the frame, changed state since the last reading, or has not answered yet. */
  | { kind: "unread" };

/** The reading is the node's last answer, older than the tick allows: shown greyed, with its age. */
export interface LateReading {
  /** Its age when the frame closed, ms. */
  ageMs: number;
}

/** `instance-2/r123` → { instance: 2, request: 123 }; anything else keeps its text. */
export function parseHolder(holder: string): { instance: number | null; request: number | null } {
  const match = /^instance-(\d+)(?:\/r(\d+))?$/.exec(holder);
  if (!match) return { instance: null, request: null };
  return { instance: Number(match[1]), request: match[2] === undefined ? null : Number(match[2]) };
}

export function readingOf(lock: TickFrame["locks"][number] | undefined): HolderReading {
  if (!lock) return { kind: "unread" };
  const late = lock.answer === "late";
  // Late with nothing read yet: the first answer is on its way, not a non-answer.
  if (late && !lock.reachable) return { kind: "unread" };
  if (!lock.reachable) return lock.answer === "refused" ? { kind: "no-answer", refused: true } : { kind: "no-answer" };
  const extra = late ? { late: { ageMs: lock.ageMs ?? 0 } } : {};
  if (lock.holder === null) return { kind: "free", ...extra };
  return { kind: "held", holder: lock.holder, ...parseHolder(lock.holder), ...extra };
}

/** "sampling… 1.2 s ago": how old a late reading is, on the page's clock. */
export function lateLabel(ageMs: number): string {
  return `sampling… ${(Math.max(0, ageMs) / 1000).toFixed(1)} s ago`;
}

/**
 * The observer found a lock value that no grant owns (yet): an acquisition still collecting votes,
 * or what a failed one left on some nodes.
 */
export const UNCONFIRMED_HELP = "A lock value no grant owns (yet): an acquisition still in flight, or what a failed one left behind.";

/** "instance 2 · request 123", "unconfirmed value", or the raw text for a format this page does not know. */
export function holderLabel(holder: string): string {
  if (holder === "unknown") return "unconfirmed value";
  const { instance, request } = parseHolder(holder);
  if (instance === null) return holder;
  return request === null ? `instance ${instance}` : `instance ${instance} · request ${request}`;
}

/** "instance 2", short enough for a lane segment. */
export function holderShortLabel(holder: string): string {
  if (holder === "unknown") return "unconfirmed";
  const { instance } = parseHolder(holder);
  return instance === null ? holder : `instance ${instance}`;
}

/** Fill and text colour for a holder: by instance (Okabe–Ito); an unknown holder is white. */
export function holderColors(holder: string): { fill: string; text: string } {
  const { instance } = parseHolder(holder);
  if (instance === null) return { fill: "#f8fafc", text: "#0b1020" };
  const fill = instanceColor(instance);
  return { fill, text: textOn(fill) };
}

/** Groups the holders seen on reachable nodes: holder → node ids, most nodes first. */
export function holdersOnNodes(readings: ReadonlyArray<{ nodeId: string; reading: HolderReading }>): Array<{ holder: string; nodes: string[] }> {
  const byHolder = new Map<string, string[]>();
  for (const { nodeId, reading } of readings) {
    if (reading.kind !== "held") continue;
    const list = byHolder.get(reading.holder) ?? [];
    list.push(nodeId);
    byHolder.set(reading.holder, list);
  }
  return [...byHolder.entries()].map(([holder, nodes]) => ({ holder, nodes })).sort((a, b) => b.nodes.length - a.nodes.length);
}

/** Slate-600 through the theme variable, so the light theme lightens it. */
export const FREE_COLOR = "var(--color-slate-600)";
export const NO_ANSWER_COLOR = OKABE_ITO.vermillion;

/** Diagonal red hatching: "this node did not answer", readable without colour. */
export const NO_ANSWER_HATCH = {
  backgroundImage: `repeating-linear-gradient(135deg, ${NO_ANSWER_COLOR} 0 3px, transparent 3px 8px)`,
  backgroundColor: "rgba(213, 94, 0, 0.15)",
} as const;

/** Caution tape: "the nodes held different values at once" — distinct from every instance colour. */
export const SPLIT_TAPE = {
  backgroundImage: "repeating-linear-gradient(135deg, #F0E442 0 6px, #0b1020 6px 12px)",
} as const;
