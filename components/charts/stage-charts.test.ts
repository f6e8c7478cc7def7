import { describe, expect, it } from "vitest";
import { CHART_IDS } from "@/lib/charts";
import { PRESETS } from "@/lib/presets";
import { DEFAULT_STAGE_CHARTS, stageCharts } from "./stage-charts";

describe("stageCharts", () => {
  it("puts the beat's own charts in view, and every other chart below, once", () => {
    const beat = PRESETS.flatMap((p) => p.beats.map((b, i) => ({ preset: p, beat: i + 1, charts: b.charts }))).find((b) => b.charts && b.charts.length >= 2);
    expect(beat, "some beat names its charts").toBeDefined();
    const { lead, rest } = stageCharts(beat!.preset.id, beat!.beat);
    expect(lead).toEqual(beat!.charts!.slice(0, 2));
    expect([...lead, ...rest].sort()).toEqual([...CHART_IDS].sort());
  });

  it("falls back to requests and DB reads for a beat that names none, or no story at all", () => {
    expect(stageCharts(undefined, undefined).lead).toEqual(DEFAULT_STAGE_CHARTS);
    expect(stageCharts("no-such-story", 1).lead).toEqual(DEFAULT_STAGE_CHARTS);
    const { lead, rest } = stageCharts(undefined, undefined);
    expect(rest).toEqual(CHART_IDS.filter((id) => !lead.includes(id)));
  });
});
