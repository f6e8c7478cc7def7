/**
 * Which charts presenter mode puts in view for a beat: the beat's own (`charts` in the preset, most
 * important first), else what every story is about — what the crowd got and what the database did.
 */
import { CHART_IDS, type ChartId } from "@/lib/charts";
import { findPreset } from "@/lib/presets";

/** The stage has room for two charts beside the lock grid. */
const STAGE_CHART_COUNT = 2;
export const DEFAULT_STAGE_CHARTS: readonly ChartId[] = ["requests", "db-reads"];

export interface StageCharts {
  /** In view, beside the lock grid. */
  lead: readonly ChartId[];
  /** Below the fold: the beat's further charts first, then the others in their usual order. */
  rest: readonly ChartId[];
}

export function stageCharts(presetId: string | undefined, beat: number | undefined): StageCharts {
  const named = presetId ? findPreset(presetId)?.beats[(beat ?? 1) - 1]?.charts : undefined;
  const wanted = [...new Set([...(named && named.length > 0 ? named : []), ...DEFAULT_STAGE_CHARTS])];
  const lead = wanted.slice(0, STAGE_CHART_COUNT);
  const beatRest = (named ?? []).filter((id) => !lead.includes(id));
  const rest = [...new Set([...beatRest, ...CHART_IDS.filter((id) => !lead.includes(id))])];
  return { lead, rest };
}
