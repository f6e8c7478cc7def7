"use client";

import { INSTANCE_FAULT_ACTIONS, LIMITS, NODE_FAULT_ACTIONS, NODE_FAULT_FIELDS } from "@/lib/scenario";
import { ChoiceInput, FieldProblems, NumberInput } from "./inputs";
import type { Path } from "./paths";

/** A fault row as it may arrive from an import: anything, read defensively. */
type Row = Record<string, unknown>;

export interface FaultsEditorProps {
  /** `value.faults` as typed (may be missing or malformed). */
  faults: unknown;
  /** Lock nodes and instances that exist in this scenario: the targets offered. */
  lockNodes: number;
  instances: number;
  /** When the hot key expires: where a first fault is placed. */
  expireAtMs: number;
  onFaults(faults: unknown[]): void;
  /** Problems by field path (`faults.0.node`, `faults`). */
  problems: ReadonlyMap<Path, readonly string[]>;
  idPrefix: string;
  disabled?: boolean;
}

/** What each action does, in a few words. */
const ACTION_HELP: Record<string, string> = {
  crash: "kill the process; its data is lost",
  start: "start it again, empty",
  freeze: "pause the process: alive but silent",
  thaw: "let a frozen node answer again",
  partition: "cut it off from the app servers; it keeps running and keeps its keys",
  heal: "reconnect a cut-off node",
  latency: "slow every answer down",
  restart: "crash it and start it again — empty, unless the node persists with fsync-always",
  "clock-jump": "simulated: its clock runs ahead, so its lock keys expire early (their PTTL is cut)",
};
const INSTANCE_ACTION_HELP: Record<string, string> = {
  crash: "the app server dies with whatever it held in memory",
  pause: "simulated stop-the-world pause (like a long GC): the lock holder's work stops, its timers and connections do not",
};

type ExtraKey = "ms" | "jitterMs" | "delayedRestartMs" | "instances";

/** The extra fields each action takes: the node ones from the shared contract, the instance one (pause) here. */
const INSTANCE_FAULT_FIELDS: Record<string, { actions: readonly string[]; required: readonly string[] }> = {
  ms: { actions: ["pause"], required: ["pause"] },
};

function extraFieldsOf(isInstance: boolean, action: unknown): ExtraKey[] {
  const table: Record<string, { actions: readonly string[] }> = isInstance ? INSTANCE_FAULT_FIELDS : NODE_FAULT_FIELDS;
  return (Object.keys(table) as ExtraKey[]).filter((key) => table[key]!.actions.includes(String(action)));
}

function isRequired(isInstance: boolean, key: ExtraKey, action: unknown): boolean {
  const table: Record<string, { required: readonly string[] }> = isInstance ? INSTANCE_FAULT_FIELDS : NODE_FAULT_FIELDS;
  return table[key]?.required.includes(String(action)) ?? false;
}

/** A starting value for a required field, so a new row is valid at once. */
function starter(key: ExtraKey, action: string): unknown {
  if (key !== "ms") return undefined;
  if (action === "latency") return 200;
  if (action === "clock-jump") return 5000;
  if (action === "pause") return 3000;
  return 1000;
}

function msTitle(action: unknown): string {
  switch (action) {
    case "latency":
      return "added delay";
    case "clock-jump":
      return "clock ahead by";
    case "pause":
      return "paused for";
    default:
      return "ms";
  }
}

const EXTRA_TITLE: Record<Exclude<ExtraKey, "ms">, string> = {
  jitterMs: "± jitter",
  delayedRestartMs: "stays down at least",
  instances: "only for app servers",
};

/** Keeps a row's fields consistent with its (new) action: drops what does not apply, fills what is required. */
function withAction(row: Row, isInstance: boolean, action: string): Row {
  const next: Row = { ...row, action };
  for (const key of ["ms", "jitterMs", "delayedRestartMs", "instances"] as const) {
    const applies = extraFieldsOf(isInstance, action).includes(key);
    if (!applies) delete next[key];
    else if (next[key] === undefined && isRequired(isInstance, key, action)) next[key] = starter(key, action);
  }
  return next;
}

function targetOf(row: Row): string {
  if ("instance" in row) return `instance:${String(row.instance)}`;
  return `node:${String(row.node ?? "")}`;
}

/** Timed faults: at t ms, do something to a Redis node or to an app server. */
export function FaultsEditor({ faults, lockNodes, instances, expireAtMs, onFaults, problems, idPrefix, disabled }: FaultsEditorProps) {
  const rows: unknown[] = Array.isArray(faults) ? faults : [];
  const nodeIds = ["cache", ...Array.from({ length: clamp(lockNodes, 1, LIMITS.maxLockNodes) }, (_, i) => `lock-${i + 1}`)];
  const instanceIds = Array.from({ length: clamp(instances, 1, LIMITS.maxInstances) }, (_, i) => i + 1);
  const listProblems = [...(problems.get("faults") ?? []), ...(Array.isArray(faults) || faults === undefined ? [] : ["faults must be a list"])];

  const update = (index: number, row: Row) => onFaults(rows.map((item, i) => (i === index ? row : item)));
  const remove = (index: number) => onFaults(rows.filter((_, i) => i !== index));
  const add = () => {
    const last = rows.at(-1);
    const lastAt = isRow(last) && typeof last.atMs === "number" ? last.atMs : null;
    const atMs = lastAt === null ? Math.max(0, Math.round(expireAtMs / 2)) : lastAt + 500;
    onFaults([...rows, { atMs, node: lockNodes >= 2 ? "lock-2" : "lock-1", action: "crash" }]);
  };

  return (
    <div className="flex flex-col gap-3" data-testid="faults-editor">
      {rows.length === 0 ? (
        <p className="text-lg text-slate-400">No faults: every node and app server stays up for the whole run.</p>
      ) : (
        <ol className="flex flex-col gap-3">
          {rows.map((item, index) => {
            const row: Row = isRow(item) ? item : {};
            const base = `${idPrefix}-fault-${index}`;
            const n = index + 1;
            const target = targetOf(row);
            const targets = [...nodeIds.map((id) => `node:${id}`), ...instanceIds.map((i) => `instance:${i}`)];
            const isInstance = "instance" in row;
            const actions: readonly string[] = isInstance ? INSTANCE_FAULT_ACTIONS : NODE_FAULT_ACTIONS;
            const extras = extraFieldsOf(isInstance, row.action);
            // Fields given that the action does not take (from an import) are still shown, so they can be seen and fixed.
            for (const key of ["ms", "jitterMs", "delayedRestartMs", "instances"] as const) {
              if (row[key] !== undefined && !extras.includes(key)) extras.push(key);
            }
            const rowProblems = [...problems.entries()]
              .filter(([field]) => field === `faults.${index}` || field.startsWith(`faults.${index}.`))
              .flatMap(([field, messages]) => messages.map((message) => `${field.slice(`faults.${index}.`.length) || "fault"}: ${message}`));
            const problemsId = `${base}-problems`;
            const describedBy = rowProblems.length > 0 ? problemsId : undefined;
            const has = (key: string) => [...problems.keys()].some((field) => field === `faults.${index}.${key}` || field.startsWith(`faults.${index}.${key}.`));
            return (
              <li
                key={index}
                data-testid={`fault-row-${index}`}
                className={`flex flex-col gap-3 rounded-xl border-2 bg-slate-900/60 p-3 ${rowProblems.length > 0 ? "border-rose-500/70" : "border-slate-800"}`}
              >
                <div className="grid grid-cols-1 items-end gap-3 sm:grid-cols-[minmax(8rem,1fr)_minmax(10rem,1.4fr)_minmax(9rem,1.2fr)_auto]">
                  <div className="flex flex-col gap-1">
                    <label htmlFor={`${base}-at`} className="text-base font-semibold text-slate-300">
                      Fault {n} at <span className="font-normal text-slate-500">(ms)</span>
                    </label>
                    <NumberInput
                      id={`${base}-at`}
                      name={`faults.${index}.atMs`}
                      value={row.atMs}
                      integer
                      step={100}
                      min={0}
                      max={600_000}
                      invalid={has("atMs")}
                      disabled={disabled}
                      describedBy={describedBy}
                      onValue={(atMs) => update(index, { ...row, atMs })}
                    />
                  </div>
                  <div className="flex flex-col gap-1">
                    <label htmlFor={`${base}-target`} className="text-base font-semibold text-slate-300">
                      Fault {n} target
                    </label>
                    <ChoiceInput
                      id={`${base}-target`}
                      name={isInstance ? `faults.${index}.instance` : `faults.${index}.node`}
                      value={target}
                      invalid={has("node") || has("instance")}
                      disabled={disabled}
                      describedBy={describedBy}
                      options={[...targets.map((value) => ({ value })), ...(targets.includes(target) ? [] : [{ value: target }])]}
                      onValue={(choice) => {
                        const [kind, id] = splitTarget(choice);
                        const { node: _node, instance: _instance, ...rest } = row;
                        const nextIsInstance = kind === "instance";
                        const allowed: readonly string[] = nextIsInstance ? INSTANCE_FAULT_ACTIONS : NODE_FAULT_ACTIONS;
                        const action = allowed.includes(String(row.action)) ? String(row.action) : "crash";
                        const retargeted: Row = nextIsInstance ? { ...rest, instance: Number(id) } : { ...rest, node: id };
                        update(index, withAction(retargeted, nextIsInstance, action));
                      }}
                    >
                      {!targets.includes(target) && <option value={target}>{targetLabel(target)} (not in this scenario)</option>}
                      <optgroup label="Redis nodes">
                        {nodeIds.map((id) => (
                          <option key={id} value={`node:${id}`}>
                            {id}
                          </option>
                        ))}
                      </optgroup>
                      <optgroup label="App servers">
                        {instanceIds.map((i) => (
                          <option key={i} value={`instance:${i}`}>
                            instance-{i}
                          </option>
                        ))}
                      </optgroup>
                    </ChoiceInput>
                  </div>
                  <div className="flex flex-col gap-1">
                    <label htmlFor={`${base}-action`} className="text-base font-semibold text-slate-300">
                      Fault {n} action
                    </label>
                    <ChoiceInput
                      id={`${base}-action`}
                      name={`faults.${index}.action`}
                      value={row.action}
                      invalid={has("action")}
                      disabled={disabled}
                      describedBy={describedBy}
                      options={actions.map((action) => ({ value: action, label: action }))}
                      onValue={(action) => update(index, withAction(row, isInstance, action))}
                    />
                  </div>
                  <button
                    type="button"
                    onClick={() => remove(index)}
                    disabled={disabled}
                    aria-label={`Remove fault ${n}`}
                    className="h-12 rounded-lg border-2 border-slate-700 px-4 text-lg font-semibold text-slate-200 hover:border-rose-500 hover:text-rose-200 focus-visible:border-amber-400 focus-visible:outline-none disabled:opacity-50"
                  >
                    Remove
                  </button>
                </div>

                {extras.length > 0 && (
                  <div className="flex flex-wrap items-end gap-3">
                    {extras.map((key) =>
                      key === "instances" ? (
                        <InstancePicker
                          key={key}
                          id={`${base}-instances`}
                          label={`Fault ${n} ${EXTRA_TITLE.instances}`}
                          value={row.instances}
                          instanceIds={instanceIds}
                          invalid={has("instances")}
                          disabled={disabled}
                          onValue={(next) => {
                            const { instances: _old, ...rest } = row;
                            update(index, next === undefined ? rest : { ...rest, instances: next });
                          }}
                        />
                      ) : (
                        <div key={key} className="flex w-64 flex-col gap-1">
                          <label htmlFor={`${base}-${key}`} className="text-base font-semibold text-slate-300">
                            Fault {n} {key === "ms" ? msTitle(row.action) : EXTRA_TITLE[key]}{" "}
                            <span className="font-normal text-slate-500">(ms{isRequired(isInstance, key, row.action) ? "" : ", optional"})</span>
                          </label>
                          <NumberInput
                            id={`${base}-${key}`}
                            name={`faults.${index}.${key}`}
                            value={row[key]}
                            integer
                            step={100}
                            min={0}
                            max={600_000}
                            invalid={has(key)}
                            disabled={disabled}
                            describedBy={describedBy}
                            onValue={(next) => {
                              // An optional field left empty is simply absent.
                              if (next === "" && !isRequired(isInstance, key, row.action)) {
                                const { [key]: _old, ...rest } = row;
                                update(index, rest);
                              } else {
                                update(index, { ...row, [key]: next });
                              }
                            }}
                          />
                        </div>
                      ),
                    )}
                  </div>
                )}

                <p className="text-base text-slate-400">{describeFault(row)}</p>
                {rowProblems.length > 0 && <FieldProblems id={problemsId} messages={rowProblems} />}
              </li>
            );
          })}
        </ol>
      )}
      <FieldProblems id={`${idPrefix}-faults-problems`} messages={listProblems} />
      <div>
        <button
          type="button"
          onClick={add}
          disabled={disabled || rows.length >= LIMITS.maxFaults}
          className="h-12 rounded-lg border-2 border-dashed border-slate-600 px-5 text-lg font-semibold text-slate-200 hover:border-amber-400 hover:text-amber-200 focus-visible:border-amber-400 focus-visible:outline-none disabled:opacity-50"
        >
          + Add a fault
        </button>
      </div>
    </div>
  );
}

/** Which app servers a partition (heal, latency) applies to: none ticked means all of them. */
function InstancePicker({
  id,
  label,
  value,
  instanceIds,
  invalid,
  disabled,
  onValue,
}: {
  id: string;
  label: string;
  value: unknown;
  instanceIds: number[];
  invalid: boolean;
  disabled?: boolean;
  onValue(next: number[] | undefined): void;
}) {
  const chosen = Array.isArray(value) ? value.filter((item): item is number => typeof item === "number") : [];
  const shown = [...new Set([...instanceIds, ...chosen])].sort((a, b) => a - b);
  return (
    <fieldset id={id} className={`flex flex-col gap-1 rounded-lg border-2 px-3 pb-2 ${invalid ? "border-rose-500" : "border-slate-700"}`}>
      <legend className="px-1 text-base font-semibold text-slate-300">
        {label} <span className="font-normal text-slate-500">(none ticked: all)</span>
      </legend>
      <div className="flex flex-wrap gap-x-4 gap-y-1">
        {shown.map((instance) => {
          const inputId = `${id}-${instance}`;
          const checked = chosen.includes(instance);
          return (
            <span key={instance} className="flex items-center gap-2">
              <input
                id={inputId}
                type="checkbox"
                checked={checked}
                disabled={disabled}
                onChange={() => {
                  const next = checked ? chosen.filter((item) => item !== instance) : [...chosen, instance].sort((a, b) => a - b);
                  onValue(next.length === 0 ? undefined : next);
                }}
                className="size-6 accent-amber-400"
              />
              <label htmlFor={inputId} className="text-lg text-slate-200">
                instance-{instance}
                {!instanceIds.includes(instance) && <span className="text-rose-300"> (not in this scenario)</span>}
              </label>
            </span>
          );
        })}
      </div>
    </fieldset>
  );
}

/** "At 1.5 s: latency lock-2 +200 ms ± 50 ms, for instance-1 — slow every answer down". */
function describeFault(row: Row): string {
  const at = typeof row.atMs === "number" ? `At ${seconds(row.atMs)}` : "At ?";
  const isInstance = "instance" in row;
  const who = isInstance ? `instance-${String(row.instance)}` : String(row.node ?? "?");
  const action = String(row.action ?? "?");
  const details: string[] = [];
  if (typeof row.ms === "number") details.push(action === "latency" ? `+${row.ms} ms` : `${seconds(row.ms)}`);
  if (typeof row.jitterMs === "number") details.push(`± ${row.jitterMs} ms`);
  if (typeof row.delayedRestartMs === "number") details.push(`down ≥ ${seconds(row.delayedRestartMs)}`);
  if (Array.isArray(row.instances)) details.push(`for ${row.instances.map((i) => `instance-${String(i)}`).join(", ")}`);
  else if (!isInstance && ["partition", "heal", "latency"].includes(action)) details.push("for every app server");
  const help = (isInstance ? INSTANCE_ACTION_HELP : ACTION_HELP)[action];
  return `${at}: ${action} ${who}${details.length ? ` (${details.join(", ")})` : ""}${help ? ` — ${help}` : ""}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toLocaleString("en-US", { maximumFractionDigits: 3 })} s`;
}

function targetLabel(target: string): string {
  const [kind, id] = splitTarget(target);
  return kind === "instance" ? `instance-${id}` : id || "(none)";
}

function splitTarget(choice: string): ["node" | "instance", string] {
  const at = choice.indexOf(":");
  return [choice.slice(0, at) === "instance" ? "instance" : "node", choice.slice(at + 1)];
}

function isRow(value: unknown): value is Row {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function clamp(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, Math.floor(value))) : max;
}
