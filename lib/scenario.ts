import { z } from "zod";

/**
 * The scenario contract: one schema shared by the CLI, the engine and the dashboard. Every key has
 * a default, so `{}` is a valid scenario (the seed story's Saturday morning). Unknown keys are
 * refused so that a typo is named instead of silently ignored.
 *
 * Limits protect a 2-core machine: a crowd or node count it cannot hold is refused with the reason.
 */
export const LIMITS = {
  maxClients: 50_000,
  maxInstances: 16,
  maxLockNodes: 7,
  maxDurationMs: 600_000,
  maxKeys: 10_000,
  maxRps: 20_000,
  maxFaults: 200,
} as const;

const ms = (max = 600_000) => z.number().int("must be a whole number of milliseconds").min(0).max(max);
const positiveMs = (max = 600_000) => z.number().int("must be a whole number of milliseconds").min(1).max(max);

export const STRATEGIES = ["cache-aside", "write-through", "write-behind"] as const;
export const LOCK_MODES = ["none", "local", "single-redis", "redlock"] as const;
export const WAITER_POLICIES = ["fail-fast", "poll", "serve-stale", "notify"] as const;
export const ON_LOCK_ERROR = ["wait", "bypass"] as const;
export const CROWD_PROFILES = ["sneaker-drop", "steady", "ramp"] as const;
export const KEY_DISTRIBUTIONS = ["uniform", "zipf"] as const;
/** How a sneaker drop's crowd spreads over its arrival window: at random (from the seed), or evenly. */
export const ARRIVAL_SPREADS = ["random", "even"] as const;
export const NODE_FAULT_ACTIONS = ["crash", "start", "freeze", "thaw", "partition", "heal", "latency", "restart", "clock-jump"] as const;
export const INSTANCE_FAULT_ACTIONS = ["crash", "pause"] as const;
/** What the lock protects: a cache fill (the stampede story) or a read-modify-write of one row (the safety lab). */
export const LOCKED_WORK = ["regenerate", "increment"] as const;
export const NODE_PERSISTENCE = ["none", "fsync-always"] as const;
export const WRITE_BEHIND_BUFFERS = ["instance", "cache-node"] as const;

/**
 * The optional fields of a node fault and the actions each belongs to. A field given to an action
 * it does not belong to is refused (it would be silently ignored otherwise); `required` ones must be
 * given. Shared by the schema and the page's fault editor.
 */
export const NODE_FAULT_FIELDS = {
  /** latency: added delay per command; clock-jump: how far the node's clock runs ahead. */
  ms: { actions: ["latency", "clock-jump"], required: ["latency", "clock-jump"] },
  /** latency: ± random spread around `ms`. */
  jitterMs: { actions: ["latency"], required: [] },
  /** restart: the node stays down at least this long before it comes back (antirez's fix: ≥ the lock TTL). */
  delayedRestartMs: { actions: ["restart"], required: [] },
  /** partition / heal: only these instances are cut off (healed); absent means the whole node. */
  instances: { actions: ["partition", "heal"], required: [] },
} as const satisfies Record<string, { actions: readonly NodeFaultAction[]; required: readonly NodeFaultAction[] }>;
export type NodeFaultAction = (typeof NODE_FAULT_ACTIONS)[number];

const redlockSchema = z.strictObject({
  /** Extra acquisition rounds after the first. The library's own default (10) silently polls. @default 0 */
  retryCount: z.number().int().min(0).max(100).default(0),
  /** @default 200 */
  retryDelayMs: ms(60_000).default(200),
  /** Share of the TTL assumed lost to clock drift between nodes. @default 0.01 */
  driftFactor: z.number().min(0).max(0.5).default(0.01),
  /** Per-node command timeout, so a dead or frozen node votes "against" instead of hanging. @default 1000 */
  commandTimeoutMs: positiveMs(60_000).default(1000),
  /**
   * Request coalescing in front of the library, per instance: one shared look at the lock key, one
   * round per resource at a time whose outcome its sibling requests learn. false: every attempt
   * runs a round of its own. @default true
   */
  coalesce: z.boolean().default(true),
});

const cacheSchema = z.strictObject({
  /** Logical lifetime of a cached value. @default 5000 */
  ttlMs: positiveMs(3_600_000).default(5000),
  /** ± spread applied to each TTL, in percent. @default 0 */
  jitterPct: z.number().min(0).max(100).default(0),
  /** How long past its logical expiry a value stays in Redis to be served stale. @default 30000 */
  staleTtlMs: ms(3_600_000).default(30_000),
});

const dbSchema = z.strictObject({
  /** @default 200 */
  readLatencyMs: ms(60_000).default(200),
  /** @default 50 */
  writeLatencyMs: ms(60_000).default(50),
  /** Queries that run at once. @default 20 */
  capacity: z.number().int().min(1).max(10_000).default(20),
  /** Queries that may wait; the next is refused at once. @default 1000 */
  queueLimit: z.number().int().min(1).max(1_000_000).default(1000),
  /** A query waiting longer than this fails. @default 5000 */
  timeoutMs: positiveMs(600_000).default(5000),
});

const crowdSchema = z.strictObject({
  profile: z.enum(CROWD_PROFILES).default("sneaker-drop"),
  /** Sneaker drop: how many clients arrive. @default 10000 */
  clients: z.number().int().min(0).max(LIMITS.maxClients).default(10_000),
  /** When the hot key expires, from t = 0. @default 1000 */
  expireAtMs: ms().default(1000),
  /** Sneaker drop: arrivals spread uniformly over this window from the expiry. @default 500 */
  arrivalMs: ms().default(500),
  /**
   * Sneaker drop: "random" — each arrival at a random moment of the window (from the seed); "even" —
   * client i (0-based) at exactly expireAtMs + i × arrivalMs / clients, whatever the seed: for the
   * safety presets, whose two clients must come in a known order. @default "random"
   */
  arrivalSpread: z.enum(ARRIVAL_SPREADS).default("random"),
  /** How long a client waits for a value before giving up. @default 5000 */
  patienceMs: positiveMs().default(5000),
  /** Steady: arrivals per second. @default 500 */
  rps: z.number().min(0).max(LIMITS.maxRps).default(500),
  /** Ramp: arrivals per second at the start and at the end of the run. @default 100, 2000 */
  fromRps: z.number().min(0).max(LIMITS.maxRps).default(100),
  toRps: z.number().min(0).max(LIMITS.maxRps).default(2000),
  /** Distinct keys requested; key 0 is the hot one. @default 1 */
  keys: z.number().int().min(1).max(LIMITS.maxKeys).default(1),
  keyDistribution: z.enum(KEY_DISTRIBUTIONS).default("uniform"),
  /** Share of requests that write instead of read. @default 0 */
  writeRatio: z.number().min(0).max(1).default(0),
});

/** Node ids as the node manager names them. */
export const nodeIdSchema = z
  .string()
  .regex(/^(cache|lock-[1-7])$/, 'must be "cache" or "lock-1" … "lock-7"');

export const instanceIndexSchema = z.number().int().min(1).max(LIMITS.maxInstances);
/** How long a simulated stop-the-world pause lasts: a scenario's `pause` fault and the page's button. */
export const pauseMsSchema = positiveMs();

/** The options of a node fault, without its time: what a scenario's fault and the page's button share. */
export const nodeFaultOptionShape = {
  ms: ms().optional(),
  jitterMs: ms().optional(),
  delayedRestartMs: ms().optional(),
  instances: z.array(instanceIndexSchema).min(1).max(LIMITS.maxInstances).optional(),
};

type NodeFaultFields = { action: NodeFaultAction } & { [K in keyof typeof NODE_FAULT_FIELDS]?: K extends "instances" ? number[] : number };

/**
 * Refuses an option given to an action it does not belong to (it would be silently ignored), and a
 * required one left out. Shared by the scenario schema and the page's `node:action` command.
 */
export function refineNodeFaultFields(fault: NodeFaultFields, ctx: z.RefinementCtx): void {
  for (const [field, rule] of Object.entries(NODE_FAULT_FIELDS)) {
    const given = fault[field as keyof typeof NODE_FAULT_FIELDS] !== undefined;
    const belongs = (rule.actions as readonly string[]).includes(fault.action);
    if (given && !belongs) {
      ctx.addIssue({ code: "custom", path: [field], message: `"${field}" does not apply to ${fault.action}; it is for ${rule.actions.join(" / ")}` });
    } else if (!given && (rule.required as readonly string[]).includes(fault.action)) {
      ctx.addIssue({ code: "custom", path: [field], message: `${fault.action} needs "${field}" (${REQUIRED_FIELD_MEANING[`${fault.action}.${field}`] ?? field})` });
    }
  }
  if (fault.action === "clock-jump" && fault.ms === 0) {
    ctx.addIssue({ code: "custom", path: ["ms"], message: "a clock jump of 0 ms changes nothing: give at least 1 ms" });
  }
  if (fault.instances && new Set(fault.instances).size !== fault.instances.length) {
    ctx.addIssue({ code: "custom", path: ["instances"], message: "each instance may be named once" });
  }
}

const nodeFaultSchema = z
  .strictObject({
    atMs: ms(),
    node: nodeIdSchema,
    action: z.enum(NODE_FAULT_ACTIONS),
    ...nodeFaultOptionShape,
  })
  .superRefine(refineNodeFaultFields, { when: (payload) => payload.issues.length === 0 });

const REQUIRED_FIELD_MEANING: Record<string, string> = {
  "latency.ms": "the delay added to each command, in ms",
  "clock-jump.ms": "how far the node's clock runs ahead, in ms: its lock keys expire that much early",
};

const instanceFaultSchema = z
  .strictObject({
    atMs: ms(),
    instance: instanceIndexSchema,
    action: z.enum(INSTANCE_FAULT_ACTIONS),
    /** pause: how long the holder's work stops (a simulated stop-the-world pause). */
    ms: pauseMsSchema.optional(),
  })
  .superRefine((fault, ctx) => {
    if (fault.action === "pause" && fault.ms === undefined) {
      ctx.addIssue({ code: "custom", path: ["ms"], message: 'pause needs "ms" (how long the holder\'s work stops, in ms)' });
    }
    if (fault.action !== "pause" && fault.ms !== undefined) {
      ctx.addIssue({ code: "custom", path: ["ms"], message: `"ms" does not apply to ${fault.action}; it is for pause` });
    }
  }, { when: (payload) => payload.issues.length === 0 });

/** Per-node options, handed to the node manager (server/nodes/), which starts or switches the node with them. */
const nodeOptionSchema = z.strictObject({
  /** "fsync-always": AOF with appendfsync always, so a restarted node comes back with its keys. @default "none" */
  persistence: z.enum(NODE_PERSISTENCE).default("none"),
});

type NodeFaultShape = z.output<typeof nodeFaultSchema>;
type InstanceFaultShape = z.output<typeof instanceFaultSchema>;

/**
 * A fault aims at a node or at an engine instance. A plain union would answer "Invalid input" for a
 * bad fault; choosing the branch by its target key lets the message name the field that is wrong.
 */
export const faultSchema = z.unknown().transform((value, ctx) => {
  const aimsAtInstance = typeof value === "object" && value !== null && "instance" in value;
  const parsed = (aimsAtInstance ? instanceFaultSchema : nodeFaultSchema).safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: issue.path } as never);
  return z.NEVER;
}) as unknown as z.ZodType<
  NodeFaultShape | InstanceFaultShape,
  z.input<typeof nodeFaultSchema> | z.input<typeof instanceFaultSchema>
>;

export const scenarioSchema = z
  .strictObject({
    seed: z.number().int().default(42),
    /** Arrivals stop here; the run then drains. @default 10000 */
    durationMs: positiveMs(LIMITS.maxDurationMs).default(10_000),
    /** Width of one metrics window (and one chart point). @default 100 */
    tickMs: z.number().int().min(10).max(10_000).default(100),
    /** Engine instances: the app servers. @default 4 */
    instances: z.number().int().min(1).max(LIMITS.maxInstances).default(4),
    strategy: z.enum(STRATEGIES).default("cache-aside"),
    /** Write-behind: how often batches go to the database. @default 2000 */
    flushMs: positiveMs().default(2000),
    /** Default "none": `{}` is the seed story's Saturday morning, before any fix. */
    lock: z.enum(LOCK_MODES).default("none"),
    /** @default 5 */
    lockNodes: z.number().int().min(1).max(LIMITS.maxLockNodes).default(5),
    /** @default 8000 (the seed's 8 s) */
    lockTtlMs: positiveMs().default(8000),
    redlock: redlockSchema.prefault({}),
    waiters: z.enum(WAITER_POLICIES).default("fail-fast"),
    onLockError: z.enum(ON_LOCK_ERROR).default("wait"),
    /** XFetch's β; 0 turns early refresh off. @default 0 */
    xfetchBeta: z.number().min(0).max(100).default(0),
    cache: cacheSchema.prefault({}),
    db: dbSchema.prefault({}),
    crowd: crowdSchema.prefault({}),
    faults: z.array(faultSchema).max(LIMITS.maxFaults).default([]),
    /**
     * What a lock holder does: "regenerate" fills the cache (the stampede story); "increment" turns
     * every request into a writer that takes the lock and adds one to its row's `counter` — a
     * read-modify-write whose lost updates show a broken lock. @default "regenerate"
     */
    lockedWork: z.enum(LOCKED_WORK).default("regenerate"),
    /**
     * Fencing tokens: each grant carries a token from the database's own sequence and the database
     * refuses a write whose token is older than one it already accepted. Guards the increment's
     * write. @default false
     */
    fencing: z.boolean().default(false),
    /** Per node, e.g. `{ "lock-3": { "persistence": "fsync-always" } }`. @default {} */
    nodeOptions: z
      .record(z.string(), nodeOptionSchema)
      .superRefine((options, ctx) => {
        for (const node of Object.keys(options)) {
          const parsed = nodeIdSchema.safeParse(node);
          if (!parsed.success) ctx.addIssue({ code: "custom", path: [node], message: parsed.error.issues[0]?.message ?? "not a node id" });
        }
      })
      .default({}),
    /**
     * Write-behind: where acknowledged writes wait for the flush — the instance's memory (lost when
     * the instance crashes) or a list on the cache node (lost when the cache node crashes).
     * @default "instance"
     */
    writeBehindBuffer: z.enum(WRITE_BEHIND_BUFFERS).default("instance"),
    /**
     * Slow motion: every duration of the run is this many times longer (and every rate this many
     * times lower), the engine's own waits included, so a story unfolds slowly enough to narrate.
     * Set by `slowMotion()`; the other fields then hold the stretched values. @default 1
     */
    timeScale: z.number().min(1).max(10).default(1),
  })
  .superRefine((scenario, ctx) => {
    scenario.faults.forEach((fault, index) => {
      if ("node" in fault && fault.node !== "cache") {
        const n = Number(fault.node.slice("lock-".length));
        if (n > scenario.lockNodes) {
          ctx.addIssue({
            code: "custom",
            path: ["faults", index, "node"],
            message: `${fault.node} does not exist: this scenario has lockNodes = ${scenario.lockNodes}`,
          });
        }
      }
      if ("node" in fault && fault.instances) {
        fault.instances.forEach((instance, i) => {
          if (instance > scenario.instances) {
            ctx.addIssue({
              code: "custom",
              path: ["faults", index, "instances", i],
              message: `instance ${instance} does not exist: this scenario has instances = ${scenario.instances}`,
            });
          }
        });
      }
      if ("instance" in fault && fault.action === "pause" && scenario.lock === "none") {
        ctx.addIssue({
          code: "custom",
          path: ["faults", index, "action"],
          message: 'a pause takes hold of a lock holder, and with lock "none" nobody holds one: choose a lock',
        });
      }
      if ("instance" in fault && fault.instance > scenario.instances) {
        ctx.addIssue({
          code: "custom",
          path: ["faults", index, "instance"],
          message: `instance ${fault.instance} does not exist: this scenario has instances = ${scenario.instances}`,
        });
      }
    });
    for (const node of Object.keys(scenario.nodeOptions)) {
      if (node !== "cache" && Number(node.slice("lock-".length)) > scenario.lockNodes) {
        ctx.addIssue({
          code: "custom",
          path: ["nodeOptions", node],
          message: `${node} does not exist: this scenario has lockNodes = ${scenario.lockNodes}`,
        });
      }
    }
    if (scenario.fencing && scenario.lockedWork !== "increment") {
      ctx.addIssue({
        code: "custom",
        path: ["fencing"],
        message: 'fencing guards the database write of lockedWork "increment"; with "regenerate" the lock protects only a cache fill',
      });
    }
    if (scenario.fencing && scenario.lock === "none") {
      ctx.addIssue({ code: "custom", path: ["fencing"], message: 'fencing tokens are handed out with lock grants: choose a lock other than "none"' });
    }
    if (scenario.crowd.profile === "sneaker-drop" && scenario.crowd.expireAtMs >= scenario.durationMs) {
      ctx.addIssue({
        code: "custom",
        path: ["crowd", "expireAtMs"],
        message: `the key must expire before the run ends (durationMs = ${scenario.durationMs})`,
      });
    }
    const expectedArrivals = expectedArrivalCount(scenario);
    if (expectedArrivals > LIMITS.maxClients) {
      ctx.addIssue({
        code: "custom",
        path: ["crowd", scenario.crowd.profile === "ramp" ? "toRps" : scenario.crowd.profile === "steady" ? "rps" : "clients"],
        message: `this run would bring about ${Math.round(expectedArrivals)} requests; this machine holds at most ${LIMITS.maxClients} per run — lower the rate or durationMs`,
      });
    }
    // Cross-field rules judge only values that passed their own checks, or they blame innocent fields.
  }, { when: (payload) => payload.issues.length === 0 });

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.output<typeof scenarioSchema>;
export type Fault = z.output<typeof faultSchema>;
export type NodeFault = Extract<Fault, { node: string }>;
export type InstanceFault = Extract<Fault, { instance: number }>;

/** Arrivals a scenario brings, before any randomness: used for the machine's limit and progress bars. */
export function expectedArrivalCount(scenario: Pick<Scenario, "crowd" | "durationMs">): number {
  const { crowd, durationMs } = scenario;
  switch (crowd.profile) {
    case "sneaker-drop":
      return crowd.clients;
    case "steady":
      return (crowd.rps * durationMs) / 1000;
    case "ramp":
      return (((crowd.fromRps + crowd.toRps) / 2) * durationMs) / 1000;
  }
}

export interface ScenarioIssue {
  /** Dotted path of the bad field, e.g. `db.capacity` or `faults.0.node`. */
  field: string;
  message: string;
}

export type ScenarioParseResult = { ok: true; scenario: Scenario } | { ok: false; issues: ScenarioIssue[] };

/** Parses untrusted input (a file, a socket message, a URL) into a scenario, naming every bad field. */
export function parseScenario(input: unknown): ScenarioParseResult {
  const result = scenarioSchema.safeParse(input ?? {});
  if (result.success) return { ok: true, scenario: result.data };
  return {
    ok: false,
    issues: result.error.issues.flatMap((issue): ScenarioIssue[] => {
      // One issue per unknown key, at its own path, so a form can point at the typo itself.
      if (issue.code === "unrecognized_keys") {
        return issue.keys.map((key) => ({ field: [...issue.path, key].map(String).join("."), message: `unknown key "${key}"` }));
      }
      return [{ field: issue.path.length > 0 ? issue.path.map(String).join(".") : "(scenario)", message: issue.message }];
    }),
  };
}

/** The defaults of every key: what `{}` means. */
export function defaultScenario(): Scenario {
  return scenarioSchema.parse({});
}

/** Deep-merges a partial scenario over a base, arrays replaced whole. Used by presets and the page. */
export function mergeScenario(base: ScenarioInput, patch: ScenarioInput): ScenarioInput {
  return deepMerge(base as Record<string, unknown>, patch as Record<string, unknown>) as ScenarioInput;
}

function deepMerge(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const existing = out[key];
    out[key] =
      isPlainObject(existing) && isPlainObject(value) ? deepMerge(existing, value) : value;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Quorum for Redlock over n nodes: a strict majority. */
export function quorumOf(lockNodes: number): number {
  return Math.floor(lockNodes / 2) + 1;
}
