import { describe, expect, it } from "vitest";
import { logEntry, type LogEntry } from "@/lib/log";
import { upgradeLegacyEntry } from "@/lib/log-legacy";
import { annotationsFrom, entriesOfRun, labelOf } from "./annotations";

const fault = (atMs: number, action: Parameters<typeof logEntry.fault.action>[0]["action"], target: { node: string } | { instance: number }, extra: { failed?: string; byHand?: boolean } = {}) =>
  logEntry.fault.action({ atMs, action, ...target, byHand: extra.byHand ?? false, ...(extra.failed !== undefined ? { failed: extra.failed } : {}) });
const changed = (atMs: number, node: string, action: Parameters<typeof logEntry.node.changed>[0]["action"], detail?: string) =>
  logEntry.node.changed({ atMs, node, action, ...(detail ? { detail } : {}) });
const started = (runId: number, extra: { presetId?: string; beat?: number } = {}) => logEntry.run.started({ atMs: 0, runId, ...extra });

describe("labelOf", () => {
  it("names faults, node changes, crowds and expiries briefly, and nothing else", () => {
    expect(labelOf(fault(400, "crash", { node: "lock-2" }))).toBe("lock-2 crash");
    expect(labelOf(fault(400, "start", { node: "lock-1" }, { failed: "port in use" }))).toBe("lock-1 start failed");
    expect(labelOf(fault(400, "crash", { instance: 3 }))).toBe("instance-3 crash");
    expect(labelOf(changed(410, "lock-2", "crash", "SIGKILL"))).toBe("lock-2 crash");
    expect(labelOf(logEntry.fault.action({ atMs: 500, action: "partition", node: "lock-4", instances: [1], byHand: false }, " (instance 1)"))).toBe("lock-4 partition");
    expect(labelOf(fault(0, "pause", { instance: 1 }))).toBe("instance-1 pause");
    expect(labelOf(logEntry.crowd.released({ atMs: 900, clients: 3000, byHand: true }))).toBe("crowd ×3000");
    expect(labelOf(logEntry.fault.expired({ atMs: 1000, key: "user:profile:0", byHand: true }))).toBe("key expired (by hand)");
    expect(labelOf(logEntry.episode.opened({ atMs: 1001, key: "user:profile:0", reason: "expired" }))).toBe("key expired");
    expect(labelOf(logEntry.episode.opened({ atMs: 1001, key: "user:profile:0", reason: "missing" }))).toBeNull();
    expect(labelOf(logEntry.lock.acquired({ atMs: 1200, holder: "instance-1/r4", instance: 1, request: 4, resource: "lock:user:profile:0", nodes: [] }))).toBeNull();
    expect(labelOf(started(3))).toBeNull();
  });

  it("draws nothing from a sentence: a note that reads like a fault, or a resumed holder whose lock expired, is no line", () => {
    expect(labelOf(logEntry.note("fault", 400, "crash lock-2"))).toBeNull();
    expect(labelOf(logEntry.note("node", 400, "lock-2 crash"))).toBeNull();
    expect(labelOf(logEntry.instance.resumed({ atMs: 3000, holder: "instance-1/r3", instance: 1, request: 3, resource: "lock:k", pausedMs: 2500, expiredAgoMs: 1700 }))).toBeNull();
    expect(labelOf(logEntry.node.unreachable({ atMs: 500, id: "u", count: 3, lastAtMs: 700, ended: false, node: "lock-2", refused: 3, timedOut: 0, failed: 0, instances: null }))).toBeNull();
  });
});

describe("annotationsFrom", () => {
  it("keeps one line per happening: a fault and its node event are one", () => {
    const lines = annotationsFrom([
      logEntry.fault.expired({ atMs: 1000, key: "the hot key", byHand: false }),
      fault(400, "crash", { node: "lock-2" }),
      changed(420, "lock-2", "crash"),
      logEntry.episode.opened({ atMs: 1003, key: "user:profile:0", reason: "expired" }),
      changed(5000, "lock-2", "crash"),
    ]);
    expect(lines).toEqual([
      { atMs: 400, label: "lock-2 crash" },
      { atMs: 1000, label: "key expired" },
      { atMs: 5000, label: "lock-2 crash" },
    ]);
  });
});

describe("annotationsFrom, one action on several nodes", () => {
  it("is one line naming them all, its fault notes and node events merged", () => {
    const lines = annotationsFrom([
      fault(0, "pause", { instance: 1 }),
      ...["lock-4", "lock-5", "lock-1", "lock-2"].flatMap((node, i) => [fault(505 + i, "partition", { node }), changed(506 + i, node, "partition", "instance 1")]),
      fault(2000, "restart", { node: "lock-3" }),
      fault(2100, "crash", { node: "lock-4" }),
      logEntry.crowd.released({ atMs: 2200, clients: 3000, byHand: true }),
      logEntry.fault.expired({ atMs: 2300, key: "user:profile:0", byHand: true }),
    ]);
    expect(lines).toEqual([
      { atMs: 0, label: "instance-1 pause" },
      { atMs: 505, label: "lock-1,2,4,5 partition" },
      { atMs: 2000, label: "lock-3 restart" },
      { atMs: 2100, label: "lock-4 crash" },
      { atMs: 2200, label: "crowd ×3000" },
      { atMs: 2300, label: "key expired (by hand)" },
    ]);
  });
});

describe("entriesOfRun", () => {
  const log: LogEntry[] = [
    started(1),
    fault(400, "crash", { node: "lock-2" }),
    logEntry.run.ended({ atMs: 2000, runId: 1 }),
    changed(0, "lock-2", "start"),
    started(2, { presetId: "redlock-holds", beat: 1 }),
    fault(500, "crash", { node: "lock-4" }),
  ];

  it("takes the lines from the run's start line to its end line", () => {
    expect(entriesOfRun(log, 1).map((e) => e.text)).toEqual(["run 1 started", "crash lock-2", "run 1 ended"]);
    expect(entriesOfRun(log, 2).map((e) => e.text)).toEqual(["run 2 started: redlock-holds, beat 1", "crash lock-4"]);
  });

  it("does not mistake run 1 for run 12, and has nothing without a run", () => {
    expect(entriesOfRun([started(12), fault(5, "crash", { node: "lock-1" })], 1).length).toBe(2);
    expect(entriesOfRun(log, null)).toEqual([]);
  });

  it("ends a run at its failure line", () => {
    const failedRun = [started(3), fault(100, "crash", { node: "lock-1" }), logEntry.run.failed({ atMs: 0, runId: 3, message: "no nodes" }), changed(0, "lock-1", "start")];
    expect(entriesOfRun(failedRun, 3)).toHaveLength(3);
  });
});

describe("the annotations read fields, never the text", () => {
  // One run with every kind of line the charts draw, and lines they must not.
  const run: LogEntry[] = [
    logEntry.run.note(0, "world reset: every node up, every path open"),
    started(7, { presetId: "redlock-holds", beat: 2 }),
    logEntry.run.note(0, "warm-up done: 1000 key(s) cached"),
    fault(0, "pause", { instance: 1 }),
    ...["lock-4", "lock-5"].flatMap((node, i) => [fault(505 + i, "partition", { node }), changed(506 + i, node, "partition")]),
    fault(900, "start", { node: "lock-3" }, { failed: "port in use" }),
    logEntry.node.unreachable({ atMs: 950, id: "run-7:unreachable:lock-4:1", count: 37, lastAtMs: 1900, ended: true, node: "lock-4", refused: 37, timedOut: 0, failed: 0, instances: [1] }),
    logEntry.lock.failed({ atMs: 960, id: "run-7:lock-failed:x:1", count: 12, lastAtMs: 1500, ended: true, reason: "only 2 of 5 lock nodes answered; 3 needed" }),
    logEntry.episode.opened({ atMs: 1000, key: "user:profile:0", reason: "expired" }),
    logEntry.instance.resumed({ atMs: 1200, holder: "instance-1/r3", instance: 1, request: 3, resource: "lock:k", pausedMs: 1200, expiredAgoMs: 200 }),
    logEntry.crowd.released({ atMs: 1500, clients: 3000, byHand: true }),
    fault(2000, "crash", { instance: 2 }),
    logEntry.fault.expired({ atMs: 2500, key: "user:profile:0", byHand: true }),
    logEntry.run.ended({ atMs: 3000, runId: 7 }),
  ];
  const annotate = (log: LogEntry[]) => annotationsFrom(entriesOfRun([started(6), ...log], 7));

  it("draws the same lines after every sentence is reworded", () => {
    const before = annotate(run);
    expect(before.map((a) => a.label)).toEqual([
      "instance-1 pause",
      "lock-4,5 partition",
      "lock-3 start failed",
      "key expired",
      "crowd ×3000",
      "instance-2 crash",
      "key expired (by hand)",
    ]);
    const reworded = run.map((entry, i) => ({ ...entry, text: `(line ${i}, said differently: expired crash lock-1 run 7 ended)` }) as LogEntry);
    expect(annotate(reworded)).toEqual(before);
    const silent = run.map((entry) => ({ ...entry, text: "" }) as LogEntry);
    expect(annotate(silent)).toEqual(before);
  });

  it("finds the same lines in a version-1 recording's sentences, upgraded on load", () => {
    const old = run.map(({ atMs, kind, text }) => upgradeLegacyEntry({ atMs, kind, text }));
    expect(annotate(old)).toEqual(annotate(run));
  });
});
