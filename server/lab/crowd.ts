import type { Scenario } from "../../lib/scenario";
import type { Random } from "../core/random";
import { cacheKeyFor } from "../engine/keys";

export interface Arrival {
  /** Ms since t = 0. */
  atMs: number;
  key: string;
  kind: "read" | "write";
}

/**
 * The crowd's schedule, decided up front from the seed so that a run can be replayed:
 * - sneaker-drop: `clients` arrivals in [expireAtMs, expireAtMs + arrivalMs), uniform at random or
 *   evenly spaced (`arrivalSpread`);
 * - steady: a Poisson process at `rps` over the run;
 * - ramp: a Poisson process whose rate climbs linearly from `fromRps` to `toRps`.
 */
export function planArrivals(scenario: Pick<Scenario, "crowd" | "durationMs">, random: Random): Arrival[] {
  const { crowd, durationMs } = scenario;
  const times = arrivalTimes(scenario, random.fork("times"));
  const keys = keyPicker(crowd.keys, crowd.keyDistribution, random.fork("keys"));
  const kinds = random.fork("kinds");
  return times
    .filter((atMs) => atMs < Math.max(durationMs, crowd.profile === "sneaker-drop" ? crowd.expireAtMs + crowd.arrivalMs : 0))
    .map((atMs) => ({ atMs, key: keys(), kind: kinds.next() < crowd.writeRatio ? "write" : "read" }));
}

/** A wave like the sneaker drop's, starting `fromMs` after t = 0: used by "release the crowd now". */
export function planWave(scenario: Pick<Scenario, "crowd">, fromMs: number, random: Random): Arrival[] {
  const { crowd } = scenario;
  const keys = keyPicker(crowd.keys, crowd.keyDistribution, random.fork("keys"));
  const kinds = random.fork("kinds");
  const times = dropTimes(crowd, fromMs, random);
  return times.map((atMs) => ({ atMs, key: keys(), kind: kinds.next() < crowd.writeRatio ? "write" : "read" }));
}

function arrivalTimes(scenario: Pick<Scenario, "crowd" | "durationMs">, random: Random): number[] {
  const { crowd, durationMs } = scenario;
  switch (crowd.profile) {
    case "sneaker-drop":
      return dropTimes(crowd, crowd.expireAtMs, random);
    case "steady":
      return poisson(() => crowd.rps, Math.max(crowd.rps, 0), durationMs, random);
    case "ramp": {
      const rateAt = (t: number) => crowd.fromRps + ((crowd.toRps - crowd.fromRps) * t) / durationMs;
      return poisson(rateAt, Math.max(crowd.fromRps, crowd.toRps), durationMs, random);
    }
  }
}

/** A drop's arrival times from `fromMs`, in order. */
function dropTimes(crowd: Scenario["crowd"], fromMs: number, random: Random): number[] {
  if (crowd.arrivalSpread === "even") return Array.from({ length: crowd.clients }, (_, i) => fromMs + (i * crowd.arrivalMs) / crowd.clients);
  return Array.from({ length: crowd.clients }, () => fromMs + random.next() * crowd.arrivalMs).sort((a, b) => a - b);
}

/** Lewis–Shedler thinning: candidates at the peak rate, each kept with probability rate(t)/peak. */
function poisson(rateAt: (tMs: number) => number, peakRps: number, durationMs: number, random: Random): number[] {
  const times: number[] = [];
  if (peakRps <= 0) return times;
  let t = 0;
  for (;;) {
    t += (-Math.log(1 - random.next()) / peakRps) * 1000;
    if (t >= durationMs) return times;
    if (random.next() * peakRps < rateAt(t)) times.push(t);
  }
}

/** Key 0 is the hot key; with zipf (s = 1) it gets the largest share. */
function keyPicker(keys: number, distribution: "uniform" | "zipf", random: Random): () => string {
  if (keys <= 1) return () => cacheKeyFor(0);
  if (distribution === "uniform") return () => cacheKeyFor(Math.floor(random.next() * keys));
  const cumulative: number[] = [];
  let sum = 0;
  for (let k = 1; k <= keys; k++) cumulative.push((sum += 1 / k));
  return () => {
    const target = random.next() * sum;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] ?? 0) < target) lo = mid + 1;
      else hi = mid;
    }
    return cacheKeyFor(lo);
  };
}
