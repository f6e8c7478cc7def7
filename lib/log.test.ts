import { describe, expect, it } from "vitest";
import { holderParts, LOG_KINDS, logEntry, logEntrySchema, withLogEntry, type LogEntry } from "./log";

const holder = holderParts("instance-2/r15");
const fold = { id: "run-1:x:1", count: 3, lastAtMs: 900, ended: false };

/** One entry from every factory: what the server sends and a recording keeps. */
const everyFactory: LogEntry[] = [
  logEntry.note("crowd", 1, "a note"),
  logEntry.run.started({ atMs: 0, runId: 1, presetId: "gc-pause", beat: 2 }),
  logEntry.run.ended({ atMs: 10, runId: 1 }),
  logEntry.run.failed({ atMs: 0, runId: 1, message: "no nodes" }),
  logEntry.run.stopped({ atMs: 1500, runId: 1 }),
  logEntry.run.worldReset({ atMs: 0 }),
  logEntry.run.note(0, "warm-up done"),
  logEntry.crowd.released({ atMs: 5, clients: 300, byHand: true }),
  logEntry.fault.action({ atMs: 5, action: "partition", node: "lock-2", instances: [1], byHand: false }, " (instance 1)"),
  logEntry.fault.action({ atMs: 5, action: "pause", instance: 1, ms: 2500, byHand: true, failed: "it has crashed" }),
  logEntry.fault.expired({ atMs: 5, key: "user:profile:0", byHand: true }),
  logEntry.node.changed({ atMs: 5, node: "lock-2", action: "exited", detail: "pid 1 exited" }),
  logEntry.node.persistence({ atMs: 0, node: "lock-3", persistence: "fsync-always" }),
  logEntry.node.pathOpened({ atMs: 9, node: "lock-3" }),
  logEntry.node.pathStuck({ atMs: 9, node: "lock-3", reason: "proxy gone" }),
  logEntry.node.unreachable({ atMs: 5, ...fold, node: "lock-2", refused: 3, timedOut: 0, failed: 0, instances: null }),
  logEntry.lock.acquired({ atMs: 5, ...holder, resource: "lock:k", nodes: ["lock-1"] }),
  logEntry.lock.released({ atMs: 5, ...holder, resource: "lock:k", ok: true }),
  logEntry.lock.failed({ atMs: 5, ...fold, reason: "no quorum" }, "lock-1 unreachable"),
  logEntry.lock.violation({ atMs: 5, violation: "two-holders", resource: "lock:k", holders: ["a", "b"] }, "SAFETY VIOLATION"),
  logEntry.episode.opened({ atMs: 5, key: "k", reason: "missing" }),
  logEntry.episode.closed({ atMs: 5, key: "k", instance: null, dbReads: 1 }),
  logEntry.write.flushed({ atMs: 5, instance: 1, persisted: 3, failed: 1 }),
  logEntry.write.dropped({ atMs: 5, instance: 1, dropped: 3 }),
  logEntry.write.staleRefused({ atMs: 5, ...holder, token: 3, newest: 9 }),
  logEntry.write.staleAccepted({ atMs: 5, ...holder, token: 3, newest: 9 }),
  logEntry.instance.crashed({ atMs: 5, instance: 1, inFlight: 0 }),
  logEntry.instance.paused({ atMs: 5, ...holder, resource: "lock:k", ms: 100, validForMs: 0 }),
  logEntry.instance.resumed({ atMs: 5, ...holder, resource: "lock:k", pausedMs: 100, expiredAgoMs: null }),
  logEntry.heldBack({ atMs: 5, kind: "episode", count: 4, kinds: ["episode", "lock"], windowMs: 250 }),
];

describe("logEntry", () => {
  it("makes entries that travel and load as they are: each factory's output is a valid entry", () => {
    for (const entry of everyFactory) expect(logEntrySchema.parse(JSON.parse(JSON.stringify(entry))), entry.text).toEqual(entry);
    expect(new Set(everyFactory.map((e) => e.kind))).toEqual(new Set(LOG_KINDS));
  });

  it("writes the sentence from the fields", () => {
    expect(everyFactory.find((e) => e.kind === "run" && e.event === "stopped")?.text).toBe("run 1 stopped at 1.5 s by the presenter");
    expect(everyFactory.find((e) => e.kind === "fault" && e.event === "action" && e.failed !== undefined)?.text).toBe("pause instance-1: it has crashed");
    expect(everyFactory.find((e) => e.kind === "node" && e.event === "unreachable")?.text).toBe("lock-2 unreachable — 3 commands refused");
  });

  it("reads the engine's holder names", () => {
    expect(holderParts("instance-2/r15")).toEqual({ holder: "instance-2/r15", instance: 2, request: 15 });
    expect(holderParts("instance-3")).toEqual({ holder: "instance-3", instance: 3, request: null });
  });

  it("accepts a sentence with no fields as a note: the shape older code appends", () => {
    expect(logEntrySchema.parse({ atMs: 0, kind: "run", text: "world reset" })).toEqual({ atMs: 0, kind: "run", text: "world reset" });
    expect(logEntrySchema.safeParse({ atMs: 0, kind: "run", event: "ended", text: "run ended" }).success).toBe(false);
  });
});

describe("withLogEntry", () => {
  const line = (count: number, id = "run-1:unreachable:lock-2:1") =>
    logEntry.node.unreachable({ atMs: 100, id, count, lastAtMs: 100 + count, ended: false, node: "lock-2", refused: count, timedOut: 0, failed: 0, instances: null });

  it("updates a folded line where it stands, appends the rest, and keeps the newest", () => {
    const first = logEntry.run.started({ atMs: 0, runId: 1 });
    let log = withLogEntry([], first, 3);
    log = withLogEntry(log, line(2), 3);
    log = withLogEntry(log, logEntry.note("lock", 150, "later"), 3);
    const before = log;
    log = withLogEntry(log, line(37), 3);
    expect(before[1]).toEqual(line(2));
    expect(log.map((e) => e.text)).toEqual(["run 1 started", "lock-2 unreachable — 37 commands refused", "later"]);
    log = withLogEntry(log, line(1, "run-1:unreachable:lock-2:2"), 3);
    expect(log.map((e) => e.text)).toEqual(["lock-2 unreachable — 37 commands refused", "later", "lock-2 unreachable — 1 command refused"]);
  });
});
