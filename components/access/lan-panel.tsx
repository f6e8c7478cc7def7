"use client";

import { useState } from "react";
import type { Access } from "@/lib/protocol";
import { QrCode } from "./qr-code";

/**
 * For the presenter when the lab listens on the LAN: the audience link, big, with a QR code to
 * project. The presenter link carries the control token, so it stays hidden until asked for.
 */
export function LanPanel({ lanUrls, compact = false }: { lanUrls: NonNullable<Access["lanUrls"]>; compact?: boolean }) {
  const [index, setIndex] = useState(0);
  const [showPresenter, setShowPresenter] = useState(false);
  const current = lanUrls[Math.min(index, lanUrls.length - 1)];
  if (!current) return null;
  return (
    <section aria-labelledby="lan-heading" data-testid="lan-panel" className="panel flex flex-col gap-4">
      <h2 id="lan-heading" className="panel-title">
        Follow along on your phone
      </h2>
      <div className={`flex gap-5 ${compact ? "flex-col items-start" : "flex-wrap items-center"}`}>
        <QrCode text={current.audience} size={compact ? 180 : 200} label={`QR code for ${current.audience}`} />
        <div className="flex min-w-0 flex-col gap-2">
          <p className="text-base text-slate-400">Audience view (read-only):</p>
          <a
            href={current.audience}
            target="_blank"
            rel="noreferrer"
            data-testid="audience-link"
            className="break-all font-mono text-xl font-semibold text-amber-300 underline-offset-4 hover:underline"
          >
            {current.audience}
          </a>
          {lanUrls.length > 1 && (
            <label className="flex items-center gap-2 text-sm text-slate-400">
              Network
              <select
                value={index}
                onChange={(event) => setIndex(Number(event.target.value))}
                className="rounded-md border border-slate-700 bg-slate-900 px-2 py-1 text-slate-200"
              >
                {lanUrls.map((urls, i) => (
                  <option key={urls.audience} value={i}>
                    {new URL(urls.audience).host}
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
      </div>
      <div className="text-sm text-slate-400">
        {showPresenter ? (
          <p>
            Presenter link (controls the lab — keep it off the screen):{" "}
            <span className="break-all font-mono text-slate-200">{current.presenter}</span>{" "}
            <button type="button" className="underline" onClick={() => setShowPresenter(false)}>
              hide
            </button>
          </p>
        ) : (
          <button type="button" className="underline underline-offset-4" onClick={() => setShowPresenter(true)}>
            Show the presenter link for a second screen
          </button>
        )}
      </div>
    </section>
  );
}
