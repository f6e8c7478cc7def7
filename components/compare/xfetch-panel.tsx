"use client";

/**
 * XFetch's theory beside what the run did: when the first early refresh should come and what a
 * cycle should cost (lib/xfetch-theory.ts), next to the report's early refreshes, episodes, fills
 * and the leads read off its ticks (lib/xfetch-measured.ts). Shown for runs with β > 0.
 */
import { memo, type ReactNode } from "react";
import type { Report } from "@/lib/report";
import type { Scenario } from "@/lib/scenario";
import { measureXfetch, xfetchInputsOf } from "@/lib/xfetch-measured";
import { xfetchTheory, type XfetchLock } from "@/lib/xfetch-theory";

export interface XfetchPanelProps {
  scenario: Scenario;
  /** The run's report; null while it runs (the measured column waits for it). */
  report: Report | null;
  /** Which run this is, when the page shows more than one. */
  label?: string;
}

const LOCK_WORDS: Record<XfetchLock, string> = {
  cluster: "one lock for the cluster: one volunteer recomputes, the rest serve the fresh value",
  local: "a lock per app server: at most one volunteer per server while a refresh runs",
  none: "no lock: every volunteer recomputes, e^(1/β) per cycle",
};

export const XfetchPanel = memo(function XfetchPanel({ scenario, report, label }: XfetchPanelProps) {
  const inputs = xfetchInputsOf(scenario);
  const theory = inputs.ok ? xfetchTheory(inputs.inputs) : null;
  const measured = report ? measureXfetch(report) : null;
  const beta = scenario.xfetchBeta;

  return (
    <section aria-label="XFetch: theory and run" data-testid="xfetch-panel" className="panel flex flex-col gap-3">
      <header className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
        <h2 className="text-2xl font-black tracking-tight">XFetch: the theory beside what happened</h2>
        {label && <span className="text-lg text-slate-400">{label}</span>}
      </header>
      <p className="max-w-[80ch] text-lg text-slate-300">
        A request that finds the value fresh refreshes it early when −δ·β·ln(U) reaches the time left before the expiry (U a
        random draw): the nearer the expiry and the slower the recompute, the likelier. Here β = {beta}, δ ={" "}
        {scenario.db.readLatencyMs} ms (the database&apos;s read time, which each cached value carries)
        {scenario.crowd.profile === "steady" ? `, r = ${scenario.crowd.rps.toLocaleString("en")} requests/s` : ""}, and a value lives{" "}
        {seconds(scenario.cache.ttlMs)}.
      </p>
      {!inputs.ok && (
        <p data-testid="xfetch-no-theory" className="text-lg text-amber-200">
          No expected figures for this run: {inputs.reason}
        </p>
      )}
      <div
        data-testid="xfetch-figures"
        className="grid grid-cols-[minmax(0,1.2fr)_minmax(0,1fr)_minmax(0,1fr)] gap-x-6 gap-y-2 text-lg"
      >
        <span />
        <span className="text-sm font-semibold uppercase tracking-[0.2em] text-slate-400">expected</span>
        <span className="text-sm font-semibold uppercase tracking-[0.2em] text-slate-400">measured</span>

        <Row label="the first early refresh, before the expiry">
          <Cell testId="xfetch-expected-lead">
            {theory ? (
              <>
                most likely <Figure>{ms(theory.modeLeadMs)}</Figure>{" "}
                <span className="text-slate-400">(β·δ·ln(r·β·δ))</span>, on average <Figure>{ms(theory.meanLeadMs)}</Figure>{" "}
                <span className="text-slate-400">(± {ms(theory.sdLeadMs)} from cycle to cycle)</span>
              </>
            ) : (
              "—"
            )}
          </Cell>
          <Cell testId="xfetch-measured-lead">
            {!measured ? (
              <Pending />
            ) : measured.meanLeadMs === null ? (
              "no early refresh"
            ) : (
              <>
                on average <Figure>{ms(measured.meanLeadMs)}</Figure>{" "}
                <span className="text-slate-400">
                  ({measured.leadsMs.length} refresh{measured.leadsMs.length === 1 ? "" : "es"}
                  {measured.leadsMs.length > 1 ? `, ${ms(Math.min(...measured.leadsMs))} to ${ms(Math.max(...measured.leadsMs))}` : ""}, to the{" "}
                  {measured.resolutionMs} ms tick)
                </span>
              </>
            )}
          </Cell>
        </Row>

        <Row label="values that expired before anyone refreshed">
          <Cell testId="xfetch-expected-expired">{theory ? <Figure>{chance(theory.pExpiresFirst)}</Figure> : "—"}</Cell>
          <Cell testId="xfetch-measured-episodes">
            {measured ? (
              <>
                <Figure>{measured.episodes}</Figure> episode{measured.episodes === 1 ? "" : "s"} in {measured.cycles} cycle
                {measured.cycles === 1 ? "" : "s"}
              </>
            ) : (
              <Pending />
            )}
          </Cell>
        </Row>

        <Row label="recomputes per cycle">
          <Cell testId="xfetch-expected-recomputes">
            {theory && inputs.ok ? (
              <>
                <Figure>{round2(theory.recomputesPerCycle)}</Figure>{" "}
                <span className="text-slate-400">({LOCK_WORDS[inputs.inputs.lock]})</span>
              </>
            ) : (
              "—"
            )}
          </Cell>
          <Cell testId="xfetch-measured-recomputes">
            {measured ? (
              measured.recomputesPerCycle === null ? (
                "no recompute"
              ) : (
                <>
                  <Figure>{round2(measured.recomputesPerCycle)}</Figure>{" "}
                  <span className="text-slate-400">
                    ({measured.dbReads} DB read{measured.dbReads === 1 ? "" : "s"} in {measured.cycles} cycle{measured.cycles === 1 ? "" : "s"})
                  </span>
                </>
              )
            ) : (
              <Pending />
            )}
          </Cell>
        </Row>

        <Row label="early refreshes (DB reads while the value was fresh) · cache fills">
          <Cell>—</Cell>
          <Cell testId="xfetch-measured-refreshes">
            {measured ? (
              <>
                <Figure>{measured.earlyRefreshes}</Figure> · <Figure>{measured.fills}</Figure> fill{measured.fills === 1 ? "" : "s"}
              </>
            ) : (
              <Pending />
            )}
          </Cell>
        </Row>
      </div>
      {theory && (
        <p className="text-base text-slate-400">
          Why: volunteers come at rate r·e^(−τ/(β·δ)) when τ is left, so the first one&apos;s lead follows a Gumbel law
          whose peak is at β·δ·ln(r·β·δ); its mean lies 0.577·β·δ earlier.
        </p>
      )}
    </section>
  );
});

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <span className="text-slate-400">{label}</span>
      {children}
    </>
  );
}

function Cell({ children, testId }: { children: ReactNode; testId?: string }) {
  return <span data-testid={testId}>{children}</span>;
}

function Figure({ children }: { children: ReactNode }) {
  return <span className="font-mono text-xl font-bold tabular-nums">{children}</span>;
}

function Pending() {
  return <span className="text-slate-500">after the run</span>;
}

function ms(value: number): string {
  return `${Math.round(value).toLocaleString("en")} ms`;
}

function seconds(valueMs: number): string {
  return valueMs % 1000 === 0 ? `${valueMs / 1000} s` : `${(valueMs / 1000).toFixed(1)} s`;
}

function round2(value: number): string {
  return (Math.round(value * 100) / 100).toLocaleString("en");
}

/** "37 %", "0.3 %", "under 1 in a million". */
function chance(p: number): string {
  if (p < 1e-6) return "under 1 in a million";
  const pct = p * 100;
  return `${pct >= 10 ? Math.round(pct) : pct >= 0.1 ? pct.toFixed(1) : pct.toPrecision(1)} %`;
}
