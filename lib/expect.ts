/**
 * A beat's promise, checked: its `expect` claims (the CLI's `--assert` grammar) evaluated against
 * a run's report, one result per comparison, and the same claims in the run summary's plain words.
 * Shared by the CLI (`--check`), the rehearsal and the page, so all three agree. Pure: no Node imports.
 */
import { PLAIN_LABELS, plainLabel } from "./plain-labels";
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

/** The run summary's words for the report fields claims name: one map, shared with the summary (lib/plain-labels.ts). */
export const FIELD_LABELS = PLAIN_LABELS;

/** The plain label of a report field, or the field itself when it has none. */
export function fieldLabel(field: string): string {
  return plainLabel(field);
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
