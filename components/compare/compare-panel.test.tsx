import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { findPreset, presetScenario } from "@/lib/presets";
import type { WireRunState } from "@/lib/protocol";
import type { PreviousRun } from "@/lib/recording";
import type { Report } from "@/lib/report";
import { parseScenario, type Scenario } from "@/lib/scenario";
import { emptyFrame } from "@/lib/testing/frames";
import { ComparePanel } from "./compare-panel";
import { XfetchPanel } from "./xfetch-panel";

function beat(presetId: string, n: number): Scenario {
  const parsed = parseScenario(presetScenario(findPreset(presetId)!, n));
  if (!parsed.ok) throw new Error(`${presetId} beat ${n} does not parse`);
  return parsed.scenario;
}

function report(scenario: Scenario, reads: number, p99: number, extra: Partial<Report> = {}): Report {
  return {
    scenario,
    requests: { total: 3000, hits: 3000 - reads, misses: reads, staleServed: 0, errors: 0, timeouts: 0 },
    latencyMs: { p50: 10, p95: 100, p99, max: p99 },
    db: { reads, writes: 0, peakInFlight: 20, rejected: 0, timedOut: 0, readsOutsideEpisodes: 0, lockedWrites: 0, counterIncrease: 0, lostUpdates: 0, staleWritesRejected: 0, staleWritesAccepted: 0 },
    episodes: [{ key: "user:profile:0", startMs: 1000, endMs: 1300, dbReads: reads }],
    episodeCount: 1,
    maxDbReadsPerEpisode: reads,
    locks: { attempts: 0, acquired: 0, failed: 0, contended: 0, maxHoldersAtOnce: 0, safetyViolations: 0 },
    writes: { acknowledged: 0, failed: 0, persisted: 0, pending: 0, lost: 0 },
    cache: { reads: 3000, found: 3000 - reads, fills: 1, writeFailures: 0 },
    ticks: [emptyFrame(0, { dbReads: reads }), emptyFrame(100)],
    ...extra,
  } as unknown as Report;
}

function text(html: string): string {
  return html.replace(/<!-- -->/g, "").replace(/<[^>]+>/g, " ").replace(/&#x27;/g, "'").replace(/\s+/g, " ");
}

const stampede = beat("saturday-morning", 1);
const ticket = beat("saturday-morning", 2);
const previous: PreviousRun = { runId: 4, meta: { presetId: "saturday-morning", beat: 1 }, report: report(stampede, 2999, 1200) };
const finished: WireRunState = { status: "finished", runId: 5, scenario: ticket, meta: { presetId: "saturday-morning", beat: 2 }, startedAt: 0, endedAt: 6000 };

describe("ComparePanel", () => {
  it("offers the comparison once there is a previous run, naming both runs by their beat", () => {
    const html = renderToString(<ComparePanel previous={previous} run={finished} frames={[]} report={report(ticket, 1, 368)} />);
    expect(html).toContain('data-testid="compare-toggle"');
    expect(text(html)).toContain("Compare with the previous run");
    expect(text(html)).toMatch(/beat 1 · The stampede \(earlier\)/);
    expect(text(html)).toMatch(/beat 2 · One ticket at the door \(this run\)/);
    // Closed: no charts drawn yet.
    expect(html).not.toContain('data-testid="compare-charts"');
  });

  it("open: what changed, every chart with both runs, and the two summaries with the difference", () => {
    const html = renderToString(<ComparePanel previous={previous} run={finished} frames={[]} report={report(ticket, 1, 368)} initiallyOpen />);
    const t = text(html);
    expect(t).toContain("What changed: lock: none → redlock · waiters: fail-fast → poll");
    for (const id of ["requests", "hit-ratio", "db-reads", "db-inflight", "latency", "locks"]) expect(html).toContain(`data-testid="compare-chart-${id}"`);
    expect(html).toMatch(/data-testid="compare-row-db-reads".*?data-run="previous"[^>]*>2,999<.*?data-run="current"[^>]*>1<.*?data-run="difference" data-judgement="better"[^>]*>−2,998/);
    expect(html).toMatch(/data-testid="compare-row-p99".*?>1,200 ms<.*?>368 ms<.*?>−832 ms/);
    expect(t).toContain("verdict: stampede");
    // No XFetch in either run: no theory panel.
    expect(html).not.toContain('data-testid="xfetch-panel"');
  });

  it("live: this run's column waits for its report", () => {
    const running: WireRunState = { status: "running", runId: 5, scenario: ticket, meta: { presetId: "saturday-morning", beat: 2 }, startedAt: 0 };
    const html = renderToString(<ComparePanel previous={previous} run={running} frames={[emptyFrame(0)]} report={null} initiallyOpen />);
    expect(text(html)).toMatch(/beat 2 · One ticket at the door \(running\)/);
    expect(text(html)).toContain("after the run");
    expect(text(html)).toContain("running…");
  });

  it("has nothing to show without a previous run, when idle, or when the previous run is this one", () => {
    expect(renderToString(<ComparePanel previous={null} run={finished} frames={[]} report={null} />)).toBe("");
    expect(renderToString(<ComparePanel previous={previous} run={{ status: "idle" }} frames={[]} report={null} />)).toBe("");
    expect(renderToString(<ComparePanel previous={{ ...previous, runId: 5 }} run={finished} frames={[]} report={null} />)).toBe("");
  });

  it("shows the earlier run's XFetch theory when that run had XFetch on", () => {
    const early = beat("xfetch", 1);
    const before: PreviousRun = { runId: 8, meta: { presetId: "xfetch", beat: 1 }, report: report(early, 6, 44) };
    const now: WireRunState = { status: "finished", runId: 9, scenario: beat("xfetch", 2), meta: { presetId: "xfetch", beat: 2 }, startedAt: 0, endedAt: 8000 };
    const html = renderToString(<ComparePanel previous={before} run={now} frames={[]} report={report(beat("xfetch", 2), 3, 288)} initiallyOpen />);
    expect(html).toContain('data-testid="xfetch-panel"');
    expect(text(html)).toContain("beat 1 · Early refresh");
  });
});

describe("XfetchPanel", () => {
  const scenario = beat("xfetch", 1);

  it("draws the expected early-refresh point and recomputes beside the measured ones", () => {
    const measured = report(scenario, 2, 44, {
      episodes: [],
      episodeCount: 0,
      db: { ...report(scenario, 2, 44).db, readsOutsideEpisodes: 2 },
      cache: { reads: 3000, found: 3000, fills: 2, writeFailures: 0 },
      ticks: [emptyFrame(1000, { dbReads: 1 }), emptyFrame(1200, { cacheFills: 1 }), emptyFrame(2300, { dbReads: 1 }), emptyFrame(2500, { cacheFills: 1 })],
    });
    const html = renderToString(<XfetchPanel scenario={scenario} report={measured} />);
    const t = text(html);
    expect(t).toContain("β = 1, δ = 200 ms");
    expect(t).toContain("r = 400 requests/s");
    // β·δ·ln(r·β·δ) = 200 · ln 80 ≈ 876 ms; the mean, on a 2 s life, ≈ 987 ms.
    expect(t).toMatch(/most likely 876 ms \(β·δ·ln\(r·β·δ\)\)\s?, on average 987 ms/);
    expect(t).toMatch(/on average 987 ms \(± 246 ms from cycle to cycle\)/);
    expect(t).toMatch(/on average 925 ms \(2 refreshes, 900 ms to 950 ms, to the 100 ms tick\)/);
    expect(t).toMatch(/under 1 in a million/);
    expect(t).toMatch(/0 episodes in 2 cycles/);
    expect(html).toMatch(/data-testid="xfetch-expected-recomputes"[^>]*>.*?>1</);
    expect(t).toMatch(/1 \(2 DB reads in 2 cycles\)/);
  });

  it("before the report, only the theory; for a crowd the formula does not fit, the reason", () => {
    expect(text(renderToString(<XfetchPanel scenario={scenario} report={null} />))).toContain("after the run");
    const burst = { ...scenario, crowd: { ...scenario.crowd, profile: "sneaker-drop" as const } };
    const html = renderToString(<XfetchPanel scenario={burst} report={null} />);
    expect(html).toContain('data-testid="xfetch-no-theory"');
    expect(text(html)).toContain("needs a steady stream of requests");
  });
});
