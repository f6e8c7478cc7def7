import { describe, expect, it } from "vitest";
import { defaultScenario, parseScenario } from "./scenario";
import { slowMotion } from "./time-scale";

describe("slowMotion", () => {
  const base = defaultScenario();
  base.faults = [{ atMs: 1500, node: "lock-2", action: "crash" }];

  it("stretches every duration and shrinks every rate by the factor", () => {
    const slow = slowMotion(base, 4);
    expect(slow.timeScale).toBe(4);
    expect([slow.durationMs, slow.tickMs, slow.flushMs, slow.lockTtlMs]).toEqual([40_000, 400, 8000, 32_000]);
    expect(slow.redlock).toMatchObject({ retryDelayMs: 800, commandTimeoutMs: 4000, retryCount: 0, driftFactor: 0.01 });
    expect(slow.cache).toMatchObject({ ttlMs: 20_000, staleTtlMs: 120_000, jitterPct: 0 });
    expect(slow.db).toMatchObject({ readLatencyMs: 800, writeLatencyMs: 200, timeoutMs: 20_000, capacity: 20, queueLimit: 1000 });
    expect(slow.crowd).toMatchObject({ expireAtMs: 4000, arrivalMs: 2000, patienceMs: 20_000, rps: 125, fromRps: 25, toRps: 500, clients: 10_000 });
    expect(slow.faults).toEqual([{ atMs: 6000, node: "lock-2", action: "crash" }]);
  });

  it("stretches a fault's own durations (pause, latency, clock jump, restart delay) and nothing they lack", () => {
    const scenario = { ...base, faults: [
      { atMs: 100, instance: 1, action: "pause" as const, ms: 3000 },
      { atMs: 200, node: "lock-1" as const, action: "latency" as const, ms: 50, jitterMs: 10 },
      { atMs: 300, node: "lock-2" as const, action: "restart" as const, delayedRestartMs: 9000 },
    ] };
    expect(slowMotion(scenario, 2).faults).toEqual([
      { atMs: 200, instance: 1, action: "pause", ms: 6000 },
      { atMs: 400, node: "lock-1", action: "latency", ms: 100, jitterMs: 20 },
      { atMs: 600, node: "lock-2", action: "restart", delayedRestartMs: 18_000 },
    ]);
  });

  it("is relative to the scale already applied, so re-scaling does not compound", () => {
    expect(slowMotion(slowMotion(base, 4), 2).durationMs).toBe(20_000);
    expect(slowMotion(slowMotion(base, 4), 1)).toMatchObject({ durationMs: 10_000, timeScale: 1 });
  });

  it("keeps the scenario valid for the same schema", () => {
    const parsed = parseScenario(slowMotion(base, 10));
    expect(parsed.ok).toBe(true);
  });

  it("refuses factors outside 1–10", () => {
    expect(() => slowMotion(base, 0.5)).toThrow(/1× to 10×/);
    expect(() => slowMotion(base, 11)).toThrow(/1× to 10×/);
  });
});
