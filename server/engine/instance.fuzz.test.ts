import { afterEach, describe, expect, it } from "vitest";
import { LOCK_MODES, ON_LOCK_ERROR, STRATEGIES, WAITER_POLICIES } from "../../lib/scenario";
import { seededRandom, type Random } from "../core/random";
import { cacheKeyFor } from "./keys";
import { TestLab, type TestLabOptions } from "./testing/lab";

/**
 * Seeded fuzz (tldraw's syncFuzz): random settings, random faults (lock nodes down and back,
 * restarts, the cache node unreachable, instance crashes), reads and writes on three keys. Whatever
 * happens, the invariants below hold. A failing seed is reproduced by its title; keep it as a
 * named test.
 */

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random.next() * items.length)]!;

interface Plan {
  options: TestLabOptions;
  restarts: boolean;
  crashes: boolean;
  describe: string;
}

function planFor(seed: number): { plan: Plan; random: Random } {
  const random = seededRandom(`fuzz-${seed}`);
  const lock = pick(random, LOCK_MODES);
  const waiters = pick(random, WAITER_POLICIES);
  const strategy = pick(random, STRATEGIES);
  const onLockError = pick(random, ON_LOCK_ERROR);
  const options: TestLabOptions = {
    seed,
    instances: random.int(1, 4),
    lockNodes: pick(random, [1, 3, 5]),
    lockLatencyMs: pick(random, [0, 0, 2, 15]),
    cacheLatencyMs: pick(random, [0, 0, 1]),
    settings: {
      lock,
      waiters,
      strategy,
      onLockError,
      flushMs: pick(random, [200, 700]),
      lockTtlMs: pick(random, [100, 1000, 8000]),
      xfetchBeta: pick(random, [0, 0, 1, 3]),
      cache: { ttlMs: pick(random, [300, 1000, 5000]), jitterPct: pick(random, [0, 20]), staleTtlMs: pick(random, [0, 2000]) },
    },
    db: {
      readLatencyMs: pick(random, [20, 100, 300, 1200]),
      writeLatencyMs: pick(random, [10, 80]),
      capacity: pick(random, [2, 50]),
      queueLimit: pick(random, [5, 500]),
      timeoutMs: pick(random, [400, 5000]),
    },
  };
  const restarts = random.next() < 0.3;
  const crashes = random.next() < 0.4;
  return {
    plan: { options, restarts, crashes, describe: `${lock}/${waiters}/${strategy}/${onLockError}` },
    random,
  };
}

async function runFuzz(seed: number): Promise<TestLab> {
  const { plan, random } = planFor(seed);
  const lab = new TestLab(plan.options);
  const keys = [0, 1, 2].map(cacheKeyFor);
  for (const [k, key] of keys.entries()) lab.warm(key, { expiresAtMs: k === 0 ? 300 : random.int(0, 1500), recomputeMs: random.int(0, 300) });
  const instances = lab.instances.length;
  for (let i = 0; i < 90; i++) {
    const at = random.int(0, 2500);
    const key = keys[random.next() < 0.7 ? 0 : random.int(1, 2)]!;
    const instance = random.int(1, instances);
    if (random.next() < 0.15) lab.write(at, { instance, key });
    else lab.read(at, { instance, key, patienceMs: pick(random, [150, 600, 2000, 5000]) });
  }
  // Faults.
  for (let f = 0; f < random.int(0, 4); f++) {
    const at = random.int(0, 2500);
    const node = random.int(0, lab.lockNodes.size - 1);
    const back = at + random.int(50, 1500);
    lab.clock.setTimeout(() => lab.lockNodes.setUp(node, false), lab.at(at) - lab.clock.now());
    lab.clock.setTimeout(() => (plan.restarts ? lab.lockNodes.restart(node) : lab.lockNodes.setUp(node, true)), lab.at(back) - lab.clock.now());
  }
  if (random.next() < 0.3) {
    const at = random.int(0, 2500);
    lab.clock.setTimeout(() => (lab.cacheNode.down = true), lab.at(at) - lab.clock.now());
    lab.clock.setTimeout(() => (lab.cacheNode.down = false), lab.at(at + random.int(50, 800)) - lab.clock.now());
  }
  if (plan.crashes && instances > 1) lab.crashAt(random.int(0, 2500), random.int(1, instances));
  await lab.runUntil(12_000);
  return lab;
}

const SEEDS = Array.from({ length: 60 }, (_, i) => i + 1);

describe("engine fuzz: invariants under random settings and faults", () => {
  let lab: TestLab | null = null;
  afterEach(async () => {
    await lab?.close();
    lab = null;
  });

  it.each(SEEDS.map((seed) => ({ seed, name: planFor(seed).plan.describe })))("seed $seed ($name)", async ({ seed }) => {
    const { plan } = planFor(seed);
    lab = await runFuzz(seed);
    const totals = lab.collector.snapshot();
    const reads = lab.reads;

    // Every arrival ends in exactly one outcome, the one its caller saw, within its patience.
    expect(reads.every((r) => r.outcome !== undefined)).toBe(true);
    const ended = lab.eventsOf("request:ended");
    expect(ended).toHaveLength(reads.length);
    expect(new Set(ended.map((e) => e.requestId)).size).toBe(reads.length);
    const byId = new Map(ended.map((e) => [e.requestId, e]));
    for (const r of reads) {
      expect(byId.get(r.requestId)?.outcome).toBe(r.outcome);
      expect(r.endedAt! - r.scheduledAt).toBeLessThanOrEqual(5000);
    }
    const { requests } = totals;
    expect(requests.total).toBe(reads.length);
    expect(requests.hits + requests.misses + requests.staleServed + requests.errors + requests.timeouts).toBe(requests.total);

    // Every database read is in exactly one episode or outside them all.
    expect(totals.episodes.reduce((sum, e) => sum + e.dbReads, 0) + totals.readsOutsideEpisodes).toBe(totals.dbReadsSubmitted);
    for (const e of totals.episodes) if (e.endMs !== null) expect(e.endMs).toBeGreaterThanOrEqual(e.startMs);
    expect(lab.db.stats().reads).toBe(totals.dbReadsSubmitted);

    // Lock nodes that never lose their keys never double-grant.
    if (!plan.restarts) expect(totals.violations).toEqual([]);

    // Writes: nothing persisted that was not acknowledged-or-failed, and nothing lost without a crash.
    const accounting = lab.writeAccounting();
    expect(accounting.persisted).toBeLessThanOrEqual(accounting.acknowledged);
    expect(accounting.lost).toBeGreaterThanOrEqual(0);
    if (!lab.instances.some((i) => !i.isAlive)) {
      const flushed = Promise.all(lab.instances.map((i) => i.flush()));
      await lab.runUntil(20_000);
      await flushed;
      expect(lab.writeAccounting().lost).toBe(0);
    }
  });
});
