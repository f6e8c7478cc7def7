import { describe, expect, it } from "vitest";
import type { TickFrame } from "@/lib/report";
import { cacheAnswerPct, chartTotals, inTimeOrder, shortLabel, toChartRows, windowLabel } from "./chart-data";
import { emptyFrame } from "@/lib/testing/frames";

function frame(t: number, overrides: Partial<TickFrame> = {}): TickFrame {
  return emptyFrame(t, overrides);
}

describe("toChartRows", () => {
  it("turns per-window request counts into per-second rates, never cumulative", () => {
    const rows = toChartRows([frame(0, { hits: 10 }), frame(100, { hits: 10 })], 100);
    expect(rows.map((r) => r.hit)).toEqual([100, 100]);
    expect(rows.map((r) => r.s)).toEqual([0, 0.1]);
  });

  it("divides by the window's real length: a window that closed 400 ms late is no spike", () => {
    // 50 hits over a 500 ms window is 100/s, not the 500/s that 50 × 1000 / tickMs would draw.
    const rows = toChartRows([frame(0, { hits: 10, lengthMs: 100 }), frame(100, { hits: 50, lengthMs: 500, merged: true }), frame(500, { hits: 3, lengthMs: 30 })], 100);
    expect(rows.map((r) => r.hit)).toEqual([100, 100, 100]);
    expect(rows.map((r) => r.windowMs)).toEqual([100, 500, 30]);
    expect(rows.map((r) => r.merged)).toEqual([false, true, false]);
  });

  it("takes a recording's frame without a length as one tick long", () => {
    const old = frame(0, { misses: 5 }) as Partial<TickFrame>;
    delete old.lengthMs;
    delete old.merged;
    expect(toChartRows([old as TickFrame], 250)[0]).toMatchObject({ miss: 20, windowMs: 250, merged: false });
  });

  it("keeps DB reads and lock grants as counts per window, with running totals", () => {
    const rows = toChartRows(
      [frame(0, { dbReads: 1, lockAcquired: 1 }), frame(100, { lengthMs: 40 }), frame(140, { dbReads: 2, dbReadsFailed: 1, lockAcquired: 0 })],
      100,
    );
    // One DB read is drawn as 1, never as "10 per second".
    expect(rows.map((r) => r.dbReads)).toEqual([1, 0, 2]);
    expect(rows.map((r) => r.dbReadsFailed)).toEqual([0, 0, 1]);
    expect(rows.map((r) => r.dbReadsTotal)).toEqual([1, 1, 3]);
    expect(rows.map((r) => r.lockAcquired)).toEqual([1, 0, 0]);
    expect(rows.map((r) => r.lockAcquiredTotal)).toEqual([1, 1, 1]);
  });

  it("stands each bar in the middle of its real window", () => {
    const rows = toChartRows([frame(0), frame(100, { lengthMs: 300 })], 100);
    expect(rows.map((r) => r.mid)).toEqual([0.05, 0.25]);
  });

  it("takes the hit ratio over answered reads only: no answers is a gap, not 0 %", () => {
    const rows = toChartRows(
      [
        frame(0, { hits: 3, misses: 1 }),
        // Only timeouts and errors: nothing was answered, so there is no ratio to draw.
        frame(100, { timeouts: 40, errors: 2 }),
        frame(200),
        // Stale values came from the cache too.
        frame(300, { staleServed: 9, misses: 1, timeouts: 5 }),
      ],
      100,
    );
    expect(rows.map((r) => r.hitPct)).toEqual([75, null, null, 90]);
    expect(rows.map((r) => r.answered)).toEqual([4, 0, 0, 10]);
  });

  it("counts a waiter that was answered from the cache after the fill as a hit, whenever it ended", () => {
    // The crowd waited through the fill (no answers), then the holder's miss and the waiters' hits end together.
    const rows = toChartRows([frame(0, { arrivals: 500 }), frame(100, { misses: 1, hits: 499 })], 100);
    expect(rows.map((r) => r.hitPct)).toEqual([null, 99.8]);
  });

  it("splits in-flight queries into running and queued", () => {
    const [row] = toChartRows([frame(0, { dbInFlight: 50, dbQueued: 30 })], 100);
    expect(row).toMatchObject({ dbRunning: 20, dbQueued: 30, dbInFlight: 50 });
  });

  it("thins long runs by merging neighbours: rates over the time covered, counts summed, p99 the worst, gauges from the last", () => {
    const frames = Array.from({ length: 10 }, (_, i) =>
      frame(i * 100, { hits: i % 2 === 0 ? 10 : 0, misses: i % 2 === 0 ? 0 : 10, dbReads: 1, latencyP99: i * 10, latencyP50: 10, dbInFlight: i }),
    );
    const rows = toChartRows(frames, 100, 5);
    expect(rows).toHaveLength(5);
    expect(rows[0]).toMatchObject({ s: 0, windowMs: 200, hit: 50, miss: 50, hitPct: 50, dbReads: 2, dbReadsTotal: 2, p99: 10, p50: 10, dbInFlight: 1 });
    expect(rows[4]).toMatchObject({ s: 0.8, p99: 90, dbInFlight: 9, dbReadsTotal: 10 });
    expect(chartTotals(frames, 100, 5)).toMatchObject({ dbReads: 10, binMs: 200, mergedRows: 0 });
  });

  it("draws frames in time order whatever order they arrived in", () => {
    const rows = toChartRows([frame(0), frame(200, { hits: 2, dbReads: 2 }), frame(100, { hits: 1, dbReads: 1 })], 100);
    expect(rows.map((r) => r.s)).toEqual([0, 0.1, 0.2]);
    expect(rows.map((r) => r.hit)).toEqual([0, 10, 20]);
    expect(rows.map((r) => r.dbReadsTotal)).toEqual([0, 1, 3]);
  });
});

describe("cacheAnswerPct", () => {
  it("is the chart's ratio for one window: from the cache over answered reads, null with none answered", () => {
    expect(cacheAnswerPct({ hits: 3, staleServed: 1, misses: 4 })).toBe(50);
    expect(cacheAnswerPct({ hits: 0, staleServed: 0, misses: 0 })).toBeNull();
  });
});

describe("chartTotals", () => {
  it("adds up what the titles show, as the counters do, and counts the rows that hold a late window", () => {
    const totals = chartTotals([frame(0, { dbReads: 1, lockAcquired: 1 }), frame(100, { dbReads: 361, dbReadsFailed: 12, merged: true, lengthMs: 900 })], 100);
    expect(totals).toEqual({ dbReads: 362, dbReadsFailed: 12, lockAcquired: 1, binMs: 100, mergedRows: 1 });
  });
});

describe("windowLabel", () => {
  it("says a window's length in ms below a second, in seconds above", () => {
    expect(windowLabel(100)).toBe("100 ms");
    expect(windowLabel(1500)).toBe("1.5 s");
  });
});

describe("inTimeOrder", () => {
  it("returns the same array when already ordered", () => {
    const frames = [frame(0), frame(100)];
    expect(inTimeOrder(frames)).toBe(frames);
  });

  it("sorts, and keeps the later arrival for a repeated window", () => {
    const late = frame(100, { hits: 9 });
    const out = inTimeOrder([frame(0), frame(200), frame(100), late]);
    expect(out.map((f) => f.t)).toEqual([0, 100, 200]);
    expect(out[1]).toBe(late);
  });
});

describe("shortLabel", () => {
  it("cuts long labels with an ellipsis", () => {
    expect(shortLabel("crash lock-2")).toBe("crash lock-2");
    expect(shortLabel("a very long annotation label indeed", 10)).toBe("a very lo…");
  });
});
