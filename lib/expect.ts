/**
 * A beat's promise, checked: its `expect` claims (the CLI's `--assert` grammar) evaluated against
 * a run's report, one result per comparison, and the same claims in the run summary's plain words.
 * Shared by the CLI (`--check`), the rehearsal and the page, so all three agree. Pure: no Node imports.
 */
import { checkClaim, claimParts, type Operator } from "./claims";

export interface ExpectResult {
  /** One comparison, as the preset wrote it (`maxDbReadsPerEpisode == 1`). */
  claim: string;
  ok: boolean;
  /** The report's value of the claim's field; undefined when the claim could not be read. */
  actual: unknown;
  expected?: unknown;
  /** Why the claim could not be checked (an unknown field, a claim that does not parse). */
  error?: string;
}

/** Every comparison of every claim; a claim that cannot be read fails, with its reason, instead of throwing. */
export function checkExpects(report: unknown, claims: readonly string[]): ExpectResult[] {
  return claims.flatMap((claim): ExpectResult[] => {
    try {
      return checkClaim(report, claim).map((r) => ({ claim: r.claim.trim(), ok: r.ok, actual: r.actual, expected: r.expected }));
    } catch (error) {
      return [{ claim: claim.trim(), ok: false, actual: undefined, error: error instanceof Error ? error.message : String(error) }];
    }
  });
}

/**
 * The run summary's words for the report fields the presets' claims name (the summary's own
 * labels, so the page, the CLI table and the summary say the same thing). A field not listed here
 * is shown by its path.
 */
export const FIELD_LABELS: Readonly<Record<string, string>> = {
  maxDbReadsPerEpisode: "most DB reads in one episode",
  episodeCount: "episodes",
  "requests.total": "requests",
  "requests.hits": "hits",
  "requests.misses": "misses",
  "requests.staleServed": "stale copies served",
  "requests.errors": "errors",
  "requests.timeouts": "timeouts",
  "latencyMs.p50": "latency p50 (ms)",
  "latencyMs.p95": "latency p95 (ms)",
  "latencyMs.p99": "latency p99 (ms)",
  "latencyMs.max": "latency max (ms)",
  "db.reads": "DB reads",
  "db.writes": "DB writes",
  "db.peakInFlight": "DB peak in flight",
  "db.rejected": "DB rejected (queue full)",
  "db.timedOut": "DB timed out",
  "db.readsOutsideEpisodes": "DB reads outside episodes (early refreshes)",
  "db.lockedWrites": "locked writes",
  "db.counterIncrease": "counter increase",
  "db.lostUpdates": "lost updates",
  "db.staleWritesRejected": "stale writes refused (fencing)",
  "db.staleWritesAccepted": "stale writes accepted",
  "locks.attempts": "lock attempts",
  "locks.acquired": "locks acquired",
  "locks.contended": "lock attempts contended",
  "locks.failed": "lock attempts failed",
  "locks.maxHoldersAtOnce": "max holders at once",
  "locks.safetyViolations": "safety violations",
  "locks.violationsByKind.two-holders": "two holders at once",
  "locks.violationsByKind.write-after-validity": "writes after the lock ran out",
  "locks.violationsByKind.write-out-of-token-order": "writes with an older fencing token",
  "locks.pauses.taken": "holder pauses",
  "locks.pauses.outlivedValidity": "pauses that outlived the lock",
  "writes.acknowledged": "writes acknowledged",
  "writes.persisted": "writes persisted",
  "writes.pending": "writes pending",
  "writes.lost": "writes lost",
  "writes.failed": "writes failed",
  "runtime.distorted": "distorted by this machine's lag",
  "scenario.instances": "the number of instances",
  "scenario.db.readLatencyMs": "one DB read (ms)",
};

/** The plain label of a report field, or the field itself when it has none. */
export function fieldLabel(field: string): string {
  return FIELD_LABELS[field] ?? field;
}

const OP_WORDS: Record<Operator, string> = { "==": "=", "!=": "≠", ">=": "≥", "<=": "≤", ">": ">", "<": "<" };

/** A claim in the summary's words: `most DB reads in one episode ≥ 2,000`. */
export function plainClaim(claim: string): string {
  try {
    return claimParts(claim)
      .map(({ field, op, value }) => `${fieldLabel(field)} ${OP_WORDS[op]} ${/^-?\d+(\.\d+)?$/.test(value) ? formatValue(Number(value)) : fieldLabel(value)}`)
      .join(" and ");
  } catch {
    return claim;
  }
}

/** A value as the page and the CLI print it: numbers with thousands separators. */
export function formatValue(value: unknown): string {
  if (typeof value === "number") return Number.isInteger(value) ? value.toLocaleString("en-US") : String(value);
  if (value === undefined) return "—";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** True when every result holds (and there is at least one). */
export function allHold(results: readonly ExpectResult[]): boolean {
  return results.length > 0 && results.every((r) => r.ok);
}

/** What to say when a claim failed on a run the machine's lag distorted. */
export const DISTORTED_HINT = "this run was distorted (the machine fell behind): its lag is the likely cause — close other work and run it again";
