"use client";

import { memo, useId, useMemo, useRef } from "react";
import { defaultScenario, parseScenario, type ScenarioInput } from "@/lib/scenario";
import { GROUPS, rangeText, viewOf, type FieldDef, type ScenarioView } from "./field-defs";
import { FaultsEditor } from "./faults-editor";
import { ChoiceInput, FieldProblems, NumberInput } from "./inputs";
import { deleteAt, getAt, issuesByField, setAt, type Path } from "./paths";
import { NodeOptionsEditor } from "./node-options-editor";
import { ScenarioTransfer } from "./scenario-transfer";
import { SimulatedTag } from "../shell/simulated-tag";

export interface ScenarioBuilderProps {
  /** The scenario as edited so far; may be partial (missing keys take their defaults) or invalid. */
  value: ScenarioInput;
  /** Every edit, at once. Invalid values are passed on too (the schema names them at their field). */
  onChange(value: ScenarioInput): void;
  /** Read-only, e.g. while a run is going or for a view that cannot control the lab. */
  disabled?: boolean;
  /** Said above the builder when `disabled`. */
  disabledReason?: string;
}

/**
 * Every field of the scenario contract, grouped, each with one line of explanation, validated on
 * every keystroke with the same zod schema the server and the CLI use.
 */
// Memoized: the page re-renders with every frame of a run, and the builder's hundred fields need not.
export const ScenarioBuilder = memo(function ScenarioBuilder({ value, onChange, disabled = false, disabledReason }: ScenarioBuilderProps) {
  const idPrefix = useId().replace(/[^A-Za-z0-9_-]/g, "");
  const sectionRef = useRef<HTMLElement>(null);
  const result = useMemo(() => parseScenario(value), [value]);
  const problems = useMemo(() => issuesByField(result.ok ? [] : result.issues), [result]);
  const view = useMemo(() => viewOf(value), [value]);
  const defaults = useMemo(() => defaultScenario(), []);

  // Problems no field shows: unknown keys, a group that is not an object, the whole scenario.
  const shownPaths = useMemo(() => new Set(GROUPS.flatMap((group) => group.fields.map((field) => field.path))), []);
  const stray = [...problems.entries()].filter(([field]) => !shownPaths.has(field) && !EDITOR_ROOTS.some((root) => field === root || field.startsWith(`${root}.`)));
  const problemCount = result.ok ? 0 : result.issues.length;
  const unknownKeyPaths = result.ok ? [] : result.issues.filter((issue) => issue.message.startsWith("unknown key")).map((issue) => issue.field);

  const set = (path: Path, next: unknown) => onChange(setAt(value, path, next));

  return (
    <section ref={sectionRef} aria-labelledby={`${idPrefix}-title`} data-testid="scenario-builder" className="flex flex-col gap-6">
      <header className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h2 id={`${idPrefix}-title`} className="text-3xl font-bold tracking-tight">
            Scenario
          </h2>
          <p className="mt-1 text-lg text-slate-400">Every knob of the experiment. Changes are checked as you type, by the same rules the server uses.</p>
        </div>
        <div role="status" data-testid="scenario-validity" data-valid={result.ok}>
          {result.ok ? (
            <p className="rounded-full border-2 border-emerald-500/60 px-5 py-2 text-xl font-semibold text-emerald-300">✓ Valid scenario</p>
          ) : (
            <button
              type="button"
              onClick={() => focusFirstProblem(sectionRef.current)}
              className="rounded-full border-2 border-rose-500/70 px-5 py-2 text-xl font-semibold text-rose-200 hover:bg-rose-950/60 focus-visible:outline-none focus-visible:ring-4 focus-visible:ring-amber-400/60"
            >
              ✗ {problemCount} problem{problemCount === 1 ? "" : "s"} — show the first
            </button>
          )}
        </div>
      </header>

      {disabled && (
        <p className="rounded-lg border-2 border-slate-700 bg-slate-900 px-4 py-3 text-lg text-slate-300">
          <span className="font-semibold">Read-only:</span> {disabledReason ?? "the scenario cannot be changed right now."}
        </p>
      )}

      <ScenarioTransfer value={value} parsed={result.ok ? result.scenario : null} onImport={onChange} disabled={disabled} idPrefix={idPrefix} />

      {stray.length > 0 && (
        <div role="alert" data-stray-problems tabIndex={-1} className="rounded-xl border-2 border-rose-500/70 bg-rose-950/50 p-4">
          <p className="text-lg font-semibold text-rose-100">Problems outside the fields below</p>
          <ul className="mt-2 flex flex-col gap-2">
            {stray.map(([field, messages]) => (
              <li key={field} className="flex flex-wrap items-center gap-3 text-lg text-rose-100">
                <code className="font-mono">{field}</code>: {messages.join("; ")}
                {unknownKeyPaths.includes(field) && (
                  <button
                    type="button"
                    disabled={disabled}
                    onClick={() => onChange(deleteAt(value, field))}
                    className="rounded-lg border-2 border-rose-400/70 px-3 py-1 text-base font-semibold hover:bg-rose-900 focus-visible:border-amber-400 focus-visible:outline-none"
                  >
                    Remove {field}
                  </button>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}

      <fieldset disabled={disabled} className="contents">
        {GROUPS.map((group) => (
          <fieldset key={group.id} data-group={group.id} className="rounded-2xl border-2 border-slate-800 bg-slate-900/40 p-5">
            <legend className="px-2 text-2xl font-bold">
              {group.title}
              {group.simulated && <SimulatedTag title={group.simulated} testId={`group-${group.id}-simulated`} />}
            </legend>
            <p className="mb-4 text-lg text-slate-400">{group.blurb}</p>
            <div className="grid grid-cols-1 gap-4 md:grid-cols-2 2xl:grid-cols-3">
              {group.fields.map((field) => (
                <Field
                  key={field.path}
                  field={field}
                  id={`${idPrefix}-${field.path.replace(/\./g, "-")}`}
                  value={getAt(value, field.path) ?? getAt(defaults, field.path)}
                  defaultValue={getAt(defaults, field.path)}
                  view={view}
                  problems={problems.get(field.path) ?? []}
                  disabled={disabled}
                  onValue={(next) => set(field.path, next)}
                />
              ))}
            </div>
          </fieldset>
        ))}

        <fieldset data-group="nodes" className="rounded-2xl border-2 border-slate-800 bg-slate-900/40 p-5">
          <legend className="px-2 text-2xl font-bold">Redis nodes</legend>
          <p className="mb-4 text-lg text-slate-400">How each node keeps its data when it restarts — it decides whether a restarted lock node remembers who held the lock.</p>
          <NodeOptionsEditor
            nodeOptions={value.nodeOptions}
            lockNodes={typeof view.lockNodes === "number" ? view.lockNodes : defaults.lockNodes}
            onNodeOptions={(next) => set("nodeOptions", next)}
            problems={problems}
            idPrefix={idPrefix}
            disabled={disabled}
          />
        </fieldset>

        <fieldset data-group="faults" className="rounded-2xl border-2 border-slate-800 bg-slate-900/40 p-5">
          <legend className="px-2 text-2xl font-bold">Faults</legend>
          <p className="mb-4 text-lg text-slate-400">Things that go wrong on schedule, to a Redis node (crash, freeze, cut off, slow down, restart…) or to an app server (crash, pause).</p>
          <FaultsEditor
            faults={value.faults}
            lockNodes={typeof view.lockNodes === "number" ? view.lockNodes : defaults.lockNodes}
            instances={typeof view.instances === "number" ? view.instances : defaults.instances}
            expireAtMs={typeof view.crowd.expireAtMs === "number" ? view.crowd.expireAtMs : defaults.crowd.expireAtMs}
            onFaults={(faults) => set("faults", faults)}
            problems={problems}
            idPrefix={idPrefix}
            disabled={disabled}
          />
        </fieldset>
      </fieldset>
    </section>
  );
});

/** Keys with an editor of their own: their problems are shown there, not in the list of other problems. */
const EDITOR_ROOTS = ["faults", "nodeOptions"];

interface FieldProps {
  field: FieldDef;
  id: string;
  value: unknown;
  defaultValue: unknown;
  view: ScenarioView;
  problems: readonly string[];
  disabled: boolean;
  onValue(value: unknown): void;
}

function Field({ field, id, value, defaultValue, view, problems, disabled, onValue }: FieldProps) {
  const unused = safely(() => field.unused?.(view) ?? null);
  const note = safely(() => field.note?.(view) ?? null);
  const invalid = problems.length > 0;
  const helpId = `${id}-help`;
  const problemsId = `${id}-problems`;
  const describedBy = [helpId, invalid ? problemsId : null].filter(Boolean).join(" ");
  const chosen = field.kind === "choice" ? field.options.find((option) => option.value === value) : undefined;

  return (
    <div
      data-field={field.path}
      data-unused={unused ? "true" : undefined}
      data-invalid={invalid ? "true" : undefined}
      className={`flex flex-col gap-2 rounded-xl border-2 p-4 transition-opacity ${invalid ? "border-rose-500/70 bg-rose-950/20" : "border-slate-800 bg-slate-900"} ${unused && !invalid ? "opacity-55 focus-within:opacity-100 hover:opacity-100" : ""}`}
    >
      <label htmlFor={id} className="flex flex-wrap items-baseline justify-between gap-x-3">
        <span className="text-xl font-semibold text-slate-100">{field.title}</span>{" "}
        <code className="font-mono text-base text-slate-400">{field.path}</code>
      </label>
      <p id={helpId} className="text-base leading-snug text-slate-300">
        {field.help}
      </p>
      <div className="flex items-center gap-2">
        {field.kind === "toggle" ? (
          <span className="flex min-h-12 items-center gap-3">
            <input
              id={id}
              name={field.path}
              type="checkbox"
              checked={value === true}
              disabled={disabled}
              aria-invalid={invalid || undefined}
              aria-describedby={describedBy}
              onChange={(event) => onValue(event.target.checked)}
              className="size-7 shrink-0 cursor-pointer accent-amber-400 focus-visible:outline-none focus-visible:ring-4 focus-visible:ring-amber-400/60"
            />
            <label htmlFor={id} className="cursor-pointer text-lg text-slate-200">
              {field.onText}
              {typeof value !== "boolean" && <span className="text-rose-300"> (now: {JSON.stringify(value)})</span>}
            </label>
          </span>
        ) : field.kind === "number" ? (
          <NumberInput
            id={id}
            name={field.path}
            value={value}
            onValue={onValue}
            step={field.step}
            min={field.min}
            max={field.max}
            integer={field.integer}
            invalid={invalid}
            disabled={disabled}
            describedBy={describedBy}
          />
        ) : (
          <ChoiceInput
            id={id}
            name={field.path}
            value={value}
            options={field.options}
            onValue={onValue}
            invalid={invalid}
            disabled={disabled}
            describedBy={describedBy}
          />
        )}
        {field.kind === "number" && field.unit && <span className="shrink-0 text-lg text-slate-400">{field.unit}</span>}
      </div>
      {field.kind === "number" ? (
        <p className="text-sm text-slate-500">{rangeText(field, defaultValue)}</p>
      ) : field.kind === "toggle" ? (
        <p className="text-sm text-slate-500">default {defaultValue === true ? "on" : "off"}</p>
      ) : (
        chosen && <p className="text-base text-slate-300"><span className="font-mono text-amber-200">{chosen.value}</span>: {chosen.help}</p>
      )}
      {note && <p className="text-base font-medium text-sky-200">{note}</p>}
      {unused && (
        <p className="text-sm italic text-slate-400">
          Not used now: {unused}
        </p>
      )}
      <FieldProblems id={problemsId} messages={problems} />
    </div>
  );
}

/** Scrolls to the first field marked invalid (or the list of other problems) and focuses it. */
function focusFirstProblem(section: HTMLElement | null) {
  const target = section?.querySelector<HTMLElement>('[aria-invalid="true"], [data-stray-problems] button, [data-stray-problems]');
  if (!target) return;
  target.scrollIntoView({ block: "center", behavior: "smooth" });
  target.focus({ preventScroll: true });
}

/** Hints read a scenario that may hold anything; a hint that cannot be computed is just not shown. */
function safely(compute: () => string | null): string | null {
  try {
    return compute();
  } catch {
    return null;
  }
}
