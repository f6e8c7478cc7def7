import { describe, expect, it } from "vitest";
import {
  CROWD_PROFILES,
  INSTANCE_FAULT_ACTIONS,
  KEY_DISTRIBUTIONS,
  LIMITS,
  LOCK_MODES,
  LOCKED_WORK,
  NODE_FAULT_ACTIONS,
  NODE_FAULT_FIELDS,
  NODE_PERSISTENCE,
  WRITE_BEHIND_BUFFERS,
  ON_LOCK_ERROR,
  STRATEGIES,
  WAITER_POLICIES,
  defaultScenario,
  expectedArrivalCount,
  mergeScenario,
  parseScenario,
  quorumOf,
  type Scenario,
  type ScenarioInput,
  type ScenarioIssue,
} from "./scenario";

/** The whole default scenario, written out key by key: what `{}` means. */
const EXPECTED_DEFAULTS: Scenario = {
  seed: 42,
  durationMs: 10_000,
  tickMs: 100,
  instances: 4,
  strategy: "cache-aside",
  flushMs: 2000,
  lock: "none",
  lockNodes: 5,
  lockTtlMs: 8000,
  redlock: { retryCount: 0, retryDelayMs: 200, driftFactor: 0.01, commandTimeoutMs: 1000, coalesce: true },
  waiters: "fail-fast",
  onLockError: "wait",
  xfetchBeta: 0,
  cache: { ttlMs: 5000, jitterPct: 0, staleTtlMs: 30_000 },
  db: { readLatencyMs: 200, writeLatencyMs: 50, capacity: 20, queueLimit: 1000, timeoutMs: 5000 },
  crowd: {
    profile: "sneaker-drop",
    clients: 10_000,
    expireAtMs: 1000,
    arrivalMs: 500,
    arrivalSpread: "random",
    patienceMs: 5000,
    rps: 500,
    fromRps: 100,
    toRps: 2000,
    keys: 1,
    keyDistribution: "uniform",
    writeRatio: 0,
  },
  faults: [],
  lockedWork: "regenerate",
  fencing: false,
  nodeOptions: {},
  writeBehindBuffer: "instance",
  timeScale: 1,
};

function parsedOk(input: unknown): Scenario {
  const result = parseScenario(input);
  if (!result.ok) throw new Error(`expected a valid scenario, got ${JSON.stringify(result.issues)}`);
  return result.scenario;
}

function issuesOf(input: unknown): ScenarioIssue[] {
  const result = parseScenario(input);
  if (result.ok) throw new Error(`expected ${JSON.stringify(input)} to be refused, but it parsed`);
  return result.issues;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const tooSmall = (min: number) => new RegExp(`Too small: expected number to be >=${escape(String(min))}`);
const tooBig = (max: number) => new RegExp(`Too big: expected number to be <=${escape(String(max))}`);
const notInt = /expected int|whole number/;
const wholeMs = /must be a whole number of milliseconds/;
const badEnum = (values: readonly string[]) =>
  new RegExp(`Invalid option: expected one of ${escape(values.map((v) => JSON.stringify(v)).join("|"))}`);
const wrongType = (expected: string, received: string) =>
  new RegExp(`expected ${expected}, received ${received}`);
/** The exact issue parseScenario reports for one unknown key, at the key's own full path. */
const unknownKey = (path: string): ScenarioIssue => ({ field: path, message: `unknown key "${path.split(".").pop()}"` });

const STEADY = { profile: "steady" } as const;
const nodeFault = (extra: Record<string, unknown> = {}) => ({ atMs: 0, node: "cache", action: "crash", ...extra });
const instanceFault = (extra: Record<string, unknown> = {}) => ({ atMs: 0, instance: 1, action: "crash", ...extra });

describe("defaultScenario", () => {
  it("is every key's default, written out in full", () => {
    expect(defaultScenario()).toStrictEqual(EXPECTED_DEFAULTS);
  });

  it("is what {}, null and undefined parse to", () => {
    expect(parsedOk({})).toStrictEqual(EXPECTED_DEFAULTS);
    expect(parsedOk(null)).toStrictEqual(EXPECTED_DEFAULTS);
    expect(parsedOk(undefined)).toStrictEqual(EXPECTED_DEFAULTS);
  });

  it("is a fresh object each call, so one caller's edit does not leak into the next", () => {
    const first = defaultScenario();
    first.db.capacity = 1;
    first.faults.push({ atMs: 0, node: "cache", action: "crash" });
    expect(defaultScenario()).toStrictEqual(EXPECTED_DEFAULTS);
  });

  it("respects the machine's limits: the default crowd and the default fault-free run are valid", () => {
    expect(expectedArrivalCount(defaultScenario())).toBeLessThanOrEqual(LIMITS.maxClients);
    expect(defaultScenario().crowd.expireAtMs).toBeLessThan(defaultScenario().durationMs);
  });
});

describe("partial nested objects keep the other nested defaults", () => {
  it.each<[string, ScenarioInput, Scenario]>([
    ["db.capacity", { db: { capacity: 5 } }, { ...EXPECTED_DEFAULTS, db: { ...EXPECTED_DEFAULTS.db, capacity: 5 } }],
    [
      "redlock.retryCount",
      { redlock: { retryCount: 3 } },
      { ...EXPECTED_DEFAULTS, redlock: { ...EXPECTED_DEFAULTS.redlock, retryCount: 3 } },
    ],
    [
      "cache.jitterPct",
      { cache: { jitterPct: 10 } },
      { ...EXPECTED_DEFAULTS, cache: { ...EXPECTED_DEFAULTS.cache, jitterPct: 10 } },
    ],
    [
      "crowd.profile",
      { crowd: { profile: "steady" } },
      { ...EXPECTED_DEFAULTS, crowd: { ...EXPECTED_DEFAULTS.crowd, profile: "steady" } },
    ],
    ["empty nested objects", { redlock: {}, cache: {}, db: {}, crowd: {} }, EXPECTED_DEFAULTS],
    [
      "top-level keys beside nested ones",
      { lock: "redlock", db: { timeoutMs: 100 } },
      { ...EXPECTED_DEFAULTS, lock: "redlock", db: { ...EXPECTED_DEFAULTS.db, timeoutMs: 100 } },
    ],
  ])("%s", (_name, input, expected) => {
    expect(parsedOk(input)).toStrictEqual(expected);
  });
});

interface InvalidCase {
  name: string;
  input: unknown;
  field: string;
  message: RegExp;
}

/**
 * Each input has exactly one thing wrong; the scenario is refused with that field named and only
 * that field (a bad value must not also be blamed on its neighbours).
 */
const INVALID_CASES: InvalidCase[] = [
  // ── not an object at all ────────────────────────────────────────────────────────────────────
  { name: "a string", input: "redlock please", field: "(scenario)", message: wrongType("object", "string") },
  { name: "a number", input: 42, field: "(scenario)", message: wrongType("object", "number") },
  { name: "a boolean", input: true, field: "(scenario)", message: wrongType("object", "boolean") },
  { name: "an array", input: [], field: "(scenario)", message: wrongType("object", "array") },
  { name: "an array of scenarios", input: [{}], field: "(scenario)", message: wrongType("object", "array") },

  // ── enums ───────────────────────────────────────────────────────────────────────────────────
  { name: "strategy", input: { strategy: "read-through" }, field: "strategy", message: badEnum(STRATEGIES) },
  { name: "lock", input: { lock: "zookeeper" }, field: "lock", message: badEnum(LOCK_MODES) },
  { name: "waiters", input: { waiters: "spin" }, field: "waiters", message: badEnum(WAITER_POLICIES) },
  { name: "onLockError", input: { onLockError: "retry" }, field: "onLockError", message: badEnum(ON_LOCK_ERROR) },
  { name: "crowd.profile", input: { crowd: { profile: "flash-sale" } }, field: "crowd.profile", message: badEnum(CROWD_PROFILES) },
  { name: "crowd.keyDistribution", input: { crowd: { keyDistribution: "pareto" } }, field: "crowd.keyDistribution", message: badEnum(KEY_DISTRIBUTIONS) },
  { name: "node fault action", input: { faults: [nodeFault({ action: "explode" })] }, field: "faults.0.action", message: badEnum(NODE_FAULT_ACTIONS) },
  { name: "node fault action missing", input: { faults: [{ atMs: 0, node: "cache" }] }, field: "faults.0.action", message: badEnum(NODE_FAULT_ACTIONS) },
  { name: "instance fault action", input: { faults: [instanceFault({ action: "freeze" })] }, field: "faults.0.action", message: badEnum(INSTANCE_FAULT_ACTIONS) },
  { name: "lockedWork", input: { lockedWork: "decrement" }, field: "lockedWork", message: badEnum(LOCKED_WORK) },
  { name: "writeBehindBuffer", input: { writeBehindBuffer: "disk" }, field: "writeBehindBuffer", message: badEnum(WRITE_BEHIND_BUFFERS) },
  { name: "nodeOptions persistence", input: { nodeOptions: { "lock-3": { persistence: "aof" } } }, field: "nodeOptions.lock-3.persistence", message: badEnum(NODE_PERSISTENCE) },
  { name: "enum with the wrong case", input: { lock: "Redlock" }, field: "lock", message: badEnum(LOCK_MODES) },

  // ── wrong types ─────────────────────────────────────────────────────────────────────────────
  { name: "seed as a string", input: { seed: "42" }, field: "seed", message: wrongType("number", "string") },
  { name: "durationMs as a string", input: { durationMs: "10s" }, field: "durationMs", message: wrongType("number", "string") },
  { name: "instances null", input: { instances: null }, field: "instances", message: wrongType("number", "null") },
  { name: "strategy as a number", input: { strategy: 1 }, field: "strategy", message: badEnum(STRATEGIES) },
  { name: "lock as a boolean", input: { lock: true }, field: "lock", message: badEnum(LOCK_MODES) },
  { name: "xfetchBeta NaN", input: { xfetchBeta: Number.NaN }, field: "xfetchBeta", message: wrongType("number", "NaN") },
  { name: "xfetchBeta Infinity", input: { xfetchBeta: Number.POSITIVE_INFINITY }, field: "xfetchBeta", message: wrongType("number", "Infinity") },
  { name: "redlock as a number", input: { redlock: 3 }, field: "redlock", message: wrongType("object", "number") },
  { name: "redlock null", input: { redlock: null }, field: "redlock", message: wrongType("object", "null") },
  { name: "cache as a string", input: { cache: "on" }, field: "cache", message: wrongType("object", "string") },
  { name: "db as an array", input: { db: [] }, field: "db", message: wrongType("object", "array") },
  { name: "crowd as a string", input: { crowd: "sneaker-drop" }, field: "crowd", message: wrongType("object", "string") },
  { name: "crowd as an array", input: { crowd: [] }, field: "crowd", message: wrongType("object", "array") },
  { name: "crowd.writeRatio as a string", input: { crowd: { writeRatio: "10%" } }, field: "crowd.writeRatio", message: wrongType("number", "string") },
  { name: "faults as an object", input: { faults: {} }, field: "faults", message: wrongType("array", "object") },
  { name: "fencing as a string", input: { fencing: "yes" }, field: "fencing", message: wrongType("boolean", "string") },
  { name: "nodeOptions as an array", input: { nodeOptions: [] }, field: "nodeOptions", message: wrongType("record", "array") },
  { name: "nodeOptions entry as a string", input: { nodeOptions: { "lock-1": "fsync-always" } }, field: "nodeOptions.lock-1", message: wrongType("object", "string") },
  { name: "fault ms as a string", input: { faults: [nodeFault({ action: "latency", ms: "50" })] }, field: "faults.0.ms", message: wrongType("number", "string") },
  { name: "fault instances as a number", input: { faults: [nodeFault({ action: "partition", instances: 1 })] }, field: "faults.0.instances", message: wrongType("array", "number") },
  { name: "faults as a string", input: { faults: "none" }, field: "faults", message: wrongType("array", "string") },
  { name: "fault as a string", input: { faults: ["crash lock-1"] }, field: "faults.0", message: wrongType("object", "string") },
  { name: "fault null", input: { faults: [null] }, field: "faults.0", message: wrongType("object", "null") },
  { name: "fault as an array", input: { faults: [[]] }, field: "faults.0", message: wrongType("object", "array") },
  { name: "fault node as a number", input: { faults: [nodeFault({ node: 1 })] }, field: "faults.0.node", message: wrongType("string", "number") },
  { name: "fault instance as a string", input: { faults: [instanceFault({ instance: "1" })] }, field: "faults.0.instance", message: wrongType("number", "string") },
  { name: "fault atMs missing", input: { faults: [{ node: "cache", action: "crash" }] }, field: "faults.0.atMs", message: wrongType("number", "undefined") },
  { name: "second fault bad, first fine", input: { faults: [nodeFault(), nodeFault({ node: "redis" })] }, field: "faults.1.node", message: /must be "cache" or "lock-1" … "lock-7"/ },

  // ── node ids ────────────────────────────────────────────────────────────────────────────────
  { name: "node lock-0", input: { faults: [nodeFault({ node: "lock-0" })] }, field: "faults.0.node", message: /must be "cache" or "lock-1" … "lock-7"/ },
  { name: `node lock-${LIMITS.maxLockNodes + 1}`, input: { faults: [nodeFault({ node: `lock-${LIMITS.maxLockNodes + 1}` })] }, field: "faults.0.node", message: /must be "cache" or "lock-1" … "lock-7"/ },
  { name: "node empty", input: { faults: [nodeFault({ node: "" })] }, field: "faults.0.node", message: /must be "cache" or "lock-1" … "lock-7"/ },
  { name: "node lock-10", input: { faults: [nodeFault({ node: "lock-10" })] }, field: "faults.0.node", message: /must be "cache" or "lock-1" … "lock-7"/ },
  { name: "node with padding", input: { faults: [nodeFault({ node: " cache" })] }, field: "faults.0.node", message: /must be "cache" or "lock-1" … "lock-7"/ },
  { name: "nodeOptions on an unknown node", input: { nodeOptions: { redis: {} } }, field: "nodeOptions.redis", message: /must be "cache" or "lock-1" … "lock-7"/ },
  { name: "nodeOptions on lock-0", input: { nodeOptions: { "lock-0": {} } }, field: "nodeOptions.lock-0", message: /must be "cache" or "lock-1" … "lock-7"/ },

  // ── the safety lab's fault fields: each belongs to some actions, and some actions need one ───
  { name: "latency without ms", input: { faults: [nodeFault({ action: "latency" })] }, field: "faults.0.ms", message: /latency needs "ms" \(the delay added to each command/ },
  { name: "clock-jump without ms", input: { faults: [nodeFault({ action: "clock-jump" })] }, field: "faults.0.ms", message: /clock-jump needs "ms" \(how far the node's clock runs ahead/ },
  { name: "clock-jump of 0 ms", input: { faults: [nodeFault({ action: "clock-jump", ms: 0 })] }, field: "faults.0.ms", message: /changes nothing/ },
  { name: "ms on a crash", input: { faults: [nodeFault({ ms: 100 })] }, field: "faults.0.ms", message: /"ms" does not apply to crash; it is for latency \/ clock-jump/ },
  { name: "jitterMs on a partition", input: { faults: [nodeFault({ action: "partition", jitterMs: 5 })] }, field: "faults.0.jitterMs", message: /"jitterMs" does not apply to partition; it is for latency/ },
  { name: "delayedRestartMs on a crash", input: { faults: [nodeFault({ delayedRestartMs: 5 })] }, field: "faults.0.delayedRestartMs", message: /"delayedRestartMs" does not apply to crash; it is for restart/ },
  { name: "instances on a latency", input: { faults: [nodeFault({ action: "latency", ms: 5, instances: [1] })] }, field: "faults.0.instances", message: /"instances" does not apply to latency; it is for partition \/ heal/ },
  { name: "instances empty", input: { faults: [nodeFault({ action: "partition", instances: [] })] }, field: "faults.0.instances", message: /Too small: expected array to have >=1 items/ },
  { name: "instances twice the same", input: { faults: [nodeFault({ action: "partition", instances: [2, 2] })] }, field: "faults.0.instances", message: /each instance may be named once/ },
  { name: "instances with a zero", input: { faults: [nodeFault({ action: "partition", instances: [0] })] }, field: "faults.0.instances.0", message: tooSmall(1) },
  { name: "latency ms negative", input: { faults: [nodeFault({ action: "latency", ms: -1 })] }, field: "faults.0.ms", message: tooSmall(0) },
  { name: "latency ms non-integer", input: { faults: [nodeFault({ action: "latency", ms: 1.5 })] }, field: "faults.0.ms", message: wholeMs },
  { name: "jitterMs above 600000", input: { faults: [nodeFault({ action: "latency", ms: 1, jitterMs: 600_001 })] }, field: "faults.0.jitterMs", message: tooBig(600_000) },
  { name: "pause without ms", input: { faults: [instanceFault({ action: "pause" })] }, field: "faults.0.ms", message: /pause needs "ms"/ },
  { name: "pause of 0 ms", input: { faults: [instanceFault({ action: "pause", ms: 0 })] }, field: "faults.0.ms", message: tooSmall(1) },
  { name: "ms on an instance crash", input: { faults: [instanceFault({ ms: 100 })] }, field: "faults.0.ms", message: /"ms" does not apply to crash; it is for pause/ },
  { name: "instance fault with a node fault's field", input: { faults: [instanceFault({ action: "pause", ms: 5, jitterMs: 1 })] }, field: "faults.0.jitterMs", message: /unknown key "jitterMs"/ },

  // ── top-level numbers ───────────────────────────────────────────────────────────────────────
  { name: "seed non-integer", input: { seed: 1.5 }, field: "seed", message: notInt },
  { name: "seed beyond a safe integer", input: { seed: 2 ** 60 }, field: "seed", message: /Too big/ },
  // Profile "steady" so that the cross-field sneaker-drop expiry check has nothing to add.
  { name: "durationMs zero", input: { durationMs: 0, crowd: STEADY }, field: "durationMs", message: tooSmall(1) },
  { name: "durationMs negative", input: { durationMs: -1, crowd: STEADY }, field: "durationMs", message: tooSmall(1) },
  { name: "durationMs non-integer", input: { durationMs: 1000.5 }, field: "durationMs", message: wholeMs },
  { name: "durationMs above LIMITS.maxDurationMs", input: { durationMs: LIMITS.maxDurationMs + 1 }, field: "durationMs", message: tooBig(LIMITS.maxDurationMs) },
  { name: "tickMs below 10", input: { tickMs: 9 }, field: "tickMs", message: tooSmall(10) },
  { name: "tickMs negative", input: { tickMs: -100 }, field: "tickMs", message: tooSmall(10) },
  { name: "tickMs above 10000", input: { tickMs: 10_001 }, field: "tickMs", message: tooBig(10_000) },
  { name: "tickMs non-integer", input: { tickMs: 50.5 }, field: "tickMs", message: notInt },
  { name: "instances zero", input: { instances: 0 }, field: "instances", message: tooSmall(1) },
  { name: "instances negative", input: { instances: -4 }, field: "instances", message: tooSmall(1) },
  { name: "instances above LIMITS.maxInstances", input: { instances: LIMITS.maxInstances + 1 }, field: "instances", message: tooBig(LIMITS.maxInstances) },
  { name: "instances non-integer", input: { instances: 2.5 }, field: "instances", message: notInt },
  { name: "flushMs zero", input: { flushMs: 0 }, field: "flushMs", message: tooSmall(1) },
  { name: "flushMs above 600000", input: { flushMs: 600_001 }, field: "flushMs", message: tooBig(600_000) },
  { name: "flushMs non-integer", input: { flushMs: 0.5 }, field: "flushMs", message: wholeMs },
  { name: "lockNodes zero", input: { lockNodes: 0 }, field: "lockNodes", message: tooSmall(1) },
  { name: "lockNodes negative", input: { lockNodes: -1 }, field: "lockNodes", message: tooSmall(1) },
  { name: "lockNodes above LIMITS.maxLockNodes", input: { lockNodes: LIMITS.maxLockNodes + 1 }, field: "lockNodes", message: tooBig(LIMITS.maxLockNodes) },
  { name: "lockNodes non-integer", input: { lockNodes: 4.5 }, field: "lockNodes", message: notInt },
  { name: "lockTtlMs zero", input: { lockTtlMs: 0 }, field: "lockTtlMs", message: tooSmall(1) },
  { name: "lockTtlMs above 600000", input: { lockTtlMs: 600_001 }, field: "lockTtlMs", message: tooBig(600_000) },
  { name: "lockTtlMs non-integer", input: { lockTtlMs: 8000.1 }, field: "lockTtlMs", message: wholeMs },
  { name: "xfetchBeta negative", input: { xfetchBeta: -0.1 }, field: "xfetchBeta", message: tooSmall(0) },
  { name: "xfetchBeta above 100", input: { xfetchBeta: 100.5 }, field: "xfetchBeta", message: tooBig(100) },

  // ── redlock ─────────────────────────────────────────────────────────────────────────────────
  { name: "redlock.retryCount negative", input: { redlock: { retryCount: -1 } }, field: "redlock.retryCount", message: tooSmall(0) },
  { name: "redlock.retryCount above 100", input: { redlock: { retryCount: 101 } }, field: "redlock.retryCount", message: tooBig(100) },
  { name: "redlock.retryCount non-integer", input: { redlock: { retryCount: 1.5 } }, field: "redlock.retryCount", message: notInt },
  { name: "redlock.retryDelayMs negative", input: { redlock: { retryDelayMs: -1 } }, field: "redlock.retryDelayMs", message: tooSmall(0) },
  { name: "redlock.retryDelayMs above 60000", input: { redlock: { retryDelayMs: 60_001 } }, field: "redlock.retryDelayMs", message: tooBig(60_000) },
  { name: "redlock.retryDelayMs non-integer", input: { redlock: { retryDelayMs: 0.5 } }, field: "redlock.retryDelayMs", message: wholeMs },
  { name: "redlock.driftFactor negative", input: { redlock: { driftFactor: -0.01 } }, field: "redlock.driftFactor", message: tooSmall(0) },
  { name: "redlock.driftFactor above 0.5", input: { redlock: { driftFactor: 0.51 } }, field: "redlock.driftFactor", message: tooBig(0.5) },
  { name: "redlock.commandTimeoutMs zero", input: { redlock: { commandTimeoutMs: 0 } }, field: "redlock.commandTimeoutMs", message: tooSmall(1) },
  { name: "redlock.commandTimeoutMs above 60000", input: { redlock: { commandTimeoutMs: 60_001 } }, field: "redlock.commandTimeoutMs", message: tooBig(60_000) },
  { name: "redlock.commandTimeoutMs non-integer", input: { redlock: { commandTimeoutMs: 99.9 } }, field: "redlock.commandTimeoutMs", message: wholeMs },

  // ── cache ───────────────────────────────────────────────────────────────────────────────────
  { name: "cache.ttlMs zero", input: { cache: { ttlMs: 0 } }, field: "cache.ttlMs", message: tooSmall(1) },
  { name: "cache.ttlMs above an hour", input: { cache: { ttlMs: 3_600_001 } }, field: "cache.ttlMs", message: tooBig(3_600_000) },
  { name: "cache.ttlMs non-integer", input: { cache: { ttlMs: 1.5 } }, field: "cache.ttlMs", message: wholeMs },
  { name: "cache.jitterPct negative", input: { cache: { jitterPct: -1 } }, field: "cache.jitterPct", message: tooSmall(0) },
  { name: "cache.jitterPct above 100", input: { cache: { jitterPct: 101 } }, field: "cache.jitterPct", message: tooBig(100) },
  { name: "cache.staleTtlMs negative", input: { cache: { staleTtlMs: -1 } }, field: "cache.staleTtlMs", message: tooSmall(0) },
  { name: "cache.staleTtlMs above an hour", input: { cache: { staleTtlMs: 3_600_001 } }, field: "cache.staleTtlMs", message: tooBig(3_600_000) },
  { name: "cache.staleTtlMs non-integer", input: { cache: { staleTtlMs: 2.5 } }, field: "cache.staleTtlMs", message: wholeMs },

  // ── db ──────────────────────────────────────────────────────────────────────────────────────
  { name: "db.readLatencyMs negative", input: { db: { readLatencyMs: -1 } }, field: "db.readLatencyMs", message: tooSmall(0) },
  { name: "db.readLatencyMs above 60000", input: { db: { readLatencyMs: 60_001 } }, field: "db.readLatencyMs", message: tooBig(60_000) },
  { name: "db.readLatencyMs non-integer", input: { db: { readLatencyMs: 0.1 } }, field: "db.readLatencyMs", message: wholeMs },
  { name: "db.writeLatencyMs negative", input: { db: { writeLatencyMs: -1 } }, field: "db.writeLatencyMs", message: tooSmall(0) },
  { name: "db.writeLatencyMs above 60000", input: { db: { writeLatencyMs: 60_001 } }, field: "db.writeLatencyMs", message: tooBig(60_000) },
  { name: "db.writeLatencyMs non-integer", input: { db: { writeLatencyMs: 49.5 } }, field: "db.writeLatencyMs", message: wholeMs },
  { name: "db.capacity zero", input: { db: { capacity: 0 } }, field: "db.capacity", message: tooSmall(1) },
  { name: "db.capacity negative", input: { db: { capacity: -20 } }, field: "db.capacity", message: tooSmall(1) },
  { name: "db.capacity above 10000", input: { db: { capacity: 10_001 } }, field: "db.capacity", message: tooBig(10_000) },
  { name: "db.capacity non-integer", input: { db: { capacity: 1.5 } }, field: "db.capacity", message: notInt },
  { name: "db.queueLimit zero", input: { db: { queueLimit: 0 } }, field: "db.queueLimit", message: tooSmall(1) },
  { name: "db.queueLimit above 1000000", input: { db: { queueLimit: 1_000_001 } }, field: "db.queueLimit", message: tooBig(1_000_000) },
  { name: "db.queueLimit non-integer", input: { db: { queueLimit: 10.5 } }, field: "db.queueLimit", message: notInt },
  { name: "db.timeoutMs zero", input: { db: { timeoutMs: 0 } }, field: "db.timeoutMs", message: tooSmall(1) },
  { name: "db.timeoutMs above 600000", input: { db: { timeoutMs: 600_001 } }, field: "db.timeoutMs", message: tooBig(600_000) },
  { name: "db.timeoutMs non-integer", input: { db: { timeoutMs: 5000.5 } }, field: "db.timeoutMs", message: wholeMs },

  // ── crowd ───────────────────────────────────────────────────────────────────────────────────
  { name: "crowd.clients negative", input: { crowd: { clients: -1 } }, field: "crowd.clients", message: tooSmall(0) },
  // Profile "steady" so that the arrival-count check (which reads clients for a sneaker drop) has nothing to add.
  { name: "crowd.clients above LIMITS.maxClients", input: { crowd: { ...STEADY, clients: LIMITS.maxClients + 1 } }, field: "crowd.clients", message: tooBig(LIMITS.maxClients) },
  { name: "crowd.clients non-integer", input: { crowd: { clients: 10.5 } }, field: "crowd.clients", message: notInt },
  { name: "crowd.expireAtMs negative", input: { crowd: { expireAtMs: -1 } }, field: "crowd.expireAtMs", message: tooSmall(0) },
  { name: "crowd.expireAtMs above 600000", input: { crowd: { expireAtMs: 600_001 } }, field: "crowd.expireAtMs", message: tooBig(600_000) },
  { name: "crowd.expireAtMs non-integer", input: { crowd: { expireAtMs: 999.5 } }, field: "crowd.expireAtMs", message: wholeMs },
  { name: "crowd.arrivalMs negative", input: { crowd: { arrivalMs: -1 } }, field: "crowd.arrivalMs", message: tooSmall(0) },
  { name: "crowd.arrivalMs above 600000", input: { crowd: { arrivalMs: 600_001 } }, field: "crowd.arrivalMs", message: tooBig(600_000) },
  { name: "crowd.arrivalMs non-integer", input: { crowd: { arrivalMs: 0.5 } }, field: "crowd.arrivalMs", message: wholeMs },
  { name: "crowd.patienceMs zero", input: { crowd: { patienceMs: 0 } }, field: "crowd.patienceMs", message: tooSmall(1) },
  { name: "crowd.patienceMs above 600000", input: { crowd: { patienceMs: 600_001 } }, field: "crowd.patienceMs", message: tooBig(600_000) },
  { name: "crowd.patienceMs non-integer", input: { crowd: { patienceMs: 1.5 } }, field: "crowd.patienceMs", message: wholeMs },
  { name: "crowd.rps negative", input: { crowd: { rps: -1 } }, field: "crowd.rps", message: tooSmall(0) },
  { name: "crowd.rps above LIMITS.maxRps", input: { crowd: { rps: LIMITS.maxRps + 1 } }, field: "crowd.rps", message: tooBig(LIMITS.maxRps) },
  { name: "crowd.fromRps negative", input: { crowd: { fromRps: -1 } }, field: "crowd.fromRps", message: tooSmall(0) },
  { name: "crowd.fromRps above LIMITS.maxRps", input: { crowd: { fromRps: LIMITS.maxRps + 1 } }, field: "crowd.fromRps", message: tooBig(LIMITS.maxRps) },
  { name: "crowd.toRps negative", input: { crowd: { toRps: -1 } }, field: "crowd.toRps", message: tooSmall(0) },
  { name: "crowd.toRps above LIMITS.maxRps", input: { crowd: { toRps: LIMITS.maxRps + 1 } }, field: "crowd.toRps", message: tooBig(LIMITS.maxRps) },
  { name: "crowd.keys zero", input: { crowd: { keys: 0 } }, field: "crowd.keys", message: tooSmall(1) },
  { name: "crowd.keys above LIMITS.maxKeys", input: { crowd: { keys: LIMITS.maxKeys + 1 } }, field: "crowd.keys", message: tooBig(LIMITS.maxKeys) },
  { name: "crowd.keys non-integer", input: { crowd: { keys: 2.5 } }, field: "crowd.keys", message: notInt },
  { name: "crowd.writeRatio negative", input: { crowd: { writeRatio: -0.1 } }, field: "crowd.writeRatio", message: tooSmall(0) },
  { name: "crowd.writeRatio above 1", input: { crowd: { writeRatio: 1.1 } }, field: "crowd.writeRatio", message: tooBig(1) },

  // ── faults ──────────────────────────────────────────────────────────────────────────────────
  {
    name: "more faults than LIMITS.maxFaults",
    input: { faults: Array.from({ length: LIMITS.maxFaults + 1 }, () => nodeFault()) },
    field: "faults",
    message: new RegExp(`Too big: expected array to have <=${LIMITS.maxFaults} items`),
  },
  { name: "node fault atMs negative", input: { faults: [nodeFault({ atMs: -1 })] }, field: "faults.0.atMs", message: tooSmall(0) },
  { name: "node fault atMs above 600000", input: { faults: [nodeFault({ atMs: 600_001 })] }, field: "faults.0.atMs", message: tooBig(600_000) },
  { name: "node fault atMs non-integer", input: { faults: [nodeFault({ atMs: 1.5 })] }, field: "faults.0.atMs", message: wholeMs },
  { name: "instance fault atMs negative", input: { faults: [instanceFault({ atMs: -1 })] }, field: "faults.0.atMs", message: tooSmall(0) },
  { name: "instance fault atMs non-integer", input: { faults: [instanceFault({ atMs: 2.5 })] }, field: "faults.0.atMs", message: wholeMs },
  { name: "instance zero", input: { faults: [instanceFault({ instance: 0 })] }, field: "faults.0.instance", message: tooSmall(1) },
  { name: "instance negative", input: { faults: [instanceFault({ instance: -1 })] }, field: "faults.0.instance", message: tooSmall(1) },
  {
    name: "instance above LIMITS.maxInstances",
    input: { instances: LIMITS.maxInstances, faults: [instanceFault({ instance: LIMITS.maxInstances + 1 })] },
    field: "faults.0.instance",
    message: tooBig(LIMITS.maxInstances),
  },
  { name: "instance non-integer", input: { faults: [instanceFault({ instance: 1.5 })] }, field: "faults.0.instance", message: notInt },

  // ── cross-field rules ───────────────────────────────────────────────────────────────────────
  {
    name: "fault on lock-6 when lockNodes is 5",
    input: { faults: [nodeFault({ node: "lock-6" })] },
    field: "faults.0.node",
    message: /lock-6 does not exist: this scenario has lockNodes = 5/,
  },
  {
    name: "fault on lock-3 when lockNodes is 2",
    input: { lockNodes: 2, faults: [nodeFault({ node: "lock-2", action: "freeze" }), nodeFault({ node: "lock-3" })] },
    field: "faults.1.node",
    message: /lock-3 does not exist: this scenario has lockNodes = 2/,
  },
  {
    name: "fault on instance 5 with instances 4",
    input: { faults: [instanceFault({ instance: 5 })] },
    field: "faults.0.instance",
    message: /instance 5 does not exist: this scenario has instances = 4/,
  },
  {
    name: "partition cutting off instance 5 with instances 4",
    input: { faults: [nodeFault({ node: "lock-1", action: "partition", instances: [1, 5] })] },
    field: "faults.0.instances.1",
    message: /instance 5 does not exist: this scenario has instances = 4/,
  },
  {
    name: "nodeOptions on lock-6 when lockNodes is 5",
    input: { nodeOptions: { "lock-6": { persistence: "fsync-always" } } },
    field: "nodeOptions.lock-6",
    message: /lock-6 does not exist: this scenario has lockNodes = 5/,
  },
  {
    name: "fencing with lockedWork regenerate",
    input: { lock: "redlock", fencing: true },
    field: "fencing",
    message: /fencing guards the database write of lockedWork "increment"/,
  },
  {
    name: "a pause without a lock",
    input: { faults: [{ atMs: 0, instance: 1, action: "pause", ms: 3000 }] },
    field: "faults.0.action",
    message: /a pause takes hold of a lock holder, and with lock "none" nobody holds one: choose a lock/,
  },
  {
    name: "fencing without a lock",
    input: { lockedWork: "increment", fencing: true },
    field: "fencing",
    message: /fencing tokens are handed out with lock grants: choose a lock other than "none"/,
  },
  {
    name: "sneaker-drop expireAtMs equal to durationMs",
    input: { durationMs: 1000 },
    field: "crowd.expireAtMs",
    message: /the key must expire before the run ends \(durationMs = 1000\)/,
  },
  {
    name: "sneaker-drop expireAtMs after durationMs",
    input: { durationMs: 5000, crowd: { expireAtMs: 9000 } },
    field: "crowd.expireAtMs",
    message: /the key must expire before the run ends \(durationMs = 5000\)/,
  },
  {
    name: "steady arrivals above LIMITS.maxClients",
    input: { durationMs: 10_000, crowd: { profile: "steady", rps: 5001 } },
    field: "crowd.rps",
    message: new RegExp(`about 50010 requests; this machine holds at most ${LIMITS.maxClients} per run`),
  },
  {
    name: "steady arrivals above LIMITS.maxClients through a long run",
    input: { durationMs: 600_000, crowd: { profile: "steady", rps: 100 } },
    field: "crowd.rps",
    message: new RegExp(`about 60000 requests; this machine holds at most ${LIMITS.maxClients} per run`),
  },
  {
    name: "ramp arrivals above LIMITS.maxClients",
    input: { durationMs: 10_000, crowd: { profile: "ramp", fromRps: 0, toRps: 10_002 } },
    field: "crowd.toRps",
    message: new RegExp(`about 50010 requests; this machine holds at most ${LIMITS.maxClients} per run`),
  },
];

/** Unknown keys: each typo is its own issue, named by its full path, and nothing else is reported. */
const UNKNOWN_KEY_CASES: { name: string; input: unknown; issues: ScenarioIssue[] }[] = [
  { name: "top-level typo", input: { seeed: 1 }, issues: [unknownKey("seeed")] },
  { name: "top-level case typo", input: { durationMS: 1000 }, issues: [unknownKey("durationMS")] },
  { name: "several top-level typos", input: { lok: "redlock", waiter: "poll" }, issues: [unknownKey("lok"), unknownKey("waiter")] },
  { name: "redlock typo", input: { redlock: { retries: 3 } }, issues: [unknownKey("redlock.retries")] },
  { name: "cache typo", input: { cache: { ttl: 5 } }, issues: [unknownKey("cache.ttl")] },
  { name: "db typo", input: { db: { capacty: 5 } }, issues: [unknownKey("db.capacty")] },
  { name: "several typos in one nested object", input: { db: { capacty: 5, queLimit: 2 } }, issues: [unknownKey("db.capacty"), unknownKey("db.queLimit")] },
  { name: "crowd typo", input: { crowd: { client: 5 } }, issues: [unknownKey("crowd.client")] },
  { name: "node fault typo", input: { faults: [nodeFault({ atms: 5 })] }, issues: [unknownKey("faults.0.atms")] },
  { name: "node fault extra key", input: { faults: [nodeFault({ foo: 1 })] }, issues: [unknownKey("faults.0.foo")] },
  { name: "nodeOptions typo", input: { nodeOptions: { "lock-2": { persistance: "none" } } }, issues: [unknownKey("nodeOptions.lock-2.persistance")] },
  { name: "instance fault typo", input: { faults: [instanceFault({ at: 5 })] }, issues: [unknownKey("faults.0.at")] },
  { name: "typo in the second fault", input: { faults: [nodeFault(), instanceFault({ actoin: "crash" })] }, issues: [unknownKey("faults.1.actoin")] },
  {
    name: "fault aiming at both a node and an instance",
    input: { faults: [{ atMs: 0, node: "cache", instance: 1, action: "crash" }] },
    issues: [unknownKey("faults.0.node")],
  },
];

describe("parseScenario names each unknown key at its own path", () => {
  it.each(UNKNOWN_KEY_CASES.map((c) => [c.name, c] as const))("%s", (_name, { input, issues }) => {
    expect(issuesOf(input)).toStrictEqual(issues);
  });

  it("writes the message as unknown key \"<key>\", naming only the key itself", () => {
    expect(issuesOf({ db: { capacty: 5 } })).toStrictEqual([{ field: "db.capacty", message: 'unknown key "capacty"' }]);
    expect(issuesOf({ faults: [nodeFault({ foo: 1 })] })).toStrictEqual([{ field: "faults.0.foo", message: 'unknown key "foo"' }]);
  });
});

describe("parseScenario refuses every invalid case, naming the bad field", () => {
  it.each(INVALID_CASES.map((c) => [c.name, c] as const))("%s", (_name, { input, field, message }) => {
    const issues = issuesOf(input);
    expect(issues).toContainEqual({ field, message: expect.stringMatching(message) });
    // Only the bad field is blamed.
    expect(issues.map((issue) => issue.field)).toStrictEqual(issues.map(() => field));
    for (const issue of issues) expect(issue.message.trim()).not.toBe("");
  });

  it("covers every LIMITS entry with an over-the-limit case", () => {
    const names = INVALID_CASES.map((c) => c.name).join("\n");
    for (const key of Object.keys(LIMITS)) expect(names).toContain(`LIMITS.${key}`);
  });

  it("names each one of several bad fields at once", () => {
    const issues = issuesOf({
      seeed: 1,
      lock: "zookeeper",
      tickMs: 1,
      redlock: { driftFactor: 2 },
      cache: { tll: 5 },
      db: { capacity: 0, timeoutMs: 1.5 },
      crowd: { keys: 0, profile: "flash-sale" },
      faults: [nodeFault(), nodeFault({ node: "lock-9" }), instanceFault({ action: "thaw" })],
    });
    expect(new Set(issues.map((issue) => issue.field))).toStrictEqual(
      new Set([
        "seeed",
        "lock",
        "tickMs",
        "redlock.driftFactor",
        "cache.tll",
        "db.capacity",
        "db.timeoutMs",
        "crowd.keys",
        "crowd.profile",
        "faults.1.node",
        "faults.2.action",
      ]),
    );
    expect(issues).toHaveLength(11);
    expect(issues).toContainEqual(unknownKey("seeed"));
    expect(issues).toContainEqual(unknownKey("cache.tll"));
  });

  it("names every missing key of a fault", () => {
    const issues = issuesOf({ faults: [{}] });
    expect(issues.map((issue) => issue.field).sort()).toStrictEqual(
      ["faults.0.action", "faults.0.atMs", "faults.0.node"].sort(),
    );
  });

  it("names every cross-field problem at once", () => {
    const issues = issuesOf({
      durationMs: 1000,
      faults: [nodeFault({ node: "lock-7" }), instanceFault({ instance: 9 })],
    });
    expect(issues.map((issue) => issue.field).sort()).toStrictEqual(
      ["crowd.expireAtMs", "faults.0.node", "faults.1.instance"].sort(),
    );
  });

  // Cross-field rules judge only values that passed their own checks: once any other issue exists
  // they stay silent, so a bad value is not blamed a second time on its neighbours.
  it("blames only crowd.clients when a sneaker drop has too many clients", () => {
    expect(issuesOf({ crowd: { clients: LIMITS.maxClients + 1 } })).toStrictEqual([
      { field: "crowd.clients", message: expect.stringMatching(tooBig(LIMITS.maxClients)) },
    ]);
  });
  it("does not blame crowd.expireAtMs when durationMs itself is out of range", () => {
    expect(issuesOf({ durationMs: 0 })).toStrictEqual([{ field: "durationMs", message: expect.stringMatching(tooSmall(1)) }]);
  });
  it("does not blame a fault when lockNodes itself is out of range", () => {
    const issues = issuesOf({ lockNodes: 0, faults: [nodeFault({ node: "lock-1" })] });
    expect(issues).toStrictEqual([{ field: "lockNodes", message: expect.stringMatching(tooSmall(1)) }]);
  });
  it("skips the cross-field rules when an unrelated field is bad", () => {
    // Alone, durationMs 1000 and lock-7 are both cross-field problems (see above); beside a bad tickMs they are not reported.
    const issues = issuesOf({ tickMs: 1, durationMs: 1000, faults: [nodeFault({ node: "lock-7" }), instanceFault({ instance: 9 })] });
    expect(issues).toStrictEqual([{ field: "tickMs", message: expect.stringMatching(tooSmall(10)) }]);
  });
  it("skips the cross-field rules when there is an unknown key", () => {
    expect(issuesOf({ seeed: 1, durationMs: 1000, faults: [nodeFault({ node: "lock-7" })] })).toStrictEqual([unknownKey("seeed")]);
  });
});

describe("parseScenario accepts every valid value", () => {
  const enumCases: [string, ScenarioInput][] = [
    ...STRATEGIES.map((strategy) => [`strategy ${strategy}`, { strategy }] as [string, ScenarioInput]),
    ...LOCK_MODES.map((lock) => [`lock ${lock}`, { lock }] as [string, ScenarioInput]),
    ...WAITER_POLICIES.map((waiters) => [`waiters ${waiters}`, { waiters }] as [string, ScenarioInput]),
    ...ON_LOCK_ERROR.map((onLockError) => [`onLockError ${onLockError}`, { onLockError }] as [string, ScenarioInput]),
    ...CROWD_PROFILES.map((profile) => [`crowd.profile ${profile}`, { crowd: { profile } }] as [string, ScenarioInput]),
    ...KEY_DISTRIBUTIONS.map(
      (keyDistribution) => [`crowd.keyDistribution ${keyDistribution}`, { crowd: { keyDistribution } }] as [string, ScenarioInput],
    ),
  ];

  it.each(enumCases)("%s", (_name, input) => {
    const scenario = parsedOk(input);
    expect(mergeScenario(EXPECTED_DEFAULTS, input)).toStrictEqual(scenario);
  });

  it("accepts node faults on the cache and on every existing lock node, with every node action", () => {
    // An action that needs a field gets it (latency and clock-jump need ms); the rest go bare.
    const needed = (action: string) =>
      Object.fromEntries(
        Object.entries(NODE_FAULT_FIELDS)
          .filter(([, rule]) => (rule.required as readonly string[]).includes(action))
          .map(([field]) => [field, 25]),
      );
    const faults = NODE_FAULT_ACTIONS.flatMap((action, i) =>
      ["cache", "lock-1", "lock-2", "lock-3", "lock-4", "lock-5"].map((node) => ({ atMs: i * 1000, node, action, ...needed(action) })),
    );
    expect(parsedOk({ faults }).faults).toStrictEqual(faults);
  });

  it("accepts every fault field on each action it belongs to, and keeps it as given (no defaults added)", () => {
    const faults = [
      { atMs: 0, node: "lock-1", action: "latency", ms: 0, jitterMs: 0 },
      { atMs: 1, node: "lock-2", action: "latency", ms: 60_000, jitterMs: 600_000 },
      { atMs: 2, node: "lock-3", action: "clock-jump", ms: 1 },
      { atMs: 3, node: "lock-3", action: "restart" },
      { atMs: 4, node: "lock-3", action: "restart", delayedRestartMs: 0 },
      { atMs: 5, node: "lock-4", action: "restart", delayedRestartMs: 8000 },
      { atMs: 6, node: "lock-1", action: "partition" },
      { atMs: 7, node: "lock-1", action: "partition", instances: [1] },
      { atMs: 8, node: "cache", action: "partition", instances: [4, 2] },
      { atMs: 9, node: "lock-1", action: "heal", instances: [1, 2, 3, 4] },
      { atMs: 10, node: "lock-1", action: "heal" },
      { atMs: 11, instance: 2, action: "pause", ms: 3000 },
      { atMs: 12, instance: 4, action: "pause", ms: 1 },
    ];
    // A pause takes hold of a lock holder: the scenario takes a lock.
    expect(parsedOk({ lock: "redlock", faults }).faults).toStrictEqual(faults);
  });

  it("accepts the safety lab's keys, each value", () => {
    for (const lockedWork of LOCKED_WORK) expect(parsedOk({ lockedWork }).lockedWork).toBe(lockedWork);
    for (const writeBehindBuffer of WRITE_BEHIND_BUFFERS) expect(parsedOk({ writeBehindBuffer }).writeBehindBuffer).toBe(writeBehindBuffer);
    expect(parsedOk({ lock: "redlock", lockedWork: "increment", fencing: true })).toMatchObject({ fencing: true, lockedWork: "increment" });
    expect(parsedOk({ lock: "local", lockedWork: "increment", fencing: true }).fencing).toBe(true);
    expect(parsedOk({ lockedWork: "increment" })).toMatchObject({ lock: "none", fencing: false });
  });

  it("accepts nodeOptions on the cache and on existing lock nodes, filling in persistence", () => {
    const scenario = parsedOk({ lockNodes: 3, nodeOptions: { cache: {}, "lock-1": { persistence: "fsync-always" }, "lock-3": { persistence: "none" } } });
    expect(scenario.nodeOptions).toStrictEqual({
      cache: { persistence: "none" },
      "lock-1": { persistence: "fsync-always" },
      "lock-3": { persistence: "none" },
    });
    for (const persistence of NODE_PERSISTENCE) expect(parsedOk({ nodeOptions: { "lock-7": { persistence } }, lockNodes: 7 }).nodeOptions).toStrictEqual({ "lock-7": { persistence } });
  });

  it("accepts lock-7 when lockNodes is LIMITS.maxLockNodes", () => {
    const faults = [{ atMs: 0, node: `lock-${LIMITS.maxLockNodes}`, action: "crash" }];
    expect(parsedOk({ lockNodes: LIMITS.maxLockNodes, faults }).faults).toStrictEqual(faults);
  });

  it("accepts a fault on the cache node whatever lockNodes is", () => {
    expect(parsedOk({ lockNodes: 1, faults: [nodeFault({ node: "cache" })] }).faults).toHaveLength(1);
  });

  it("accepts instance faults on every existing instance", () => {
    // pause needs ms; crash takes none.
    const faults = INSTANCE_FAULT_ACTIONS.flatMap((action) =>
      [1, 2, 3, 4].map((instance) => ({ atMs: 500, instance, action, ...(action === "pause" ? { ms: 3000 } : {}) })),
    );
    expect(parsedOk({ lock: "local", faults }).faults).toStrictEqual(faults);
    const last = [{ atMs: 0, instance: LIMITS.maxInstances, action: "crash" }];
    expect(parsedOk({ instances: LIMITS.maxInstances, faults: last }).faults).toStrictEqual(last);
  });

  it("accepts node and instance faults side by side, in order", () => {
    const faults = [
      { atMs: 1000, node: "lock-2", action: "freeze" },
      { atMs: 1500, instance: 3, action: "crash" },
      { atMs: 4000, node: "lock-2", action: "thaw" },
    ];
    expect(parsedOk({ lock: "redlock", faults }).faults).toStrictEqual(faults);
  });

  it("accepts every limit exactly", () => {
    const scenario = parsedOk({
      seed: -7,
      durationMs: LIMITS.maxDurationMs,
      tickMs: 10_000,
      instances: LIMITS.maxInstances,
      lockNodes: LIMITS.maxLockNodes,
      redlock: { retryCount: 100, retryDelayMs: 60_000, driftFactor: 0.5, commandTimeoutMs: 60_000 },
      xfetchBeta: 100,
      cache: { ttlMs: 3_600_000, jitterPct: 100, staleTtlMs: 3_600_000 },
      db: { readLatencyMs: 60_000, writeLatencyMs: 60_000, capacity: 10_000, queueLimit: 1_000_000, timeoutMs: 600_000 },
      crowd: {
        clients: LIMITS.maxClients,
        expireAtMs: 599_999,
        arrivalMs: 600_000,
        patienceMs: 600_000,
        rps: LIMITS.maxRps,
        fromRps: LIMITS.maxRps,
        toRps: LIMITS.maxRps,
        keys: LIMITS.maxKeys,
        writeRatio: 1,
      },
      faults: Array.from({ length: LIMITS.maxFaults }, () => nodeFault({ atMs: 600_000 })),
    });
    expect(scenario.faults).toHaveLength(LIMITS.maxFaults);
    expect(scenario.crowd.clients).toBe(LIMITS.maxClients);
  });

  it("accepts every lower bound exactly", () => {
    const scenario = parsedOk({
      durationMs: 1,
      tickMs: 10,
      instances: 1,
      flushMs: 1,
      lockNodes: 1,
      lockTtlMs: 1,
      redlock: { retryCount: 0, retryDelayMs: 0, driftFactor: 0, commandTimeoutMs: 1 },
      cache: { ttlMs: 1, jitterPct: 0, staleTtlMs: 0 },
      db: { readLatencyMs: 0, writeLatencyMs: 0, capacity: 1, queueLimit: 1, timeoutMs: 1 },
      crowd: { clients: 0, expireAtMs: 0, arrivalMs: 0, patienceMs: 1, rps: 0, fromRps: 0, toRps: 0, keys: 1, writeRatio: 0 },
    });
    expect(scenario.durationMs).toBe(1);
  });

  it("accepts expected arrivals exactly at LIMITS.maxClients for steady and ramp", () => {
    expect(parsedOk({ durationMs: 10_000, crowd: { profile: "steady", rps: 5000 } }).crowd.rps).toBe(5000);
    expect(parsedOk({ durationMs: 10_000, crowd: { profile: "ramp", fromRps: 0, toRps: 10_000 } }).crowd.toRps).toBe(10_000);
  });

  it("does not apply the sneaker-drop expiry rule to steady and ramp crowds", () => {
    expect(parsedOk({ durationMs: 1000, crowd: { profile: "steady" } }).crowd.expireAtMs).toBe(1000);
    expect(parsedOk({ durationMs: 1000, crowd: { profile: "ramp" } }).crowd.expireAtMs).toBe(1000);
  });

  it("does not count a sneaker drop's rps against the machine's limit", () => {
    expect(parsedOk({ durationMs: LIMITS.maxDurationMs, crowd: { rps: LIMITS.maxRps } }).crowd.profile).toBe("sneaker-drop");
  });
});

describe("mergeScenario", () => {
  it("deep-merges nested objects, keeping the base's other keys", () => {
    const base: ScenarioInput = { lock: "redlock", db: { capacity: 5, timeoutMs: 100 }, crowd: { profile: "steady", rps: 10 } };
    const patch: ScenarioInput = { db: { capacity: 8 }, crowd: { rps: 20 }, waiters: "poll" };
    expect(mergeScenario(base, patch)).toStrictEqual({
      lock: "redlock",
      waiters: "poll",
      db: { capacity: 8, timeoutMs: 100 },
      crowd: { profile: "steady", rps: 20 },
    });
  });

  it("replaces arrays whole instead of merging them", () => {
    const base: ScenarioInput = { faults: [nodeFault({ node: "lock-1" }), nodeFault({ node: "lock-2" })] } as ScenarioInput;
    const patch: ScenarioInput = { faults: [instanceFault({ instance: 2 })] } as ScenarioInput;
    expect(mergeScenario(base, patch).faults).toStrictEqual([instanceFault({ instance: 2 })]);
    expect(mergeScenario(base, { faults: [] }).faults).toStrictEqual([]);
  });

  it("keeps the base's array when the patch does not mention it", () => {
    const faults = [nodeFault()];
    expect(mergeScenario({ faults } as ScenarioInput, { lock: "local" }).faults).toStrictEqual(faults);
  });

  it("lets the patch's scalars win and adds keys the base lacked", () => {
    expect(mergeScenario({ seed: 1, strategy: "write-through" }, { seed: 2, redlock: { retryCount: 3 } })).toStrictEqual({
      seed: 2,
      strategy: "write-through",
      redlock: { retryCount: 3 },
    });
  });

  it("does not mutate the base or the patch", () => {
    const base: ScenarioInput = { db: { capacity: 5 }, faults: [] };
    const patch: ScenarioInput = { db: { timeoutMs: 10 }, faults: [nodeFault() as never] };
    const baseCopy = structuredClone(base);
    const patchCopy = structuredClone(patch);
    const merged = mergeScenario(base, patch);
    expect(base).toStrictEqual(baseCopy);
    expect(patch).toStrictEqual(patchCopy);
    expect(merged.db).not.toBe(base.db);
  });

  it("merges over the full defaults into a scenario that parses to the same values", () => {
    const merged = mergeScenario(defaultScenario(), { db: { capacity: 5 }, crowd: { profile: "ramp" } });
    expect(parsedOk(merged)).toStrictEqual({
      ...EXPECTED_DEFAULTS,
      db: { ...EXPECTED_DEFAULTS.db, capacity: 5 },
      crowd: { ...EXPECTED_DEFAULTS.crowd, profile: "ramp" },
    });
  });

  it("merging {} changes nothing", () => {
    expect(mergeScenario(defaultScenario(), {})).toStrictEqual(EXPECTED_DEFAULTS);
  });
});

describe("quorumOf", () => {
  it.each([
    [1, 1],
    [2, 2],
    [3, 2],
    [4, 3],
    [5, 3],
    [6, 4],
    [7, 4],
  ])("quorumOf(%i) = %i", (nodes, quorum) => {
    expect(quorumOf(nodes)).toBe(quorum);
  });

  it("is a strict majority for every allowed node count", () => {
    for (let n = 1; n <= LIMITS.maxLockNodes; n++) {
      expect(quorumOf(n) * 2).toBeGreaterThan(n);
      expect((quorumOf(n) - 1) * 2).toBeLessThanOrEqual(n);
    }
  });
});

describe("expectedArrivalCount", () => {
  const crowdWith = (crowd: Partial<Scenario["crowd"]>): Scenario["crowd"] => ({ ...EXPECTED_DEFAULTS.crowd, ...crowd });

  it("is the client count for a sneaker drop, whatever the duration or rates", () => {
    expect(expectedArrivalCount({ durationMs: 10_000, crowd: crowdWith({ profile: "sneaker-drop", clients: 1234 }) })).toBe(1234);
    expect(expectedArrivalCount({ durationMs: 600_000, crowd: crowdWith({ profile: "sneaker-drop", clients: 0, rps: 20_000 }) })).toBe(0);
  });

  it("is rps × duration for a steady crowd", () => {
    expect(expectedArrivalCount({ durationMs: 10_000, crowd: crowdWith({ profile: "steady", rps: 500 }) })).toBe(5000);
    expect(expectedArrivalCount({ durationMs: 1500, crowd: crowdWith({ profile: "steady", rps: 3 }) })).toBe(4.5);
    expect(expectedArrivalCount({ durationMs: 10_000, crowd: crowdWith({ profile: "steady", rps: 0 }) })).toBe(0);
  });

  it("is the mean rate × duration for a ramp", () => {
    expect(expectedArrivalCount({ durationMs: 10_000, crowd: crowdWith({ profile: "ramp", fromRps: 100, toRps: 2000 }) })).toBe(10_500);
    expect(expectedArrivalCount({ durationMs: 10_000, crowd: crowdWith({ profile: "ramp", fromRps: 2000, toRps: 100 }) })).toBe(10_500);
    expect(expectedArrivalCount({ durationMs: 2000, crowd: crowdWith({ profile: "ramp", fromRps: 0, toRps: 0 }) })).toBe(0);
  });

  it("matches the defaults of each profile", () => {
    const d = defaultScenario();
    expect(expectedArrivalCount(d)).toBe(10_000);
    expect(expectedArrivalCount({ ...d, crowd: { ...d.crowd, profile: "steady" } })).toBe(5000);
    expect(expectedArrivalCount({ ...d, crowd: { ...d.crowd, profile: "ramp" } })).toBe(10_500);
  });
});
