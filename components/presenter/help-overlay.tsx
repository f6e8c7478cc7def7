"use client";

import { useEffect } from "react";
import { SHORTCUT_HELP } from "./shortcuts";

/** `?`: the keyboard shortcuts, and the one setting a presenter may want to change mid-talk. */
export function HelpOverlay({
  onClose,
  confirmDestructive,
  onConfirmDestructive,
}: {
  onClose(): void;
  confirmDestructive: boolean;
  onConfirmDestructive(value: boolean): void;
}) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape" || event.key === "?") {
        event.preventDefault();
        onClose();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);

  return (
    <div
      className="fixed inset-0 z-40 flex items-center justify-center bg-slate-950/75 p-4 backdrop-blur-sm"
      onClick={onClose}
    >
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby="help-title"
        data-testid="help-overlay"
        className="max-h-full w-full max-w-2xl overflow-auto rounded-2xl border-2 border-slate-700 bg-slate-900 p-6 shadow-2xl"
        onClick={(event) => event.stopPropagation()}
      >
        <div className="flex items-baseline justify-between gap-4">
          <h2 id="help-title" className="text-2xl font-bold">
            Keyboard shortcuts
          </h2>
          <button type="button" onClick={onClose} className="btn btn-ghost">
            Close
          </button>
        </div>
        <p className="mt-1 text-base text-slate-400">They work everywhere on the page except while typing in a field.</p>
        <dl className="mt-5 grid grid-cols-[auto_1fr] items-center gap-x-6 gap-y-3 text-lg">
          {SHORTCUT_HELP.map((shortcut) => (
            <div key={shortcut.does} className="contents" data-testid="shortcut">
              <dt className="flex gap-1.5 justify-self-end">
                {shortcut.keys.map((key) =>
                  key === "…" ? (
                    <span key={key} className="text-slate-500">
                      …
                    </span>
                  ) : (
                    <kbd key={key} className="kbd">
                      {key}
                    </kbd>
                  ),
                )}
              </dt>
              <dd className="text-slate-200">{shortcut.does}</dd>
            </div>
          ))}
        </dl>
        <label className="mt-6 flex items-center gap-3 border-t border-slate-800 pt-5 text-lg">
          <input
            type="checkbox"
            data-testid="confirm-destructive"
            className="size-5 accent-amber-400"
            checked={confirmDestructive}
            onChange={(event) => onConfirmDestructive(event.target.checked)}
          />
          Confirm destructive actions (crash a node, reset the world)
        </label>
      </div>
    </div>
  );
}
