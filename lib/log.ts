/**
 * The event log's entries: a tagged union on `kind` (the page's filter chips), each kind a union on
 * `event` with the typed fields the page reads — run id, node, action, instance, request, counts —
 * and `text`, the sentence for people. Code reads the fields, never the text: rewording a sentence
 * must not change what the page derives from it.
 *
 * Every kind also has a plain `note` (its `event` may be left out): a sentence the page shows and
 * derives nothing from. Build entries with {@link logEntry}; it writes the sentence from the fields.
 *
 * A new kind of line: add its variant to the kind's union below (fields typed, `text` beside them),
 * a factory to `logEntry` that writes the sentence, and — if the page should draw from it — a case
 * in components/shell/annotations.ts that reads the fields. The schema is also what a recording's
 * entries are checked against, so a variant added here is one that recordings keep.
 */
import { z } from "zod";
import { NODE_FAULT_ACTIONS } from "./scenario";
import { VIOLATION_KINDS } from "./report";

export const LOG_KINDS = ["lock", "node", "episode", "write", "instance", "fault", "crowd", "run"] as const;
export type LogKind = (typeof LOG_KINDS)[number];

/** What a fault note did: a node action, or an instance's crash / pause. */
export const LOG_FAULT_ACTIONS = [...NODE_FAULT_ACTIONS, "pause"] as const;
/** What the node manager reports a node did (`exited`: the process died by itself). */
export const LOG_NODE_CHANGES = [...NODE_FAULT_ACTIONS, "exited"] as const;

const base = { atMs: z.number(), text: z.string() };
const holder = { holder: z.string(), instance: z.number().int(), request: z.number().int().nullable() };
/** A count that a later entry with the same `id` replaces (the page keeps the newest, in place). */
const fold = { id: z.string(), count: z.number().int().nonnegative(), lastAtMs: z.number(), ended: z.boolean() };

const noteOf = <K extends LogKind>(kind: K) => z.object({ kind: z.literal(kind), event: z.literal("note").optional(), ...base });
/** The log pump's "… N more lines not shown" line, under the kind held back most. */
const heldBackOf = <K extends LogKind>(kind: K) =>
  z.object({ kind: z.literal(kind), event: z.literal("held-back"), ...base, count: z.number().int().positive(), kinds: z.array(z.enum(LOG_KINDS)), windowMs: z.number() });

const runEntry = z.discriminatedUnion("event", [
  z.object({ kind: z.literal("run"), event: z.literal("started"), ...base, runId: z.number().int(), presetId: z.string().optional(), beat: z.number().int().optional() }),
  z.object({ kind: z.literal("run"), event: z.literal("ended"), ...base, runId: z.number().int() }),
  z.object({ kind: z.literal("run"), event: z.literal("failed"), ...base, runId: z.number().int(), message: z.string() }),
  z.object({ kind: z.literal("run"), event: z.literal("stopped"), ...base, runId: z.number().int() }),
  z.object({
    kind: z.literal("run"),
    event: z.literal("world-reset"),
    ...base,
    /** The story whose start reset the world; absent for the presenter's Reset world. */
    presetId: z.string().optional(),
    beat: z.number().int().optional(),
    /** What the reset changed ("lock-2 started"); absent for the presenter's Reset world. */
    changed: z.array(z.string()).optional(),
  }),
  noteOf("run"),
]);

const crowdEntry = z.discriminatedUnion("event", [
  z.object({ kind: z.literal("crowd"), event: z.literal("released"), ...base, clients: z.number().int().nonnegative(), byHand: z.boolean() }),
  noteOf("crowd"),
]);

const faultEntry = z.discriminatedUnion("event", [
  z.object({
    kind: z.literal("fault"),
    event: z.literal("action"),
    ...base,
    action: z.enum(LOG_FAULT_ACTIONS),
    /** The node acted on; absent for an instance's crash or pause. */
    node: z.string().optional(),
    /** The engine instance acted on (crash, pause); absent for a node fault. */
    instance: z.number().int().optional(),
    /** A node fault aimed at these instances' paths only. */
    instances: z.array(z.number().int()).optional(),
    ms: z.number().optional(),
    byHand: z.boolean(),
    /** Why the fault could not be applied, in words; absent when it was. */
    failed: z.string().optional(),
  }),
  z.object({ kind: z.literal("fault"), event: z.literal("expired"), ...base, key: z.string(), byHand: z.boolean() }),
  noteOf("fault"),
]);

const nodeEntry = z.discriminatedUnion("event", [
  z.object({ kind: z.literal("node"), event: z.literal("changed"), ...base, node: z.string(), action: z.enum(LOG_NODE_CHANGES), detail: z.string().optional() }),
  z.object({ kind: z.literal("node"), event: z.literal("persistence"), ...base, node: z.string(), persistence: z.enum(["none", "fsync-always"]) }),
  z.object({ kind: z.literal("node"), event: z.literal("path-opened"), ...base, node: z.string() }),
  z.object({ kind: z.literal("node"), event: z.literal("path-stuck"), ...base, node: z.string(), reason: z.string() }),
  /** The engine's commands to a node that failed, folded into one line per node while it lasts. */
  z.object({
    kind: z.literal("node"),
    event: z.literal("unreachable"),
    ...base,
    ...fold,
    node: z.string(),
    refused: z.number().int().nonnegative(),
    timedOut: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
    /** The instances whose commands failed, when not every instance's did; null: all of them. */
    instances: z.array(z.number().int()).nullable(),
  }),
  noteOf("node"),
]);

const lockEntry = z.discriminatedUnion("event", [
  z.object({ kind: z.literal("lock"), event: z.literal("acquired"), ...base, ...holder, resource: z.string(), nodes: z.array(z.string()) }),
  z.object({ kind: z.literal("lock"), event: z.literal("released"), ...base, ...holder, resource: z.string(), ok: z.boolean() }),
  /** Failed lock attempts with one reason, folded into one line while they last. */
  z.object({ kind: z.literal("lock"), event: z.literal("failed"), ...base, ...fold, reason: z.string() }),
  z.object({ kind: z.literal("lock"), event: z.literal("violation"), ...base, violation: z.enum(VIOLATION_KINDS), resource: z.string(), holders: z.array(z.string()) }),
  heldBackOf("lock"),
  noteOf("lock"),
]);

const episodeEntry = z.discriminatedUnion("event", [
  z.object({ kind: z.literal("episode"), event: z.literal("opened"), ...base, key: z.string(), reason: z.enum(["missing", "unreachable", "expired"]) }),
  z.object({ kind: z.literal("episode"), event: z.literal("closed"), ...base, key: z.string(), instance: z.number().int().nullable(), dbReads: z.number().int() }),
  heldBackOf("episode"),
  noteOf("episode"),
]);

const writeEntry = z.discriminatedUnion("event", [
  z.object({ kind: z.literal("write"), event: z.literal("flushed"), ...base, instance: z.number().int(), persisted: z.number().int(), failed: z.number().int() }),
  z.object({ kind: z.literal("write"), event: z.literal("dropped"), ...base, instance: z.number().int(), dropped: z.number().int() }),
  z.object({ kind: z.literal("write"), event: z.literal("stale-refused"), ...base, ...holder, token: z.number().nullable(), newest: z.number().nullable() }),
  z.object({ kind: z.literal("write"), event: z.literal("stale-accepted"), ...base, ...holder, token: z.number().nullable(), newest: z.number().nullable() }),
  heldBackOf("write"),
  noteOf("write"),
]);

const instanceEntry = z.discriminatedUnion("event", [
  z.object({ kind: z.literal("instance"), event: z.literal("crashed"), ...base, instance: z.number().int(), inFlight: z.number().int() }),
  z.object({ kind: z.literal("instance"), event: z.literal("paused"), ...base, ...holder, resource: z.string(), ms: z.number(), validForMs: z.number() }),
  z.object({ kind: z.literal("instance"), event: z.literal("resumed"), ...base, ...holder, resource: z.string(), pausedMs: z.number(), expiredAgoMs: z.number().nullable() }),
  noteOf("instance"),
]);

/** One log entry as it travels and as a recording keeps it. */
export const logEntrySchema = z.discriminatedUnion("kind", [runEntry, crowdEntry, faultEntry, nodeEntry, lockEntry, episodeEntry, writeEntry, instanceEntry]);

/** One line of the event log: a discrete happening, never one line per request. `atMs`: ms since t = 0 of the run (or 0 outside one). */
export type LogEntry = z.infer<typeof logEntrySchema>;
export type LogEntryOf<K extends LogKind, E extends string = string> = Extract<LogEntry, { kind: K; event?: E }>;
type Fields<K extends LogKind, E extends string> = Omit<Extract<LogEntry, { kind: K; event: E }>, "kind" | "event" | "text">;
export type FaultAction = (typeof LOG_FAULT_ACTIONS)[number];
export type NodeChange = (typeof LOG_NODE_CHANGES)[number];

/** "instance-1/r15" — the engine's holder name — as instance 1, request 15. */
export function holderParts(name: string): { holder: string; instance: number; request: number | null } {
  const match = /^instance-(\d+)(?:\/r(\d+))?/.exec(name);
  return { holder: name, instance: match ? Number(match[1]) : 0, request: match?.[2] ? Number(match[2]) : null };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * The one way to make a log entry: the fields go in, the sentence is written from them. A new
 * happening gets its variant in the schema above and a factory here; a one-off sentence is a note.
 */
export const logEntry = {
  /** A sentence of `kind` that the page shows and derives nothing from. */
  note: <K extends LogKind>(kind: K, atMs: number, text: string) => ({ kind, event: "note" as const, atMs, text }) as LogEntryOf<K, "note">,

  run: {
    started: (f: Fields<"run", "started">): LogEntry => ({
      kind: "run",
      event: "started",
      ...f,
      text: `run ${f.runId} started${f.presetId ? `: ${f.presetId}${f.beat ? `, beat ${f.beat}` : ""}` : ""}`,
    }),
    ended: (f: Fields<"run", "ended">): LogEntry => ({ kind: "run", event: "ended", ...f, text: `run ${f.runId} ended` }),
    failed: (f: Fields<"run", "failed">): LogEntry => ({ kind: "run", event: "failed", ...f, text: `run ${f.runId} failed: ${f.message}` }),
    stopped: (f: Fields<"run", "stopped">): LogEntry => ({ kind: "run", event: "stopped", ...f, text: `run ${f.runId} stopped at ${seconds(f.atMs)} by the presenter` }),
    worldReset: (f: Fields<"run", "world-reset">, text = worldResetText(f)): LogEntry => ({ kind: "run", event: "world-reset", ...f, text }),
    note: (atMs: number, text: string): LogEntry => logEntry.note("run", atMs, text),
  },

  crowd: {
    released: (f: Fields<"crowd", "released">): LogEntry => ({
      kind: "crowd",
      event: "released",
      ...f,
      text: `a crowd of ${f.clients} released${f.byHand ? " by hand" : ""}`,
    }),
  },

  fault: {
    /** `detail`: words after "crash lock-2" for people, e.g. " (+300 ms)". */
    action: (f: Fields<"fault", "action">, detail = ""): LogEntry => {
      const target = f.node ?? `instance-${f.instance ?? "?"}`;
      return { kind: "fault", event: "action", ...f, text: `${f.action} ${target}${detail}${f.failed !== undefined ? `: ${f.failed}` : ""}` };
    },
    expired: (f: Fields<"fault", "expired">): LogEntry => ({ kind: "fault", event: "expired", ...f, text: `${f.key} expired${f.byHand ? " by hand" : ""}` }),
  },

  node: {
    changed: (f: Fields<"node", "changed">): LogEntry => ({ kind: "node", event: "changed", ...f, text: `${f.node} ${f.action}${f.detail ? ` (${f.detail})` : ""}` }),
    persistence: (f: Fields<"node", "persistence">): LogEntry => ({ kind: "node", event: "persistence", ...f, text: `${f.node} persistence set to ${f.persistence} for this scenario` }),
    pathOpened: (f: Fields<"node", "path-opened">): LogEntry => ({
      kind: "node",
      event: "path-opened",
      ...f,
      text: `${f.node}: path opened again — the scenario's partitions and latency end with its run`,
    }),
    pathStuck: (f: Fields<"node", "path-stuck">): LogEntry => ({
      kind: "node",
      event: "path-stuck",
      ...f,
      text: `${f.node}: could not open its path after the run (${f.reason}); Reset world opens every path`,
    }),
    /** "lock-2 unreachable — 37 commands refused", while it lasts; with how long once it ended. */
    unreachable: (f: Fields<"node", "unreachable">): LogEntry => {
      const parts = [
        f.refused > 0 ? plural(f.refused, "command") + " refused" : null,
        f.timedOut > 0 ? (f.refused > 0 ? `${f.timedOut.toLocaleString("en-US")} timed out` : `${plural(f.timedOut, "command")} timed out`) : null,
        f.failed > 0 ? (f.refused + f.timedOut > 0 ? `${f.failed.toLocaleString("en-US")} failed` : `${plural(f.failed, "command")} failed`) : null,
      ].filter((p) => p !== null);
      const what = f.refused > 0 ? "unreachable" : f.timedOut > 0 ? "not answering" : "answering with errors";
      const from = f.instances ? ` from ${f.instances.map((i) => `instance-${i}`).join(", ")}` : "";
      const lasted = f.ended ? ` for ${seconds(Math.max(0, f.lastAtMs - f.atMs))}` : "";
      return { kind: "node", event: "unreachable", ...f, text: `${f.node} ${what}${from}${lasted} — ${parts.join(", ")}` };
    },
  },

  lock: {
    acquired: (f: Fields<"lock", "acquired">): LogEntry => ({
      kind: "lock",
      event: "acquired",
      ...f,
      text: `${f.holder} took ${f.resource}${f.nodes.length > 0 ? ` (votes from ${f.nodes.join(", ")})` : ""}`,
    }),
    released: (f: Fields<"lock", "released">): LogEntry => ({
      kind: "lock",
      event: "released",
      ...f,
      text: `${f.holder} released ${f.resource}${f.ok ? "" : " (release failed: it will expire by TTL)"}`,
    }),
    /** `last`: the last failure's votes in words, for people. */
    failed: (f: Fields<"lock", "failed">, last = ""): LogEntry => ({
      kind: "lock",
      event: "failed",
      ...f,
      text: `${plural(f.count, "lock attempt")} failed${f.ended ? ` in ${seconds(Math.max(0, f.lastAtMs - f.atMs))}` : " so far"} — ${f.reason}${last ? ` (last: ${last})` : ""}`,
    }),
    violation: (f: Fields<"lock", "violation">, text: string): LogEntry => ({ kind: "lock", event: "violation", ...f, text }),
  },

  episode: {
    opened: (f: Fields<"episode", "opened">): LogEntry => ({ kind: "episode", event: "opened", ...f, text: `${f.key} ${f.reason}: an episode opens` }),
    closed: (f: Fields<"episode", "closed">): LogEntry => ({
      kind: "episode",
      event: "closed",
      ...f,
      text: `${f.instance === null ? "a request" : `instance-${f.instance}`} filled ${f.key}: the episode closes after ${f.dbReads} DB read(s)`,
    }),
  },

  write: {
    flushed: (f: Fields<"write", "flushed">): LogEntry => ({
      kind: "write",
      event: "flushed",
      ...f,
      text: `instance-${f.instance} flushed ${f.persisted} write(s)${f.failed > 0 ? `, ${f.failed} failed` : ""}`,
    }),
    dropped: (f: Fields<"write", "dropped">): LogEntry => ({ kind: "write", event: "dropped", ...f, text: `instance-${f.instance} lost ${f.dropped} acknowledged write(s) in its buffer` }),
    staleRefused: (f: Fields<"write", "stale-refused">): LogEntry => ({
      kind: "write",
      event: "stale-refused",
      ...f,
      text: `the database refused ${f.holder}'s write: fencing token ${f.token} is older than ${f.newest}`,
    }),
    staleAccepted: (f: Fields<"write", "stale-accepted">): LogEntry => ({
      kind: "write",
      event: "stale-accepted",
      ...f,
      text: `the database accepted ${f.holder}'s write with old token ${f.token} (newest ${f.newest}): fencing is off`,
    }),
  },

  instance: {
    crashed: (f: Fields<"instance", "crashed">): LogEntry => ({ kind: "instance", event: "crashed", ...f, text: `instance-${f.instance} crashed with ${f.inFlight} request(s) in flight` }),
    paused: (f: Fields<"instance", "paused">): LogEntry => ({
      kind: "instance",
      event: "paused",
      ...f,
      text: `${f.holder} stops for ${f.ms} ms (simulated stop-the-world pause) holding ${f.resource}, valid ${f.validForMs > 0 ? `${f.validForMs} ms more` : "no longer"}`,
    }),
    resumed: (f: Fields<"instance", "resumed">): LogEntry => ({
      kind: "instance",
      event: "resumed",
      ...f,
      text: `${f.holder} runs again after ${f.pausedMs} ms${f.expiredAgoMs !== null ? `: its lock expired ${f.expiredAgoMs} ms ago, and it does not know` : ", its lock still valid"}`,
    }),
  },

  /** The log pump's line for the per-key lines it held back in one window. */
  heldBack: (f: { atMs: number; kind: "lock" | "episode" | "write"; count: number; kinds: LogKind[]; windowMs: number }): LogEntry => ({
    ...f,
    event: "held-back",
    text: `… ${f.count} more ${f.kinds.join("/")} line(s) in the last ${f.windowMs} ms not shown (the charts count every one)`,
  }),
};

/** The id of an entry that later entries update in place (a folded count), or null. */
export function foldIdOf(entry: LogEntry): string | null {
  return "id" in entry && typeof entry.id === "string" ? entry.id : null;
}

/**
 * `log` with `entry` added: appended, or — for a folded count whose line is already there —
 * replacing that line where it stands. Keeps the newest `max` entries. Never mutates `log`.
 */
export function withLogEntry(log: readonly LogEntry[], entry: LogEntry, max: number): LogEntry[] {
  const id = foldIdOf(entry);
  if (id !== null) {
    const at = findLastIndex(log, (other) => foldIdOf(other) === id);
    if (at >= 0) {
      const next = [...log];
      next[at] = entry;
      return next;
    }
  }
  const next = [...log, entry];
  return next.length > max ? next.slice(next.length - max) : next;
}

function findLastIndex<T>(items: readonly T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i]!)) return i;
  return -1;
}

function worldResetText(f: Fields<"run", "world-reset">): string {
  if (!f.changed) return "world reset: every node up, every path open";
  const what = f.presetId ? `${f.presetId}${f.beat ? ` beat ${f.beat}` : ""}` : "this run";
  const changes = f.changed.length > 0 ? ` (${f.changed.join(", ")})` : " (nothing was out of place)";
  return `world reset for ${what}: every node up and empty, every path healed, no latency${changes}`;
}
