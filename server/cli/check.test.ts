import { describe, expect, it } from "vitest";
import { checkExpects } from "../../lib/expect";
import { sampleReport } from "../../lib/testing/report";
import { formatBeatCheck, formatRehearsalTable } from "./check";

describe("--check's words", () => {
  it("marks each expect ✓ or ✗ with its plain words and the actual value", () => {
    const results = checkExpects(sampleReport(), ["db.reads == 1", "maxDbReadsPerEpisode >= 2000"]);
    const text = formatBeatCheck("saturday-morning, beat 1", results, false);
    expect(text).toContain("saturday-morning, beat 1: 1 of 2 expect(s) failed");
    expect(text).toContain("✓ db.reads == 1 — DB reads = 1 (actual 1)");
    expect(text).toContain("✗ maxDbReadsPerEpisode >= 2000 — most DB reads in one episode ≥ 2,000 (actual 1)");
    expect(text).not.toContain("lag");
  });

  it("blames the machine's lag when an expect failed on a distorted run, and only then", () => {
    const failed = checkExpects(sampleReport(), ["db.reads == 2"]);
    expect(formatBeatCheck("x", failed, true)).toMatch(/distorted.*lag is the likely cause/);
    expect(formatBeatCheck("x", checkExpects(sampleReport(), ["db.reads == 1"]), true)).not.toMatch(/lag/);
  });

  it("tables a rehearsal: one row per beat, what failed under it, and the count", () => {
    const table = formatRehearsalTable({
      status: "finished",
      total: 3,
      beats: [
        { presetId: "redlock-holds", beat: 1, title: "Two down", status: "passed", results: checkExpects(sampleReport(), ["db.reads == 1"]), distorted: false, durationMs: 6000 },
        { presetId: "saturday-morning", beat: 1, title: "The stampede", status: "failed", results: checkExpects(sampleReport(), ["db.rejected >= 100"]), distorted: true, durationMs: 8000 },
        { presetId: "no-quorum", beat: 1, title: "Fail closed", status: "error", results: [], distorted: false, durationMs: 10, message: "lock-3 is frozen" },
      ],
    });
    const lines = table.split("\n");
    expect(lines.find((l) => l.includes("redlock-holds"))).toMatch(/^✓ redlock-holds\s+1 {2}Two down$/);
    expect(lines.find((l) => l.includes("saturday-morning"))).toMatch(/^✗ saturday-morning/);
    expect(table).toContain("✗ db.rejected >= 100 — DB queries refused ≥ 100 (actual 0)");
    expect(table).toMatch(/⚠ .*lag is the likely cause/);
    expect(table).toContain("lock-3 is frozen");
    expect(lines.at(-1)).toBe("1 of 3 beat(s) made their point");
  });
});
