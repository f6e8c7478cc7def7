"use client";

import { useEffect } from "react";
import type { Access } from "@/lib/protocol";
import { QrCode } from "./qr-code";

/** The audience link as big as the screen allows, for a room to scan from the back rows. */
export function RoomOverlay({ lanUrls, onClose }: { lanUrls: NonNullable<Access["lanUrls"]>; onClose(): void }) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") {
        event.preventDefault();
        onClose();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);
  const first = lanUrls[0];
  if (!first) return null;
  return (
    <div className="fixed inset-0 z-40 flex items-center justify-center bg-slate-950/90 p-6" onClick={onClose}>
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby="room-title"
        data-testid="room-overlay"
        className="flex max-h-full flex-col items-center gap-6 overflow-auto rounded-3xl border-2 border-slate-700 bg-slate-900 p-8 text-center shadow-2xl"
        onClick={(event) => event.stopPropagation()}
      >
        <h2 id="room-title" className="text-4xl font-black">
          Follow along on your phone
        </h2>
        <div className="w-[min(60vh,30rem)]">
          <QrCode text={first.audience} size={480} label={`QR code for ${first.audience}`} />
        </div>
        <p className="font-mono text-3xl font-bold break-all text-amber-300">{first.audience}</p>
        {lanUrls.length > 1 && (
          <p className="text-lg text-slate-400">
            Also: {lanUrls.slice(1).map((urls) => urls.audience).join(" · ")}
          </p>
        )}
        <p className="text-lg text-slate-400">Read-only: the live run, the lock grid, the charts. Same Wi-Fi as this laptop.</p>
        <button type="button" className="btn btn-ghost" onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}
