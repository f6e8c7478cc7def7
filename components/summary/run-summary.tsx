"use client";

/**
 * The run summary, shown when a run ends: the report's numbers as the CLI prints them (the same
 * report object), the cache node's own INFO count beside the engine's, the verdict, and downloads
 * of the report as JSON and of its ticks as CSV.
 */
import { memo, type ReactNode } from "react";
import { ticksToCsv } from "@/lib/csv";
import { plainLabel } from "@/lib/plain-labels";
import type { Report, SafetyViolation, ViolationKind } from "@/lib/report";
import { percent, verdictOf } from "@/lib/verdict";
import { OKABE_ITO, OUTCOME_COLORS, SERIES_YELLOW } from "../charts/palette";
import { roundRows } from "./lock-rounds";
import { DATABASE_MODEL, SimulatedTag } from "../shell/simulated-tag";
import { describeStop } from "../format";
import { verdictLook } from "./verdict-look";

export interface RunSummaryProps {
  report: Report;
  /** Base of the downloaded files' names. @default "stampede-lab-<startedAt>-seed<seed>" */
  fileName?: string;
}

export const RunSummary = memo(function RunSummary({ report, fileName }: RunSummaryProps) {
  const { requests: r, latencyMs: lat, db, locks, writes, scenario: s, runtime } = report;
  const verdict = verdictOf(report);
  const tone = verdictLook(verdict, report);
  const cacheNode = report.nodes.find((n) => n.role === "cache" || n.id === "cache");
  const base = fileName ?? `stampede-lab-${report.provenance.startedAt.replace(/[:.]/g, "-")}-seed${report.provenance.seed}`;
  const served = r.hits + r.misses + r.staleServed;

  return (
    <section aria-labelledby="run-summary-heading" data-testid="run-summary" className="flex flex-col gap-5">
      <header className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h2 id="run-summary-heading" className="text-3xl font-black tracking-tight">
            Run summary
          </h2>
          <p className="text-lg text-slate-400">
            {s.strategy}, lock {s.lock}
            {s.lock === "none" ? "" : `, waiters ${s.waiters}, on lock error ${s.onLockError}`}, {s.instances} instance(s), seed {s.seed} ·{" "}
            {report.stopped ? describeStop(report.stopped) : `${(report.durationMs / 1000).toFixed(1)} s`}
          </p>
        </div>
        <div className="flex gap-3">
          <DownloadButton testId="download-json" onClick={() => download(`${base}.json`, "application/json", JSON.stringify(report, null, 2))}>
            Download JSON
          </DownloadButton>
          <DownloadButton testId="download-csv" onClick={() => download(`${base}.csv`, "text/csv", ticksToCsv(report.ticks))}>
            Download CSV
          </DownloadButton>
        </div>
      </header>

      <div data-testid="run-verdict" data-tone={verdict.tone} className={`flex items-start gap-4 rounded-2xl border-2 px-6 py-4 ${tone.box}`}>
        <span aria-hidden className="mt-1 flex size-12 shrink-0 items-center justify-center rounded-full bg-slate-950/50 text-3xl font-black">
          {tone.mark}
        </span>
        <div className="flex flex-col gap-1">
          {report.stopped && (
            <p data-testid="summary-stopped" className="text-xl font-bold text-amber-200">
              {capitalize(describeStop(report.stopped))}
              {report.stopped.atMs < s.durationMs
                ? `, before the scenario's ${(s.durationMs / 1000).toFixed(1)} s were up: these numbers cover the run until then.`
                : ", while its last requests drained."}
            </p>
          )}
          <p className="text-sm font-semibold uppercase tracking-[0.2em] text-slate-300">
            Verdict · {tone.title}
          </p>
          <p className="text-2xl font-bold">{verdict.reads}</p>
          {verdict.writes && <p className={`text-xl font-semibold ${verdict.writesLost ? "text-rose-200" : "text-slate-200"}`}>{verdict.writes}</p>}
          {report.violations[0] && (
            <p data-testid="run-violation" className="text-xl font-semibold text-rose-200">
              {describeViolation(report.violations[0])}
              {report.violations.length > 1 && ` (and ${report.violations.length - 1} more)`}
            </p>
          )}
        </div>
      </div>

      {runtime.distorted && (
        <p role="alert" data-testid="run-distorted" className="rounded-2xl border-2 border-amber-400 bg-amber-950/50 px-6 py-3 text-xl font-semibold text-amber-100">
          ⚠ Distorted: this machine fell behind (lag above {runtime.distortionLimitMs} ms) — latencies and timeouts include the lab&apos;s own delay.
        </p>
      )}

      <div className="grid gap-3 sm:grid-cols-2 xl:grid-cols-5">
        <Headline label={plainLabel("maxDbReadsPerEpisode")} value={report.maxDbReadsPerEpisode} tone={verdict.tone === "stampede" ? "bad" : "plain"} testId="headline-max-db-reads" />
        <Headline label={plainLabel("requests.total")} value={r.total} testId="headline-requests" />
        <Headline label="served a value" value={percent(served, r.total)} tone={served < r.total / 2 ? "bad" : "plain"} testId="headline-served" />
        <Headline label={plainLabel("latencyMs.p99")} value={lat.p99 === null ? "—" : `${lat.p99} ms`} testId="headline-p99" />
        <Headline label={plainLabel("locks.safetyViolations")} value={locks.safetyViolations} tone={locks.safetyViolations > 0 ? "bad" : "plain"} testId="headline-violations" />
      </div>

      <div className="grid gap-4 lg:grid-cols-2 2xl:grid-cols-3">
        <Card title="Requests">
          <OutcomeBar requests={r} />
          <Figures
            rows={[
              ["total", r.total],
              ["hit", withPct(r.hits, r.total), OUTCOME_COLORS.hit],
              ["miss", withPct(r.misses, r.total), OUTCOME_COLORS.miss],
              ["stale", withPct(r.staleServed, r.total), OUTCOME_COLORS.stale],
              ["error", withPct(r.errors, r.total), OUTCOME_COLORS.error],
              ["timeout", withPct(r.timeouts, r.total), OUTCOME_COLORS.timeout],
            ]}
            testId="summary-requests"
          />
        </Card>

        <Card title="Latency (answered requests)">
          <Figures
            rows={[
              ["p50", ms(lat.p50)],
              ["p95", ms(lat.p95)],
              ["p99", ms(lat.p99)],
              ["max", ms(lat.max)],
            ]}
            testId="summary-latency"
          />
        </Card>

        <Card title="Database" tag={<SimulatedTag title={DATABASE_MODEL} testId="summary-db-simulated" />}>
          <p className="text-base leading-snug text-slate-400">
            A capacity model, not a real database: each read takes {s.db.readLatencyMs} ms, {s.db.capacity} at a time, and up to {s.db.queueLimit} more wait in line.
          </p>
          <Figures
            rows={[
              ["reads", db.reads],
              ["writes", db.writes],
              ["peak in flight", `${db.peakInFlight} (capacity ${s.db.capacity})`],
              ["rejected", db.rejected],
              ["timed out", db.timedOut],
              ["reads outside any episode", db.readsOutsideEpisodes],
              // The safety lab's figures, when the run did protected work (older reports lack them).
              ...(db.lockedWrites || db.staleWritesRejected || db.staleWritesAccepted
                ? ([
                    ["locked writes", db.lockedWrites],
                    ["counter increase", db.counterIncrease],
                    ["lost updates", db.lostUpdates, db.lostUpdates > 0 ? OKABE_ITO.vermillion : undefined],
                    ["stale writes refused (fencing)", db.staleWritesRejected],
                    ["stale writes accepted", db.staleWritesAccepted, db.staleWritesAccepted > 0 ? OKABE_ITO.vermillion : undefined],
                  ] as FigureRow[])
                : []),
            ]}
            testId="summary-db"
          />
        </Card>

        <Card title="Episodes">
          <Figures
            rows={[
              ["episodes", report.episodeCount],
              ["most DB reads in one", report.maxDbReadsPerEpisode],
            ]}
            testId="summary-episodes"
          />
          {report.episodes.length > 0 && (
            <ul className="mt-2 flex flex-col gap-0.5 font-mono text-base text-slate-300">
              {report.episodes.slice(0, 5).map((e, i) => (
                <li key={i}>
                  {e.key}: t = {(e.startMs / 1000).toFixed(2)}–{e.endMs === null ? "never closed" : `${(e.endMs / 1000).toFixed(2)} s`}, {e.dbReads} read(s)
                </li>
              ))}
              {report.episodes.length > 5 && <li className="text-slate-500">… and {report.episodes.length - 5} more</li>}
            </ul>
          )}
        </Card>

        <Card title="Locks">
          <Figures
            rows={[
              ["attempts", locks.attempts],
              ["acquired", locks.acquired],
              ["contended", locks.contended],
              ["failed", locks.failed],
              ...roundRows(report),
              ["max holders at once", locks.maxHoldersAtOnce],
              ["safety violations", locks.safetyViolations, locks.safetyViolations > 0 ? OKABE_ITO.vermillion : undefined],
              ...(locks.safetyViolations > 0 && locks.violationsByKind
                ? Object.entries(locks.violationsByKind)
                    .filter(([, n]) => n > 0)
                    .map(([kind, n]): FigureRow => [`· ${VIOLATION_WORDS[kind as ViolationKind] ?? kind}`, n])
                : []),
              ...(locks.pauses && locks.pauses.taken > 0
                ? ([
                    ["holder pauses", locks.pauses.taken],
                    ["pauses that outlived the lock", locks.pauses.outlivedValidity, locks.pauses.outlivedValidity > 0 ? OKABE_ITO.vermillion : undefined],
                  ] as FigureRow[])
                : []),
              ["most values on the nodes at once (observer)", locks.observed?.maxDistinctHolders ?? "—"],
            ]}
            testId="summary-locks"
          />
        </Card>

        {writes.acknowledged + writes.failed > 0 && (
          <Card title="Writes">
            <Figures
              rows={[
                ["acknowledged", writes.acknowledged],
                ["persisted", writes.persisted],
                ["pending", writes.pending],
                ["lost", writes.lost, writes.lost > 0 ? OKABE_ITO.vermillion : undefined],
                ["failed", writes.failed],
              ]}
              testId="summary-writes"
            />
          </Card>
        )}

        <Card title="Cache: the node's own count vs the engine's">
          <div data-testid="summary-cache" className="grid grid-cols-[auto_1fr_1fr] items-baseline gap-x-5 gap-y-1 text-lg">
            <span />
            <span className="text-sm font-semibold uppercase tracking-wider text-slate-500">cache node INFO</span>
            <span className="text-sm font-semibold uppercase tracking-wider text-slate-500">engine</span>
            <span className="text-slate-400">found</span>
            <span className="font-mono text-2xl font-bold tabular-nums" data-testid="cache-keyspace-hits">
              {cacheNode?.info ? cacheNode.info.keyspaceHits : "—"}
            </span>
            <span className="font-mono text-2xl font-bold tabular-nums" data-testid="cache-engine-found">
              {report.cache.found}
            </span>
            <span className="text-slate-400">not found</span>
            <span className="font-mono text-2xl font-bold tabular-nums">{cacheNode?.info ? cacheNode.info.keyspaceMisses : "—"}</span>
            <span className="font-mono text-2xl font-bold tabular-nums">{report.cache.reads - report.cache.found}</span>
            <span className="text-slate-400">lookups</span>
            <span className="font-mono text-2xl font-bold tabular-nums">{cacheNode?.info ? cacheNode.info.keyspaceHits + cacheNode.info.keyspaceMisses : "—"}</span>
            <span className="font-mono text-2xl font-bold tabular-nums">{report.cache.reads} GETs</span>
          </div>
          <p className="mt-2 text-base text-slate-400">
            {cacheNode?.info
              ? cacheNode.info.keyspaceHits === report.cache.found
                ? "✓ The node's keyspace hits equal the engine's found GETs: an independent witness agrees."
                : "The node counts every key lookup (fills and lock checks included), the engine only its GETs."
              : "The cache node's INFO could not be read at the end of the run (it was down)."}
          </p>
        </Card>

        <Card title="This machine">
          <Figures
            rows={[
              ["event-loop lag max", ms(runtime.eventLoopLagMaxMs)],
              ["arrival lag max", ms(runtime.arrivalLagMaxMs)],
              ["distorted", runtime.distorted ? `yes (limit ${runtime.distortionLimitMs} ms)` : "no", runtime.distorted ? SERIES_YELLOW : undefined],
              ["cores", report.provenance.cores],
            ]}
            testId="summary-runtime"
          />
        </Card>
      </div>
    </section>
  );
});

type FigureRow = [string, ReactNode, string?];

const VIOLATION_WORDS: Record<ViolationKind, string> = {
  "two-holders": "two holders at once",
  "write-after-validity": "write after the lock ran out",
  "write-out-of-token-order": "an older holder's write after a newer one's",
};

/** One violation in a sentence: the server's own words when it gave them. */
function describeViolation(v: SafetyViolation): string {
  if (v.detail) return v.detail;
  const at = `t = ${(v.at / 1000).toFixed(2)} s`;
  switch (v.kind ?? "two-holders") {
    case "two-holders":
      return `${v.first.holder} and ${v.second.holder} held ${v.resource} at once (${at}).`;
    case "write-after-validity":
      return `${v.first.holder} wrote after its lock on ${v.resource} ran out; ${v.second.holder} held it (${at}).`;
    case "write-out-of-token-order":
      return `${v.first.holder}'s write landed after ${v.second.holder}'s, although its grant was older (${at}).`;
  }
}

function withPct(part: number, whole: number): string {
  return `${part} (${percent(part, whole)})`;
}

function ms(value: number | null): string {
  return value === null ? "—" : `${value} ms`;
}

function Headline({ label, value, tone = "plain", testId }: { label: string; value: ReactNode; tone?: "plain" | "bad"; testId: string }) {
  return (
    <div className={`flex flex-col rounded-2xl border-2 px-5 py-3 ${tone === "bad" ? "border-rose-500/70 bg-rose-950/40" : "border-slate-800 bg-slate-900/60"}`}>
      <span data-testid={testId} className="font-mono text-4xl font-black tabular-nums">
        {value}
      </span>
      <span className="text-base text-slate-400">{label}</span>
    </div>
  );
}

function Card({ title, tag, children }: { title: string; tag?: ReactNode; children: ReactNode }) {
  return (
    <div className="flex flex-col gap-2 rounded-2xl border border-slate-800 bg-slate-900/50 px-5 py-4">
      <h3 className="text-sm font-semibold uppercase tracking-[0.2em] text-slate-400">
        {title}
        {tag}
      </h3>
      {children}
    </div>
  );
}

function Figures({ rows, testId }: { rows: FigureRow[]; testId: string }) {
  return (
    <dl data-testid={testId} className="grid grid-cols-[minmax(0,1fr)_auto] gap-x-6 gap-y-1 text-lg">
      {rows.map(([label, value, color]) => (
        <div key={label} className="contents">
          <dt className="flex items-center gap-2 text-slate-400">
            {color && <span aria-hidden className="inline-block size-3 rounded-sm" style={{ background: color }} />}
            {label}
          </dt>
          <dd data-field={label} className="text-right font-mono text-xl font-semibold tabular-nums">
            {value}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function OutcomeBar({ requests: r }: { requests: Report["requests"] }) {
  if (r.total === 0) return null;
  const parts: Array<[string, number, string]> = [
    ["hit", r.hits, OUTCOME_COLORS.hit],
    ["stale", r.staleServed, OUTCOME_COLORS.stale],
    ["miss", r.misses, OUTCOME_COLORS.miss],
    ["error", r.errors, OUTCOME_COLORS.error],
    ["timeout", r.timeouts, OUTCOME_COLORS.timeout],
  ];
  return (
    <div aria-hidden className="flex h-4 w-full overflow-hidden rounded-full bg-slate-800">
      {parts.map(([name, n, color]) => (n > 0 ? <span key={name} style={{ width: `${(100 * n) / r.total}%`, background: color }} /> : null))}
    </div>
  );
}

function DownloadButton({ children, onClick, testId }: { children: ReactNode; onClick(): void; testId: string }) {
  return (
    <button
      type="button"
      data-testid={testId}
      onClick={onClick}
      className="rounded-lg border-2 border-slate-600 bg-slate-800 px-4 py-2 text-lg font-semibold text-slate-100 hover:bg-slate-700"
    >
      ⬇ {children}
    </button>
  );
}

/** Saves text as a file through a temporary object URL. */
function download(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
