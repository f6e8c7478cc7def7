import type { ScenarioIssue } from "@/lib/scenario";

/**
 * Dotted paths into a scenario (`db.capacity`, `faults.0.node`) — the same spelling as
 * `ScenarioIssue.field`, so a field and its issues meet by string.
 */
export type Path = string;

type Tree = Record<string, unknown> | unknown[];

function segments(path: Path): string[] {
  return path.split(".");
}

function isTree(value: unknown): value is Tree {
  return typeof value === "object" && value !== null;
}

export function getAt(root: unknown, path: Path): unknown {
  let node: unknown = root;
  for (const key of segments(path)) {
    if (!isTree(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** A copy of `root` with `value` at `path`; objects on the way are copied, missing ones created. */
export function setAt<T>(root: T, path: Path, value: unknown): T {
  const [head, ...rest] = segments(path);
  if (head === undefined) return root;
  const base: Tree = isTree(root) ? root : {};
  const child = rest.length === 0 ? value : setAt((base as Record<string, unknown>)[head], rest.join("."), value);
  if (Array.isArray(base)) {
    const copy = [...base];
    copy[Number(head)] = child;
    return copy as T;
  }
  return { ...base, [head]: child } as T;
}

/** A copy of `root` without the key at `path` (an array item is spliced out). */
export function deleteAt<T>(root: T, path: Path): T {
  const parts = segments(path);
  const last = parts.pop();
  if (last === undefined) return root;
  const parentPath = parts.join(".");
  const parent = parts.length === 0 ? root : getAt(root, parentPath);
  if (!isTree(parent)) return root;
  let next: Tree;
  if (Array.isArray(parent)) {
    next = parent.filter((_, index) => index !== Number(last));
  } else {
    const { [last]: _removed, ...others } = parent;
    next = others;
  }
  return (parts.length === 0 ? next : setAt(root, parentPath, next)) as T;
}

/** Issues grouped by field path. */
export function issuesByField(issues: readonly ScenarioIssue[]): Map<Path, string[]> {
  const map = new Map<Path, string[]>();
  for (const issue of issues) {
    const list = map.get(issue.field) ?? [];
    list.push(friendlyMessage(issue.message));
    map.set(issue.field, list);
  }
  return map;
}

/** zod's wording, said the way a person would say it. Anything unrecognised passes through. */
export function friendlyMessage(message: string): string {
  if (/expected number, received (string|NaN)/.test(message)) return "enter a number";
  if (/received undefined/.test(message)) return "missing";
  const choice = /Invalid option: expected one of (.+)$/.exec(message);
  if (choice) return `pick one of: ${choice[1]!.replace(/"/g, "").split("|").join(", ")}`;
  if (/expected int, received number/.test(message)) return "must be a whole number";
  const small = /Too small: expected number to be >=?\s*(-?[\d.e+]+)/.exec(message);
  if (small) return `must be at least ${small[1]}`;
  const big = /Too big: expected number to be <=?\s*(-?[\d.e+]+)/.exec(message);
  if (big) return `must be at most ${big[1]}`;
  const bigArray = /Too big: expected array to have <=?\s*(\d+) items/.exec(message);
  if (bigArray) return `at most ${bigArray[1]} faults`;
  return message;
}
