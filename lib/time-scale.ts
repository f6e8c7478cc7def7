import type { Scenario } from "./scenario";

/**
 * Stretches a scenario by `factor` (1–10): TTLs, latencies, arrivals, patience, lock TTL, ticks,
 * flushes and fault times grow; rates shrink. The crowd, the nodes and the numbers of DB reads per
 * episode stay the same story — only slower, on the same real Redis.
 */
export function slowMotion(scenario: Scenario, factor: number): Scenario {
  if (!(factor >= 1 && factor <= 10)) throw new RangeError("slow motion goes from 1× to 10×");
  const f = factor / scenario.timeScale;
  if (f === 1) return scenario;
  const t = (ms: number) => Math.round(ms * f);
  return {
    ...scenario,
    timeScale: factor,
    durationMs: t(scenario.durationMs),
    tickMs: t(scenario.tickMs),
    flushMs: t(scenario.flushMs),
    lockTtlMs: t(scenario.lockTtlMs),
    redlock: {
      ...scenario.redlock,
      retryDelayMs: t(scenario.redlock.retryDelayMs),
      commandTimeoutMs: t(scenario.redlock.commandTimeoutMs),
    },
    cache: { ...scenario.cache, ttlMs: t(scenario.cache.ttlMs), staleTtlMs: t(scenario.cache.staleTtlMs) },
    db: {
      ...scenario.db,
      readLatencyMs: t(scenario.db.readLatencyMs),
      writeLatencyMs: t(scenario.db.writeLatencyMs),
      timeoutMs: t(scenario.db.timeoutMs),
    },
    crowd: {
      ...scenario.crowd,
      expireAtMs: t(scenario.crowd.expireAtMs),
      arrivalMs: t(scenario.crowd.arrivalMs),
      patienceMs: t(scenario.crowd.patienceMs),
      rps: scenario.crowd.rps / f,
      fromRps: scenario.crowd.fromRps / f,
      toRps: scenario.crowd.toRps / f,
    },
    faults: scenario.faults.map((fault) => {
      const stretched = { ...fault, atMs: t(fault.atMs) };
      // A fault's own durations (a pause, a delay, a clock jump, a restart delay) stretch with the rest.
      for (const field of ["ms", "jitterMs", "delayedRestartMs"] as const) {
        const value = (fault as Partial<Record<typeof field, number>>)[field];
        if (value !== undefined) (stretched as Partial<Record<typeof field, number>>)[field] = t(value);
      }
      return stretched;
    }),
  };
}
