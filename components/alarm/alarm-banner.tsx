"use client";

/**
 * The safety alarm: a banner nobody in the room can miss when the lock broke its promise — what
 * broke, in plain words; both holders with their nodes and fencing tokens; when, on the run's line;
 * and how many so far. When the page scrolls it out of sight, a one-line strip stays pinned to the
 * top of the window. Dismissing it folds it into a one-line count until the next run raises one.
 * Props in, pixels out.
 */
import { useEffect, useRef, useState } from "react";
import type { WireAlarm } from "@/lib/protocol";
import { KIND_WORDS, kindOf, markedAlarm, nodeList, runTime, sameServerNote, SIDE_COLORS, sidesOf, type AlarmSide, type Side } from "./alarm";

export interface AlarmBannerProps {
  /** The run's alarms, oldest first (the current or last run's only). */
  alarms: readonly WireAlarm[];
  /**
   * Violations so far: at least `alarms.length`; more when the page joined after the server stopped
   * keeping every alarm (the report's count, once the run has ended). @default alarms.length
   */
  total?: number;
  /** Phones (the audience view): smaller type, holders stacked. */
  compact?: boolean;
  /** Starts folded (tests). */
  defaultDismissed?: boolean;
  /**
   * Whether the run used fencing tokens. False hides the grants' token numbers: the lab keeps them
   * as its own witness, but a run without fencing never showed them to the database.
   */
  fencing?: boolean;
}

/** Other alarms listed under the headline one; the rest are counted. */
const EARLIER_SHOWN = 6;

export function AlarmBanner({ alarms, total, compact = false, defaultDismissed = false, fencing }: AlarmBannerProps) {
  const latest = alarms.at(-1);
  // The headline is the grid's alarm: two holders at once when there was one (the cause, and what
  // the safety stories ask the room to watch), else the latest of any kind.
  const shown = markedAlarm(alarms);
  // Folded for one run: the next run's first alarm opens it again.
  const [dismissedRun, setDismissedRun] = useState<number | null>(defaultDismissed && latest ? latest.runId : null);
  const banner = useRef<HTMLDivElement>(null);
  const outOfView = useOutOfView(banner, latest !== undefined && dismissedRun !== latest.runId);
  if (!latest || !shown) return null;
  const count = Math.max(total ?? 0, alarms.length);
  const kind = kindOf(shown.violation);
  const words = KIND_WORDS[kind];
  const withoutToken = (side: AlarmSide): AlarmSide => (fencing === false ? { ...side, fencingToken: undefined } : side);
  const [sideA, sideB] = sidesOf(shown.violation);
  const sides: [AlarmSide, AlarmSide] = [withoutToken(sideA), withoutToken(sideB)];
  const sameServer = sameServerNote(shown.violation);

  if (dismissedRun === latest.runId) {
    return (
      <div
        role="status"
        data-testid="alarm-banner"
        data-state="folded"
        data-count={count}
        className="flex flex-wrap items-center gap-x-4 gap-y-1 rounded-xl border-2 border-rose-500 bg-rose-950/90 px-4 py-2 text-rose-100"
      >
        <span aria-hidden className="text-2xl font-black">
          ⚠
        </span>
        <p className={`min-w-0 flex-1 font-bold ${compact ? "text-base" : "text-xl"}`}>
          <span data-testid="alarm-count">{count}</span> safety violation{count === 1 ? "" : "s"} this run
          <span className="font-normal text-rose-200">
            {" "}
            · {words.title} ({runTime(shown.atMs)})
          </span>
        </p>
        <button type="button" data-testid="alarm-show" onClick={() => setDismissedRun(null)} className="btn btn-ghost px-3 py-1 text-base">
          Show
        </button>
      </div>
    );
  }

  const earlier = alarms.filter((alarm) => alarm !== shown).reverse();
  return (
    <>
      <div
        ref={banner}
        role="alert"
        data-testid="alarm-banner"
        data-state="open"
        data-kind={kind}
        data-count={count}
        data-holder-a={sides[0].holder}
        data-holder-b={sides[1].holder}
        className={`flex flex-col rounded-2xl border-4 border-rose-500 bg-rose-950 text-rose-50 shadow-xl ${compact ? "gap-2 px-3 py-2.5" : "gap-2.5 px-5 py-3"}`}
      >
        <div className="flex items-start gap-3">
          <span
            aria-hidden
            className={`flex shrink-0 items-center justify-center rounded-full bg-rose-500 font-black text-white motion-safe:animate-pulse ${compact ? "size-9 text-xl" : "size-12 text-3xl"}`}
          >
            ⚠
          </span>
          <div className="flex min-w-0 flex-1 flex-col">
            <p className={`font-bold uppercase tracking-[0.16em] text-rose-200 ${compact ? "text-xs" : "text-sm"}`}>
              Safety violation · <span data-testid="alarm-time">{runTime(shown.atMs)}</span> ·{" "}
              <span data-testid="alarm-count">{count}</span> so far
            </p>
            <p data-testid="alarm-title" className={`font-black leading-tight text-white ${compact ? "text-xl" : "text-3xl"}`}>
              {words.title}
            </p>
            <p className={`text-rose-100 ${compact ? "text-sm" : "text-lg"}`}>{shown.violation.detail ?? words.sentence}</p>
            {sameServer && (
              <p data-testid="alarm-same-server" className={`font-semibold text-amber-100 ${compact ? "text-sm" : "text-lg"}`}>
                {sameServer}
              </p>
            )}
          </div>
          <button
            type="button"
            data-testid="alarm-dismiss"
            onClick={() => setDismissedRun(latest.runId)}
            className={`btn btn-ghost shrink-0 ${compact ? "px-2 py-1 text-sm" : "px-3 py-1.5 text-base"}`}
            title="Fold the alarm into a one-line count (the next run's alarm opens it again)"
          >
            Dismiss ✕
          </button>
        </div>

        <div className={`grid gap-2 ${compact ? "" : "lg:grid-cols-2 lg:gap-3"}`}>
          {sides.map((side) => (
            <HolderLine key={side.side} side={side} compact={compact} />
          ))}
        </div>

        {earlier.length > 0 && (
          <details data-testid="alarm-earlier" className={compact ? "text-sm" : "text-base"}>
            <summary className="cursor-pointer font-semibold text-rose-200">
              {earlier.length} other alarm{earlier.length === 1 ? "" : "s"} this run
              {count > alarms.length ? ` (${count - alarms.length} more not kept)` : ""}
            </summary>
            <ul className="mt-1 flex flex-col gap-0.5 font-mono text-rose-100">
              {earlier.slice(0, EARLIER_SHOWN).map((alarm, i) => {
                const [a, b] = sidesOf(alarm.violation);
                return (
                  <li key={`${alarm.atMs}-${i}`}>
                    {runTime(alarm.atMs)} · {KIND_WORDS[kindOf(alarm.violation)].title}: {a.label} / {b.label}
                  </li>
                );
              })}
              {earlier.length > EARLIER_SHOWN && <li className="text-rose-300">… and {earlier.length - EARLIER_SHOWN} more</li>}
            </ul>
          </details>
        )}
      </div>

      {outOfView && (
        // The banner has scrolled away: one line stays in view, wherever the presenter is on the page.
        <div
          data-testid="alarm-strip"
          className={`fixed inset-x-2 top-2 z-40 mx-auto flex max-w-[1900px] items-center gap-3 rounded-xl border-2 border-rose-500 bg-rose-950 text-rose-50 shadow-2xl ${compact ? "px-3 py-1.5 text-sm" : "px-4 py-2 text-lg"}`}
        >
          <span aria-hidden className="shrink-0 rounded-full bg-rose-500 px-2 font-black text-white">
            ⚠
          </span>
          <p className="min-w-0 flex-1 truncate">
            <span className="font-black">{words.title}</span>
            <span className="text-rose-200">
              {" "}
              · {runTime(shown.atMs)} · {count} so far ·{" "}
            </span>
            {sides.map((side) => (
              <span key={side.side} className="mr-3 inline-flex items-center gap-1 align-middle">
                <SideBadge side={side.side} size="sm" />
                <span className="font-mono font-semibold" title={side.label}>
                  {side.holder}
                </span>
              </span>
            ))}
          </p>
          <button
            type="button"
            onClick={() => banner.current?.scrollIntoView({ behavior: "smooth", block: "start" })}
            className="btn btn-ghost shrink-0 px-2 py-1 text-sm"
          >
            Details ↑
          </button>
        </div>
      )}
    </>
  );
}

/** True while `ref`'s element is entirely above the top of the window (scrolled past). */
function useOutOfView(ref: React.RefObject<HTMLElement | null>, active: boolean): boolean {
  const [out, setOut] = useState(false);
  useEffect(() => {
    const element = ref.current;
    if (!active || !element || typeof IntersectionObserver === "undefined") {
      setOut(false);
      return;
    }
    const observer = new IntersectionObserver(([entry]) => {
      if (entry) setOut(!entry.isIntersecting && entry.boundingClientRect.bottom < 0);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref, active]);
  // While the strip is pinned, what the page scrolls to (focus, anchors) stops below it.
  useEffect(() => {
    document.documentElement.classList.toggle("alarm-strip-on", out);
    return () => document.documentElement.classList.remove("alarm-strip-on");
  }, [out]);
  return out;
}

/** A holder's round letter badge: A blue, B reddish purple. */
export function SideBadge({ side, size = "md", title }: { side: Side; size?: "sm" | "md" | "lg"; title?: string }) {
  const colors = SIDE_COLORS[side];
  const dimension = size === "lg" ? "size-9 text-xl" : size === "md" ? "size-8 text-lg" : "size-6 text-sm";
  return (
    <span
      aria-hidden={title ? undefined : true}
      title={title}
      data-side={side}
      className={`inline-flex shrink-0 items-center justify-center rounded-full font-black ring-2 ring-white/80 ${dimension}`}
      style={{ background: colors.fill, color: colors.text }}
    >
      {side}
    </span>
  );
}

function HolderLine({ side, compact }: { side: AlarmSide; compact: boolean }) {
  return (
    <div
      data-testid={`alarm-holder-${side.side}`}
      data-holder={side.holder}
      className="flex items-center gap-3 rounded-xl bg-slate-950/50 px-3 py-1.5"
    >
      <SideBadge side={side.side} size={compact ? "md" : "lg"} />
      <p className={`min-w-0 text-rose-100 ${compact ? "text-sm" : "text-lg"}`}>
        <span className={`font-bold text-white ${compact ? "text-base" : "text-xl"}`}>{side.label}</span>{" "}
        <span className="font-semibold text-rose-200">{side.role}</span>
        <br />
        on <span className="font-mono font-semibold">{nodeList(side.nodes)}</span>
        {side.pausedMs !== undefined && (
          <>
            {" "}
            · <span className="font-semibold text-amber-100">paused {(side.pausedMs / 1000).toFixed(1)} s (simulated)</span>
          </>
        )}
        {side.fencingToken !== undefined && (
          <>
            {" "}
            · fencing token <span className="font-mono font-bold">{side.fencingToken}</span>
          </>
        )}
      </p>
    </div>
  );
}
