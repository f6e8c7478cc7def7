import type { Preset } from "./presets";

/**
 * A few hundred clients, all arriving while the key is missing (200 ms, a 1 s database read, so
 * they poll): enough to show the rounds, few enough that uncoalesced Redlock stays honest on a laptop.
 */
const CLIENTS = 400;

/**
 * What the engine's request coalescing in front of Redlock saves. Beat 1 runs Redlock as every
 * other story does; beat 2 turns the coalescing off (`redlock.coalesce: false`) and every lock
 * request becomes a round of its own. (Uncoalesced, 10,000 clients lag the lab's event loop by
 * 0.8–1.8 s: BENCHMARKS.md.)
 */
export const REDLOCK_COALESCING: Preset = {
  id: "redlock-coalescing",
  title: "One round per app server",
  narration:
    "Every Redlock story so far had a helper in front of the library: each app server looks at the lock once for all of its waiting requests and runs one round at a time, and its other requests learn how that round went. That is what a careful app server does anyway. Here is what it saves.",
  watch: "Redlock rounds against lock requests answered in-process, beside the one DB read.",
  base: {
    strategy: "cache-aside",
    lock: "redlock",
    waiters: "poll",
    instances: 4,
    durationMs: 5000,
    crowd: { profile: "sneaker-drop", clients: CLIENTS, expireAtMs: 1000, arrivalMs: 200, patienceMs: 4000 },
    db: { readLatencyMs: 1000 },
  },
  beats: [
    {
      title: "Coalesced",
      narration:
        "Four hundred clients on four app servers arrive while the key is missing, and the database takes a second to answer, so they poll for it again and again. Each server sends a round or two to the five lock nodes; every other lock request is answered in its own process — by the shared look at the lock, or by the round a sibling request is already running.",
      watch: "a handful of Redlock rounds, hundreds of lock requests answered in-process, one DB read",
      changes: {},
      expect: ["locks.rounds <= 8", `locks.answeredInProcess >= ${CLIENTS}`, "maxDbReadsPerEpisode == 1"],
      charts: ["locks", "latency"],
    },
    {
      title: "Every request its own round",
      narration:
        "The same crowd with the coalescing off: every lock request asks all five nodes itself. The lock still holds — one DB read — but the rounds now number the lock requests, every poll a round of five, and the lab's event loop pays for them.",
      watch: "Redlock rounds climb to one per lock request, none answered in-process; still one DB read, and the event-loop lag grows",
      changes: { redlock: { coalesce: false } },
      expect: [`locks.rounds >= ${CLIENTS}`, "locks.answeredInProcess == 0", "maxDbReadsPerEpisode == 1"],
      charts: ["locks", "latency"],
    },
  ],
};
