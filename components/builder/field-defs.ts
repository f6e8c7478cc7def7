import {
  CROWD_PROFILES,
  ARRIVAL_SPREADS,
  KEY_DISTRIBUTIONS,
  LIMITS,
  LOCKED_WORK,
  LOCK_MODES,
  ON_LOCK_ERROR,
  STRATEGIES,
  WAITER_POLICIES,
  WRITE_BEHIND_BUFFERS,
  defaultScenario,
  expectedArrivalCount,
  mergeScenario,
  quorumOf,
  type Scenario,
  type ScenarioInput,
} from "@/lib/scenario";
import { DATABASE_MODEL } from "../shell/simulated-tag";
import type { Path } from "./paths";

/**
 * Every field of the scenario contract as the builder shows it: a name, one line in plain words,
 * and when it does not apply. The explanations are the builder's own; the librarian's desk
 * (cache) and basement (database) and the sneaker drop come from the seed story.
 */

/**
 * The scenario as typed so far with every default filled in. Values may still be wrong (a string
 * where a number goes): read it only to decide what to dim or hint, never to run.
 */
export type ScenarioView = Scenario;

export function viewOf(value: ScenarioInput): ScenarioView {
  const defaults = defaultScenario();
  const view = mergeScenario(defaults, isObject(value) ? value : {}) as Record<string, unknown>;
  // A group that is not an object (a bad import) reads as its defaults here; the schema still names it.
  for (const group of ["redlock", "cache", "db", "crowd"] as const) {
    if (!isObject(view[group])) view[group] = defaults[group];
  }
  return view as ScenarioView;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

interface FieldBase {
  path: Path;
  /** Short human name; the key itself is shown beside it. */
  title: string;
  /** One line, plain words. */
  help: string;
  /** Why the field does nothing in this scenario (it is dimmed, still editable), or null. */
  unused?(view: ScenarioView): string | null;
  /** A live remark computed from the scenario, e.g. the quorum. */
  note?(view: ScenarioView): string | null;
}

export interface NumberFieldDef extends FieldBase {
  kind: "number";
  unit?: string;
  min: number;
  max?: number;
  /** Arrow keys step by this much. @default 1 */
  step?: number;
  /** Whole numbers only. */
  integer: boolean;
  /** Replaces the computed "min – max" text. */
  range?: string;
}

export interface ChoiceFieldDef extends FieldBase {
  kind: "choice";
  /** Each option with what choosing it means. */
  options: readonly { value: string; help: string }[];
}

export interface ToggleFieldDef extends FieldBase {
  kind: "toggle";
  /** What "on" means, said next to the checkbox. */
  onText: string;
}

export type FieldDef = NumberFieldDef | ChoiceFieldDef | ToggleFieldDef;

export interface GroupDef {
  id: string;
  title: string;
  blurb: string;
  /** What the lab models here instead of running it for real: the group wears a SIMULATED tag saying so. */
  simulated?: string;
  fields: readonly FieldDef[];
}

const ms = (path: Path, title: string, help: string, extra: Partial<NumberFieldDef> = {}): NumberFieldDef => ({
  kind: "number",
  path,
  title,
  help,
  unit: "ms",
  min: 0,
  max: 600_000,
  step: 100,
  integer: true,
  ...extra,
});

const count = (path: Path, title: string, help: string, min: number, max: number, extra: Partial<NumberFieldDef> = {}): NumberFieldDef => ({
  kind: "number",
  path,
  title,
  help,
  min,
  max,
  integer: true,
  ...extra,
});

function choice<T extends string>(path: Path, title: string, help: string, values: readonly T[], optionHelp: Record<T, string>, extra: Partial<ChoiceFieldDef> = {}): ChoiceFieldDef {
  return { kind: "choice", path, title, help, options: values.map((value) => ({ value, help: optionHelp[value] })), ...extra };
}

const notRedlock = (view: ScenarioView) => (view.lock === "redlock" ? null : `only Redlock uses it (lock is ${String(view.lock)})`);
const formatCount = (n: number) => Math.round(n).toLocaleString("en-US");

export const GROUPS: readonly GroupDef[] = [
  {
    id: "run",
    title: "Run",
    blurb: "How long the experiment lasts and how many app servers take part.",
    fields: [
      count("seed", "Seed", "The same seed gives the same arrivals, jitter and dice rolls: a run you can repeat.", Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, {
        range: "any whole number",
      }),
      ms("durationMs", "Run length", "New arrivals stop after this long; requests already inside still finish.", { min: 1, max: LIMITS.maxDurationMs, step: 1000 }),
      count("tickMs", "Tick", "One measuring window: every chart point covers this many milliseconds.", 10, 10_000, { unit: "ms", step: 10 }),
      count("instances", "App servers", "Engine instances; they share nothing but Redis and the database.", 1, LIMITS.maxInstances),
      {
        kind: "number",
        path: "timeScale",
        title: "Built-in slow motion",
        help: "Set when a run is stretched; leave it at 1 and use the slow-motion control instead.",
        unit: "×",
        min: 1,
        max: 10,
        integer: false,
        unused: (view) => (view.timeScale === 1 ? "1 means the scenario's own durations" : null),
        note: (view) => (view.timeScale !== 1 ? `these durations are already stretched ${String(view.timeScale)}×` : null),
      },
    ],
  },
  {
    id: "strategy",
    title: "Strategy",
    blurb: "How writes travel between the desk (the cache) and the basement (the database).",
    fields: [
      choice("strategy", "Write strategy", "Reads are the same for all three; they differ in when a write reaches the database.", STRATEGIES, {
        "cache-aside": "Write to the database, then throw away the cached copy; the next reader refills it.",
        "write-through": "Write to the database and the cache before telling the client it is saved.",
        "write-behind": "Write to the cache, say 'saved' at once, and carry the pile to the database later.",
      }),
      ms("flushMs", "Flush every", "How often the pile of writes on the desk is carried down to the basement.", {
        min: 1,
        step: 500,
        unused: (view) => (view.strategy === "write-behind" ? null : `only write-behind batches writes (strategy is ${String(view.strategy)})`),
      }),
      choice(
        "writeBehindBuffer",
        "Pending writes wait in",
        "Where acknowledged writes sit until the next flush — and so what a crash takes with it.",
        WRITE_BEHIND_BUFFERS,
        {
          instance: "The app server's memory: lost if that server dies before the flush.",
          "cache-node": "A list on the cache node: lost if the cache node dies before the flush.",
        },
        { unused: (view) => (view.strategy === "write-behind" ? null : `only write-behind keeps writes waiting (strategy is ${String(view.strategy)})`) },
      ),
    ],
  },
  {
    id: "protection",
    title: "Protection",
    blurb: "Who may rebuild an expired value, and what everybody else does meanwhile.",
    fields: [
      choice("lock", "Lock", "Whether a ticket is needed before going to the database for a missing value.", LOCK_MODES, {
        none: "No ticket: every request that misses goes to the database.",
        local: "A ticket per app server, kept in its memory: one database read per server.",
        "single-redis": "One ticket booth on lock-1: simple, and gone if that node goes.",
        redlock: "Ask every lock node; a majority of yes votes wins the ticket.",
      }),
      count("lockNodes", "Lock nodes", "How many Redis lock nodes Redlock asks for a vote.", 1, LIMITS.maxLockNodes, {
        unused: notRedlock,
        note: (view) =>
          typeof view.lockNodes === "number" && view.lockNodes >= 1
            ? `quorum: ${quorumOf(view.lockNodes)} of ${view.lockNodes} needed`
            : null,
      }),
      ms("lockTtlMs", "Lock lifetime", "A held ticket runs out after this long, even if its holder never hands it back.", {
        min: 1,
        step: 500,
        unused: (view) => (view.lock === "none" ? "there is no lock (lock is none)" : null),
      }),
      count("redlock.retryCount", "Retries", "Extra rounds of asking the nodes after a failed round; 0 asks once.", 0, 100, { unused: notRedlock }),
      ms("redlock.retryDelayMs", "Retry pause", "How long to wait between two rounds of asking.", { max: 60_000, step: 50, unused: notRedlock }),
      {
        kind: "number",
        path: "redlock.driftFactor",
        title: "Clock drift allowance",
        help: "Share of the lock lifetime written off because node clocks may run at different speeds.",
        min: 0,
        max: 0.5,
        step: 0.01,
        integer: false,
        unused: notRedlock,
      },
      {
        kind: "toggle",
        path: "redlock.coalesce",
        title: "Coalesce lock requests",
        help: "Each app server looks at the lock once for all its waiting requests and runs one round at a time; off, every request asks every lock node itself.",
        onText: "one round per app server at a time",
        unused: notRedlock,
      },
      ms("redlock.commandTimeoutMs", "Node answer timeout", "How long any Redis node may stay silent before that silence counts as a no.", {
        min: 1,
        max: 60_000,
        step: 100,
      }),
      choice(
        "waiters",
        "Waiters",
        "What a request does when someone else already holds the ticket.",
        WAITER_POLICIES,
        {
          "fail-fast": "The seed's code: sleep 100 ms, look in the cache once, otherwise fail.",
          poll: "Keep looking, with longer and longer pauses, until patience runs out.",
          "serve-stale": "Take the old copy at once while one request fetches a fresh one.",
          notify: "Sleep until the cache node announces that the value is back.",
        },
        { unused: (view) => (view.lock === "none" ? "nobody waits without a lock (lock is none)" : null) },
      ),
      choice(
        "onLockError",
        "When the lock can't be decided",
        "Nodes down or silent, not merely busy: hold back, or go to the database anyway.",
        ON_LOCK_ERROR,
        {
          wait: "Fail closed: treat it like a busy lock; the database is safe, the crowd may starve.",
          bypass: "Fail open: read the database without a ticket; the crowd is fed, the database takes the hit.",
        },
        {
          unused: (view) =>
            view.lock === "none" || view.lock === "local" ? `a ${view.lock === "none" ? "missing" : "local"} lock cannot fail (lock is ${String(view.lock)})` : null,
        },
      ),
      choice("lockedWork", "Work under the lock", "What the ticket holder does: refill the cache, or update a row in the database.", LOCKED_WORK, {
        regenerate: "Refill the expired value in the cache: the stampede story.",
        increment: "Every request takes the ticket and adds one to a row's counter; a broken lock shows as lost updates.",
      }),
      {
        kind: "toggle",
        path: "fencing",
        title: "Fencing tokens",
        help:
          "Each grant gets a rising number from the database's own sequence, and the row refuses a write carrying an older one. Redlock cannot hand out such a number: its lock value is random, and five independent nodes share no counter — the order must come from what the lock protects.",
        onText: "Refuse writes from a holder whose ticket is out of date",
        unused: (view) =>
          view.lockedWork !== "increment"
            ? `only guards the increment's write (lockedWork is ${String(view.lockedWork)})`
            : view.lock === "none"
              ? "tokens come with lock grants (lock is none)"
              : null,
      },
      {
        kind: "number",
        path: "xfetchBeta",
        title: "XFetch β",
        help: "Early refresh: above 0, a request may rebuild the value a little before it expires; higher means earlier.",
        min: 0,
        max: 100,
        step: 0.5,
        integer: false,
        note: (view) => (view.xfetchBeta === 0 ? "0 turns early refresh off" : null),
      },
    ],
  },
  {
    id: "cache",
    title: "Cache",
    blurb: "How long a value stays fresh on the desk.",
    fields: [
      ms("cache.ttlMs", "Fresh for", "How long a cached value counts as fresh.", { min: 1, max: 3_600_000, step: 500 }),
      {
        kind: "number",
        path: "cache.jitterPct",
        title: "Lifetime jitter",
        help: "A random ± spread on each lifetime, so keys cached together don't expire together.",
        unit: "%",
        min: 0,
        max: 100,
        step: 5,
        integer: false,
      },
      ms("cache.staleTtlMs", "Stale grace", "How long an expired value is kept around to be handed out as the old copy.", {
        max: 3_600_000,
        step: 1000,
        unused: (view) => (view.waiters === "serve-stale" ? null : `only serve-stale waiters use it (waiters is ${String(view.waiters)})`),
      }),
    ],
  },
  {
    id: "db",
    title: "Database",
    blurb: "The basement: slow, and only so many people fit on the stairs. A capacity model, not a real database: these fields are all there is to it.",
    simulated: DATABASE_MODEL,
    fields: [
      ms("db.readLatencyMs", "Read time", "How long one read takes in the basement when nobody is queueing.", { max: 60_000, step: 50 }),
      ms("db.writeLatencyMs", "Write time", "How long one write takes at the database.", { max: 60_000, step: 10 }),
      count("db.capacity", "Capacity", "Queries the database works on at the same moment; the rest wait in line.", 1, 10_000),
      count("db.queueLimit", "Queue limit", "How many queries may wait in line; the next one is turned away at once.", 1, 1_000_000, { step: 100 }),
      ms("db.timeoutMs", "Query timeout", "A query that has waited this long fails.", { min: 1, step: 500 }),
    ],
  },
  {
    id: "crowd",
    title: "Crowd",
    blurb: "Who shows up, when, and for which keys.",
    fields: [
      choice(
        "crowd.profile",
        "Crowd shape",
        "How arrivals are spread over the run.",
        CROWD_PROFILES,
        {
          "sneaker-drop": "Everybody rushes in right as the hot key expires, like a sneaker drop.",
          steady: "A constant stream of arrivals.",
          ramp: "A stream that grows (or shrinks) from one rate to another.",
        },
        {
          note: (view) => {
            try {
              const expected = expectedArrivalCount(view);
              return Number.isFinite(expected) ? `≈ ${formatCount(expected)} requests this run (limit ${formatCount(LIMITS.maxClients)})` : null;
            } catch {
              return null;
            }
          },
        },
      ),
      count("crowd.clients", "Crowd size", "How many clients rush in at the drop.", 0, LIMITS.maxClients, {
        step: 100,
        unused: (view) => (view.crowd.profile === "sneaker-drop" ? null : `only a sneaker drop has a fixed crowd (profile is ${String(view.crowd.profile)})`),
      }),
      ms("crowd.expireAtMs", "Hot key expires at", "When the popular value runs out, counted from the start of the run.", { step: 100 }),
      ms("crowd.arrivalMs", "Arrival window", "The drop's crowd arrives spread over this long, starting at the expiry.", {
        step: 100,
        unused: (view) => (view.crowd.profile === "sneaker-drop" ? null : `only a sneaker drop uses it (profile is ${String(view.crowd.profile)})`),
      }),
      choice("crowd.arrivalSpread", "Arrival spread", "How the drop's crowd spreads over its window.", ARRIVAL_SPREADS, {
        random: "Each client at a random moment of the window (the seed decides).",
        even: "Evenly spaced, in client order, whatever the seed: a known order for the safety stories.",
      }, { unused: (view) => (view.crowd.profile === "sneaker-drop" ? null : `only a sneaker drop uses it (profile is ${String(view.crowd.profile)})`) }),
      ms("crowd.patienceMs", "Patience", "How long a client waits for an answer before giving up.", { min: 1, step: 500 }),
      {
        kind: "number",
        path: "crowd.rps",
        title: "Rate",
        help: "Arrivals per second in a steady stream.",
        unit: "req/s",
        min: 0,
        max: LIMITS.maxRps,
        step: 50,
        integer: false,
        unused: (view) => (view.crowd.profile === "steady" ? null : `only a steady crowd uses it (profile is ${String(view.crowd.profile)})`),
      },
      {
        kind: "number",
        path: "crowd.fromRps",
        title: "Start rate",
        help: "Arrivals per second when a ramp begins.",
        unit: "req/s",
        min: 0,
        max: LIMITS.maxRps,
        step: 50,
        integer: false,
        unused: (view) => (view.crowd.profile === "ramp" ? null : `only a ramp uses it (profile is ${String(view.crowd.profile)})`),
      },
      {
        kind: "number",
        path: "crowd.toRps",
        title: "End rate",
        help: "Arrivals per second when a ramp ends.",
        unit: "req/s",
        min: 0,
        max: LIMITS.maxRps,
        step: 50,
        integer: false,
        unused: (view) => (view.crowd.profile === "ramp" ? null : `only a ramp uses it (profile is ${String(view.crowd.profile)})`),
      },
      count("crowd.keys", "Keys", "How many different values are asked for; key 0 is the hot one.", 1, LIMITS.maxKeys),
      choice("crowd.keyDistribution", "Key popularity", "How requests are shared among the keys.", KEY_DISTRIBUTIONS, {
        uniform: "Every key is asked for equally often.",
        zipf: "A few keys get most of the requests, as on a real site.",
      }, { unused: (view) => (view.crowd.keys === 1 ? "there is only one key (keys is 1)" : null) }),
      {
        kind: "number",
        path: "crowd.writeRatio",
        title: "Write share",
        help: "Fraction of requests that write instead of read, from 0 to 1.",
        min: 0,
        max: 1,
        step: 0.05,
        integer: false,
      },
    ],
  },
];

export const ALL_FIELDS: readonly FieldDef[] = GROUPS.flatMap((group) => group.fields);

/** "1 – 16 ms · default 4": the allowed range and the default, for the line under a field. */
export function rangeText(field: NumberFieldDef, defaultValue: unknown): string {
  const unit = field.unit ? ` ${field.unit}` : "";
  const n = (value: number) => value.toLocaleString("en-US", { maximumFractionDigits: 4 });
  const range = field.range ?? (field.max === undefined ? `≥ ${n(field.min)}` : `${n(field.min)} – ${n(field.max)}`);
  return `${range}${unit} · default ${typeof defaultValue === "number" ? n(defaultValue) : String(defaultValue)}`;
}
