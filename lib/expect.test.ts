import { describe, expect, it } from "vitest";
import { allHold, checkExpects, fieldLabel, plainClaim } from "./expect";
import { sampleReport } from "./testing/report";

describe("checkExpects", () => {
  it("gives one result per comparison, with the report's value", () => {
    const report = sampleReport({ maxDbReadsPerEpisode: 2712 });
    expect(checkExpects(report, ["maxDbReadsPerEpisode >= 2000 && db.rejected > 0", "db.reads == 1"])).toEqual([
      { claim: "maxDbReadsPerEpisode >= 2000", ok: true, actual: 2712, expected: 2000 },
      { claim: "db.rejected > 0", ok: false, actual: 0, expected: 0 },
      { claim: "db.reads == 1", ok: true, actual: 1, expected: 1 },
    ]);
  });

  it("fails a claim it cannot read, saying why, instead of throwing", () => {
    const [result] = checkExpects(sampleReport(), ["db.nope == 1"]);
    expect(result).toMatchObject({ ok: false, actual: undefined, error: expect.stringMatching(/no field "db.nope"/) });
  });

  it("compares with another field of the report", () => {
    expect(checkExpects(sampleReport({ maxDbReadsPerEpisode: 4 }), ["maxDbReadsPerEpisode == scenario.instances"])[0]?.ok).toBe(true);
  });

  it("holds only when every result holds, and there is one", () => {
    expect(allHold([])).toBe(false);
    expect(allHold(checkExpects(sampleReport(), ["db.reads == 1"]))).toBe(true);
    expect(allHold(checkExpects(sampleReport(), ["db.reads == 1", "db.reads == 2"]))).toBe(false);
  });
});

describe("plain words", () => {
  it("says a claim in the run summary's labels", () => {
    expect(plainClaim("maxDbReadsPerEpisode >= 2000")).toBe("most DB reads in one episode ≥ 2,000");
    expect(plainClaim("db.rejected >= 100")).toBe("DB queries refused ≥ 100");
    expect(plainClaim("locks.violationsByKind.two-holders >= 1")).toBe("two holders at once ≥ 1");
    expect(plainClaim("maxDbReadsPerEpisode == scenario.instances")).toBe("most DB reads in one episode = the number of instances");
    expect(plainClaim("db.lostUpdates == 0 && writes.lost != 1")).toBe("lost updates = 0 and writes lost ≠ 1");
  });

  it("falls back to the field itself, and to the claim when it does not parse", () => {
    expect(fieldLabel("cache.fills")).toBe("cache.fills");
    expect(plainClaim("nonsense")).toBe("nonsense");
  });
});
