/**
 * The event log of a real run that loses its lock quorum: ioredis refuses every command to the
 * crashed nodes ("Stream isn't writeable …", many per tick), and the log a room sees says so in one
 * counted line per node, in plain words, updated in place.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LogEntry } from "../../lib/log";
import { TEST_PORTS_PER_SLOT } from "../nodes/test-ports";
import { LabController } from "./controller";
import type { Report } from "./report";
import { scenario, startRealLab, type RealLab } from "./testing/real-lab";

let lab: RealLab;

// The upper half of slot 24 (the observer file has its lower half): six nodes, no proxies.
beforeAll(async () => {
  lab = await startRealLab(24, 5, { offset: TEST_PORTS_PER_SLOT / 2 });
});

afterAll(async () => {
  await lab?.stop();
});

describe("the event log of a run with three lock nodes crashed", () => {
  it("folds the driver's refusals into one line per node with a count, and quotes no driver message", async () => {
    const sent: LogEntry[] = [];
    let resolveReport: (report: Report) => void = () => undefined;
    const finished = new Promise<Report>((resolve) => (resolveReport = resolve));
    const controller = new LabController(lab.nodes, { onLog: (entry) => sent.push(entry), onReport: (_runId, report) => resolveReport(report) });
    try {
      const { runId } = await controller.start(
        scenario({
          instances: 2,
          lock: "redlock",
          lockNodes: 5,
          waiters: "poll",
          durationMs: 2500,
          crowd: { profile: "sneaker-drop", clients: 200, expireAtMs: 600, arrivalMs: 300, patienceMs: 1500 },
          faults: (["lock-3", "lock-4", "lock-5"] as const).map((node) => ({ atMs: 100, node, action: "crash" as const })),
        }),
      );
      const report = await finished;
      const why = JSON.stringify({ locks: report.locks, notes: report.notes });
      expect(report.locks.failed, why).toBeGreaterThan(0);

      const log = controller.history().log;
      const unreachable = log.filter((e): e is Extract<LogEntry, { event: "unreachable" }> => e.kind === "node" && e.event === "unreachable");
      // One line per crashed node, each ended with its final count; the live nodes have none.
      expect(unreachable.map((e) => e.node).sort(), why).toEqual(["lock-3", "lock-4", "lock-5"]);
      for (const line of unreachable) {
        expect(line.ended, line.text).toBe(true);
        expect(line.refused, line.text).toBeGreaterThan(0);
        expect(line.id.startsWith(`run-${runId}:`), line.id).toBe(true);
        expect(line.text).toMatch(new RegExp(`^${line.node} unreachable for \\d+\\.\\d s — ${line.count.toLocaleString("en-US")} commands? refused`));
      }
      // The page was sent each line a few times at most (its count updated in place), not once per tick.
      const sentPerNode = new Map<string, number>();
      for (const e of sent) if (e.kind === "node" && e.event === "unreachable") sentPerNode.set(e.node, (sentPerNode.get(e.node) ?? 0) + 1);
      for (const [node, times] of sentPerNode) expect(times, node).toBeLessThanOrEqual(Math.ceil(report.durationMs / 1000) + 2);
      // Failed attempts fold the same way: a line per reason, not one per tick.
      const failing = log.filter((e) => e.kind === "lock" && e.event === "failed");
      expect(failing.length, why).toBeGreaterThan(0);
      expect(failing.length, why).toBeLessThanOrEqual(3);
      for (const entry of sent) expect(entry.text, entry.text).not.toMatch(/writeable|enableOfflineQueue|\b[A-Z]\w*Error\b/);
    } finally {
      controller.dispose();
    }
  }, 60_000);
});
