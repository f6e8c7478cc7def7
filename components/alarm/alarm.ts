/**
 * Safety alarms in words and colours: what broke (the violation's kind in plain words), who the two
 * holders were (A and B, two fixed colours used by the banner, the lock grid and the lanes), and
 * which alarm the grid and the lanes mark. Pure: no React, no socket.
 */
import type { WireAlarm } from "@/lib/protocol";
import type { Report, SafetyViolation, ViolationKind } from "@/lib/report";
import { OKABE_ITO } from "../charts/palette";
import { holderLabel, parseHolder } from "../lock-grid/holder";

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
  // Only possible without fencing (with it, the database refuses the write), so no fencing words.
  "write-out-of-token-order": {
    title: "An older holder's write landed after a newer one's",
    sentence: "The database took an older holder's write after a newer holder's: nothing told it which grant came first.",
    roles: { A: "wrote with the older grant", B: "had written with the newer grant" },
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
  /** A simulated pause held this holder's request that long. */
  pausedMs?: number;
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
    ...(v.pausedMs !== undefined ? { pausedMs: v.pausedMs } : {}),
  });
  return [side("A", violation.first), side("B", violation.second)];
}

/**
 * When both holders are requests of one instance, the room asks how a frozen server took the lock:
 * say which request was held up and that the other is a different request of the same server. Null
 * when they are different instances (or the holders are not the lab's).
 */
export function sameServerNote(violation: SafetyViolation): string | null {
  const [a, b] = [parseHolder(violation.first.holder), parseHolder(violation.second.holder)];
  if (a.instance === null || a.instance !== b.instance || a.request === null || b.request === null || a.request === b.request) return null;
  const paused = violation.first.pausedMs;
  const what =
    kindOf(violation) === "write-after-validity"
      ? `request ${a.request} ${paused !== undefined ? `was the paused one (${formatSeconds(paused)})` : "wrote late"}; request ${b.request} is a different request of the same server, which took the lock after request ${a.request}'s had run out`
      : `request ${a.request} held the lock first; request ${b.request} is a different request of the same server`;
  const simulated = paused !== undefined ? " The simulated pause stops one request between its read and its write, not the whole server." : "";
  return `Both are instance ${a.instance}, but not the same request: ${what}.${simulated}`;
}

function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`;
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
