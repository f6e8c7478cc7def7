import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { CHART_IDS } from "@/lib/charts";
import { emptyFrame } from "@/lib/testing/frames";
import { LiveCharts } from "./live-charts";

function text(html: string): string {
  return html.replace(/<!-- -->/g, "").replace(/<[^>]+>/g, " ").replace(/&#x27;/g, "'").replace(/\s+/g, " ");
}

const frames = [
  emptyFrame(0, { dbReads: 1, lockAcquired: 1, hits: 5 }),
  emptyFrame(100, { dbReads: 2, dbReadsFailed: 1, timeouts: 3 }),
  emptyFrame(200, { lengthMs: 700, merged: true }),
];

describe("LiveCharts", () => {
  it("titles DB reads and lock grants as counts per window with the run's totals", () => {
    const out = text(renderToString(<LiveCharts frames={frames} tickMs={100} dbCapacity={20} annotations={[]} />));
    expect(out).toContain("DB reads per 100 ms window · 3 in total · 1 failed");
    expect(out).toContain("Lock grants per 100 ms window · 1 in total");
    // A late window is said, not hidden: its bar holds more than one window's reads.
    expect(out).toContain("1 bar covers more than 100 ms: the machine fell behind and a window closed late");
  });

  it("says what the hit ratio is taken over", () => {
    const out = text(renderToString(<LiveCharts frames={frames} tickMs={100} dbCapacity={20} annotations={[]} />));
    expect(out).toContain("answers from the cache (fresh or stale) ÷ answered reads");
    expect(out).toContain("no answers: a gap");
  });

  it("draws every chart by default, in CHART_IDS order; only the named ones, in their order, when asked", () => {
    const all = renderToString(<LiveCharts frames={frames} tickMs={100} dbCapacity={20} annotations={[]} />);
    const order = [...all.matchAll(/data-testid="chart-([a-z-]+)"/g)].map((m) => m[1]).filter((id) => id !== "title" && id !== "subtitle");
    expect(order).toEqual([...CHART_IDS]);
    const two = renderToString(<LiveCharts frames={frames} tickMs={100} dbCapacity={20} annotations={[]} charts={["locks", "db-reads"]} stage testId="stage-charts" />);
    const shown = [...two.matchAll(/data-testid="chart-([a-z-]+)"/g)].map((m) => m[1]).filter((id) => id !== "title" && id !== "subtitle");
    expect(shown).toEqual(["locks", "db-reads"]);
    expect(two).toContain('data-testid="stage-charts"');
  });

  it("says there is no cache in a run of locked read-modify-writes, instead of drawing 0 %", () => {
    const out = text(renderToString(<LiveCharts frames={frames} tickMs={100} dbCapacity={20} annotations={[]} charts={["hit-ratio"]} cacheInUse={false} />));
    expect(out).toContain("no cache in this story");
  });
});
