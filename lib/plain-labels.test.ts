import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PLAIN_LABELS, plainLabel, plainWords } from "./plain-labels";
import type { Report } from "./report";

/** Every numeric leaf of a report, as a dotted path (lists left out). */
function numberPaths(value: unknown, prefix = ""): string[] {
  if (typeof value === "number") return [prefix];
  if (typeof value !== "object" || value === null || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([key, item]) => numberPaths(item, prefix ? `${prefix}.${key}` : key));
}

describe("plain labels", () => {
  const report = JSON.parse(readFileSync(new URL("./testing/reports/no-quorum-fail-open.json", import.meta.url), "utf8")) as Report;

  it("every figure of the run a room may be told about has a plain label, and no label is a field name", () => {
    const figures = numberPaths({ requests: report.requests, latencyMs: report.latencyMs, db: report.db, episodeCount: report.episodeCount, maxDbReadsPerEpisode: report.maxDbReadsPerEpisode, locks: { ...report.locks, observed: undefined }, writes: report.writes });
    for (const path of figures) expect(PLAIN_LABELS[path], path).toBeTruthy();
    for (const label of Object.values(PLAIN_LABELS)) expect(label).not.toMatch(/[a-z][A-Z]|\w\.\w/);
  });

  it("rewrites a watch line or a claim in plain words, longest names first", () => {
    expect(plainWords("maxDbReadsPerEpisode and db.rejected")).toBe("most DB reads in one episode and DB queries refused");
    expect(plainWords("db.readsOutsideEpisodes > 0 and few or no episodes.")).toBe("DB reads outside any episode > 0 and few or no episodes.");
    expect(plainWords("requests.errors next to db.reads = 1")).toBe("requests that ended in an error next to DB reads = 1");
    expect(plainWords("the lock grid: two rows down")).toBe("the lock grid: two rows down");
    expect(plainWords("readsOutsideEpisodes")).toBe("DB reads outside any episode");
    expect(plainWords("requests.staleServed and latency p99")).toBe("requests served the old copy and latency p99");
    expect(plainLabel("locks.violationsByKind.two-holders")).toBe("two holders at once");
    expect(plainLabel("unknown.path")).toBe("unknown.path");
  });
});
