/**
 * Safety alarms in words and colours: what broke (the violation's kind in plain words), who the two
 * holders were (A and B, two fixed colours used by the banner, the lock grid and the lanes), and
 * which alarm the grid and the lanes mark. Pure: no React, no socket.
 */
import type { WireAlarm } from "@/lib/protocol";
import type { Report, SafetyViolation, ViolationKind } from "@/lib/report";
import { OKABE_ITO } from "../charts/palette";
import { holderLabel } from "../lock-grid/holder";

export type Side = "A" | "B";

/**
 * The two holders of an alarm: blue and reddish purple (Okabe–Ito), drawn as round letter badges so
 * they never pass for an instance's square, numbered chip. The letter carries the identity, not the
 * colour alone.
 */
export const SIDE_COLORS: Record<Side, { fill: string; text: string }> = {
  A: { fill: OKABE_ITO.blue, text: "#ffffff" },
  B: { fill: OKABE_ITO.reddishPurple, text: "#0b1020" },
};

export interface KindWords {
  /** The headline, readable from the back of the room. */
  title: string;
  /** One sentence: what the lock promised and what happened instead. */
  sentence: string;
  /** What A and B were in this kind of violation. */
  roles: Record<Side, string>;
}

export const KIND_WORDS: Record<ViolationKind, KindWords> = {
  "two-holders": {
    title: "Two clients held the lock at once",
    sentence: "Redlock granted the lock to a second client while the first one's grant was still valid.",
    roles: { A: "held it first", B: "granted it while A still held it" },
  },
  "write-after-validity": {
    title: "A write landed after its lock ran out",
    sentence: "A holder wrote after its lock had expired: it could not know, and nothing stopped the write.",
    roles: { A: "wrote late", B: "held the lock by then" },
  },
  "write-out-of-token-order": {
    title: "A write with an older fencing token was accepted",
    sentence: "The database took a write whose token was older than one it had already accepted.",
    roles: { A: "wrote with the older token", B: "had the newer token" },
  },
};

export function kindOf(violation: SafetyViolation): ViolationKind {
  return violation.kind ?? "two-holders";
}

export interface AlarmSide {
  side: Side;
  holder: string;
  label: string;
  role: string;
  nodes: string[];
  fencingToken?: number;
}

/** Both holders of a violation, A (`first`) and B (`second`), with their roles in words. */
export function sidesOf(violation: SafetyViolation): [AlarmSide, AlarmSide] {
  const words = KIND_WORDS[kindOf(violation)];
  const side = (s: Side, v: SafetyViolation["first"]): AlarmSide => ({
    side: s,
    holder: v.holder,
    label: holderLabel(v.holder),
    role: words.roles[s],
    nodes: [...v.nodes].sort(byNodeNumber),
    ...(v.fencingToken !== undefined ? { fencingToken: v.fencingToken } : {}),
  });
  return [side("A", violation.first), side("B", violation.second)];
}

/**
 * The alarm the lock grid and the lanes mark: the latest two-holders alarm (where both grants were
 * live at once, the grid's story), else the latest of any kind.
 */
export function markedAlarm(alarms: readonly WireAlarm[]): WireAlarm | undefined {
  for (let i = alarms.length - 1; i >= 0; i--) if (kindOf(alarms[i]!.violation) === "two-holders") return alarms[i];
  return alarms.at(-1);
}

/** Which sides granted the lock on each node, for the marked alarm: node id → ["A"], ["B"] or ["A", "B"]. */
export function sidesByNode(alarm: WireAlarm | undefined): Map<string, Side[]> {
  const out = new Map<string, Side[]>();
  if (!alarm) return out;
  for (const { side, nodes } of sidesOf(alarm.violation)) {
    for (const node of nodes) out.set(node, [...(out.get(node) ?? []), side]);
  }
  return out;
}

/** "t = 4.52 s" on the run's line. */
export function runTime(atMs: number): string {
  return `t = ${(atMs / 1000).toFixed(2)} s`;
}

/** "lock-1, lock-2, lock-3", or a word when the grant's nodes are not known. */
export function nodeList(nodes: readonly string[]): string {
  return nodes.length === 0 ? "nodes not known" : nodes.join(", ");
}

function byNodeNumber(a: string, b: string): number {
  const n = (id: string) => (id.startsWith("lock-") ? Number(id.slice(5)) : -1);
  return n(a) - n(b) || a.localeCompare(b);
}

/**
 * How many alarms the run has raised: the newest alarm's number in its run (a page keeps only the
 * latest ALARMS_KEPT), the kept ones, and — once the run has ended — its report's count.
 */
export function alarmCount(alarms: readonly WireAlarm[], report: Pick<Report, "locks"> | null | undefined): number {
  if (alarms.length === 0) return 0;
  return Math.max(alarms.length, alarms.at(-1)?.seq ?? 0, report?.locks.safetyViolations ?? 0);
}
