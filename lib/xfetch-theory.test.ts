import { describe, expect, it } from "vitest";
import { seededRandom, type Random } from "../server/core/random";
import { xfetchShouldRefresh } from "../server/engine/cache-entry";
import type { CachedEntry } from "../server/engine/ports";
import { EULER_GAMMA, leadCdf, xfetchTheory, type XfetchInputs } from "./xfetch-theory";

interface Simulated {
  /** Lead of each cycle's first early refresh, ms; 0 when the value expired first. */
  leads: number[];
  expired: number;
  /** Recomputes of each cycle that refreshed early. */
  recomputes: number[];
}

/**
 * One value's life, many times over: Poisson arrivals at rate r (from the injected random source),
 * each asking the engine's own rule whether to refresh; after the first volunteer, those arriving
 * while its recompute runs (δ) recompute too unless a lock stops them.
 */
function simulate(inputs: XfetchInputs, random: Random, cycles: number): Simulated {
  const { beta, deltaMs, ratePerSec, lifetimeMs: L, lock } = inputs;
  const instances = inputs.instances ?? 1;
  const r = ratePerSec / 1000;
  const entry = { logicalExpiresAt: L, recomputeMs: deltaMs } as CachedEntry;
  const out: Simulated = { leads: [], expired: 0, recomputes: [] };
  for (let c = 0; c < cycles; c++) {
    let t = 0;
    let first: number | null = null;
    let recomputes = 0;
    const refreshing = new Set<number>();
    for (;;) {
      t += -Math.log(1 - random.next()) / r;
      if (t >= L || (first !== null && t >= first + deltaMs)) break;
      const instance = random.int(1, instances);
      if (!xfetchShouldRefresh(entry, t, beta, random)) continue;
      if (first === null) {
        first = t;
        recomputes = 1;
        refreshing.add(instance);
      } else if (lock === "none") {
        recomputes += 1;
      } else if (lock === "local" && !refreshing.has(instance)) {
        refreshing.add(instance);
        recomputes += 1;
      }
    }
    if (first === null) {
      out.expired += 1;
      out.leads.push(0);
    } else {
      out.leads.push(L - first);
      out.recomputes.push(recomputes);
    }
  }
  return out;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const share = (xs: readonly number[], pick: (x: number) => boolean) => xs.filter(pick).length / xs.length;

/** The xfetch preset's beat 1: β = 1, δ = 200 ms, 400 requests/s, a 2 s TTL, Redlock. */
const PRESET: XfetchInputs = { beta: 1, deltaMs: 200, ratePerSec: 400, lifetimeMs: 2000, lock: "cluster", instances: 4 };

describe("xfetchTheory", () => {
  it("puts the most likely early refresh at β·δ·ln(r·β·δ) before the expiry, and the mean γ·β·δ earlier", () => {
    const theory = xfetchTheory(PRESET);
    expect(theory.scaleMs).toBe(200);
    expect(theory.load).toBeCloseTo(80, 9);
    expect(theory.modeLeadMs).toBeCloseTo(200 * Math.log(80), 6); // 876 ms
    // The Gumbel law's mean and median, for a value that lives long enough for its whole tail.
    const long = xfetchTheory({ ...PRESET, lifetimeMs: 1_000_000 });
    expect(long.meanLeadMs).toBeCloseTo(200 * (Math.log(80) + EULER_GAMMA), 3); // 992 ms
    expect(long.medianLeadMs).toBeCloseTo(200 * (Math.log(80) - Math.log(Math.log(2))), 3);
    expect(long.sdLeadMs).toBeCloseTo((200 * Math.PI) / Math.sqrt(6), 2); // 257 ms
    // A 2 s value cannot be refreshed before it was written: that trims about a·e^(−L/s)·(L − mean) ≈ 4 ms.
    expect(theory.meanLeadMs).toBeLessThan(long.meanLeadMs);
    expect(long.meanLeadMs - theory.meanLeadMs).toBeLessThan(5);
    expect(theory.pExpiresFirst).toBeLessThan(1e-30);
    expect(theory.recomputesPerCycle).toBe(1);
    // The mode is the law's 1/e quantile: P(T ≤ mode) = exp(−a·e^(−ln a)) = 1/e.
    expect(leadCdf({ ...PRESET, lifetimeMs: 1_000_000 }, theory.modeLeadMs)).toBeCloseTo(Math.exp(-1), 9);
    expect(leadCdf(PRESET, theory.modeLeadMs)).toBeCloseTo(Math.exp(-1), 2);
  });

  it("says a thin stream most likely lets the value expire: no lead, median undefined", () => {
    const thin: XfetchInputs = { beta: 1, deltaMs: 100, ratePerSec: 5, lifetimeMs: 1000, lock: "cluster" };
    const theory = xfetchTheory(thin);
    expect(theory.load).toBeCloseTo(0.5, 9);
    expect(theory.modeLeadMs).toBe(0);
    expect(theory.medianLeadMs).toBeNull();
    expect(theory.pExpiresFirst).toBeCloseTo(Math.exp(-0.5 * (1 - Math.exp(-10))), 9);
  });

  it("counts e^(1/β) recomputes per cycle without a lock, for a long-lived value whose refresh ends early", () => {
    for (const beta of [1, 2, 4]) {
      const theory = xfetchTheory({ beta, deltaMs: 100, ratePerSec: 1000, lifetimeMs: 60_000, lock: "none" });
      expect(theory.recomputesPerCycle).toBeCloseTo(Math.exp(1 / beta), 2);
    }
  });

  it("refuses β or δ that are not positive, saying which", () => {
    expect(() => xfetchTheory({ ...PRESET, beta: 0 })).toThrow(/β > 0/);
    expect(() => xfetchTheory({ ...PRESET, deltaMs: -1 })).toThrow(/δ = -1 ms/);
  });
});

describe("xfetchTheory against a seeded simulation of the engine's own rule", () => {
  it("the preset's lead: its law, its 1/e quantile at β·δ·ln(r·β·δ), its mean", () => {
    const sim = simulate(PRESET, seededRandom("xfetch-preset"), 4000);
    const theory = xfetchTheory(PRESET);
    expect(sim.expired).toBe(0);
    // 4,000 cycles: a share's standard error is at most 0.008, the mean's (sd π·s/√6 ≈ 256 ms) 4 ms.
    expect(share(sim.leads, (lead) => lead <= theory.modeLeadMs)).toBeCloseTo(Math.exp(-1), 1);
    expect(Math.abs(share(sim.leads, (lead) => lead <= theory.modeLeadMs) - Math.exp(-1))).toBeLessThan(0.03);
    for (const tau of [600, 800, 1000, 1200, 1400]) {
      expect(Math.abs(share(sim.leads, (lead) => lead <= tau) - leadCdf(PRESET, tau)), `P(T ≤ ${tau})`).toBeLessThan(0.03);
    }
    expect(Math.abs(mean(sim.leads) - theory.meanLeadMs)).toBeLessThan(16);
    const sd = Math.sqrt(mean(sim.leads.map((lead) => (lead - mean(sim.leads)) ** 2)));
    expect(Math.abs(sd - theory.sdLeadMs)).toBeLessThan(15);
    // Redlock lets one volunteer through.
    expect(sim.recomputes.every((n) => n === 1)).toBe(true);
  });

  it("a thin stream: the share of values that expire with no early refresh", () => {
    const thin: XfetchInputs = { beta: 1, deltaMs: 100, ratePerSec: 10, lifetimeMs: 1000, lock: "cluster" };
    const sim = simulate(thin, seededRandom("xfetch-thin"), 20_000);
    const theory = xfetchTheory(thin);
    expect(theory.pExpiresFirst).toBeCloseTo(Math.exp(-1), 3);
    expect(Math.abs(sim.expired / 20_000 - theory.pExpiresFirst)).toBeLessThan(0.015);
    expect(Math.abs(mean(sim.leads) - theory.meanLeadMs)).toBeLessThan(4);
  });

  it("no lock, and a lock per instance: the recomputes one early cycle costs", () => {
    for (const inputs of [
      { beta: 1, deltaMs: 200, ratePerSec: 100, lifetimeMs: 3000, lock: "none" },
      { beta: 0.5, deltaMs: 200, ratePerSec: 100, lifetimeMs: 3000, lock: "none" },
      { beta: 1, deltaMs: 200, ratePerSec: 100, lifetimeMs: 3000, lock: "local", instances: 4 },
    ] satisfies XfetchInputs[]) {
      const sim = simulate(inputs, seededRandom(`xfetch-${inputs.lock}-${inputs.beta}`), 6000);
      const theory = xfetchTheory(inputs);
      // The count's sd is under 3 (a Poisson mixture of mean ≤ e²): 6,000 cycles put the mean within 0.04.
      expect(Math.abs(mean(sim.recomputes) - theory.recomputesPerCycle), `${inputs.lock}, β = ${inputs.beta}`).toBeLessThan(0.12);
    }
  });
});
