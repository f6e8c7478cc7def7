/** Which fault buttons make sense in which state; the server stays the authority and may still refuse. */
import type { WireNodeAction, WireNodeState } from "@/lib/protocol";

export function availableActions(state: WireNodeState): readonly WireNodeAction[] {
  switch (state) {
    case "up":
      return ["crash", "freeze"];
    case "frozen":
      return ["thaw", "crash"];
    case "crashed":
      return ["start"];
    case "starting":
      return [];
    default:
      return unreachable(state);
  }
}

/** Tooltips: what each button really does to the process. */
export const ACTION_HELP: Record<WireNodeAction, string> = {
  crash: "Kill the redis-server process. Its data is lost; it stays down until you start it.",
  start: "Start a fresh, empty redis-server on the same port.",
  freeze: "Pause the process (SIGSTOP): alive, but it answers nothing.",
  thaw: "Resume the paused process (SIGCONT).",
};

function unreachable(value: never): never {
  throw new Error(`unexpected node state: ${String(value)}`);
}
