import { describe, expect, it } from "vitest";
import { CHART_IDS } from "./charts";
import { claimParts } from "./claims";
import { checkExpects, FIELD_LABELS } from "./expect";
import { PRESETS } from "./presets";
import { sampleReport } from "./testing/report";

const beats = PRESETS.flatMap((preset) => preset.beats.map((beat, index) => ({ id: `${preset.id} beat ${index + 1}`, beat })));

describe("every preset beat states its promise", () => {
  it.each(beats)("$id: at least one expect, each in the --assert grammar and about a real report field", ({ beat }) => {
    expect(beat.expect?.length ?? 0).toBeGreaterThan(0);
    const results = checkExpects(sampleReport(), beat.expect ?? []);
    // Read against a whole report: a claim that does not parse, or names a field the report lacks, comes back with an error.
    expect(results.filter((r) => r.error)).toEqual([]);
    for (const claim of beat.expect ?? []) {
      for (const part of claimParts(claim)) {
        // The page shows it in the summary's words: every field a claim names has a plain label.
        expect(FIELD_LABELS[part.field], `${claim}: no plain label for ${part.field}`).toBeDefined();
        if (!/^-?\d/.test(part.value)) expect(FIELD_LABELS[part.value], `${claim}: no plain label for ${part.value}`).toBeDefined();
      }
    }
  });

  it.each(beats)("$id: names the two or three charts it is about, real ones, most important first", ({ beat }) => {
    expect(beat.charts?.length).toBeGreaterThanOrEqual(2);
    expect(beat.charts?.length).toBeLessThanOrEqual(3);
    for (const chart of beat.charts ?? []) expect(CHART_IDS).toContain(chart);
    expect(new Set(beat.charts).size).toBe(beat.charts?.length);
  });

  it("speaks plain words: no watch line names a report field", () => {
    const fields = Object.keys(FIELD_LABELS).flatMap((path) => [path, path.split(".").at(-1)!]).filter((name) => /[a-z][A-Z]|\./.test(name));
    for (const preset of PRESETS) {
      for (const watch of [preset.watch, ...preset.beats.map((b) => b.watch)]) {
        for (const name of fields) expect(watch, `${preset.id}: "${watch}" names ${name}`).not.toContain(name);
      }
    }
  });

  it("expects can fail: a calm report breaks the stampede beat's promise", () => {
    const stampede = PRESETS.find((p) => p.id === "saturday-morning")!.beats[0]!;
    const results = checkExpects(sampleReport(), stampede.expect ?? []);
    expect(results.some((r) => !r.ok)).toBe(true);
  });
});
