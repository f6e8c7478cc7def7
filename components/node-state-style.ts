/** How each node state looks. Colour is never the only signal: every state also has a text label. */
import type { WireNodeState } from "@/lib/protocol";

export interface StateStyle {
  label: string;
  /** Card border and background tint. */
  card: string;
  /** The status dot. */
  dot: string;
  /** The label's text colour. */
  text: string;
}

export function stateStyle(state: WireNodeState): StateStyle {
  switch (state) {
    case "up":
      return { label: "up", card: "border-emerald-500/40 bg-slate-900", dot: "bg-emerald-400", text: "text-emerald-300" };
    case "starting":
      return { label: "starting", card: "border-amber-400/50 bg-amber-950/30", dot: "bg-amber-300 animate-pulse", text: "text-amber-200" };
    case "crashed":
      return { label: "crashed", card: "border-rose-500/70 bg-rose-950/40", dot: "bg-rose-500", text: "text-rose-300" };
    case "frozen":
      return { label: "frozen", card: "border-sky-400/70 bg-sky-950/40", dot: "bg-sky-300", text: "text-sky-200" };
    default:
      return unreachable(state);
  }
}

function unreachable(value: never): never {
  throw new Error(`unexpected node state: ${String(value)}`);
}
