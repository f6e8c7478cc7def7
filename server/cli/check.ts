/**
 * The words of `--check`: one beat's expects, each ✓ or ✗ with the report's value, and a
 * rehearsal's ✓/✗ table. Pure text, so the CLI prints what the page shows.
 */
import { DISTORTED_HINT, formatValue, plainClaim, type ExpectResult } from "../../lib/expect";
import type { RehearsalBeatResult, RehearsalState } from "../../lib/protocol";

/** `✓ maxDbReadsPerEpisode == 1 — most DB reads in one episode = 1 (actual 1)`, one line per claim. */
export function formatExpectLines(results: readonly ExpectResult[]): string[] {
  return results.map((r) => {
    const actual = r.error ? r.error : `actual ${formatValue(r.actual)}`;
    return `${r.ok ? "✓" : "✗"} ${r.claim} — ${plainClaim(r.claim)} (${actual})`;
  });
}

/** The check of one beat: its lines, and the hint about lag when a claim failed on a distorted run. */
export function formatBeatCheck(label: string, results: readonly ExpectResult[], distorted: boolean): string {
  const failed = results.filter((r) => !r.ok);
  const lines = [`${label}: ${results.length === 0 ? "no expects to check" : failed.length === 0 ? `all ${results.length} expect(s) hold` : `${failed.length} of ${results.length} expect(s) failed`}`];
  lines.push(...formatExpectLines(results).map((line) => `  ${line}`));
  if (failed.length > 0 && distorted) lines.push(`  ⚠ ${DISTORTED_HINT}`);
  return lines.join("\n");
}

const STATUS_MARK: Record<RehearsalBeatResult["status"], string> = { passed: "✓", failed: "✗", error: "✗", stopped: "–" };

/** One row per beat: mark, preset, beat, title, and for a beat that failed what failed. */
export function formatRehearsalTable(state: RehearsalState): string {
  const idWidth = Math.max(6, ...state.beats.map((b) => b.presetId.length));
  const rows = state.beats.map((b) => {
    const head = `${STATUS_MARK[b.status]} ${b.presetId.padEnd(idWidth)} ${String(b.beat).padStart(2)}  ${b.title}`;
    const failed = b.status === "failed" ? b.results.filter((r) => !r.ok) : [];
    const detail = [
      ...(b.message ? [`    ${b.message}`] : []),
      ...formatExpectLines(failed).map((line) => `    ${line}`),
      ...(failed.length > 0 && b.distorted ? [`    ⚠ ${DISTORTED_HINT}`] : []),
    ];
    return [head, ...detail].join("\n");
  });
  const passed = state.beats.filter((b) => b.status === "passed").length;
  const missing = state.total - state.beats.length;
  const footer = `${passed} of ${state.total} beat(s) made their point${missing > 0 ? ` (${missing} not played: the rehearsal ${state.status})` : ""}`;
  return [`  ${"preset".padEnd(idWidth)} beat`, ...rows, footer].join("\n");
}
