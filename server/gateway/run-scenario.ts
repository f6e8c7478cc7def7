/**
 * Turns a `run:start` payload into the scenario the lab will run, or a LabError that says what is
 * wrong: every bad field named (BAD_SCENARIO), or a lab too small for it (NOT_ENOUGH_LOCK_NODES).
 */
import { parseScenario, type Scenario, type ScenarioIssue } from "../../lib/scenario";
import { slowMotion } from "../../lib/time-scale";
import { LabError } from "../core/errors";

export function prepareScenario(input: unknown, timeScale: number | undefined, labLockNodes: number): Scenario {
  const parsed = parseScenario(input);
  if (!parsed.ok) throw new LabError("BAD_SCENARIO", `invalid scenario: ${describeIssues(parsed.issues)}`);
  let scenario = parsed.scenario;
  if (timeScale !== undefined && timeScale > 1) {
    // Stretching can push a duration past its limit (a 100 s run at 10× is over the 600 s cap):
    // the stretched scenario passes the same schema, so the page hears which field, not a crash.
    const stretched = parseScenario(slowMotion(scenario, timeScale));
    if (!stretched.ok) {
      throw new LabError("BAD_SCENARIO", `invalid scenario at ${timeScale}× slow motion: ${describeIssues(stretched.issues)}`);
    }
    scenario = stretched.scenario;
  }
  // The runner refuses this too, but only after the run has started; say it before anything moves.
  if (scenario.lockNodes > labLockNodes) {
    throw new LabError(
      "NOT_ENOUGH_LOCK_NODES",
      `the scenario asks for lockNodes = ${scenario.lockNodes} but this lab has ${labLockNodes} lock node(s): lower lockNodes to ${labLockNodes}, or restart the lab with LAB_LOCK_NODES=${scenario.lockNodes}`,
    );
  }
  return scenario;
}

/** `lock: Invalid option…; db.capacity: Too small…; crowd.clientz: unknown key "clientz"`. */
export function describeIssues(issues: readonly ScenarioIssue[]): string {
  return issues.map((issue) => `${issue.field}: ${issue.message}`).join("; ");
}
