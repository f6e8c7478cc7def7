import { describe, expect, it } from "vitest";
import { transitionRefusal } from "./transitions";
import type { NodeAction, NodeState } from "./types";

const allowed: Record<NodeState, NodeAction[]> = {
  up: ["crash", "freeze"],
  frozen: ["crash", "thaw"],
  crashed: ["start"],
  starting: [],
};

describe("transitionRefusal", () => {
  for (const [state, actions] of Object.entries(allowed) as [NodeState, NodeAction[]][]) {
    for (const action of ["crash", "start", "freeze", "thaw"] as const) {
      const ok = actions.includes(action);
      it(`${ok ? "allows" : "refuses"} ${action} when ${state}`, () => {
        const refusal = transitionRefusal("lock-2", state, state === "crashed" ? null : 42, action);
        if (ok) expect(refusal).toBeNull();
        else expect(refusal).toMatch(new RegExp(`^Cannot ${action} lock-2: `));
      });
    }
  }
});
