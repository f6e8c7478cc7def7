import { describe, expect, it } from "vitest";
import type { TickFrame } from "@/lib/report";
import { inTimeOrder, shortLabel, toChartRows } from "./chart-data";
import { emptyFrame } from "@/lib/testing/frames";

function frame(t: number, overrides: Partial<TickFrame> = {}): TickFrame {
  return emptyFrame(t, overrides);
}

describe("toChartRows", () => {
  it("turns per-tick counts into per-second rates, never cumulative", () => {
    const rows = toChartRows([frame(0, { hits: 10, dbReads: 2 }), frame(100, { hits: 10, dbReads: 0 })], 100);
    expect(rows.map((r) => r.hit)).toEqual([100, 100]);
    expect(rows.map((r) => r.dbReads)).toEqual([20, 0]);
    expect(rows.map((r) => r.s)).toEqual([0, 0.1]);
  });

  it("uses the tick length: a 250 ms tick with 5 misses is 20 per second", () => {
    expect(toChartRows([frame(0, { misses: 5 })], 250)[0]!.miss).toBe(20);
  });

  it("keeps the collector's hit ratio as a percentage, and null when nothing ended", () => {
    const rows = toChartRows([frame(0, { hitRatio: 0.25 }), frame(100)], 100);
    expect(rows.map((r) => r.hitPct)).toEqual([25, null]);
  });

  it("splits in-flight queries into running and queued", () => {
    const [row] = toChartRows([frame(0, { dbInFlight: 50, dbQueued: 30 })], 100);
    expect(row).toMatchObject({ dbRunning: 20, dbQueued: 30, dbInFlight: 50 });
  });

  it("thins long runs by merging neighbours: rates averaged, p99 the worst, gauges from the last", () => {
    const frames = Array.from({ length: 10 }, (_, i) =>
      frame(i * 100, { hits: i % 2 === 0 ? 10 : 0, misses: i % 2 === 0 ? 0 : 10, latencyP99: i * 10, latencyP50: 10, dbInFlight: i }),
    );
    const rows = toChartRows(frames, 100, 5);
    expect(rows).toHaveLength(5);
    expect(rows[0]).toMatchObject({ s: 0, hit: 50, miss: 50, hitPct: 50, p99: 10, p50: 10, dbInFlight: 1 });
    expect(rows[4]).toMatchObject({ s: 0.8, p99: 90, dbInFlight: 9 });
  });

  it("draws frames in time order whatever order they arrived in", () => {
    const rows = toChartRows([frame(0), frame(200, { hits: 2 }), frame(100, { hits: 1 })], 100);
    expect(rows.map((r) => r.s)).toEqual([0, 0.1, 0.2]);
    expect(rows.map((r) => r.hit)).toEqual([0, 10, 20]);
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
