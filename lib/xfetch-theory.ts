/**
 * What XFetch should do, in numbers: when the first request refreshes a value early, how likely the
 * value expires before anyone does, and how many recomputes one cycle costs. Pure maths, no I/O;
 * the page draws it beside what a run measured.
 *
 * The rule (Vattani, Chierichetti & Lowenstein, "Optimal Probabilistic Cache Stampede Prevention",
 * and server/engine/cache-entry.ts): a request that finds the value fresh refreshes it when
 * `now − δ·β·ln(U) ≥ expiry`, U uniform in (0, 1]. With τ the time left before the expiry, that is
 * U ≤ e^(−τ/(βδ)): a request τ before the expiry volunteers with chance e^(−τ/s), s = β·δ.
 *
 * Derivation. Requests arrive as a Poisson stream of rate r, so volunteers arrive as a thinned
 * Poisson stream of rate r·e^(−τ/s). The expected number of volunteers while more than τ is left,
 * for a value that lives L, is Λ(τ) = ∫_τ^L r·e^(−u/s) du = a·(e^(−τ/s) − e^(−L/s)), a = r·s.
 * The first volunteer's lead T (time left when it comes) therefore has P(T ≤ τ) = e^(−Λ(τ)): for a
 * long-lived value a Gumbel law with location s·ln(a) and scale s. Its density e^(−Λ(τ))·r·e^(−τ/s)
 * peaks where r·e^(−τ/s) = 1/s, at τ = s·ln(r·s) — so β·δ·ln(r·β·δ) is the most likely lead (the
 * mode), not the mean: the mean is s·(ln a + γ + E₁(a)) ≈ β·δ·(ln(r·β·δ) + 0.577), and the median
 * s·(ln a − ln ln 2). With a ≤ 1 the most likely outcome is no early refresh at all: P(none) = e^(−Λ(0)).
 */

/** Euler–Mascheroni γ: the Gumbel law's mean sits γ scales past its mode. */
export const EULER_GAMMA = 0.5772156649015329;

/** How the volunteers are kept from recomputing together. */
export type XfetchLock =
  /** One lock for the cluster (Redlock, a single Redis node): one volunteer wins, the rest serve the fresh value. */
  | "cluster"
  /** A lock inside each app server: at most one volunteer per instance while a refresh runs. */
  | "local"
  /** No lock: every volunteer recomputes. */
  | "none";

export interface XfetchInputs {
  /** XFetch's β (> 0). */
  beta: number;
  /** δ: how long a recompute takes, ms (> 0). */
  deltaMs: number;
  /** r: requests per second for the key. */
  ratePerSec: number;
  /** L: how long a value lives before it expires, ms. */
  lifetimeMs: number;
  lock: XfetchLock;
  /** App servers sharing the key (for `lock: "local"`). @default 1 */
  instances?: number;
}

export interface XfetchTheory {
  /** s = β·δ, ms: the width of the early-refresh window. */
  scaleMs: number;
  /** a = r·β·δ: the expected volunteers over a long-lived value's whole life. */
  load: number;
  /** The most likely lead of the first early refresh, ms before the expiry: β·δ·ln(r·β·δ), within [0, L]. */
  modeLeadMs: number;
  /** The mean lead, ms (counting 0 for a value that expires with no early refresh). */
  meanLeadMs: number;
  /** How much the lead varies from cycle to cycle, ms (standard deviation; π·β·δ/√6 for a long-lived value). */
  sdLeadMs: number;
  /** The median lead, ms; null when the value more often expires with no early refresh. */
  medianLeadMs: number | null;
  /** The chance that no request refreshes early and the value expires (an episode). */
  pExpiresFirst: number;
  /**
   * Expected recomputes in a cycle that refreshes early: the first volunteer's, plus those of the
   * requests that volunteer while it runs (δ) and that the lock does not stop.
   */
  recomputesPerCycle: number;
}

/** P(T ≤ τ): the chance the first early refresh comes no earlier than τ ms before the expiry. */
export function leadCdf(inputs: XfetchInputs, tauMs: number): number {
  const { s, r, L } = params(inputs);
  if (tauMs >= L) return 1;
  const tau = Math.max(0, tauMs);
  return Math.exp(-cumulative(r, s, L, tau));
}

export function xfetchTheory(inputs: XfetchInputs): XfetchTheory {
  const { s, r, L } = params(inputs);
  const a = r * s;
  const pExpiresFirst = Math.exp(-cumulative(r, s, L, 0));
  // Where the density's log-derivative r·e^(−τ/s) − 1/s vanishes; at the expiry when a ≤ 1.
  const modeLeadMs = Math.min(L, Math.max(0, s * Math.log(a)));
  // Beyond s·(ln a + 50) there is e^(−50) of the law left: integrate up to there, not up to L.
  const upper = Math.min(L, s * (Math.max(0, Math.log(a)) + 50));
  const meanLeadMs = simpson((tau) => 1 - Math.exp(-cumulative(r, s, L, tau)), 0, upper);
  // E[T²] = ∫ 2τ·P(T > τ) dτ.
  const secondMoment = simpson((tau) => 2 * tau * (1 - Math.exp(-cumulative(r, s, L, tau))), 0, upper);
  const sdLeadMs = Math.sqrt(Math.max(0, secondMoment - meanLeadMs * meanLeadMs));
  // P(T ≤ τ) = 1/2 ⇔ Λ(τ) = ln 2 ⇔ e^(−τ/s) = ln 2 / a + e^(−L/s).
  const medianLeadMs = pExpiresFirst >= 0.5 ? null : Math.min(L, -s * Math.log(Math.log(2) / a + Math.exp(-L / s)));
  return { scaleMs: s, load: a, modeLeadMs, meanLeadMs, sdLeadMs, medianLeadMs, pExpiresFirst, recomputesPerCycle: recomputes(inputs, upper) };
}

/**
 * 1 + the expected volunteers the lock lets through while the first one's recompute runs. Given the
 * first volunteer at lead τ, those still early arrive in (max(τ − δ, 0), τ) as a Poisson number with
 * mean m(τ) = a·(e^(−max(τ−δ,0)/s) − e^(−τ/s)) (later ones find the value expired: an episode's
 * business). Without a lock each recomputes; with a lock per instance each other instance adds one
 * when at least one of its m/n arrives; a cluster lock lets none through.
 */
function recomputes(inputs: XfetchInputs, upper: number): number {
  if (inputs.lock === "cluster") return 1;
  const { s, r, L, delta } = params(inputs);
  const a = r * s;
  const n = Math.max(1, Math.round(inputs.instances ?? 1));
  const density = (tau: number) => Math.exp(-cumulative(r, s, L, tau)) * r * Math.exp(-tau / s);
  const window = (tau: number) => a * (Math.exp(-Math.max(tau - delta, 0) / s) - Math.exp(-tau / s));
  const extra =
    inputs.lock === "none" ? window : (tau: number) => (n - 1) * (1 - Math.exp(-window(tau) / n));
  const early = 1 - Math.exp(-cumulative(r, s, L, 0));
  if (early <= 0) return 1;
  return 1 + simpson((tau) => density(tau) * extra(tau), 0, upper) / early;
}

function params(inputs: XfetchInputs) {
  const { beta, deltaMs, ratePerSec, lifetimeMs } = inputs;
  if (!(beta > 0) || !(deltaMs > 0)) throw new RangeError(`XFetch needs β > 0 and δ > 0 (got β = ${beta}, δ = ${deltaMs} ms)`);
  if (!(ratePerSec >= 0) || !(lifetimeMs > 0)) throw new RangeError(`XFetch needs a rate ≥ 0 and a lifetime > 0 (got ${ratePerSec}/s, ${lifetimeMs} ms)`);
  return { s: beta * deltaMs, r: ratePerSec / 1000, L: lifetimeMs, delta: deltaMs };
}

/** Λ(τ): expected volunteers while more than τ ms is left of a value that lives L ms. */
function cumulative(r: number, s: number, L: number, tau: number): number {
  return r * s * (Math.exp(-tau / s) - Math.exp(-L / s));
}

/** Simpson's rule on 4,000 intervals: the integrands here are smooth and the spans a few dozen scales. */
function simpson(f: (x: number) => number, from: number, to: number, intervals = 4000): number {
  if (to <= from) return 0;
  const h = (to - from) / intervals;
  let sum = f(from) + f(to);
  for (let i = 1; i < intervals; i++) sum += f(from + i * h) * (i % 2 === 1 ? 4 : 2);
  return (sum * h) / 3;
}
