import { describe, expect, it } from "vitest";
import { LabError } from "../core/errors";
import { prepareScenario } from "./run-scenario";

function refusal(fn: () => unknown): LabError {
  try {
    fn();
  } catch (error) {
    if (error instanceof LabError) return error;
    throw error;
  }
  throw new Error("expected a LabError");
}

describe("prepareScenario", () => {
  it("names every bad field", () => {
    const error = refusal(() => prepareScenario({ lock: "zookeeper", db: { capacity: 0 }, crowd: { clientz: 5 } }, undefined, 5));
    expect(error.code).toBe("BAD_SCENARIO");
    expect(error.message).toMatch(/^invalid scenario: /);
    for (const field of ["lock: ", "db.capacity: ", 'crowd.clientz: unknown key "clientz"']) expect(error.message).toContain(field);
  });

  it("stretches with slow motion only above 1×", () => {
    expect(prepareScenario({}, undefined, 5).durationMs).toBe(10_000);
    expect(prepareScenario({}, 1, 5).durationMs).toBe(10_000);
    const slow = prepareScenario({}, 3, 5);
    expect(slow).toMatchObject({ timeScale: 3, durationMs: 30_000, tickMs: 300, lockTtlMs: 24_000 });
  });

  it("refuses a stretch past the limits, naming the field", () => {
    const error = refusal(() => prepareScenario({ durationMs: 100_000 }, 10, 5));
    expect(error.code).toBe("BAD_SCENARIO");
    expect(error.message).toContain("10× slow motion");
    expect(error.message).toContain("durationMs: ");
  });

  it("refuses more lock nodes than the lab has", () => {
    const error = refusal(() => prepareScenario({ lockNodes: 7 }, undefined, 5));
    expect(error.code).toBe("NOT_ENOUGH_LOCK_NODES");
    expect(error.message).toContain("LAB_LOCK_NODES=7");
    expect(prepareScenario({ lockNodes: 3 }, undefined, 5).lockNodes).toBe(3);
  });
});
