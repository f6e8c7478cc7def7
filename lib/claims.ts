/**
 * `--assert` claims about a report: `path op value`, joined by `&&`. Paths are dotted
 * (`locks.safetyViolations`, `episodes.0.dbReads`); a value is a number, true/false/null, a quoted
 * string, or another path. Deliberately tiny: no code is evaluated.
 */
export type AssertionResult = { claim: string; ok: boolean; actual: unknown; expected: unknown };

const OPERATORS = ["==", "!=", ">=", "<=", ">", "<"] as const;
export type Operator = (typeof OPERATORS)[number];

export function checkClaim(report: unknown, claim: string): AssertionResult[] {
  return claim.split("&&").map((part) => checkOne(report, part.trim()));
}

/** One comparison of a claim, as written: the report field, the operator and the value's text. */
export interface ClaimPart {
  claim: string;
  field: string;
  op: Operator;
  value: string;
}

/** Splits a claim into its comparisons without a report; throws a SyntaxError saying how to write it. */
export function claimParts(claim: string): ClaimPart[] {
  return claim.split("&&").map((part) => {
    const text = part.trim();
    const match = text.match(/^(.+?)\s*(==|!=|>=|<=|>|<)\s*(.+)$/);
    if (!match) throw new SyntaxError(`cannot read the claim "${text}": write it as <path> <op> <value>, e.g. maxDbReadsPerEpisode == 1`);
    const [, left = "", op = "==", right = ""] = match;
    return { claim: text, field: left.trim(), op: op as Operator, value: right.trim() };
  });
}

function checkOne(report: unknown, claim: string): AssertionResult {
  const [{ field, op, value } = { field: "", op: "==" as Operator, value: "" }] = claimParts(claim);
  const actual = resolve(report, field);
  if (actual === undefined) throw new SyntaxError(`the report has no field "${field}"`);
  const expected = literal(report, value);
  return { claim, ok: compare(actual, op, expected), actual, expected };
}

function literal(report: unknown, text: string): unknown {
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text === "true" || text === "false") return text === "true";
  if (text === "null") return null;
  const quoted = text.match(/^["'](.*)["']$/);
  if (quoted) return quoted[1];
  const value = resolve(report, text);
  if (value === undefined) throw new SyntaxError(`"${text}" is neither a number, a quoted string nor a field of the report`);
  return value;
}

function resolve(report: unknown, path: string): unknown {
  let current: unknown = report;
  for (const part of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function compare(actual: unknown, op: Operator, expected: unknown): boolean {
  switch (op) {
    case "==":
      return actual === expected;
    case "!=":
      return actual !== expected;
    case ">=":
      return typeof actual === "number" && typeof expected === "number" && actual >= expected;
    case "<=":
      return typeof actual === "number" && typeof expected === "number" && actual <= expected;
    case ">":
      return typeof actual === "number" && typeof expected === "number" && actual > expected;
    case "<":
      return typeof actual === "number" && typeof expected === "number" && actual < expected;
  }
}
