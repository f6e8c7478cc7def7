"use client";

import { LIMITS, NODE_PERSISTENCE } from "@/lib/scenario";
import { ChoiceInput, FieldProblems } from "./inputs";
import type { Path } from "./paths";

const PERSISTENCE_HELP: Record<string, string> = {
  none: "comes back empty after a restart (the lab's default)",
  "fsync-always": "writes every change to disk before answering, so a restart brings its keys back",
};

export interface NodeOptionsEditorProps {
  /** `value.nodeOptions` as typed (may be missing or malformed). */
  nodeOptions: unknown;
  lockNodes: number;
  onNodeOptions(next: Record<string, unknown>): void;
  problems: ReadonlyMap<Path, readonly string[]>;
  idPrefix: string;
  disabled?: boolean;
}

/** Per Redis node: how it keeps its data across a restart. Only the nodes that differ from the default are stored. */
export function NodeOptionsEditor({ nodeOptions, lockNodes, onNodeOptions, problems, idPrefix, disabled }: NodeOptionsEditorProps) {
  const options: Record<string, unknown> = isObject(nodeOptions) ? nodeOptions : {};
  const count = Number.isFinite(lockNodes) ? Math.min(LIMITS.maxLockNodes, Math.max(1, Math.floor(lockNodes))) : LIMITS.maxLockNodes;
  const known = ["cache", ...Array.from({ length: count }, (_, i) => `lock-${i + 1}`)];
  // Nodes named in the scenario that this scenario does not have are shown too, with their problem.
  const nodes = [...known, ...Object.keys(options).filter((node) => !known.includes(node))];
  const groupProblems = [...(problems.get("nodeOptions") ?? []), ...(isObject(nodeOptions) || nodeOptions === undefined ? [] : ["nodeOptions must be an object"])];

  function set(node: string, persistence: string) {
    const current = isObject(options[node]) ? (options[node] as Record<string, unknown>) : {};
    const { persistence: _old, ...rest } = current;
    const entry = persistence === "none" ? rest : { ...rest, persistence };
    const next = { ...options };
    if (Object.keys(entry).length === 0) delete next[node];
    else next[node] = entry;
    onNodeOptions(next);
  }

  return (
    <div className="flex flex-col gap-3" data-testid="node-options-editor">
      <ul className="grid grid-cols-1 gap-3 sm:grid-cols-2 xl:grid-cols-4">
        {nodes.map((node) => {
          const id = `${idPrefix}-node-${node}`;
          const entry = options[node];
          const value = isObject(entry) ? (entry.persistence ?? "none") : entry === undefined ? "none" : entry;
          const nodeProblems = [...problems.entries()]
            .filter(([field]) => field === `nodeOptions.${node}` || field.startsWith(`nodeOptions.${node}.`))
            .flatMap(([, messages]) => messages);
          const extra = !known.includes(node);
          return (
            <li
              key={node}
              data-field={`nodeOptions.${node}.persistence`}
              className={`flex flex-col gap-1 rounded-xl border-2 p-3 ${nodeProblems.length > 0 ? "border-rose-500/70" : "border-slate-800 bg-slate-900"}`}
            >
              <label htmlFor={id} className="flex items-baseline justify-between gap-2">
                <span className="font-mono text-xl font-semibold text-slate-100">{node}</span>{" "}
                <span className="text-base text-slate-400">persistence{extra ? " (not in this scenario)" : ""}</span>
              </label>
              <ChoiceInput
                id={id}
                name={`nodeOptions.${node}.persistence`}
                value={value}
                options={NODE_PERSISTENCE.map((option) => ({ value: option }))}
                invalid={nodeProblems.length > 0}
                disabled={disabled}
                describedBy={nodeProblems.length > 0 ? `${id}-problems` : undefined}
                onValue={(next) => set(node, next)}
              />
              {typeof value === "string" && PERSISTENCE_HELP[value] && <p className="text-sm text-slate-400">{PERSISTENCE_HELP[value]}</p>}
              <FieldProblems id={`${id}-problems`} messages={nodeProblems} />
            </li>
          );
        })}
      </ul>
      <FieldProblems id={`${idPrefix}-node-options-problems`} messages={groupProblems} />
    </div>
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
