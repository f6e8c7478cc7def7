/**
 * The dashboard's charts by name, shared by the presets (each beat says which charts it is about)
 * and the page (presenter mode shows those first). The id is the chart's test id without "chart-".
 */
export const CHART_IDS = ["requests", "hit-ratio", "db-reads", "db-inflight", "latency", "locks"] as const;
export type ChartId = (typeof CHART_IDS)[number];
