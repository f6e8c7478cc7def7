import { describe, expect, it } from "vitest";
import type { Report } from "@/lib/report";
import { defaultScenario, type Scenario } from "@/lib/scenario";
import { roundsLine } from "../../server/cli/summary";
import { roundRows } from "./lock-rounds";

const counted = { rounds: 4, roundsAcquired: 1, roundsContended: 3, roundsFailed: 0, answeredInProcess: 2996, answeredByLook: 2990, answeredBySibling: 6 };

function report(scenario: Partial<Scenario>, locks: Partial<Report["locks"]> = counted): Report {
  return { scenario: { ...defaultScenario(), ...scenario }, locks: { attempts: 3000, ...locks } } as unknown as Report;
}

describe("the rounds in the run summary and the CLI summary", () => {
  it("Redlock: rounds beside the attempts answered in-process, split by who answered", () => {
    const r = report({ lock: "redlock" });
    expect(roundRows(r)).toEqual([
      ["Redlock rounds", 4],
      ["answered in-process", 2996],
    ]);
    expect(roundsLine(r)).toBe(
      "  rounds      4 Redlock round(s) (1 acquired, 3 contended, 0 failed); 2996 lock request(s) answered in-process (2990 by the shared look, 6 by a sibling's round)",
    );
  });

  it("coalescing off says so", () => {
    const r = report({ lock: "redlock", redlock: { ...defaultScenario().redlock, coalesce: false } }, { ...counted, rounds: 3000, answeredInProcess: 0, answeredByLook: 0, answeredBySibling: 0 });
    expect(roundRows(r)).toEqual([
      ["Redlock rounds", 3000],
      ["answered in-process (coalescing off)", 0],
    ]);
    expect(roundsLine(r)).toContain("3000 Redlock round(s)");
    expect(roundsLine(r)).toContain("coalescing off: every lock request ran its own round");
  });

  it("single-redis: a round per attempt; no lock on the nodes, or a report without rounds: nothing", () => {
    expect(roundRows(report({ lock: "single-redis" }))).toEqual([["lock rounds (lock-1)", 4]]);
    expect(roundsLine(report({ lock: "single-redis" }))).toContain("one per attempt");
    for (const lock of ["none", "local"] as const) {
      expect(roundRows(report({ lock }))).toEqual([]);
      expect(roundsLine(report({ lock }))).toBeNull();
    }
    const old = report({ lock: "redlock" }, {});
    expect(roundRows(old)).toEqual([]);
    expect(roundsLine(old)).toBeNull();
  });
});
