import { describe, expect, it } from "vitest";
import { defaultScenario, type Scenario } from "../../lib/scenario";
import { seededRandom } from "../core/random";
import { cacheKeyFor } from "../engine/keys";
import { planArrivals, planWave, type Arrival } from "./crowd";

type Crowd = Scenario["crowd"];

function scenario(crowd: Partial<Crowd>, durationMs = 10_000): Pick<Scenario, "crowd" | "durationMs"> {
  return { durationMs, crowd: { ...defaultScenario().crowd, ...crowd } };
}

const plan = (crowd: Partial<Crowd>, seed: number | string = 1, durationMs?: number): Arrival[] =>
  planArrivals(scenario(crowd, durationMs), seededRandom(seed));

const countBy = <T>(items: readonly T[], key: (item: T) => string): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
};

describe("planArrivals: seeded", () => {
  it.each(["sneaker-drop", "steady", "ramp"] as const)("%s: the same seed gives the same plan; another seed another plan", (profile) => {
    const crowd = { profile, clients: 2000, rps: 300, fromRps: 50, toRps: 500, keys: 20, keyDistribution: "zipf" as const, writeRatio: 0.2 };
    expect(plan(crowd, 7)).toEqual(plan(crowd, 7));
    const a = plan(crowd, 7);
    const b = plan(crowd, 8);
    expect(a.map((x) => x.atMs)).not.toEqual(b.map((x) => x.atMs));
    expect(a.map((x) => x.key)).not.toEqual(b.slice(0, a.length).map((x) => x.key));
  });

  it("is sorted by time", () => {
    for (const profile of ["sneaker-drop", "steady", "ramp"] as const) {
      const times = plan({ profile, clients: 3000 }).map((a) => a.atMs);
      expect(times).toEqual([...times].sort((x, y) => x - y));
    }
  });
});

describe("planArrivals: sneaker-drop", () => {
  it("brings exactly `clients` arrivals, all in [expireAtMs, expireAtMs + arrivalMs)", () => {
    const arrivals = plan({ profile: "sneaker-drop", clients: 10_000, expireAtMs: 1000, arrivalMs: 500 });
    expect(arrivals).toHaveLength(10_000);
    for (const a of arrivals) {
      expect(a.atMs).toBeGreaterThanOrEqual(1000);
      expect(a.atMs).toBeLessThan(1500);
    }
  });

  it("spreads them uniformly over the window (each fifth within ±10%)", () => {
    const arrivals = plan({ profile: "sneaker-drop", clients: 10_000, expireAtMs: 1000, arrivalMs: 500 });
    const fifths = countBy(arrivals, (a) => String(Math.floor((a.atMs - 1000) / 100)));
    for (const bucket of ["0", "1", "2", "3", "4"]) expect(Math.abs((fifths.get(bucket) ?? 0) - 2000)).toBeLessThan(200);
  });

  it("with arrivalMs = 0 everyone comes at the expiry", () => {
    const arrivals = plan({ profile: "sneaker-drop", clients: 100, expireAtMs: 700, arrivalMs: 0 });
    expect(arrivals).toHaveLength(100);
    expect(new Set(arrivals.map((a) => a.atMs))).toEqual(new Set([700]));
  });

  it("arrivalSpread even: client i at exactly expireAtMs + i × arrivalMs / clients, the same for every seed", () => {
    const crowd = { profile: "sneaker-drop" as const, clients: 4, expireAtMs: 1000, arrivalMs: 600, arrivalSpread: "even" as const };
    const times = (seed: number) => plan(crowd, seed).map((a) => a.atMs);
    expect(times(1)).toEqual([1000, 1150, 1300, 1450]);
    for (const seed of [2, 42, 999]) expect(times(seed)).toEqual(times(1));
    // The safety presets' pair: one at the expiry, the next 300 ms later.
    expect(plan({ ...crowd, clients: 2 }, 7).map((a) => a.atMs)).toEqual([1000, 1300]);
    // A wave released by hand spreads the same way from its own start.
    expect(planWave(scenario({ ...crowd, clients: 2 }), 4200, seededRandom(3)).map((a) => a.atMs)).toEqual([4200, 4500]);
  });

  it("keeps arrivals past durationMs when the drop window runs over it", () => {
    const arrivals = plan({ profile: "sneaker-drop", clients: 1000, expireAtMs: 900, arrivalMs: 500 }, 1, 1000);
    expect(arrivals).toHaveLength(1000);
  });
});

describe("planArrivals: steady and ramp", () => {
  it("steady brings about rps × duration (±10%), within [0, durationMs)", () => {
    for (const seed of [1, 2, 3]) {
      const arrivals = plan({ profile: "steady", rps: 500 }, seed, 10_000);
      expect(Math.abs(arrivals.length - 5000)).toBeLessThan(500);
      expect(arrivals.every((a) => a.atMs >= 0 && a.atMs < 10_000)).toBe(true);
    }
  });

  it("steady at 0 rps brings nobody", () => {
    expect(plan({ profile: "steady", rps: 0 })).toEqual([]);
  });

  it("ramp climbs: the second half brings more than the first, the total ≈ mean rate × duration", () => {
    for (const seed of [1, 2, 3]) {
      const arrivals = plan({ profile: "ramp", fromRps: 100, toRps: 2000 }, seed, 10_000);
      const firstHalf = arrivals.filter((a) => a.atMs < 5000).length;
      const secondHalf = arrivals.length - firstHalf;
      expect(secondHalf).toBeGreaterThan(firstHalf);
      // Expected halves: 0.5 × (100 + 1050) / 2 × 10 = 2875 and 0.5 × (1050 + 2000) / 2 × 10 = 7625.
      expect(Math.abs(firstHalf - 2875)).toBeLessThan(288);
      expect(Math.abs(secondHalf - 7625)).toBeLessThan(763);
      expect(Math.abs(arrivals.length - 10_500)).toBeLessThan(1050);
    }
  });

  it("a descending ramp descends", () => {
    const arrivals = plan({ profile: "ramp", fromRps: 2000, toRps: 100 }, 4, 10_000);
    const firstHalf = arrivals.filter((a) => a.atMs < 5000).length;
    expect(firstHalf).toBeGreaterThan(arrivals.length - firstHalf);
  });
});

describe("planArrivals: keys and kinds", () => {
  it("one key: everyone asks for the hot key", () => {
    expect(new Set(plan({ clients: 500, keys: 1 }).map((a) => a.key))).toEqual(new Set([cacheKeyFor(0)]));
  });

  it("zipf makes key 0 the most frequent, near its 1/H(n) share, and frequencies fall with rank", () => {
    const arrivals = plan({ profile: "sneaker-drop", clients: 20_000, keys: 10, keyDistribution: "zipf" });
    const counts = countBy(arrivals, (a) => a.key);
    const share = (k: number) => (counts.get(cacheKeyFor(k)) ?? 0) / arrivals.length;
    const harmonic = Array.from({ length: 10 }, (_, k) => 1 / (k + 1)).reduce((a, b) => a + b, 0);
    expect(Math.abs(share(0) - 1 / harmonic)).toBeLessThan(0.02);
    for (let k = 1; k < 10; k++) expect(share(0)).toBeGreaterThan(share(k));
    expect(share(0)).toBeGreaterThan(share(1));
    expect(share(1)).toBeGreaterThan(share(4));
    expect(share(4)).toBeGreaterThan(share(9));
    expect(counts.size).toBe(10);
  });

  it("uniform spreads keys evenly (each within ±10% of its share)", () => {
    const arrivals = plan({ profile: "sneaker-drop", clients: 20_000, keys: 10, keyDistribution: "uniform" });
    const counts = countBy(arrivals, (a) => a.key);
    expect(counts.size).toBe(10);
    for (const n of counts.values()) expect(Math.abs(n - 2000)).toBeLessThan(200);
  });

  it.each([0, 0.1, 0.3, 1])("writeRatio %s: that share of arrivals are writes", (writeRatio) => {
    const arrivals = plan({ profile: "sneaker-drop", clients: 20_000, writeRatio });
    const writes = arrivals.filter((a) => a.kind === "write").length / arrivals.length;
    expect(Math.abs(writes - writeRatio)).toBeLessThan(0.02);
  });
});

describe("planWave", () => {
  it("brings `clients` arrivals in [from, from + arrivalMs), reproducibly", () => {
    const s = scenario({ clients: 1000, arrivalMs: 300 });
    const wave = planWave(s, 4200, seededRandom(9));
    expect(wave).toHaveLength(1000);
    expect(wave.every((a) => a.atMs >= 4200 && a.atMs < 4500)).toBe(true);
    expect(planWave(s, 4200, seededRandom(9))).toEqual(wave);
  });
});
