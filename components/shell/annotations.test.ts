import { describe, expect, it } from "vitest";
import type { LogEntry } from "@/lib/report";
import { annotationsFrom, entriesOfRun, labelOf } from "./annotations";

const entry = (atMs: number, kind: LogEntry["kind"], text: string): LogEntry => ({ atMs, kind, text });

describe("labelOf", () => {
  it("names faults, node changes, crowds and expiries briefly, and nothing else", () => {
    expect(labelOf(entry(400, "fault", "crash lock-2"))).toBe("lock-2 crash");
    expect(labelOf(entry(400, "fault", "start lock-1: port in use"))).toBe("lock-1 start failed");
    expect(labelOf(entry(400, "fault", "crash instance-3"))).toBe("instance-3 crash");
    expect(labelOf(entry(410, "node", "lock-2 crash (SIGKILL)"))).toBe("lock-2 crash");
    expect(labelOf(entry(500, "fault", "partition lock-4 (instance 1)"))).toBe("lock-4 partition");
    expect(labelOf(entry(500, "fault", "latency lock-3 (+300 ms)"))).toBe("lock-3 latency");
    expect(labelOf(entry(500, "fault", "clock-jump lock-1 (clock 8000 ms ahead, simulated)"))).toBe("lock-1 clock-jump");
    expect(labelOf(entry(0, "fault", "pause instance-1 for 4000 ms — simulated stop-the-world pause"))).toBe("instance-1 pause");
    expect(labelOf(entry(900, "crowd", "a crowd of 3000 released by hand"))).toBe("crowd ×3000");
    expect(labelOf(entry(1000, "fault", "user:profile:0 expired by hand"))).toBe("key expired (by hand)");
    expect(labelOf(entry(1001, "episode", "user:profile:0 expired: an episode opens"))).toBe("key expired");
    expect(labelOf(entry(1200, "lock", "instance-1/r4 took lock:user:profile:0"))).toBeNull();
    expect(labelOf(entry(0, "run", "run 3 started"))).toBeNull();
  });
});

describe("annotationsFrom", () => {
  it("keeps one line per happening: a fault and its node event are one", () => {
    const lines = annotationsFrom([
      entry(1000, "fault", "hot key expired"),
      entry(400, "fault", "crash lock-2"),
      entry(420, "node", "lock-2 crash"),
      entry(1003, "episode", "user:profile:0 expired: an episode opens"),
      entry(5000, "node", "lock-2 crash"),
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
      entry(0, "fault", "pause instance-1 for 4000 ms — simulated stop-the-world pause"),
      ...["lock-4", "lock-5", "lock-1", "lock-2"].flatMap((node, i) => [
        entry(505 + i, "fault", `partition ${node} (instance ${node < "lock-3" ? 2 : 1})`),
        entry(506 + i, "node", `${node} partition (instance ${node < "lock-3" ? 2 : 1})`),
      ]),
      entry(2000, "fault", "restart lock-3"),
      entry(2100, "fault", "crash lock-4"),
      entry(2200, "crowd", "a crowd of 3000 released by hand"),
      entry(2300, "fault", "user:profile:0 expired by hand"),
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
  const log = [
    entry(0, "run", "run 1 started"),
    entry(400, "fault", "crash lock-2"),
    entry(2000, "run", "run 1 ended"),
    entry(0, "node", "lock-2 start"),
    entry(0, "run", "run 2 started: redlock-holds, beat 1"),
    entry(500, "fault", "crash lock-4"),
  ];

  it("takes the lines from the run's start line to its end line", () => {
    expect(entriesOfRun(log, 1).map((e) => e.text)).toEqual(["run 1 started", "crash lock-2", "run 1 ended"]);
    expect(entriesOfRun(log, 2).map((e) => e.text)).toEqual(["run 2 started: redlock-holds, beat 1", "crash lock-4"]);
  });

  it("does not mistake run 1 for run 12, and has nothing without a run", () => {
    expect(entriesOfRun([entry(0, "run", "run 12 started"), entry(5, "fault", "crash lock-1")], 1).length).toBe(2);
    expect(entriesOfRun(log, null)).toEqual([]);
  });
});
