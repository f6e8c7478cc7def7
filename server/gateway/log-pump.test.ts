import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { logEntry, type LogEntry } from "../../lib/log";
import { createLogPump } from "./log-pump";

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const entry = (kind: LogEntry["kind"], atMs: number): LogEntry => logEntry.note(kind, atMs, `${kind} at ${atMs}`);

describe("log pump", () => {
  it("passes up to the cap of per-key lines per window, then one line saying how many were held back", () => {
    const sent: LogEntry[] = [];
    const pump = createLogPump((e) => sent.push(e), { windowMs: 100, maxPerWindow: 3 });
    for (let i = 0; i < 10; i++) pump.push(entry(i % 2 ? "lock" : "episode", i));
    expect(sent.map((e) => e.atMs)).toEqual([0, 1, 2]);
    vi.advanceTimersByTime(100);
    expect(sent).toHaveLength(4);
    expect(sent[3]).toMatchObject({ atMs: 9, event: "held-back", count: 7, kind: "lock", kinds: ["lock", "episode"], windowMs: 100, text: expect.stringContaining("7 more") });
    // A new window starts afresh.
    pump.push(entry("lock", 20));
    expect(sent).toHaveLength(5);
    pump.close();
  });

  it("never holds back what a person caused or must see", () => {
    const sent: LogEntry[] = [];
    const pump = createLogPump((e) => sent.push(e), { windowMs: 100, maxPerWindow: 1 });
    pump.push(entry("lock", 0));
    pump.push(entry("lock", 1));
    for (const kind of ["node", "fault", "crowd", "instance", "run"] as const) pump.push(entry(kind, 2));
    expect(sent.map((e) => e.kind)).toEqual(["lock", "node", "fault", "crowd", "instance", "run"]);
    pump.close();
    expect(sent.at(-1)?.text).toContain("1 more lock");
  });

  it("never holds back a folded count's update: the line already shown would go stale", () => {
    const sent: LogEntry[] = [];
    const pump = createLogPump((e) => sent.push(e), { windowMs: 100, maxPerWindow: 1 });
    pump.push(entry("lock", 0));
    const failing = (count: number) => logEntry.lock.failed({ atMs: 10, id: "run-1:lock-failed:x:1", count, lastAtMs: 10 * count, ended: false, reason: "no quorum" });
    pump.push(failing(3));
    pump.push(failing(9));
    expect(sent.map((e) => (e.kind === "lock" && e.event === "failed" ? e.count : e.event))).toEqual(["note", 3, 9]);
    pump.close();
  });
});
