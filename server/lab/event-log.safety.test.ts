import { describe, expect, it } from "vitest";
import type { LogEntry } from "../../lib/log";
import { engineEvents } from "../engine/events";
import { EventLogAggregator } from "./event-log";

describe("EventLogAggregator: the safety lab's lines", () => {
  it("tells of the pause, the stale write and the violation, naming holders and nodes", () => {
    const lines: LogEntry[] = [];
    const log = new EventLogAggregator(() => 1000, (entry) => lines.push(entry));
    const resource = "lock:user:profile:0";
    log.record(engineEvents.instancePaused({ instance: 1, holder: "instance-1/r3", resource, at: 1200, ms: 2500, validUntil: 2000, simulated: true }));
    log.record(engineEvents.instanceResumed({ instance: 1, holder: "instance-1/r3", resource, at: 3700, pausedMs: 2500, validUntil: 2000, expired: true }));
    const write = { instance: 1, key: "user:profile:0", resource, holder: "instance-1/r3", value: "v", validUntil: 2000, token: 3, counter: 4, at: 3750, highestToken: 9 };
    log.record(engineEvents.lockedWrite({ ...write, result: "accepted", staleAccepted: true }));
    log.record(engineEvents.lockedWrite({ ...write, result: "rejected-stale", staleAccepted: false }));
    log.record(engineEvents.lockedWrite({ ...write, result: "accepted", staleAccepted: false, highestToken: 3 }));
    const side = (holder: string, nodes: string[]) => ({ holder, value: holder, nodes, validUntil: 0 });
    log.record(engineEvents.safetyViolation({ resource, at: 3750, kind: "write-after-validity", first: side("instance-1/r3", ["lock-1", "lock-2", "lock-3"]), second: side("instance-2/r9", ["lock-3", "lock-4", "lock-5"]), detail: "instance-1/r3 wrote 1750 ms after its lock's validity ended; instance-2/r9 held the lock by then" }));
    log.record(engineEvents.safetyViolation({ resource, at: 1500, first: side("instance-1/r3", ["lock-1", "lock-2", "lock-3"]), second: side("instance-2/r4", ["lock-3", "lock-4", "lock-5"]) }));
    expect(lines.map(({ atMs, kind, text }) => ({ atMs, kind, text }))).toEqual([
      { atMs: 200, kind: "instance", text: "instance-1/r3 stops for 2500 ms (simulated stop-the-world pause) holding lock:user:profile:0, valid 800 ms more" },
      { atMs: 2700, kind: "instance", text: "instance-1/r3 runs again after 2500 ms: its lock expired 1700 ms ago, and it does not know" },
      { atMs: 2750, kind: "write", text: "the database accepted instance-1/r3's write with old token 3 (newest 9): fencing is off" },
      { atMs: 2750, kind: "write", text: "the database refused instance-1/r3's write: fencing token 3 is older than 9" },
      {
        atMs: 2750,
        kind: "lock",
        text: "SAFETY VIOLATION: instance-1/r3 wrote 1750 ms after its lock's validity ended; instance-2/r9 held the lock by then [granted: instance-1/r3 on lock-1, lock-2, lock-3; instance-2/r9 on lock-3, lock-4, lock-5]",
      },
      { atMs: 500, kind: "lock", text: "SAFETY VIOLATION: instance-1/r3 (lock-1, lock-2, lock-3) and instance-2/r4 (lock-3, lock-4, lock-5) hold lock:user:profile:0 at once" },
    ]);
    // The fields the page reads, beside the sentences.
    expect(lines[0]).toMatchObject({ event: "paused", holder: "instance-1/r3", instance: 1, request: 3, ms: 2500, validForMs: 800 });
    expect(lines[1]).toMatchObject({ event: "resumed", instance: 1, request: 3, pausedMs: 2500, expiredAgoMs: 1700 });
    expect(lines[2]).toMatchObject({ event: "stale-accepted", instance: 1, request: 3, token: 3, newest: 9 });
    expect(lines[3]).toMatchObject({ event: "stale-refused", token: 3, newest: 9 });
    expect(lines[4]).toMatchObject({ event: "violation", violation: "write-after-validity", holders: ["instance-1/r3", "instance-2/r9"] });
    expect(lines[5]).toMatchObject({ event: "violation", violation: "two-holders", holders: ["instance-1/r3", "instance-2/r4"] });
  });

  it("names a write violation's nodes once when the writer was the only holder, and not at all when unknown", () => {
    const lines: LogEntry[] = [];
    const log = new EventLogAggregator(() => 0, (entry) => lines.push(entry));
    const side = (nodes: string[]) => ({ holder: "instance-1/r3", value: "v", nodes, validUntil: 0 });
    const violation = { resource: "lock:k", at: 10, kind: "write-after-validity" as const, detail: "late" };
    log.record(engineEvents.safetyViolation({ ...violation, first: side(["lock-1", "lock-2", "lock-3"]), second: side(["lock-1", "lock-2", "lock-3"]) }));
    log.record(engineEvents.safetyViolation({ ...violation, first: side([]), second: side([]) }));
    expect(lines.map((line) => line.text)).toEqual([
      "SAFETY VIOLATION: late [granted: instance-1/r3 on lock-1, lock-2, lock-3]",
      "SAFETY VIOLATION: late",
    ]);
  });
});
