"use client";

import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";

export interface ConfirmRequest {
  title: string;
  body: ReactNode;
  /** The button that goes ahead, e.g. "Crash lock-2". */
  confirmLabel: string;
}

interface Pending extends ConfirmRequest {
  resolve(ok: boolean): void;
}

/**
 * A small in-page confirmation for destructive actions (crash a node, reset the world). `ask` resolves
 * true at once when confirmation is turned off; the dialog itself offers to turn it off.
 */
export function useConfirm(enabled: boolean, setEnabled: (value: boolean) => void) {
  const [pending, setPending] = useState<Pending | null>(null);

  const ask = useCallback(
    (request: ConfirmRequest): Promise<boolean> => {
      if (!enabled) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        setPending((previous) => {
          // A second question replaces the first, which counts as "no".
          previous?.resolve(false);
          return { ...request, resolve };
        });
      });
    },
    [enabled],
  );

  const answer = useCallback((ok: boolean) => {
    setPending((current) => {
      current?.resolve(ok);
      return null;
    });
  }, []);

  const cancel = useCallback(() => answer(false), [answer]);

  const dialog = pending ? (
    <ConfirmDialog request={pending} onAnswer={answer} askAgain={enabled} onAskAgain={setEnabled} />
  ) : null;
  return { ask, dialog, open: pending !== null, cancel };
}

function ConfirmDialog({
  request,
  onAnswer,
  askAgain,
  onAskAgain,
}: {
  request: ConfirmRequest;
  onAnswer(ok: boolean): void;
  askAgain: boolean;
  onAskAgain(value: boolean): void;
}) {
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    confirmRef.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") {
        event.preventDefault();
        onAnswer(false);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onAnswer]);

  return (
    <div className="fixed inset-0 z-50 flex items-center justify-center bg-slate-950/70 p-4 backdrop-blur-sm">
      <div
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="confirm-title"
        aria-describedby="confirm-body"
        data-testid="confirm-dialog"
        className="w-full max-w-lg rounded-2xl border-2 border-rose-500/60 bg-slate-900 p-6 shadow-2xl"
      >
        <h2 id="confirm-title" className="text-2xl font-bold text-rose-200">
          {request.title}
        </h2>
        <div id="confirm-body" className="mt-3 text-lg text-slate-300">
          {request.body}
        </div>
        <label className="mt-5 flex items-center gap-3 text-base text-slate-400">
          <input
            type="checkbox"
            className="size-5 accent-amber-400"
            checked={!askAgain}
            onChange={(event) => onAskAgain(!event.target.checked)}
          />
          Don&apos;t ask again (turn it back on under <kbd className="kbd">?</kbd>)
        </label>
        <div className="mt-6 flex justify-end gap-3">
          <button type="button" onClick={() => onAnswer(false)} className="btn btn-ghost">
            Cancel
          </button>
          <button ref={confirmRef} type="button" onClick={() => onAnswer(true)} className="btn btn-danger">
            {request.confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
