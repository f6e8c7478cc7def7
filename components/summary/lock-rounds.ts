import type { Report } from "@/lib/report";

/**
 * A Redis lock's rounds beside its attempts, as the run summary lists them: Redlock's in-process
 * coalescing answers most attempts without a round of their own. Reports saved before rounds were
 * counted (old recordings) have none to show.
 */
export function roundRows(report: Pick<Report, "locks" | "scenario">): Array<[string, number]> {
  const { locks, scenario } = report;
  if (locks.rounds === undefined || (scenario.lock !== "redlock" && scenario.lock !== "single-redis")) return [];
  if (scenario.lock === "single-redis") return [["lock rounds (lock-1)", locks.rounds]];
  return [
    ["Redlock rounds", locks.rounds],
    [scenario.redlock.coalesce === false ? "answered in-process (coalescing off)" : "answered in-process", locks.answeredInProcess ?? 0],
  ];
}
