import { afterEach, describe, expect, it } from "vitest";
import type { Random } from "../core/random";
import { seededRandom } from "../core/random";
import { xfetchShouldRefresh } from "./cache-entry";
import type { CachedEntry } from "./ports";
import { TestLab } from "./testing/lab";

const DELTA = 200;
const EXPIRY = 10_000;
const entry: CachedEntry = {
  profile: { name: "u", bio: "b" },
  version: 1,
  logicalExpiresAt: EXPIRY,
  recomputeMs: DELTA,
  writtenAt: 0,
  writer: "test",
};

/** A "random" source that always answers `value`: the extremes of U. */
const constant = (value: number): Random => ({ next: () => value, int: (min) => min, fork: () => constant(value) });

/** Share of `draws` requests at `now` that volunteer, with one seeded stream. */
function share(now: number, beta: number, draws = 20_000, seed: string | number = 7, e: CachedEntry = entry): number {
  const random = seededRandom(seed);
  let yes = 0;
  for (let i = 0; i < draws; i++) if (xfetchShouldRefresh(e, now, beta, random)) yes++;
  return yes / draws;
}

describe("xfetchShouldRefresh: refresh when now − δ·β·ln(U) ≥ expiry", () => {
  it("never when β = 0, even at or past the expiry", () => {
    for (const now of [0, EXPIRY - 1, EXPIRY, EXPIRY + 1000]) expect(share(now, 0, 2000)).toBe(0);
  });

  it("always at and after the expiry, whatever U", () => {
    for (const u of [0, 0.5, 0.999_999_999]) {
      expect(xfetchShouldRefresh(entry, EXPIRY, 1, constant(u))).toBe(true);
      expect(xfetchShouldRefresh(entry, EXPIRY + 5, 1, constant(u))).toBe(true);
    }
    expect(share(EXPIRY, 1, 5000)).toBe(1);
    expect(share(EXPIRY + 1, 3, 5000)).toBe(1);
  });

  it("never before the expiry when the last recompute took no time (δ = 0)", () => {
    expect(share(EXPIRY - 1, 5, 5000, 7, { ...entry, recomputeMs: 0 })).toBe(0);
  });

  it("at expiry − δ with β = 1 about e^-1 ≈ 0.37 of requests volunteer", () => {
    expect(share(EXPIRY - DELTA, 1)).toBeCloseTo(Math.exp(-1), 1);
    expect(Math.abs(share(EXPIRY - DELTA, 1) - Math.exp(-1))).toBeLessThan(0.05);
  });

  it.each([
    { before: 2 * DELTA, beta: 1 },
    { before: DELTA, beta: 2 },
    { before: DELTA / 2, beta: 1 },
    { before: 3 * DELTA, beta: 3 },
  ])("at expiry − $before with β = $beta the share is e^(−x/(δβ))", ({ before, beta }) => {
    expect(Math.abs(share(EXPIRY - before, beta) - Math.exp(-before / (DELTA * beta)))).toBeLessThan(0.05);
  });

  it("grows as the expiry nears, and with β", () => {
    const byTime = [5, 3, 2, 1, 0.5, 0.1].map((k) => share(EXPIRY - k * DELTA, 1));
    for (let i = 1; i < byTime.length; i++) expect(byTime[i]!).toBeGreaterThan(byTime[i - 1]!);
    const byBeta = [0.5, 1, 2, 4].map((beta) => share(EXPIRY - DELTA, beta));
    for (let i = 1; i < byBeta.length; i++) expect(byBeta[i]!).toBeGreaterThan(byBeta[i - 1]!);
  });
});

describe("XFetch in the engine", () => {
  let lab: TestLab | null = null;
  afterEach(async () => {
    await lab?.close();
    lab = null;
  });

  /** A read every 10 ms from t = 0 to t = 1490 across three instances; the key expires at t = 1000. */
  async function run(beta: number, lock: "none" | "redlock"): Promise<TestLab> {
    lab = new TestLab({ instances: 3, settings: { xfetchBeta: beta, lock, waiters: "poll" }, db: { readLatencyMs: DELTA } });
    lab.warm(undefined, { expiresAtMs: 1000, recomputeMs: DELTA });
    for (let t = 0; t < 1500; t += 10) lab.read(t, { instance: ((t / 10) % 3) + 1 });
    await lab.runUntil(3000);
    return lab;
  }

  it("with β = 0 nobody refreshes early, and the expiry opens an episode (the control)", async () => {
    const lab = await run(0, "none");
    const totals = lab.collector.snapshot();
    expect(lab.eventsOf("db:read-submitted").filter((e) => e.early)).toHaveLength(0);
    expect(totals.episodeCount).toBe(1);
    expect(totals.episodes[0]?.startMs).toBe(1000);
  });

  it("with β > 0 a request refreshes before the expiry: counted outside episodes, no episode opened", async () => {
    const lab = await run(1, "none");
    const totals = lab.collector.snapshot();
    const early = lab.eventsOf("db:read-submitted").filter((e) => e.early);
    expect(early.length).toBeGreaterThanOrEqual(1);
    expect(early[0]!.at).toBeLessThan(lab.at(1000));
    // The refreshed value was in place before the old one expired.
    const earlyFills = lab.eventsOf("cache:filled").filter((e) => e.early);
    expect(earlyFills[0]!.at).toBeLessThan(lab.at(1000));
    expect(lab.eventsOf("cache:needs-fill")).toHaveLength(0);
    expect(totals.episodeCount).toBe(0);
    expect(totals.readsOutsideEpisodes).toBe(totals.dbReadsSubmitted);
    expect(totals.readsOutsideEpisodes).toBe(early.length);
    expect(totals.requests.errors + totals.requests.timeouts).toBe(0);
  });

  it("with a cluster lock, exactly one request volunteers; the others keep hitting", async () => {
    const lab = await run(1, "redlock");
    const totals = lab.collector.snapshot();
    expect(totals.dbReadsSubmitted).toBe(1);
    expect(totals.readsOutsideEpisodes).toBe(1);
    expect(totals.episodeCount).toBe(0);
    expect(totals.requests.misses).toBe(1);
    expect(totals.requests.hits).toBe(totals.requests.total - 1);
  });
});
