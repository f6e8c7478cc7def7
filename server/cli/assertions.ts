/**
 * `--assert` claims about a report: `path op value`, joined by `&&`. Paths are dotted
 * (`locks.safetyViolations`, `episodes.0.dbReads`); a value is a number, true/false/null, a quoted
 * string, or another path. Deliberately tiny: no code is evaluated.
 */
export type AssertionResult = { claim: string; ok: boolean; actual: unknown; expected: unknown };

const OPERATORS = ["==", "!=", ">=", "<=", ">", "<"] as const;
type Operator = (typeof OPERATORS)[number];

export function checkClaim(report: unknown, claim: string): AssertionResult[] {
  return claim.split("&&").map((part) => checkOne(report, part.trim()));
}

function checkOne(report: unknown, claim: string): AssertionResult {
  const match = claim.match(/^(.+?)\s*(==|!=|>=|<=|>|<)\s*(.+)$/);
  if (!match) throw new SyntaxError(`cannot read the claim "${claim}": write it as <path> <op> <value>, e.g. maxDbReadsPerEpisode == 1`);
  const [, left = "", op = "==", right = ""] = match;
  const actual = resolve(report, left.trim());
  if (actual === undefined) throw new SyntaxError(`the report has no field "${left.trim()}"`);
  const expected = literal(report, right.trim());
  return { claim, ok: compare(actual, op as Operator, expected), actual, expected };
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
