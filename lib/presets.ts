import type { ChartId } from "./charts";
import { REDLOCK_COALESCING } from "./preset-redlock-coalescing";
import { mergeScenario, type ScenarioInput } from "./scenario";

type Fault = NonNullable<ScenarioInput["faults"]>[number];

/**
 * Story presets: the seed story replayed beat by beat, for talks and training. Each beat is a
 * complete scenario (the preset's base plus the beat's changes) with what to say and what to watch.
 * Shared by the CLI (`--preset`, `--beat`) and the dashboard's gallery.
 */
export interface PresetBeat {
  title: string;
  narration: string;
  /** The one thing to look at while this beat runs. */
  watch: string;
  /** Changes to the preset's base scenario for this beat. */
  changes: ScenarioInput;
  /**
   * The beat's promise, machine-checked: claims in the CLI's `--assert` grammar about the report
   * (`"maxDbReadsPerEpisode == 1"`), all of which hold when the beat makes its point.
   */
  expect?: readonly string[];
  /** The charts this beat is about, most important first: presenter mode shows these in view. */
  charts?: readonly ChartId[];
}

export interface Preset {
  id: string;
  title: string;
  narration: string;
  watch: string;
  base: ScenarioInput;
  beats: PresetBeat[];
}

/** A crowd a 2-core laptop serves honestly while a room watches. */
const STAGE_CROWD = { profile: "sneaker-drop", clients: 3000, expireAtMs: 1000, arrivalMs: 500, patienceMs: 5000 } as const;

/**
 * The safety presets' two clients, one per instance, evenly spread whatever the seed: client 1
 * (instance 1) arrives at t = 1000 ms, as the key expires, and takes the lock; client 2 (instance 2)
 * arrives at t = 1300 ms and queues behind it. (At random, two clients may land in the same
 * millisecond and race for the lock.)
 */
const SAFETY_CROWD = { clients: 2, arrivalMs: 600, arrivalSpread: "even" } as const;
/** Client 1 stops for 4 s after its read, well within its 8 s validity: it holds the lock while the faults strike. */
const PAUSE_FIRST: Fault = { atMs: 0, instance: 1, action: "pause", ms: 4000 };
/** lock-4 and lock-5 are down while client 1 takes the lock (so it holds A, B, C) and come back empty. */
const FORGET_SETUP: Fault[] = [
  PAUSE_FIRST,
  { atMs: 500, node: "lock-4", action: "restart", delayedRestartMs: 1000 },
  { atMs: 500, node: "lock-5", action: "restart", delayedRestartMs: 1000 },
];
/** Instance 1 reaches only A, B, C and instance 2 only C, D, E: each side's one possible majority, sharing C. */
const SPLIT: Fault[] = [
  PAUSE_FIRST,
  { atMs: 500, node: "lock-4", action: "partition", instances: [1] },
  { atMs: 500, node: "lock-5", action: "partition", instances: [1] },
  { atMs: 500, node: "lock-1", action: "partition", instances: [2] },
  { atMs: 500, node: "lock-2", action: "partition", instances: [2] },
];

export const PRESETS: readonly Preset[] = [
  {
    id: "saturday-morning",
    title: "Saturday morning",
    narration:
      "A feature went out on Friday night with a plain cache in front of the database and no protection at all. The hot profile expires just as a crowd shows up, and every one of them walks down to the basement for the same row.",
    watch: "DB reads per episode: close to the size of the crowd, the queue fills, and the database starts refusing work.",
    // The row takes 1.5 s to read, and the crowd is all there within 0.3 s: every one of them
    // finds the key missing before the first read can fill it, even when the machine lags.
    base: { strategy: "cache-aside", lock: "none", instances: 4, durationMs: 6000, crowd: { ...STAGE_CROWD, arrivalMs: 300 }, db: { readLatencyMs: 1500 } },
    beats: [
      {
        title: "The stampede",
        narration: "No lock: each miss is a trip to the basement.",
        watch: "most DB reads in one episode — close to the crowd — and DB work refused once the queue is full",
        changes: {},
        expect: ["maxDbReadsPerEpisode >= 2000", "db.rejected >= 100"],
        charts: ["db-reads", "db-inflight", "requests"],
      },
      {
        title: "One ticket at the door",
        narration: "Same crowd, now with Redlock over five nodes and waiters that poll for the fill.",
        watch: "one DB read for the whole crowd",
        changes: { lock: "redlock", waiters: "poll" },
        expect: ["maxDbReadsPerEpisode == 1", "db.rejected == 0", "requests.timeouts == 0"],
        charts: ["db-reads", "locks"],
      },
    ],
  },
  {
    id: "single-redis-lock",
    title: "One lock node, the seed's waiters",
    narration:
      "The fix from the story: a lock on a single Redis node, and waiters that sleep 100 ms, look once, and give up. The database takes 200 ms to answer, so the value is never there when they look.",
    watch: "errors: almost every waiter fails even though the database did only one read.",
    base: { strategy: "cache-aside", lock: "single-redis", waiters: "fail-fast", instances: 4, durationMs: 6000, crowd: STAGE_CROWD, db: { readLatencyMs: 200 } },
    beats: [
      {
        title: "Fail fast",
        narration: "The seed's code, exactly.",
        watch: "errors — every client that came while the row was being read — next to DB reads = 1",
        changes: {},
        expect: ["requests.errors >= 1", "db.reads == 1"],
        charts: ["requests", "db-reads"],
      },
      {
        title: "Patient waiters",
        narration: "Same lock, but waiters poll with back-off until their patience ends.",
        watch: "errors fall to zero, still one read",
        changes: { waiters: "poll" },
        expect: ["requests.errors == 0", "db.reads == 1"],
        charts: ["requests", "db-reads"],
      },
    ],
  },
  {
    id: "stampede-part-two",
    title: "Stampede, part two",
    narration:
      "Three weeks later the single lock node restarts during a deploy, right while the value is being rebuilt. Its locks vanish with it, and an engine that reads anyway when the lock cannot be decided sends a second wave to the database.",
    watch: "a second burst of DB reads just after lock-1 comes back empty.",
    base: {
      strategy: "cache-aside",
      lock: "single-redis",
      waiters: "poll",
      onLockError: "bypass",
      instances: 4,
      durationMs: 7000,
      crowd: { ...STAGE_CROWD, arrivalMs: 1500 },
      db: { readLatencyMs: 1500 },
      faults: [
        { atMs: 1300, node: "lock-1", action: "crash" },
        { atMs: 1700, node: "lock-1", action: "start" },
      ],
    },
    beats: [
      {
        title: "The hiccup",
        narration: "lock-1 dies mid-rebuild and comes back empty.",
        watch: "episodes with more than one DB read",
        changes: {},
        expect: ["maxDbReadsPerEpisode >= 100"],
        charts: ["db-reads", "locks"],
      },
      {
        title: "Redlock instead",
        narration: "The same hiccup with five lock nodes: losing one of them changes nothing.",
        watch: "exactly one DB read",
        changes: { lock: "redlock", onLockError: "wait" },
        expect: ["db.reads == 1", "maxDbReadsPerEpisode == 1"],
        charts: ["db-reads", "locks"],
      },
    ],
  },
  {
    id: "redlock-holds",
    title: "Redlock holds with two nodes down",
    narration:
      "Five lock nodes, majority of three. Two of them crash before the key expires. Every acquisition still gets three votes, and the crowd still costs the database a single read.",
    watch: "the lock grid: two rows down, three holding one holder; DB reads stay at 1.",
    base: {
      strategy: "cache-aside",
      lock: "redlock",
      waiters: "poll",
      instances: 4,
      durationMs: 6000,
      crowd: STAGE_CROWD,
      faults: [
        { atMs: 400, node: "lock-2", action: "crash" },
        { atMs: 500, node: "lock-4", action: "crash" },
      ],
    },
    beats: [
      {
        title: "Two down, three to go",
        narration: "Quorum is three of five.",
        watch: "most DB reads in one episode = 1",
        changes: {},
        expect: ["maxDbReadsPerEpisode == 1", "db.reads == 1", "locks.acquired >= 1"],
        charts: ["db-reads", "locks"],
      },
    ],
  },
  REDLOCK_COALESCING,
  {
    id: "no-quorum",
    title: "No quorum",
    narration:
      "Three of five lock nodes are down: nobody can get a majority, so nobody gets the lock. Failing closed protects the database and starves the crowd; failing open feeds the crowd and stampedes the database.",
    watch: "lock failures; then compare timeouts (wait) with DB reads (bypass).",
    base: {
      strategy: "cache-aside",
      lock: "redlock",
      waiters: "poll",
      onLockError: "wait",
      instances: 4,
      durationMs: 6000,
      crowd: { ...STAGE_CROWD, patienceMs: 2000 },
      faults: [
        { atMs: 300, node: "lock-1", action: "crash" },
        { atMs: 400, node: "lock-2", action: "crash" },
        { atMs: 500, node: "lock-3", action: "crash" },
      ],
    },
    beats: [
      {
        title: "Fail closed",
        narration: "onLockError: wait. No grant, no read, no value.",
        watch: "timeouts, and zero DB reads",
        changes: {},
        expect: ["db.reads == 0", "requests.timeouts >= 2500", "locks.acquired == 0"],
        charts: ["requests", "locks", "db-reads"],
      },
      {
        title: "Fail open",
        narration: "onLockError: bypass. Everyone reads the database.",
        watch: "DB reads jump into the hundreds for one key, where beat 1 had none",
        changes: { onLockError: "bypass" },
        // Hundreds, not the whole crowd: the first read fills the key after 200 ms, and later arrivals hit.
        expect: ["maxDbReadsPerEpisode >= 100", "locks.acquired == 0"],
        charts: ["db-reads", "requests"],
      },
    ],
  },
  {
    id: "desk-fire",
    title: "The desk catches fire",
    narration:
      "Write-behind stacks writes on the desk and carries them to the basement every two seconds. One app server dies between two trips; what was on its desk is gone, although every client heard 'saved'.",
    watch: "writes lost: acknowledged minus persisted minus pending.",
    base: {
      strategy: "write-behind",
      flushMs: 2000,
      lock: "redlock",
      waiters: "poll",
      instances: 4,
      durationMs: 6000,
      crowd: { profile: "steady", rps: 300, keys: 50, writeRatio: 0.3, expireAtMs: 1000, patienceMs: 3000 },
      faults: [{ atMs: 3500, instance: 2, action: "crash" }],
    },
    beats: [
      {
        title: "Fire at 3.5 s",
        narration: "instance-2 crashes half-way to its next flush.",
        watch: "writes lost > 0",
        changes: {},
        expect: ["writes.lost >= 1"],
        charts: ["requests", "db-inflight"],
      },
      {
        title: "Write-through",
        narration: "Same fire, but every write reached the database before its acknowledgement.",
        watch: "writes lost = 0",
        changes: { strategy: "write-through" },
        expect: ["writes.lost == 0", "writes.acknowledged >= 100"],
        charts: ["requests", "db-inflight"],
      },
    ],
  },
  {
    id: "local-locks-per-instance",
    title: "In-process locks: one read per server",
    narration:
      "A single-flight lock inside each app server stops the stampede within that server only. Four servers, four trips to the basement for the same row — the question cache libraries are asked most.",
    watch: "most DB reads in one episode equals the number of instances.",
    base: { strategy: "cache-aside", lock: "local", instances: 4, durationMs: 6000, crowd: STAGE_CROWD },
    beats: [
      {
        title: "Four servers",
        narration: "Local locks, four instances.",
        watch: "4 reads in the episode",
        changes: {},
        // One read per server at most, and more than one in all: the lock stops at each server's edge.
        expect: ["maxDbReadsPerEpisode <= scenario.instances", "maxDbReadsPerEpisode > 1"],
        charts: ["db-reads", "locks"],
      },
      {
        title: "Cluster-wide lock",
        narration: "Redlock across the cluster.",
        watch: "1 read",
        changes: { lock: "redlock", waiters: "poll" },
        expect: ["maxDbReadsPerEpisode == 1"],
        charts: ["db-reads", "locks"],
      },
    ],
  },
  {
    id: "serve-stale",
    title: "Serve the old copy while one refreshes",
    narration:
      "The value is kept a while past its expiry. One request takes the lock and refreshes; everyone else gets the slightly old copy at once instead of waiting.",
    watch: "stale copies served rise, latency stays flat, one DB read.",
    base: { strategy: "cache-aside", lock: "redlock", waiters: "serve-stale", instances: 4, durationMs: 6000, crowd: STAGE_CROWD },
    beats: [
      {
        title: "Stale but fast",
        narration: "serve-stale waiters.",
        watch: "stale copies served, and latency p99 below one DB read",
        changes: {},
        // Latency is left to the eye: on a shared 2-core machine its p99 swings from 14 ms to 430 ms
        // between runs of this very beat. The stale copies are the point, and they are counted.
        expect: ["requests.staleServed >= 500", "db.reads == 1", "requests.timeouts == 0"],
        charts: ["latency", "requests"],
      },
    ],
  },
  {
    id: "xfetch",
    title: "XFetch: refresh before the expiry",
    narration:
      "Each request rolls a die weighted by how close the expiry is and how slow a rebuild is. Shortly before the key expires one of them volunteers to refresh it, so the crowd never meets an empty cache.",
    watch: "DB reads outside episodes (early refreshes) > 0, and few or no episodes.",
    base: {
      strategy: "cache-aside",
      lock: "redlock",
      waiters: "poll",
      xfetchBeta: 1,
      instances: 4,
      durationMs: 8000,
      cache: { ttlMs: 2000 },
      crowd: { profile: "steady", rps: 400, expireAtMs: 2000, patienceMs: 3000 },
    },
    beats: [
      {
        title: "Early refresh",
        narration: "β = 1.",
        watch: "DB reads outside episodes: refreshes before the expiry",
        changes: {},
        expect: ["db.readsOutsideEpisodes >= 1", "episodeCount <= 1"],
        charts: ["db-reads", "hit-ratio"],
      },
      {
        title: "Without XFetch",
        narration: "β = 0: every expiry opens an episode.",
        watch: "episodes: one at every expiry",
        changes: { xfetchBeta: 0 },
        expect: ["episodeCount >= 2", "db.readsOutsideEpisodes == 0"],
        charts: ["db-reads", "hit-ratio"],
      },
    ],
  },
  {
    id: "gc-pause",
    title: "The long pause",
    narration:
      "The lock now guards a counter: each request takes it, reads the row, adds one and writes it back. Two seconds in, the app server holding the lock freezes for 2.5 s — a long garbage collection — right between its read and its write. Its lock was good for one second. Redlock does what it promised and hands the lock to the next client, and the counter moves on. Then the frozen server wakes up, still sure it holds the lock, and writes back the number it read before the pause.",
    watch: "lost updates, and the alarm for a write after the lock ran out: the lock expired under a holder that could not know it.",
    base: {
      strategy: "cache-aside",
      lock: "redlock",
      waiters: "poll",
      lockedWork: "increment",
      lockTtlMs: 1000,
      instances: 2,
      durationMs: 6000,
      db: { readLatencyMs: 50, writeLatencyMs: 20 },
      crowd: { profile: "steady", rps: 8, keys: 1, patienceMs: 6000 },
      faults: [{ atMs: 2000, instance: 1, action: "pause", ms: 2500 }],
    },
    beats: [
      {
        title: "Paused past the TTL",
        narration:
          "No fencing. The paused holder's write lands 1.5 s after its lock ran out, on top of every increment made while it slept.",
        watch: "lost updates > 0, stale writes accepted = 1, one write after the lock ran out",
        changes: {},
        expect: ["db.lostUpdates >= 1", "db.staleWritesAccepted >= 1", "locks.violationsByKind.write-after-validity >= 1"],
        charts: ["locks", "requests"],
      },
      {
        title: "Fencing tokens",
        narration:
          "Same pause, but every grant now carries a number from the database's own sequence, and the database keeps the highest number it has accepted for the row. The late writer's number is older: the database says no. Redlock cannot hand out such a number — its lock value is random and its five nodes share no counter — so the order has to come from the thing being protected.",
        watch: "stale writes refused (fencing) = 1, lost updates = 0",
        changes: { fencing: true },
        expect: ["db.staleWritesRejected >= 1", "db.lostUpdates == 0", "locks.pauses.outlivedValidity >= 1"],
        charts: ["locks", "requests"],
      },
    ],
  },
  {
    id: "restart-without-persistence",
    title: "A lock node forgets",
    narration:
      "Two of the five lock nodes are restarting when client 1 takes the lock, so it holds it on A, B and C — a majority, fair and square — and then takes its time (a pause, still within its validity). The two nodes come back empty. Then C restarts, and Redis without persistence comes back with nothing. Client 2 asks and gets C, D and E: another majority. Two clients now hold the same lock, and both write.",
    watch: "the two-holders alarm naming both clients and their nodes, and the lost update",
    base: {
      lock: "redlock",
      waiters: "poll",
      lockedWork: "increment",
      durationMs: 7000,
      crowd: SAFETY_CROWD,
      faults: [...FORGET_SETUP, { atMs: 2000, node: "lock-3", action: "restart" }],
    },
    beats: [
      {
        title: "Restart, empty",
        narration: "lock-3 restarts at once and without its keys.",
        watch: "two holders at once, lost updates = 1",
        changes: {},
        expect: ["locks.violationsByKind.two-holders >= 1", "db.lostUpdates >= 1"],
        charts: ["locks", "requests"],
      },
      {
        title: "Delayed restart",
        narration:
          "antirez's fix: a restarted node stays out for at least the longest lock TTL, so every lock it knew has expired before it votes again. Client 2 finds no majority and waits its turn.",
        watch: "0 safety violations, 0 lost updates",
        // The run lasts until lock-3 is back (t ≈ 10 s), so the restart shows in the report and the lock grid.
        changes: { durationMs: 11000, faults: [...FORGET_SETUP, { atMs: 2000, node: "lock-3", action: "restart", delayedRestartMs: 8000 }] },
        expect: ["locks.safetyViolations == 0", "db.lostUpdates == 0", "db.counterIncrease == 2"],
        charts: ["locks", "requests"],
      },
      {
        title: "fsync-always",
        narration:
          "The other fix: lock-3 writes every command to its append-only file before it answers, and comes back from the restart still holding client 1's key. (The lab's nodes must be started with this option.)",
        watch: "0 safety violations, 0 lost updates",
        changes: { nodeOptions: { "lock-3": { persistence: "fsync-always" } } },
        expect: ["locks.safetyViolations == 0", "db.lostUpdates == 0", "db.counterIncrease == 2"],
        charts: ["locks", "requests"],
      },
    ],
  },
  {
    id: "clock-jump",
    title: "Three clocks jump ahead",
    narration:
      "Redis expires keys by its own wall clock. Client 1 holds the lock on all five nodes and is busy with it, well within its validity. Then the clocks of three nodes jump ahead — simulated by cutting what is left of their lock keys' TTL, as a clock running ahead would — and the lock vanishes from a majority. Client 2 takes it; client 1 never hears.",
    watch: "a two-holders violation while both were within their validity, then a write accepted out of token order",
    base: {
      lock: "redlock",
      waiters: "poll",
      lockedWork: "increment",
      durationMs: 6000,
      crowd: SAFETY_CROWD,
      faults: [PAUSE_FIRST, ...(["lock-1", "lock-2", "lock-3"] as const).map((node) => ({ atMs: 1500, node, action: "clock-jump" as const, ms: 8000 }))],
    },
    beats: [
      {
        title: "The jump",
        narration: "No fencing: client 1's old read is written over client 2's increment.",
        watch: "two holders at once, lost updates = 1",
        changes: {},
        expect: ["locks.violationsByKind.two-holders >= 1", "db.lostUpdates >= 1"],
        charts: ["locks", "requests"],
      },
      {
        title: "Fencing tokens",
        narration: "The lock still fails — two holders — but the database no longer trusts it alone: client 1's token is older than client 2's, so its write is refused.",
        watch: "stale writes refused (fencing) = 1, lost updates = 0",
        changes: { fencing: true },
        expect: ["locks.violationsByKind.two-holders >= 1", "db.staleWritesRejected >= 1", "db.lostUpdates == 0"],
        charts: ["locks", "requests"],
      },
    ],
  },
  {
    id: "slow-node",
    title: "Slow nodes eat the validity",
    narration:
      "A lock's validity is its TTL minus the time the acquisition took, minus a margin for clock drift. Three of the five lock nodes answer 300 ms late, so every grant arrives with 300 ms of its 500 ms already spent. The holder's read-modify-write (200 ms read, 50 ms write) takes longer than what is left: it writes after its lock has expired, and the next holder may already be in.",
    watch: "lock attempts slow down; writes after the lock ran out",
    base: {
      lock: "redlock",
      waiters: "poll",
      lockedWork: "increment",
      lockTtlMs: 500,
      instances: 2,
      durationMs: 6000,
      crowd: { profile: "steady", rps: 4 },
      faults: (["lock-1", "lock-2", "lock-3"] as const).map((node) => ({ atMs: 0, node, action: "latency" as const, ms: 300 })),
    },
    beats: [
      {
        title: "300 ms on three nodes",
        narration: "TTL 500 ms, acquisition ≈ 300 ms, work ≈ 250 ms.",
        watch: "writes after the lock ran out",
        changes: {},
        expect: ["locks.violationsByKind.write-after-validity >= 1"],
        charts: ["locks", "latency"],
      },
      {
        title: "A TTL that covers the work",
        narration:
          "The same slow nodes with a 3-second TTL: the validity left after a slow acquisition still covers the work. The drift factor (1% of the TTL) is a margin for clocks, not for slow networks.",
        watch: "0 safety violations",
        changes: { lockTtlMs: 3000 },
        expect: ["locks.safetyViolations == 0", "db.lockedWrites >= 3"],
        charts: ["locks", "latency"],
      },
    ],
  },
  {
    id: "split-brain",
    title: "Split brain",
    narration:
      "The network splits: app server 1 can reach only lock nodes A, B and C, while app server 2 can reach only C, D and E. Each side can see a majority — but the two majorities share C, and C holds one lock at a time, so Redlock lets only one side in. Until C restarts empty in the middle of the split.",
    watch: "beat 1: two holders; beat 2: one at a time",
    base: {
      lock: "redlock",
      waiters: "poll",
      lockedWork: "increment",
      durationMs: 7000,
      crowd: SAFETY_CROWD,
      faults: [...SPLIT, { atMs: 2000, node: "lock-3", action: "restart" }],
    },
    beats: [
      {
        title: "C forgets",
        narration: "lock-3 restarts empty during the split: now each side has a majority of its own.",
        watch: "two holders at once, lost updates = 1",
        changes: {},
        expect: ["locks.violationsByKind.two-holders >= 1", "db.lostUpdates >= 1"],
        charts: ["locks", "requests"],
      },
      {
        title: "Delayed restart",
        narration:
          "The same split, but lock-3 stays down for at least the lock's TTL (8 s) before it votes again. App server 2 can only win with C, so it waits for C — and by the time C votes, app server 1's lock is gone everywhere.",
        watch: "0 safety violations; app server 2 writes after lock-3 is back",
        changes: {
          // lock-3 is back at 10 s at the earliest; client 2 (here since 1.3 s) waits up to 15.3 s.
          durationMs: 16000,
          crowd: { patienceMs: 14000 },
          faults: [...SPLIT, { atMs: 2000, node: "lock-3", action: "restart", delayedRestartMs: 8000 }],
        },
        expect: ["locks.safetyViolations == 0", "db.lostUpdates == 0", "db.counterIncrease == 2"],
        charts: ["locks", "requests"],
      },
    ],
  },
  {
    id: "desk-fire-redis",
    title: "The pile on the cache node",
    narration:
      "Write-behind again, but this team keeps the pile of unsaved writes in a list on the Redis cache node instead of in each app server's memory — an app server may die without losing anything. Then the cache node itself crashes and comes back empty, half-way between two flushes: every write in the list is gone, and every one of those clients heard 'saved'.",
    watch: "writes lost: acknowledged − persisted − pending",
    base: {
      strategy: "write-behind",
      writeBehindBuffer: "cache-node",
      flushMs: 2000,
      lock: "redlock",
      waiters: "poll",
      durationMs: 6000,
      crowd: { profile: "steady", rps: 300, keys: 50, writeRatio: 0.3, patienceMs: 3000 },
      faults: [
        { atMs: 3000, node: "cache", action: "crash" },
        { atMs: 3500, node: "cache", action: "start" },
      ],
    },
    beats: [
      {
        title: "Redis catches fire",
        narration: "The cache node crashes at 3 s, a second after a flush.",
        watch: "writes lost > 0",
        changes: {},
        expect: ["writes.lost >= 1"],
        charts: ["requests", "db-inflight"],
      },
      {
        title: "The pile in memory",
        narration: "The same crash with the pile kept in the app servers' memory: the cache node's fire costs reads, not writes.",
        watch: "writes lost = 0",
        changes: { writeBehindBuffer: "instance" },
        expect: ["writes.lost == 0", "writes.acknowledged >= 100"],
        charts: ["requests", "db-inflight"],
      },
    ],
  },
  {
    id: "write-through-safe",
    title: "Write-through through the fire",
    narration:
      "The same cache-node crash with write-through: every write reaches the database before its client hears 'saved'. Writes during the outage fail loudly instead of vanishing quietly.",
    watch: "writes lost = 0, with writes acknowledged > 0 — and the writes during the outage failed loudly",
    base: {
      strategy: "write-through",
      lock: "redlock",
      waiters: "poll",
      durationMs: 6000,
      crowd: { profile: "steady", rps: 300, keys: 50, writeRatio: 0.3, patienceMs: 3000 },
      faults: [
        { atMs: 3000, node: "cache", action: "crash" },
        { atMs: 3500, node: "cache", action: "start" },
      ],
    },
    beats: [
      {
        title: "Nothing lost",
        narration: "Write-through; the cache node crashes at 3 s.",
        watch: "writes lost = 0",
        changes: {},
        expect: ["writes.lost == 0", "writes.acknowledged >= 100", "writes.failed >= 1"],
        charts: ["requests", "db-inflight"],
      },
    ],
  },
];

export function findPreset(id: string): Preset | undefined {
  return PRESETS.find((preset) => preset.id === id);
}

/** The scenario of beat `beat` (1-based) of a preset. */
export function presetScenario(preset: Preset, beat = 1): ScenarioInput {
  const step = preset.beats[beat - 1];
  if (!step) throw new RangeError(`${preset.id} has ${preset.beats.length} beat(s); there is no beat ${beat}`);
  return mergeScenario(preset.base, step.changes);
}
