"use client";

import { useState, type KeyboardEvent, type ReactNode } from "react";

/** Shared look of every input and select: large, legible from the back of a room, with a visible focus ring. */
export const INPUT_CLASS =
  "h-12 w-full rounded-lg border-2 bg-slate-950 px-3 text-xl text-slate-100 tabular-nums outline-none transition-colors " +
  "focus-visible:border-amber-400 focus-visible:ring-2 focus-visible:ring-amber-400/50 disabled:cursor-not-allowed disabled:opacity-60";

export function inputBorder(invalid: boolean): string {
  return invalid ? "border-rose-500" : "border-slate-700 hover:border-slate-500";
}

/**
 * What the user typed, as the scenario should hold it: a number when it reads as one, otherwise
 * the raw text, so the shared schema names the field ("enter a number") instead of the page
 * silently keeping an older value.
 */
export function parseNumberText(text: string): number | string {
  const compact = text.trim().replace(/[_\s]/g, "");
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(compact)) return text;
  const n = Number(compact);
  return Number.isFinite(n) ? n : text;
}

export interface NumberInputProps {
  id: string;
  name: string;
  value: unknown;
  onValue(value: number | string): void;
  step?: number;
  min?: number;
  max?: number;
  integer?: boolean;
  invalid?: boolean;
  disabled?: boolean;
  describedBy?: string;
  className?: string;
  label?: string;
}

/**
 * A number field that keeps what is being typed ("1.", "-") while the scenario holds the number.
 * Arrow up/down step (Shift: ×10), clamped to the field's range.
 */
export function NumberInput({ id, name, value, onValue, step = 1, min, max, integer, invalid = false, disabled, describedBy, className, label }: NumberInputProps) {
  const [draft, setDraft] = useState<string | null>(null);
  // The draft is shown only while it still means the value held above; a preset or an import replaces it.
  const shown = draft !== null && Object.is(parseNumberText(draft), value) ? draft : value === undefined || value === null ? "" : String(value);

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return;
    if (typeof value !== "number") return;
    event.preventDefault();
    const delta = (event.key === "ArrowUp" ? 1 : -1) * step * (event.shiftKey ? 10 : 1);
    let next = Number((value + delta).toFixed(6));
    if (integer) next = Math.round(next);
    if (min !== undefined) next = Math.max(min, next);
    if (max !== undefined) next = Math.min(max, next);
    setDraft(null);
    onValue(next);
  }

  return (
    <input
      id={id}
      name={name}
      type="text"
      inputMode={integer ? "numeric" : "decimal"}
      autoComplete="off"
      spellCheck={false}
      value={shown}
      disabled={disabled}
      aria-invalid={invalid || undefined}
      aria-describedby={describedBy}
      aria-label={label}
      onChange={(event) => {
        setDraft(event.target.value);
        onValue(parseNumberText(event.target.value));
      }}
      onKeyDown={onKeyDown}
      onBlur={() => setDraft(null)}
      className={`${INPUT_CLASS} ${inputBorder(invalid)} ${className ?? ""}`}
    />
  );
}

export interface ChoiceInputProps {
  id: string;
  name: string;
  value: unknown;
  options: readonly { value: string; label?: string }[];
  onValue(value: string): void;
  invalid?: boolean;
  disabled?: boolean;
  describedBy?: string;
  className?: string;
  label?: string;
  children?: ReactNode;
}

/** A select that still shows a value it does not offer (from an import), marked as such, so nothing is hidden. */
export function ChoiceInput({ id, name, value, options, onValue, invalid = false, disabled, describedBy, className, label, children }: ChoiceInputProps) {
  const current = typeof value === "string" ? value : JSON.stringify(value ?? null);
  const known = options.some((option) => option.value === current);
  return (
    <select
      id={id}
      name={name}
      value={current}
      disabled={disabled}
      aria-invalid={invalid || undefined}
      aria-describedby={describedBy}
      aria-label={label}
      onChange={(event) => onValue(event.target.value)}
      className={`${INPUT_CLASS} ${inputBorder(invalid)} cursor-pointer ${className ?? ""}`}
    >
      {!known && <option value={current}>{current} (not allowed)</option>}
      {children ??
        options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label ?? option.value}
          </option>
        ))}
    </select>
  );
}

/** A field's problems, in words and in colour. */
export function FieldProblems({ id, messages }: { id: string; messages: readonly string[] }) {
  if (messages.length === 0) return null;
  return (
    <ul id={id} className="flex flex-col gap-1" data-testid="field-problems">
      {messages.map((message, index) => (
        <li key={index} className="rounded-md bg-rose-950/70 px-2 py-1 text-base font-medium text-rose-200">
          <span className="font-bold">Problem:</span> {message}
        </li>
      ))}
    </ul>
  );
}
