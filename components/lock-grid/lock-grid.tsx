"use client";

/**
 * The lock grid, the lab's signature view: one row per lock node with what the observer read on it
 * for the hot key's lock (holder, TTL), the node's last vote in a lock attempt, and its fault
 * buttons — the cache node in its own row above — and the quorum line that says whether Redlock
 * can still grant a lock. Props in, pixels out.
 */
import { useId, useState, type ReactNode } from "react";
import type { Ack, NodeActionCommand, WireAlarm, WireNode, WireNodeId, WireNodeProcessAction } from "@/lib/protocol";
import type { TickFrame } from "@/lib/report";
import type { Scenario } from "@/lib/scenario";
import { cacheAnswerPct, inTimeOrder } from "../charts/chart-data";
import { formatDuration } from "../format";
import { KIND_WORDS, kindOf, markedAlarm, nodeList, runTime, SIDE_COLORS, sidesByNode, sidesOf, type Side } from "../alarm/alarm";
import { SideBadge } from "../alarm/alarm-banner";
import {
  ACTION_HELP,
  availableActions,
  DEFAULT_FAULT_FORM,
  faultAvailability,
  faultCommand,
  nodeBadges,
  type FaultForm,
  type PanelFault,
} from "../node-actions";
import { stateStyle } from "../node-state-style";
import { RoundsLine } from "./rounds-line";
import { holderColors, holderLabel, holdersOnNodes, lateLabel, NO_ANSWER_HATCH, readingOf, UNCONFIRMED_HELP, type HolderReading } from "./holder";

export interface LockGridProps {
  /** Every node the lab has (cache and lock nodes), as the server last sent them. */
  nodes: readonly WireNode[];
  /** The run's frames, oldest first: the latest observer reading and votes come from the end. */
  frames: readonly TickFrame[];
  /** The lock nodes the run's lock uses (the scenario's `lockNodes`); the quorum is a majority of them. */
  lockNodes: number;
  /** Wall-clock ms; pass one that updates every ~200 ms for a smooth TTL countdown. */
  now: number;
  /** False for the audience view (and while disconnected): buttons are shown disabled. */
  canControl: boolean;
  /** A node action with its fault's options; answers with the node's new status or the server's refusal. */
  onAction(command: NodeActionCommand): Promise<Ack<WireNode>>;
  /** The run's lock mode; the quorum line speaks of Redlock unless told otherwise. @default "redlock" */
  lock?: Scenario["lock"];
  /** The run's lock TTL, to draw the TTL as a bar as well as a number. */
  lockTtlMs?: number;
  /** Engine instances in the run (or the scenario about to run): the ones a partition may cut off. @default 1 */
  instances?: number;
  /** The run's safety alarms: the latest two-holders one (else the latest) marks which node granted which holder. */
  alarms?: readonly WireAlarm[];
  /**
   * One short line per node whatever the grid's width (presenter mode's stage, where the grid
   * shares the screen with the story and two charts): no "for 3 min" or vote explanations,
   * smaller buttons, and no alarm box above the rows (the page's banner shows it; the rows keep
   * their A/B marks). @default false
   */
  compact?: boolean;
}

type Vote = TickFrame["lastVotes"][string];

const VOTE_LOOK: Record<Vote, { label: string; detail: string; text: string; mark: string }> = {
  for: { label: "for", detail: "granted its part", text: "text-emerald-300", mark: "✓" },
  locked: { label: "against", detail: "someone else held it", text: "text-yellow-200", mark: "✕" },
  error: { label: "error", detail: "did not answer in time", text: "text-orange-400", mark: "!" },
  pending: { label: "pending", detail: "no answer yet", text: "text-slate-400", mark: "…" },
};

const BUTTON: Record<WireNodeProcessAction, string> = {
  crash: "bg-rose-600 hover:bg-rose-500 text-white",
  freeze: "bg-sky-700 hover:bg-sky-600 text-white",
  thaw: "bg-sky-400 hover:bg-sky-300 text-slate-950",
  start: "bg-emerald-500 hover:bg-emerald-400 text-slate-950",
};

/**
 * Rows follow the grid's own width (container queries), not the window's: the grid may sit in a
 * side column. Narrow (a phone): two columns. Medium: two lines per node. Wide: one table row.
 */
const WIDE_COLUMNS = "@6xl:grid-cols-[7rem_10.5rem_minmax(10rem,1fr)_6.5rem_9.5rem_19.5rem]";
const ROW_LAYOUT = `grid grid-cols-2 items-center gap-x-4 gap-y-3 @xl:flex @xl:flex-wrap @xl:gap-x-5 @6xl:grid ${WIDE_COLUMNS}`;
const CELL = {
  node: "@xl:w-[7rem]",
  state: "@xl:w-[10.5rem]",
  holder: "col-span-2 @xl:min-w-[11rem] @xl:flex-1 @6xl:col-span-1",
  /** Ends the first line in the medium layout. */
  lineBreak: "hidden @xl:block @xl:h-0 @xl:basis-full @6xl:hidden",
  ttl: "@xl:w-[6.5rem]",
  vote: "@xl:w-[9.5rem]",
  actions: "col-span-2 @xl:flex-1 @6xl:col-span-1",
  /** A line of its own under the row, in every layout. */
  full: "col-span-full @xl:basis-full",
} as const;

/** The compact variant: one grid line per node from a 48rem-wide grid on, the same columns in every row. */
const COMPACT_COLUMNS = "@3xl:grid-cols-[7.5rem_8.5rem_minmax(9rem,1fr)_5.5rem_7rem_17.5rem]";
const COMPACT_ROW_LAYOUT = `grid grid-cols-2 items-center gap-x-4 gap-y-1 ${COMPACT_COLUMNS}`;
const COMPACT_CELL: Record<keyof typeof CELL, string> = {
  // The alarm's A/B badges sit beside the name, not under it.
  node: "flex-row! flex-wrap items-center gap-x-2",
  state: "",
  holder: "col-span-2 @3xl:col-span-1",
  lineBreak: "hidden",
  ttl: "",
  vote: "",
  actions: "col-span-2 @3xl:col-span-1",
  full: "col-span-full",
};
/** Hidden in the compact variant (the grid's section carries `data-compact`). */
const NOT_COMPACT = "group-data-compact/grid:hidden";

export function LockGrid({
  nodes,
  frames: unordered,
  lockNodes,
  now,
  canControl,
  onAction,
  lock = "redlock",
  lockTtlMs,
  instances = 1,
  alarms = [],
  compact = false,
}: LockGridProps) {
  // Frames can arrive out of order (a slow observer reading lets the next frame overtake it).
  const frames = inTimeOrder(unordered);
  const latest = frames.at(-1);
  // The run's last frame carries no observer reading: use the newest frame that has one.
  const reading = findLast(frames, (frame) => frame.locks.length > 0);

  // When the reading arrived (page clock), so the TTL can count down between frames.
  const [seen, setSeen] = useState<{ frame: TickFrame | undefined; at: number }>({ frame: reading, at: now });
  if (seen.frame !== reading) setSeen({ frame: reading, at: now });
  const elapsed = seen.frame === reading ? Math.max(0, now - seen.at) : 0;

  // A node that changed state after the last reading has not been read since: its old reading is stale.
  const readingT = reading?.t ?? Number.NEGATIVE_INFINITY;
  const [changes, setChanges] = useState<Record<string, { since: number; afterT: number }>>(() =>
    Object.fromEntries(nodes.map((n) => [n.id, { since: n.since, afterT: Number.NEGATIVE_INFINITY }])),
  );
  const changed = nodes.filter((n) => changes[n.id] !== undefined && changes[n.id]!.since !== n.since);
  const firstSeen = nodes.filter((n) => changes[n.id] === undefined);
  if (changed.length > 0 || firstSeen.length > 0) {
    const next = { ...changes };
    for (const n of firstSeen) next[n.id] = { since: n.since, afterT: Number.NEGATIVE_INFINITY };
    for (const n of changed) next[n.id] = { since: n.since, afterT: readingT };
    setChanges(next);
  }

  const cache = nodes.find((n) => n.role === "cache");
  const lockIds = lockNodeIds(nodes, lockNodes);
  const quorumIds = lock === "single-redis" ? lockIds.slice(0, 1) : lockIds.slice(0, lockNodes);

  const rows = lockIds.map((id) => {
    const node = nodes.find((n) => n.id === id);
    const observed = reading?.locks.find((l) => l.nodeId === id);
    let holder: HolderReading;
    if (node && node.state !== "up") holder = node.state === "crashed" ? { kind: "no-answer", refused: true } : { kind: "no-answer" };
    else if (node && reading && reading.t <= (changes[id]?.afterT ?? Number.NEGATIVE_INFINITY)) holder = { kind: "unread" };
    else holder = readingOf(observed);
    // The TTL as it was read, less the reading's age when its frame closed and the time since.
    const age = observed?.ageMs ?? 0;
    let pttl = holder.kind === "held" && observed?.pttlMs != null ? Math.max(0, observed.pttlMs - age - elapsed) : null;
    // Counted down to zero without a newer reading (the run ended, or frames stalled): Redis has expired the key.
    if (pttl === 0 && holder.kind === "held") {
      holder = { kind: "free", expired: true, ...(holder.late ? { late: holder.late } : {}) };
      pttl = null;
    }
    const late = holder.kind === "held" || holder.kind === "free" ? holder.late : undefined;
    // A crashed node's last vote is history: it votes no more until it is started again.
    const vote = node?.state === "crashed" ? undefined : latest?.lastVotes[id];
    return { id, node, holder, pttl, lateMs: late ? late.ageMs + elapsed : null, vote, inQuorum: quorumIds.includes(id) };
  });

  const quorum = rows.filter((r) => r.inQuorum);
  const answering = quorum.filter((r) => (r.node ? r.node.state === "up" : r.holder.kind !== "no-answer")).length;
  const holders = holdersOnNodes(quorum.map((r) => ({ nodeId: r.id, reading: r.holder })));
  // "Lock free" needs a node that said so: no reading at all is not a free lock.
  const read = quorum.filter((r) => r.holder.kind === "held" || r.holder.kind === "free");
  const oldestLateMs = Math.max(0, ...read.map((r) => r.lateMs ?? 0));
  const alarm = markedAlarm(alarms);
  const sides = sidesByNode(alarm);
  // One fault panel open at a time: the grid stays short enough for a laptop's screen.
  const [openPanel, setOpenPanel] = useState<WireNodeId | null>(null);
  const panel = {
    open: openPanel,
    toggle: (id: WireNodeId) => setOpenPanel((current) => (current === id ? null : id)),
    instances: Math.max(1, instances),
    compact,
  };

  return (
    <section
      aria-label="Lock grid"
      data-testid="lock-grid"
      data-compact={compact || undefined}
      className={`group/grid @container flex flex-col ${compact ? "gap-2" : "gap-4"}`}
    >
      {cache && (
        <div className="flex flex-col gap-2">
          <h3 className={`text-sm font-semibold uppercase tracking-[0.2em] text-slate-400 ${compact ? "sr-only" : ""}`}>Cache node</h3>
          <CacheRow node={cache} frame={latest} now={now} canControl={canControl} onAction={onAction} panel={panel} />
        </div>
      )}

      <div className="flex flex-col gap-2">
        <h3 className="text-sm font-semibold uppercase tracking-[0.2em] text-slate-400">
          Lock nodes · what each one holds for the hot key&apos;s lock
        </h3>
        <QuorumLine lock={lock} total={quorum.length} answering={answering} holders={holders} read={read.length} lateMs={oldestLateMs} compact={compact} />
        <RoundsLine frames={frames} lock={lock} />
        {/* Compact, the page's alarm banner beside the grid names the holders; the rows still mark them. */}
        {alarm && !compact && <GridAlarm alarm={alarm} />}
        <div role="table" aria-label="Lock nodes" className="flex flex-col rounded-2xl border border-slate-800 bg-slate-900/50">
          <div
            role="row"
            className={
              compact
                ? `hidden px-4 py-1 text-sm font-semibold uppercase tracking-wider text-slate-500 @3xl:grid @3xl:gap-x-4 ${COMPACT_COLUMNS}`
                : `hidden px-5 py-2 text-sm font-semibold uppercase tracking-wider text-slate-500 @6xl:grid @6xl:gap-x-5 ${WIDE_COLUMNS}`
            }
          >
            <span role="columnheader">node</span>
            <span role="columnheader">state</span>
            <span role="columnheader">{compact ? "holder" : "holder (read from the node)"}</span>
            <span role="columnheader">TTL</span>
            <span role="columnheader">last vote</span>
            <span role="columnheader" className="text-right">
              fault
            </span>
          </div>
          {rows.map((row) => (
            <LockRow
              key={row.id}
              id={row.id}
              node={row.node}
              holder={row.holder}
              pttl={row.pttl}
              lateMs={row.lateMs}
              lockTtlMs={lockTtlMs}
              vote={row.vote}
              inQuorum={row.inQuorum}
              now={now}
              canControl={canControl}
              onAction={onAction}
              sides={sides.get(row.id) ?? []}
              panel={panel}
            />
          ))}
        </div>
      </div>
    </section>
  );
}

/** lock-1 … lock-N: every lock node the lab has, and at least the ones the run uses. */
function lockNodeIds(nodes: readonly WireNode[], lockNodes: number): WireNodeId[] {
  const known = nodes.filter((n) => n.role === "lock").map((n) => Number(n.id.slice("lock-".length)));
  const count = Math.max(lockNodes, ...known, 0);
  return Array.from({ length: count }, (_, i) => `lock-${i + 1}` as WireNodeId);
}

function findLast<T>(items: readonly T[], test: (item: T) => boolean): T | undefined {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i]!)) return items[i];
  return undefined;
}

// ---------------------------------------------------------------------------------------------

function QuorumLine({
  lock,
  total,
  answering,
  holders,
  read,
  lateMs,
  compact = false,
}: {
  lock: Scenario["lock"];
  total: number;
  answering: number;
  holders: Array<{ holder: string; nodes: string[] }>;
  /** Quorum nodes with a reading (fresh or late): with none, nothing is known of the lock. */
  read: number;
  /** The oldest late reading among them, ms (0: all fresh). */
  lateMs: number;
  compact?: boolean;
}) {
  const needed = Math.floor(total / 2) + 1;
  // Only a Redis lock needs the nodes; with none or an in-process lock they sit idle.
  const relevant = lock === "redlock" || lock === "single-redis";
  const split = holders.length > 1;
  const health: "ok" | "edge" | "down" | "idle" | "split" = !relevant
    ? "idle"
    : answering < needed
      ? "down"
      : split
        ? "split"
        : answering === needed && total > 1
          ? "edge"
          : "ok";
  const look = {
    ok: { box: "border-emerald-500/40 bg-emerald-950/30", mark: "✓", badge: "bg-emerald-500/20 text-emerald-300", detail: "" },
    edge: { box: "border-amber-400/70 bg-amber-950/40", mark: "!", badge: "bg-amber-400/25 text-amber-200", detail: "text-amber-100" },
    down: { box: "border-rose-500 bg-rose-950/60", mark: "✕", badge: "bg-rose-500/30 text-rose-200", detail: "text-rose-100" },
    idle: { box: "border-slate-700 bg-slate-900/60", mark: "–", badge: "bg-slate-700 text-slate-300", detail: "" },
    split: { box: "border-yellow-300 bg-yellow-950/40", mark: "⚠", badge: "bg-yellow-300/25 text-yellow-200", detail: "" },
  }[health];

  const who = (holder: string) => (holder === "unknown" ? "an unconfirmed value" : holderLabel(holder).split(" · ")[0]);
  const first = holders[0];
  const held =
    first === undefined
      ? read === 0
        ? "no node read yet"
        : "lock free"
      : split
        ? `${holders.length} different holders: ${holders.map((h) => `${who(h.holder)} on ${plural(h.nodes.length, "node")}`).join(", ")}`
        : `${first.holder === "unknown" ? "" : "lock held by "}${who(first.holder)} on ${plural(first.nodes.length, "node")}${first.nodes.length < needed && lock === "redlock" ? " — not a majority" : ""}`;

  const asRead = lateMs > 0 ? ` (as read ${(lateMs / 1000).toFixed(1)} s ago)` : "";
  const headline =
    lock === "redlock"
      ? `${needed} of ${total} needed · ${answering} answering · ${held}${asRead}`
      : lock === "single-redis"
        ? `one lock node decides (lock-1) · ${answering === 1 ? "answering" : "not answering"} · ${held}${asRead}`
        : lock === "local"
          ? "in-process locks: each instance locks in its own memory, the lock nodes are not used"
          : "no lock in this run: every miss goes to the database";
  const detail =
    health === "down"
      ? lock === "redlock"
        ? `Only ${answering} of ${total} lock nodes answer: Redlock cannot grant a lock (it needs ${needed}).`
        : "lock-1 does not answer: no lock can be granted."
      : health === "edge"
        ? `Exactly ${needed} answer: one more failure and no lock can be granted.`
        : null;

  return (
    <div
      data-testid="quorum-line"
      data-health={health}
      data-split={split || undefined}
      role="status"
      className={`flex items-center gap-4 rounded-2xl border-2 px-5 py-3 ${look.box}`}
    >
      <span aria-hidden className={`flex size-11 shrink-0 items-center justify-center rounded-full text-2xl font-black ${look.badge}`}>
        {look.mark}
      </span>
      <div className="flex flex-col">
        <p className={`text-2xl font-bold tabular-nums ${compact ? "" : "@4xl:text-3xl"}`}>{headline}</p>
        {detail && <p className={`text-lg font-semibold ${look.detail}`}>{detail}</p>}
        {split && (
          <p className="text-lg font-semibold text-yellow-200">
            ⚠ The nodes hold different values for one lock: a split (or a second grant after a node came back empty).
          </p>
        )}
      </div>
    </div>
  );
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

// ---------------------------------------------------------------------------------------------

/** Which fault panel is open (one at a time), and the instances a partition may name. */
interface PanelControl {
  open: WireNodeId | null;
  toggle(id: WireNodeId): void;
  instances: number;
  /** The grid's compact variant: the rows pick their compact layout. */
  compact: boolean;
}

type OnAction = (command: NodeActionCommand) => Promise<Ack<WireNode>>;

/** One node's commands in flight and the server's refusal, shared by its buttons and its fault panel. */
export interface NodeControl {
  /** The command being sent, by its button's key. */
  pending: string | null;
  error: string | null;
  send(key: string, command: NodeActionCommand): Promise<void>;
  refuse(message: string): void;
}

function useNodeControl(node: WireNode | undefined, onAction: OnAction): NodeControl {
  const [pending, setPending] = useState<string | null>(null);
  // Remembered with the state it answered: once the node moves on, the refusal is stale.
  const [refusal, setRefusal] = useState<{ message: string; since: number } | null>(null);
  const since = node?.since ?? 0;
  return {
    pending,
    error: refusal && refusal.since === since ? refusal.message : null,
    async send(key, command) {
      setPending(key);
      setRefusal(null);
      try {
        const result = await onAction(command);
        if ("error" in result) setRefusal({ message: result.error.message, since });
      } finally {
        setPending(null);
      }
    },
    refuse: (message) => setRefusal({ message, since }),
  };
}

const READ_ONLY = "Read-only: this page cannot control the lab.";

/** The node's process buttons (only those valid in its state), the fault panel's toggle, and the server's refusal, if any. */
function NodeButtons({
  node,
  canControl,
  control,
  panel,
}: {
  node: WireNode | undefined;
  canControl: boolean;
  control: NodeControl;
  panel: PanelControl;
}) {
  if (!node) return <span className="text-base text-slate-500">not running</span>;
  const open = panel.open === node.id;
  return (
    <div className="flex flex-col items-stretch gap-1 @xl:items-end">
      <div className="flex flex-wrap items-center gap-2 @xl:justify-end">
        {node.mode === "attached" ? (
          <span className="text-base text-slate-400">attached: not the lab&apos;s process</span>
        ) : (
          availableActions(node.state).map((action) => (
            <button
              key={action}
              type="button"
              data-testid={`action-${node.id}-${action}`}
              title={canControl ? ACTION_HELP[action] : READ_ONLY}
              disabled={!canControl || control.pending !== null}
              onClick={() => void control.send(action, { nodeId: node.id, action })}
              className={`min-w-18 rounded-lg px-3 py-2 text-lg font-semibold capitalize shadow transition-colors group-data-compact/grid:py-1 group-data-compact/grid:text-base disabled:cursor-not-allowed disabled:opacity-40 ${BUTTON[action]}`}
            >
              {control.pending === action ? `${action}…` : action}
            </button>
          ))
        )}
        {node.state === "starting" && <span className="text-base text-amber-200">starting…</span>}
        <button
          type="button"
          data-testid={`action-${node.id}-faults`}
          aria-expanded={open}
          aria-controls={open ? `fault-panel-${node.id}` : undefined}
          title={canControl ? "Partition, latency, restart, clock jump: the safety lab's faults, with their options" : READ_ONLY}
          disabled={!canControl}
          onClick={() => panel.toggle(node.id)}
          className={`rounded-lg border-2 px-3 py-1.5 text-lg font-semibold transition-colors group-data-compact/grid:py-0.5 group-data-compact/grid:text-base disabled:cursor-not-allowed disabled:opacity-40 ${
            open ? "border-amber-300 bg-amber-400/20 text-amber-100" : "border-slate-600 bg-slate-800 text-slate-100 hover:bg-slate-700"
          }`}
        >
          {control.pending !== null && !availableActions(node.state).some((a) => a === control.pending) ? "Faults…" : `Faults ${open ? "▴" : "▾"}`}
        </button>
      </div>
      {control.error && (
        <p role="alert" data-testid={`action-error-${node.id}`} className="max-w-md rounded-lg bg-rose-950/80 px-3 py-1 text-sm text-rose-200">
          {control.error}
        </p>
      )}
    </div>
  );
}

/**
 * The safety lab's faults for one node, with their options: cut or slow the engine's path to it,
 * restart it (optionally held down), or jump its clock (simulated, and labelled so). What does not
 * apply in the node's state is disabled, and says why.
 */
export function FaultPanel({ node, instances, canControl, control }: { node: WireNode; instances: number; canControl: boolean; control: NodeControl }) {
  const [form, setForm] = useState<FaultForm>(DEFAULT_FAULT_FORM);
  const id = useId();
  const can = faultAvailability(node);
  const isCache = node.role === "cache";
  const fire = (fault: PanelFault | "unlatency") => {
    const made = faultCommand(node.id, fault, form);
    if ("error" in made) control.refuse(made.error);
    else void control.send(fault, made.command);
  };
  const button = (fault: PanelFault | "unlatency", label: string, tone: "do" | "undo" = "do") => {
    const state = can[fault];
    const why = !canControl ? READ_ONLY : state.why;
    return (
      <button
        type="button"
        data-testid={`fault-${node.id}-${fault}`}
        disabled={!canControl || !state.enabled || control.pending !== null}
        title={why ?? (fault === "unlatency" ? "Remove the latency (0 ms)." : ACTION_HELP[fault])}
        onClick={() => fire(fault)}
        className={`rounded-lg px-3 py-1.5 text-base font-semibold whitespace-nowrap shadow transition-colors disabled:cursor-not-allowed disabled:opacity-40 ${
          tone === "do" ? "bg-violet-600 text-white hover:bg-violet-500" : "border border-slate-500 bg-slate-800 text-slate-100 hover:bg-slate-700"
        }`}
      >
        {control.pending === fault ? `${label}…` : label}
      </button>
    );
  };
  const number = (key: "latencyMs" | "jitterMs" | "delayedRestartMs" | "clockJumpMs", label: string, disabled: boolean) => (
    <input
      id={`${id}-${key}`}
      type="number"
      inputMode="numeric"
      min={key === "clockJumpMs" ? 1 : 0}
      step={key === "jitterMs" ? 10 : key === "latencyMs" ? 50 : 500}
      aria-label={label}
      title={label}
      data-testid={`fault-${node.id}-${key}`}
      value={form[key]}
      disabled={disabled}
      onChange={(event) => setForm({ ...form, [key]: event.target.value })}
      className="w-20 rounded-md border border-slate-600 bg-slate-950 px-2 py-1 text-right font-mono text-lg tabular-nums disabled:opacity-40"
    />
  );
  const instanceIds = Array.from({ length: instances }, (_, i) => i + 1);
  const cutLabel =
    form.instances.length === 0 ? "Partition" : `Cut off instance${form.instances.length > 1 ? "s" : ""} ${[...form.instances].sort((a, b) => a - b).join(", ")}`;

  return (
    <div
      id={`fault-panel-${node.id}`}
      data-testid={`fault-panel-${node.id}`}
      className="flex flex-wrap items-stretch gap-3 rounded-xl border border-violet-400/40 bg-slate-950/70 p-3"
    >
      <FaultGroup title="Partition" note={!can.partition.enabled && !can.heal.enabled ? can.partition.why : "the engine's path, cut at the node's proxy; the node keeps its data"}>
        {instanceIds.length > 1 && !isCache && (
          <span className="flex flex-wrap items-center gap-x-2 text-base text-slate-300" title="None ticked: the whole node. Ticked: only these engine instances are cut off (the split-brain case).">
            only instances
            {instanceIds.map((n) => (
              <label key={n} className="inline-flex items-center gap-1 font-mono">
                <input
                  type="checkbox"
                  data-testid={`fault-${node.id}-instance-${n}`}
                  checked={form.instances.includes(n)}
                  disabled={!can.partition.enabled}
                  onChange={(event) =>
                    setForm({ ...form, instances: event.target.checked ? [...form.instances, n] : form.instances.filter((m) => m !== n) })
                  }
                  className="size-4 accent-violet-500"
                />
                {n}
              </label>
            ))}
          </span>
        )}
        {button("partition", cutLabel)}
        {button("heal", "Heal", "undo")}
      </FaultGroup>

      <FaultGroup title="Latency" note={can.latency.enabled ? "added to each round trip" : can.latency.why}>
        <span className="flex items-center gap-1 text-base text-slate-300">
          {number("latencyMs", "Latency added to each round trip, ms", !can.latency.enabled)} ms ±{" "}
          {number("jitterMs", "Jitter, ± ms", !can.latency.enabled)}
        </span>
        {button("latency", "Set")}
        {button("unlatency", "Remove", "undo")}
      </FaultGroup>

      <FaultGroup
        title="Restart"
        note={
          !can.restart.enabled
            ? can.restart.why
            : node.persistence === "fsync-always"
              ? "fsync-always: it comes back with its keys"
              : "comes back empty unless fsync-always"
        }
      >
        <span className="flex items-center gap-1 text-base text-slate-300">
          down at least {number("delayedRestartMs", "Stays down at least, ms (0 = starts again at once)", !can.restart.enabled)} ms
        </span>
        {button("restart", "Restart")}
      </FaultGroup>

      {!isCache && (
        <FaultGroup
          title={
            <>
              Clock jump <span className="rounded bg-amber-400/25 px-1.5 text-sm font-black tracking-wider text-amber-200">SIMULATED</span>
            </>
          }
          note={
            can["clock-jump"].enabled
              ? `cuts the TTL of this node's lock keys by ${form.clockJumpMs.trim() || "N"} ms; Redis's own clock is not moved`
              : can["clock-jump"].why
          }
        >
          <span className="flex items-center gap-1 text-base text-slate-300">
            ahead by {number("clockJumpMs", "How far the clock jumps ahead, ms", !can["clock-jump"].enabled)} ms
          </span>
          {button("clock-jump", "Jump")}
        </FaultGroup>
      )}
    </div>
  );
}

function FaultGroup({ title, note, children }: { title: ReactNode; note?: string; children: ReactNode }) {
  return (
    <fieldset className="flex min-w-0 flex-col gap-1.5 rounded-lg border border-slate-700 px-3 pt-1 pb-2">
      <legend className="px-1 text-sm font-bold uppercase tracking-wider text-slate-300">{title}</legend>
      <div className="flex flex-wrap items-center gap-2">{children}</div>
      {note && <p className="max-w-[24rem] text-sm leading-snug text-slate-400">{note}</p>}
    </fieldset>
  );
}

/** The node's path faults and persistence: "partitioned", "+300 ms ±50", "fsync-always". */
function NodeBadges({ node }: { node: WireNode | undefined }) {
  if (!node) return null;
  const badges = nodeBadges(node);
  if (badges.length === 0) return null;
  const look = {
    partition: "bg-violet-500/25 text-violet-100 ring-violet-400",
    latency: "bg-amber-400/20 text-amber-100 ring-amber-400/70",
    persistence: "bg-emerald-500/15 text-emerald-200 ring-emerald-500/60",
  } as const;
  return (
    <span className="mt-1 flex flex-wrap gap-1" data-testid="node-badges">
      {badges.map((badge) => (
        <span
          key={badge.kind}
          data-testid={`badge-${badge.kind}`}
          title={badge.help}
          className={`rounded-md px-1.5 py-0.5 text-sm leading-tight font-bold ring-1 ${look[badge.kind]}`}
        >
          {badge.kind === "partition" ? "✂ " : ""}
          {badge.text}
        </span>
      ))}
    </span>
  );
}

function StateCell({ node, now }: { node: WireNode | undefined; now: number }) {
  if (!node) return <span className="text-xl text-slate-500">unknown</span>;
  const look = stateStyle(node.state);
  return (
    <div className="flex flex-col">
      <span className="flex items-center gap-2">
        <span aria-hidden className={`size-4 shrink-0 rounded-full ${look.dot}`} />
        <span data-testid="node-state" className={`text-2xl font-extrabold ${look.text}`}>
          {look.label}
        </span>
      </span>
      <span className={`text-sm text-slate-400 tabular-nums ${NOT_COMPACT}`}>for {formatDuration(now - node.since)}</span>
      <NodeBadges node={node} />
    </div>
  );
}

function CacheRow({
  node,
  frame,
  now,
  canControl,
  onAction,
  panel,
}: {
  node: WireNode;
  frame: TickFrame | undefined;
  now: number;
  canControl: boolean;
  onAction: OnAction;
  panel: PanelControl;
}) {
  const look = stateStyle(node.state);
  const control = useNodeControl(node, onAction);
  const cell = panel.compact ? COMPACT_CELL : CELL;
  return (
    <div
      data-testid="lock-grid-cache"
      data-state={node.state}
      className={`rounded-2xl border-2 ${
        panel.compact
          ? "grid grid-cols-2 items-center gap-x-4 gap-y-1 px-4 py-1.5 @3xl:grid-cols-[7.5rem_8.5rem_minmax(9rem,1fr)_17.5rem]"
          : "grid grid-cols-2 items-center gap-x-4 gap-y-3 px-5 py-3 @xl:flex @xl:flex-wrap @xl:gap-x-5 @6xl:grid @6xl:grid-cols-[7rem_10.5rem_minmax(10rem,1fr)_19.5rem]"
      } ${look.card}`}
    >
      <span className={`font-mono text-2xl font-bold ${cell.node}`}>cache</span>
      <div className={cell.state}>
        <StateCell node={node} now={now} />
      </div>
      <span className={`col-span-2 text-lg text-slate-300 ${panel.compact ? "@3xl:col-span-1" : "@xl:min-w-[11rem] @xl:flex-1 @6xl:col-span-1"}`}>
        {node.state === "up" ? "holds the hot key; every hit is served here" : "down: every request goes to the database"}
        {frame && cacheAnswerPct(frame) !== null && (
          <span className="ml-3 font-mono text-slate-400 tabular-nums">hit ratio {cacheAnswerPct(frame)!.toFixed(1)}% this tick</span>
        )}
      </span>
      <div className={panel.compact ? "col-span-2 @3xl:col-span-1" : "col-span-2 @6xl:col-span-1"}>
        <NodeButtons node={node} canControl={canControl} control={control} panel={panel} />
      </div>
      {panel.open === node.id && (
        <div className={cell.full}>
          <FaultPanel node={node} instances={panel.instances} canControl={canControl} control={control} />
        </div>
      )}
    </div>
  );
}

function LockRow({
  id,
  node,
  holder,
  pttl,
  lateMs,
  lockTtlMs,
  vote,
  inQuorum,
  now,
  canControl,
  onAction,
  sides,
  panel,
}: {
  id: WireNodeId;
  node: WireNode | undefined;
  holder: HolderReading;
  pttl: number | null;
  /** The reading's age when it is late (the node's last answer, greyed), else null. */
  lateMs: number | null;
  lockTtlMs: number | undefined;
  vote: Vote | undefined;
  inQuorum: boolean;
  now: number;
  canControl: boolean;
  onAction: OnAction;
  /** For the marked alarm: which of its holders this node granted (A, B, both, or neither). */
  sides: readonly Side[];
  panel: PanelControl;
}) {
  const down = node !== undefined && node.state !== "up";
  const tint = node?.state === "crashed" ? "bg-rose-950/40" : node?.state === "frozen" ? "bg-sky-950/40" : node?.state === "starting" ? "bg-amber-950/30" : "";
  const control = useNodeControl(node, onAction);
  const cell = panel.compact ? COMPACT_CELL : CELL;
  return (
    <div
      role="row"
      data-testid={`lock-row-${id}`}
      data-state={node?.state ?? "unknown"}
      data-holder={holder.kind === "held" ? holder.holder : holder.kind}
      data-reading={lateMs !== null ? "late" : holder.kind === "no-answer" ? (holder.refused ? "refused" : "no-answer") : undefined}
      data-alarm-sides={sides.length > 0 ? sides.join(" ") : undefined}
      className={`relative border-t border-slate-800 first:border-t-0 ${panel.compact ? `px-4 py-1.5 ${COMPACT_ROW_LAYOUT}` : `px-5 py-3 ${ROW_LAYOUT}`} ${tint} ${inQuorum ? "" : "opacity-50"}`}
    >
      {sides.length > 0 && <SideStripe sides={sides} />}
      <div role="cell" className={`flex flex-col ${cell.node}`}>
        <span className="font-mono text-2xl font-bold">{id}</span>
        {!inQuorum && <span className="text-sm text-slate-400">not used by this run</span>}
        {sides.length > 0 && (
          <span className="mt-1 flex items-center gap-1 group-data-compact/grid:mt-0" data-testid="alarm-sides" title={`In the alarm, ${id} granted ${sides.join(" and ")}`}>
            {sides.map((side) => (
              <SideBadge key={side} side={side} size="sm" />
            ))}
            <span className={`text-sm text-slate-400 ${NOT_COMPACT}`}>granted</span>
          </span>
        )}
      </div>
      <div role="cell" className={cell.state}>
        <StateCell node={node} now={now} />
      </div>
      <div role="cell" data-testid="lock-holder" className={cell.holder}>
        <HolderCell holder={holder} down={down} lateMs={lateMs} />
      </div>
      <div aria-hidden className={cell.lineBreak} />
      <div role="cell" data-testid="lock-ttl" className={cell.ttl}>
        <TtlCell pttl={pttl} lockTtlMs={lockTtlMs} late={lateMs !== null} />
      </div>
      <div role="cell" data-testid="lock-vote" className={cell.vote}>
        <VoteCell vote={vote} />
      </div>
      <div role="cell" className={cell.actions}>
        <NodeButtons node={node} canControl={canControl} control={control} panel={panel} />
      </div>
      {node && panel.open === id && (
        <div role="cell" className={cell.full}>
          <FaultPanel node={node} instances={panel.instances} canControl={canControl} control={control} />
        </div>
      )}
    </div>
  );
}

/** A stripe down the row's left edge in the alarm's holder colours: which holder this node granted. */
function SideStripe({ sides }: { sides: readonly Side[] }) {
  const [a, b] = sides;
  const background = b ? `linear-gradient(${SIDE_COLORS[a!].fill} 50%, ${SIDE_COLORS[b].fill} 50%)` : SIDE_COLORS[a!].fill;
  return <span aria-hidden className="absolute inset-y-0 left-0 w-2" style={{ background }} />;
}

/** Above the table: the marked alarm's two holders and the nodes that granted each. */
function GridAlarm({ alarm }: { alarm: WireAlarm }) {
  const [a, b] = sidesOf(alarm.violation);
  return (
    <div data-testid="grid-alarm" className="flex flex-wrap items-center gap-x-5 gap-y-2 rounded-2xl border-2 border-rose-500/80 bg-rose-950/50 px-5 py-2.5 text-lg">
      <span className="font-bold text-rose-200">
        ⚠ {KIND_WORDS[kindOf(alarm.violation)].title}, {runTime(alarm.atMs)}:
      </span>
      {[a, b].map((side) => (
        <span key={side.side} className="min-w-0">
          <span className="mr-2 inline-block align-middle">
            <SideBadge side={side.side} size="sm" />
          </span>
          <span className="font-semibold">{side.label}</span>{" "}
          <span className="text-slate-300">
            granted by <span className="font-mono">{nodeList(side.nodes)}</span>
            {side.fencingToken !== undefined && ` · token ${side.fencingToken}`}
          </span>
        </span>
      ))}
    </div>
  );
}

function HolderCell({ holder, down, lateMs }: { holder: HolderReading; down: boolean; lateMs: number | null }) {
  if (lateMs === null) return <HolderValue holder={holder} down={down} />;
  // Late: the node's last answer, greyed, with how old it is — never "no answer".
  return (
    <span className="flex flex-col" title="The observer's newest reading of this node is older than a tick: this is its last answer.">
      <span className="opacity-50">
        <HolderValue holder={holder} down={down} />
      </span>
      <span data-testid="lock-sampling" className="text-base text-slate-400 tabular-nums">
        {lateLabel(lateMs)}
      </span>
    </span>
  );
}

function HolderValue({ holder, down }: { holder: HolderReading; down: boolean }) {
  switch (holder.kind) {
    case "held": {
      const colors = holderColors(holder.holder);
      return (
        <span className="inline-flex items-center gap-3">
          <span
            aria-hidden
            className="flex size-9 shrink-0 items-center justify-center rounded-md font-mono text-lg font-black"
            style={{ background: colors.fill, color: colors.text }}
          >
            {holder.instance ?? "?"}
          </span>
          <span className="text-2xl font-semibold" title={holder.holder === "unknown" ? UNCONFIRMED_HELP : holder.holder}>
            {holderLabel(holder.holder)}
          </span>
        </span>
      );
    }
    case "free":
      return (
        <span className="text-2xl text-slate-400">
          — <span className="text-lg">{holder.expired ? "expired (TTL ran out)" : "free"}</span>
        </span>
      );
    case "no-answer":
      return (
        <span className="inline-flex items-center gap-2 text-2xl font-semibold text-orange-400">
          <span aria-hidden className="inline-block h-7 w-7 rounded-md" style={NO_ANSWER_HATCH} />
          no answer
          {!down && (
            <span className="text-base font-normal text-slate-400">
              {holder.refused ? "(connection refused on its own port)" : "(silent on its own port)"}
            </span>
          )}
        </span>
      );
    case "unread":
      return <span className="text-xl text-slate-500">not read yet</span>;
    default:
      return unreachable(holder);
  }
}

function TtlCell({ pttl, lockTtlMs, late }: { pttl: number | null; lockTtlMs: number | undefined; late: boolean }) {
  if (pttl === null) return <span className="text-2xl text-slate-500">—</span>;
  const share = lockTtlMs && lockTtlMs > 0 ? Math.min(1, pttl / lockTtlMs) : null;
  return (
    <div className={`flex flex-col gap-1 ${late ? "opacity-50" : ""}`}>
      <span className="font-mono text-2xl font-bold tabular-nums">{(pttl / 1000).toFixed(1)} s</span>
      {share !== null && (
        <span aria-hidden className="h-2 w-full overflow-hidden rounded-full bg-slate-800">
          <span className="block h-full rounded-full bg-slate-300" style={{ width: `${share * 100}%` }} />
        </span>
      )}
    </div>
  );
}

function VoteCell({ vote }: { vote: Vote | undefined }) {
  if (!vote) return <span className="text-2xl text-slate-500">—</span>;
  const look = VOTE_LOOK[vote];
  return (
    <span className="flex flex-col" title={look.detail}>
      <span className={`inline-flex items-center gap-2 text-2xl font-bold ${look.text}`}>
        <span aria-hidden>{look.mark}</span>
        {look.label}
      </span>
      <span className={`text-sm text-slate-400 ${NOT_COMPACT}`}>{look.detail}</span>
    </span>
  );
}

function unreachable(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
