"use client";

import { useEffect, useRef, useState, type ChangeEvent } from "react";
import { buildPermalink, decodeScenario } from "@/lib/permalink";
import { parseScenario, type Scenario, type ScenarioInput, type ScenarioIssue } from "@/lib/scenario";
import { INPUT_CLASS } from "./inputs";

/** What an imported text turned out to be. */
export type ImportResult =
  | { ok: true; scenario: ScenarioInput; source: string }
  | { ok: false; message: string; issues?: ScenarioIssue[]; candidate?: ScenarioInput };

/**
 * Reads what a person pastes or picks: the CLI's `--config` JSON, a JSON report (its `scenario`),
 * or a permalink. Validated with the shared schema; an invalid but well-formed scenario is kept
 * as `candidate` so the page can load it and point at each bad field.
 */
export function importScenarioText(text: string): ImportResult {
  const trimmed = text.trim();
  if (trimmed === "") return { ok: false, message: "nothing to import: paste a scenario's JSON or a permalink" };
  let value: unknown;
  let source = "JSON";
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      return { ok: false, message: `not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
    }
  } else {
    const decoded = decodeScenario(trimmed);
    if (!decoded.ok) return { ok: false, message: `neither JSON nor a working permalink: ${decoded.message}` };
    return { ok: true, scenario: decoded.scenario, source: "permalink" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, message: "a scenario is a JSON object ({ … }), as the CLI's --config takes" };
  }
  // A report or a recording carries the scenario it ran under `scenario`; a scenario has no such key.
  const holder = value as Record<string, unknown>;
  if (typeof holder.scenario === "object" && holder.scenario !== null && !Array.isArray(holder.scenario)) {
    value = holder.scenario;
    source = "the scenario inside a report";
  }
  const parsed = parseScenario(value);
  if (!parsed.ok) {
    return {
      ok: false,
      message: `this scenario has ${parsed.issues.length} problem${parsed.issues.length === 1 ? "" : "s"}`,
      issues: parsed.issues,
      candidate: value as ScenarioInput,
    };
  }
  return { ok: true, scenario: value as ScenarioInput, source };
}

/** The file the Export button writes: every key spelled out, as `--config` reads it. */
export function exportScenarioJson(scenario: Scenario): string {
  return `${JSON.stringify(scenario, null, 2)}\n`;
}

export interface ScenarioTransferProps {
  value: ScenarioInput;
  /** The parsed scenario when the value is valid, else null (export and permalink then wait). */
  parsed: Scenario | null;
  onImport(scenario: ScenarioInput): void;
  disabled?: boolean;
  idPrefix: string;
}

const BUTTON =
  "inline-flex h-12 items-center gap-2 rounded-lg border-2 border-slate-600 bg-slate-900 px-5 text-lg font-semibold text-slate-100 " +
  "hover:border-amber-400 focus-visible:border-amber-400 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-amber-400/50 " +
  "disabled:cursor-not-allowed disabled:opacity-50";

type Notice = { tone: "ok" | "warn" | "error"; text: string; issues?: ScenarioIssue[]; candidate?: ScenarioInput } | null;

const NOTICE_LOOK: Record<"ok" | "warn" | "error", { lead: string; className: string }> = {
  ok: { lead: "Done: ", className: "bg-emerald-950/60 text-emerald-100" },
  warn: { lead: "Careful: ", className: "bg-amber-950/60 text-amber-100" },
  error: { lead: "Import refused: ", className: "bg-rose-950/70 text-rose-100" },
};

/** Import (paste or file), export (download) and "Copy permalink". */
export function ScenarioTransfer({ value, parsed, onImport, disabled, idPrefix }: ScenarioTransferProps) {
  const [pasteOpen, setPasteOpen] = useState(false);
  const [pasted, setPasted] = useState("");
  const [notice, setNotice] = useState<Notice>(null);
  // Remembered with the value it encodes: once the scenario changes, the link is stale and hidden.
  const [link, setLink] = useState<{ url: string; copied: boolean; of: ScenarioInput } | null>(null);
  const currentLink = link?.of === value ? link : null;
  const fileRef = useRef<HTMLInputElement>(null);
  // Good news fades; problems stay until the next action.
  useEffect(() => {
    if (notice?.tone !== "ok") return;
    const timer = setTimeout(() => setNotice(null), 8000);
    return () => clearTimeout(timer);
  }, [notice]);
  const invalidWhy = parsed ? undefined : "Fix the problems marked in the builder first";

  function accept(result: ImportResult) {
    if (result.ok) {
      onImport(result.scenario);
      setNotice({ tone: "ok", text: `Loaded ${result.source}.` });
      setPasteOpen(false);
      setPasted("");
    } else {
      setNotice({ tone: "error", text: result.message, issues: result.issues, candidate: result.candidate });
    }
  }

  async function onFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = "";
    if (!file) return;
    if (file.size > 2_000_000) {
      setNotice({ tone: "error", text: `${file.name} is ${Math.round(file.size / 1000)} kB: too big to be a scenario` });
      return;
    }
    const result = importScenarioText(await file.text());
    accept(result.ok ? { ...result, source: `${file.name} (${result.source})` } : { ...result, message: `${file.name}: ${result.message}` });
  }

  function onExport() {
    if (!parsed) return;
    const blob = new Blob([exportScenarioJson(parsed)], { type: "application/json" });
    const url = URL.createObjectURL(blob);
    const anchor = document.createElement("a");
    anchor.href = url;
    anchor.download = "stampede-scenario.json";
    document.body.append(anchor);
    anchor.click();
    anchor.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
    setNotice({ tone: "ok", text: "Downloaded stampede-scenario.json — run it with: npm run -s scenario -- --config stampede-scenario.json" });
  }

  async function onPermalink() {
    if (!parsed) return;
    const url = buildPermalink(value, window.location.origin + window.location.pathname);
    let copied = false;
    try {
      // The clipboard needs a secure context (https or localhost); on a LAN address the link is shown to copy by hand.
      await navigator.clipboard.writeText(url);
      copied = true;
    } catch {
      copied = false;
    }
    setLink({ url, copied, of: value });
  }

  return (
    <div className="flex flex-col gap-3" data-testid="scenario-transfer">
      <div className="flex flex-wrap gap-3">
        <button type="button" className={BUTTON} aria-expanded={pasteOpen} aria-controls={`${idPrefix}-paste`} disabled={disabled} onClick={() => setPasteOpen((open) => !open)}>
          Paste JSON or link…
        </button>
        <button type="button" className={BUTTON} disabled={disabled} onClick={() => fileRef.current?.click()}>
          Import file…
        </button>
        <input
          ref={fileRef}
          id={`${idPrefix}-file`}
          type="file"
          accept="application/json,.json"
          aria-label="Import a scenario file (JSON)"
          className="sr-only"
          tabIndex={-1}
          onChange={(event) => void onFile(event)}
        />
        <button type="button" className={BUTTON} disabled={!parsed} title={invalidWhy} onClick={onExport}>
          Export JSON
        </button>
        <button type="button" className={BUTTON} disabled={!parsed} title={invalidWhy} onClick={() => void onPermalink()}>
          Copy permalink
        </button>
      </div>

      {pasteOpen && (
        <div id={`${idPrefix}-paste`} className="flex flex-col gap-2 rounded-xl border-2 border-slate-700 bg-slate-900 p-4">
          <label htmlFor={`${idPrefix}-paste-text`} className="text-lg font-semibold">
            Paste a scenario
          </label>
          <p className="text-base text-slate-400">The JSON the CLI&apos;s --config reads, a JSON report, or a permalink.</p>
          <textarea
            id={`${idPrefix}-paste-text`}
            value={pasted}
            onChange={(event) => setPasted(event.target.value)}
            rows={6}
            spellCheck={false}
            className={`${INPUT_CLASS} h-auto border-slate-700 py-2 font-mono text-base`}
          />
          <div className="flex gap-3">
            <button type="button" className={BUTTON} disabled={disabled} onClick={() => accept(importScenarioText(pasted))}>
              Load
            </button>
            <button type="button" className={BUTTON} onClick={() => setPasteOpen(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}

      {currentLink && (
        <div className="flex flex-col gap-1">
          <label htmlFor={`${idPrefix}-permalink`} className="text-base font-semibold text-slate-300">
            Permalink {currentLink.copied ? <span className="font-normal text-emerald-300">— copied to the clipboard</span> : <span className="font-normal text-slate-400">— select and copy it</span>}
          </label>
          <input
            id={`${idPrefix}-permalink`}
            readOnly
            value={currentLink.url}
            onFocus={(event) => event.currentTarget.select()}
            className={`${INPUT_CLASS} border-slate-700 font-mono text-base`}
          />
        </div>
      )}

      {notice && (
        <div
          role={notice.tone === "error" ? "alert" : "status"}
          className={`rounded-lg px-4 py-3 text-lg ${NOTICE_LOOK[notice.tone].className}`}
        >
          <p>
            <span className="font-bold">{NOTICE_LOOK[notice.tone].lead}</span>
            {notice.text}
          </p>
          {notice.issues && (
            <ul className="mt-2 list-disc pl-6 font-mono text-base">
              {notice.issues.map((issue, index) => (
                <li key={index}>
                  {issue.field}: {issue.message}
                </li>
              ))}
            </ul>
          )}
          {notice.candidate && (
            <button
              type="button"
              className={`${BUTTON} mt-3`}
              disabled={disabled}
              onClick={() => {
                onImport(notice.candidate!);
                setNotice({ tone: "warn", text: "loaded with problems — each one is marked at its field." });
                setPasteOpen(false);
              }}
            >
              Load anyway and fix in the builder
            </button>
          )}
        </div>
      )}
    </div>
  );
}
