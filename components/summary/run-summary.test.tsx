import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { Report } from "@/lib/report";
import { defaultScenario } from "@/lib/scenario";
import { sampleReport } from "@/lib/testing/report";
import { RunSummary } from "./run-summary";

/** The shared calm Redlock report, as the summary draws it for a redlock run with polling waiters. */
function report(overrides: Partial<Report> = {}): Report {
  return sampleReport({ scenario: { ...defaultScenario(), lock: "redlock", waiters: "poll" }, ...overrides });
}

function text(html: string): string {
  return html.replace(/<!-- -->/g, "").replace(/<[^>]+>/g, " ").replace(/&#x27;/g, "'").replace(/\s+/g, " ");
}

describe("RunSummary", () => {
  it("a stopped run says when and by whom, not just how long it took", () => {
    // A quiet run stopped at 1.5 s: the verdict does not call it quiet, the summary says it stopped.
    const quiet = report({ durationMs: 1520, stopped: { atMs: 1500, by: "presenter" }, requests: { total: 0, hits: 0, misses: 0, staleServed: 0, errors: 0, timeouts: 0 }, episodes: [], episodeCount: 0, maxDbReadsPerEpisode: 0 });
    const t = text(renderToString(<RunSummary report={quiet} />));
    expect(t).toContain("Stopped at 1.5 s by the presenter, before the scenario's 10.0 s were up: these numbers cover the run until then.");
    expect(t).toContain("stopped at 1.5 s by the presenter");
    expect(t).not.toMatch(/Verdict · Quiet/);
    expect(t).toContain("NO RESULT — the run was stopped at 1.5 s by the presenter: no client arrived.");
    // Stopped while draining, after the scenario's arrivals were over.
    const late = text(renderToString(<RunSummary report={report({ stopped: { atMs: 10_400, by: "presenter" } })} />));
    expect(late).toContain("Stopped at 10.4 s by the presenter, while its last requests drained.");
    // A run that ran its course says nothing of the kind.
    const whole = renderToString(<RunSummary report={report()} />);
    expect(whole).not.toContain('data-testid="summary-stopped"');
    expect(text(whole)).toContain("6.0 s");
  });

  it("shows the verdict, the requests with their share, and the cache node's count beside the engine's", () => {
    const html = renderToString(<RunSummary report={report()} />);
    const t = text(html);
    expect(t).toContain("protected — 1 DB read in the episode, and 100.0% of clients served.");
    expect(html).toMatch(/data-testid="run-verdict" data-tone="protected"/);
    expect(t).toContain("2999 (100.0%)");
    expect(t).toContain("1 (0.0%)");
    expect(t).toMatch(/p99 368 ms/);
    expect(html).toMatch(/data-testid="cache-keyspace-hits"[^>]*>2999</);
    expect(html).toMatch(/data-testid="cache-engine-found"[^>]*>2999</);
    expect(t).toContain("independent witness agrees");
    expect(t).not.toContain("Writes");
    expect(t).not.toContain("Distorted");
    expect(html).toContain('data-testid="download-json"');
    expect(html).toContain('data-testid="download-csv"');
  });

  it("shows writes when there were any, lost ones in the verdict, and the distortion warning", () => {
    const html = renderToString(
      <RunSummary
        report={report({
          writes: { acknowledged: 543, failed: 0, persisted: 500, pending: 2, lost: 41 },
          runtime: { eventLoopLagMaxMs: 3032, arrivalLagMaxMs: 2913, distorted: true, distortionLimitMs: 250 },
        })}
      />,
    );
    const t = text(html);
    expect(t).toContain("41 acknowledged write(s) never reached the database.");
    expect(t).toMatch(/lost 41/);
    expect(t).toContain("Distorted: this machine fell behind (lag above 250 ms)");
  });

  it("names a safety violation", () => {
    const html = renderToString(
      <RunSummary
        report={report({
          locks: { ...report().locks, safetyViolations: 1, violationsByKind: { "two-holders": 1, "write-after-validity": 0, "write-out-of-token-order": 0 } },
          violations: [
            {
              resource: "lock:user:profile:0",
              at: 2500,
              first: { holder: "instance-1/r1", value: "a", nodes: ["lock-1", "lock-2", "lock-3"], validUntil: 9000 },
              second: { holder: "instance-3/r9", value: "b", nodes: ["lock-2", "lock-4", "lock-5"], validUntil: 9500 },
            },
          ],
        })}
      />,
    );
    const t = text(html);
    expect(html).toMatch(/data-tone="unsafe"/);
    expect(t).toContain("instance-1/r1 and instance-3/r9 held lock:user:profile:0 at once (t = 2.50 s).");
    expect(t).toContain("two holders at once");
  });

  it("a run that did no work wears the neutral no-result look and says why, never the green one", () => {
    const nodesAtStart = ["cache", "lock-1", "lock-2", "lock-3", "lock-4", "lock-5"].map((id) => ({ id, role: id === "cache" ? "cache" : "lock", state: id === "lock-5" || id === "cache" ? "up" : "crashed", partitioned: false }));
    const html = renderToString(
      <RunSummary
        report={report({
          requests: { total: 3000, hits: 0, misses: 0, staleServed: 0, errors: 0, timeouts: 3000 },
          locks: { ...report().locks, attempts: 900, acquired: 0, failed: 900, contended: 0 },
          nodesAtStart,
        })}
      />,
    );
    const t = text(html);
    expect(html).toMatch(/data-testid="run-verdict" data-tone="no-result" class="[^"]*border-dashed border-zinc-400/);
    expect(t).toContain("Verdict · No result");
    expect(t).toContain("NO RESULT — 4 of 5 lock nodes were down before the run (lock-1, lock-2, lock-3, lock-4)");
    expect(html).not.toMatch(/emerald/);
  });

  it("tags the database figures SIMULATED and says what the model is", () => {
    const html = renderToString(<RunSummary report={report()} />);
    expect(html).toMatch(/data-testid="summary-db-simulated"[^>]*>SIMULATED</);
    const { readLatencyMs, capacity, queueLimit } = report().scenario.db;
    expect(text(html)).toContain(`A capacity model, not a real database: each read takes ${readLatencyMs} ms, ${capacity} at a time, and up to ${queueLimit} more wait in line.`);
    // Plain words only, no report field names.
    expect(text(html)).not.toMatch(/readsOutsideEpisodes|maxDbReadsPerEpisode|db\.rejected/);
  });
});

