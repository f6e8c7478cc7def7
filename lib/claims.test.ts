import { describe, expect, it } from "vitest";
import { checkClaim } from "./claims";

const report = { maxDbReadsPerEpisode: 1, locks: { safetyViolations: 0, acquired: 3 }, episodes: [{ dbReads: 1 }], scenario: { lock: "redlock" } };

describe("--assert claims", () => {
  it.each([
    ["maxDbReadsPerEpisode == 1", true],
    ["maxDbReadsPerEpisode == 2", false],
    ["locks.safetyViolations == 0 && locks.acquired >= 3", true],
    ["locks.acquired > 3", false],
    ["locks.acquired < 4", true],
    ["locks.acquired != 3", false],
    ["episodes.0.dbReads <= maxDbReadsPerEpisode", true],
    ["scenario.lock == 'redlock'", true],
    ["scenario.lock == \"none\"", false],
  ])("%s → %s", (claim, expected) => {
    expect(checkClaim(report, claim).every((r) => r.ok)).toBe(expected);
  });

  it("reports the actual value of a failed claim", () => {
    expect(checkClaim(report, "maxDbReadsPerEpisode == 4")[0]).toMatchObject({ ok: false, actual: 1, expected: 4 });
  });

  it("refuses a field the report does not have, and unreadable claims", () => {
    expect(() => checkClaim(report, "maxDbReads == 1")).toThrow(/no field "maxDbReads"/);
    expect(() => checkClaim(report, "maxDbReadsPerEpisode")).toThrow(/<path> <op> <value>/);
    expect(() => checkClaim(report, "maxDbReadsPerEpisode == nothing")).toThrow(/neither a number/);
  });

  it("never orders non-numbers", () => {
    expect(checkClaim(report, "scenario.lock > 1")[0]?.ok).toBe(false);
  });
});
