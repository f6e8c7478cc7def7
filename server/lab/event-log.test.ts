/** Folding repeated failures into one counted line, on the run's own time (no timers, no sleeps). */
import { describe, expect, it } from "vitest";
import { withLogEntry, type LogEntry } from "../../lib/log";
import { engineEvents } from "../engine/events";
import type { LockVote } from "../engine/ports";
import { EventLogAggregator } from "./event-log";

const OFFLINE = "Stream isn't writeable and enableOfflineQueue options is false";
const NODES = ["lock-1", "lock-2", "lock-3", "lock-4", "lock-5"];

/** The lab as a page sees it: lines as sent, and the log after each folded line updated in place. */
function lab(options: ConstructorParameters<typeof EventLogAggregator>[2] = { runId: 7 }) {
  const sent: LogEntry[] = [];
  let log: LogEntry[] = [];
  // t = 0 of the run is wall-clock 0 here: event times are run times.
  const aggregator = new EventLogAggregator(() => 0, (entry) => {
    sent.push(entry);
    log = withLogEntry(log, entry, 500);
  }, options);
  return { aggregator, sent, log: () => log };
}

const votes = (down: Record<string, string>): LockVote[] =>
  NODES.map((nodeId) => (down[nodeId] !== undefined ? { nodeId, vote: "error", message: down[nodeId]! } : { nodeId, vote: "for" }));

const attempt = (at: number, instance: number, v: LockVote[], result: "acquired" | "contended" | "failed" = "acquired", reason?: string) =>
  engineEvents.lockAttempted({ instance, resource: "lock:user:profile:0", result, votes: v, at, ...(reason ? { reason } : {}) });

/** Runs `each(t)` every `stepMs` from `from` to `to`, closing a window after each like the runner's tick. */
function play(aggregator: EventLogAggregator, from: number, to: number, stepMs: number, each: (t: number) => void) {
  for (let t = from; t < to; t += stepMs) {
    each(t);
    aggregator.flushWindow(t + stepMs);
  }
}

describe("EventLogAggregator: a node that refuses commands", () => {
  it("is one line per node whose count goes up in place, in plain words, and says how long once it ends", () => {
    const { aggregator, sent, log } = lab();
    // lock-2 is down for 3 s: both instances' attempts find it refusing every command.
    play(aggregator, 0, 3000, 100, (t) => {
      aggregator.record(attempt(t, 1, votes({ "lock-2": OFFLINE })));
      aggregator.record(attempt(t + 10, 2, votes({ "lock-2": OFFLINE })));
    });
    // Sent when it opened (t = 0.1 s), then at most once a second (1.1 s, 2.1 s): not once per tick.
    const updates = sent.filter((e) => e.kind === "node");
    expect(updates.map((e) => e.text)).toEqual([
      "lock-2 unreachable — 2 commands refused",
      "lock-2 unreachable — 22 commands refused",
      "lock-2 unreachable — 42 commands refused",
    ]);
    expect(new Set(updates.map((e) => e.kind === "node" && e.event === "unreachable" && e.id)).size).toBe(1);
    const open = log().filter((e) => e.kind === "node");
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ event: "unreachable", node: "lock-2", count: 42, refused: 42, timedOut: 0, failed: 0, instances: null, ended: false, atMs: 0 });

    // The node answers again; after the quiet time the line ends with its total.
    play(aggregator, 3000, 6000, 100, (t) => aggregator.record(attempt(t, 1, votes({}))));
    const done = log().filter((e) => e.kind === "node");
    expect(done).toHaveLength(1);
    expect(done[0]).toMatchObject({ count: 60, ended: true, lastAtMs: 2910 });
    expect(done[0]!.text).toBe("lock-2 unreachable for 2.9 s — 60 commands refused");
  });

  it("opens a new line when the node fails again after a quiet spell", () => {
    const { aggregator, log } = lab();
    play(aggregator, 0, 500, 100, (t) => aggregator.record(attempt(t, 1, votes({ "lock-3": OFFLINE }))));
    play(aggregator, 500, 4000, 100, (t) => aggregator.record(attempt(t, 1, votes({}))));
    play(aggregator, 4000, 4300, 100, (t) => aggregator.record(attempt(t, 1, votes({ "lock-3": OFFLINE }))));
    aggregator.finish();
    const lines = log().filter((e) => e.kind === "node");
    expect(lines.map((e) => e.text)).toEqual(["lock-3 unreachable for 0.4 s — 5 commands refused", "lock-3 unreachable for 0.2 s — 3 commands refused"]);
    expect(lines.map((e) => e.atMs)).toEqual([0, 4000]);
  });

  it("counts a reading shared by many waiting requests once: one command, not one per request", () => {
    const { aggregator, log } = lab();
    // 500 requests of one instance share one look at the nodes (the same vote objects).
    const shared = votes({ "lock-2": OFFLINE });
    for (let i = 0; i < 500; i++) aggregator.record(attempt(10 + i / 100, 1, shared, "contended"));
    aggregator.flushWindow(100);
    expect(log().find((e) => e.kind === "node")).toMatchObject({ count: 1, text: "lock-2 unreachable — 1 command refused" });
  });

  it("says from which instances, when only some are cut off, and tells timeouts and other errors apart", () => {
    const { aggregator, log } = lab();
    play(aggregator, 0, 1000, 100, (t) => {
      aggregator.record(attempt(t, 1, votes({ "lock-4": OFFLINE, "lock-5": "Command timed out" })));
      aggregator.record(attempt(t + 1, 2, votes({ "lock-5": "Command timed out" })));
      aggregator.record(attempt(t + 2, 3, votes({ "lock-1": "ReplyError: MISCONF Redis is configured to save RDB snapshots" })));
    });
    aggregator.finish();
    const text = (node: string) => log().find((e) => e.kind === "node" && e.event === "unreachable" && e.node === node)?.text;
    expect(text("lock-4")).toBe("lock-4 unreachable from instance-1 for 0.9 s — 10 commands refused");
    expect(text("lock-5")).toBe("lock-5 not answering from instance-1, instance-2 for 0.9 s — 20 commands timed out");
    expect(text("lock-1")).toBe("lock-1 answering with errors from instance-3 for 0.9 s — 10 commands failed");
  });
});

describe("EventLogAggregator: lock attempts failing for one reason", () => {
  it("fold into one line with a count and each node's last vote in plain words, never the driver's message", () => {
    const { aggregator, sent, log } = lab();
    const down = { "lock-3": OFFLINE, "lock-4": OFFLINE, "lock-5": OFFLINE };
    play(aggregator, 0, 2000, 100, (t) => {
      for (let i = 0; i < 5; i++) aggregator.record(attempt(t + i, 1 + (i % 2), votes(down), "failed", "only 2 of 5 lock nodes answered; 3 needed"));
    });
    aggregator.finish();
    const failed = log().filter((e) => e.kind === "lock");
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ event: "failed", count: 100, reason: "only 2 of 5 lock nodes answered; 3 needed", ended: true });
    expect(failed[0]!.text).toBe(
      "100 lock attempts failed in 1.9 s — only 2 of 5 lock nodes answered; 3 needed (last: lock-1 voted yes, lock-2 voted yes, lock-3 unreachable, lock-4 unreachable, lock-5 unreachable)",
    );
    // Each unreachable node has its own line beside it; nothing the room reads quotes the driver.
    expect(log().filter((e) => e.kind === "node").map((e) => e.text)).toEqual([
      "lock-3 unreachable for 1.9 s — 100 commands refused",
      "lock-4 unreachable for 1.9 s — 100 commands refused",
      "lock-5 unreachable for 1.9 s — 100 commands refused",
    ]);
    for (const entry of sent) expect(entry.text).not.toMatch(/writeable|enableOfflineQueue|Error\b/);
  });

  it("words a reason that quotes the driver or lists votes plainly", () => {
    const { aggregator, log } = lab();
    aggregator.record(attempt(0, 1, [{ nodeId: "lock-1", vote: "error", message: OFFLINE }], "failed", `lock-1 did not answer: ${OFFLINE}`));
    aggregator.record(attempt(1, 1, votes({ "lock-2": "Connection is closed." }), "failed", `no majority: lock-1: for, lock-2: error (Connection is closed.)`));
    aggregator.finish();
    expect(log().filter((e) => e.kind === "lock").map((e) => (e.kind === "lock" && e.event === "failed" ? e.reason : null))).toEqual([
      "lock-1 did not answer (unreachable)",
      "no majority of the lock nodes agreed",
    ]);
  });

  it("keeps folded ids apart between runs", () => {
    const one = lab({ runId: 1 });
    const two = lab({ runId: 2 });
    for (const { aggregator } of [one, two]) {
      aggregator.record(attempt(0, 1, votes({ "lock-2": OFFLINE })));
      aggregator.finish();
    }
    const id = (entries: LogEntry[]) => entries.map((e) => (e.kind === "node" && e.event === "unreachable" ? e.id : null))[0];
    expect(id(one.log())).not.toBe(id(two.log()));
  });
});

describe("EventLogAggregator: one-by-one lines carry their fields", () => {
  it("names holder, instance and request of grants and releases, and the episode's key and reads", () => {
    const { aggregator, sent } = lab();
    aggregator.record(engineEvents.lockAcquired({ instance: 2, resource: "lock:k", value: "v", holder: "instance-2/r15", acquiredAt: 30, grantedAt: 40, validUntil: 9000, scope: "cluster", votes: votes({ "lock-5": OFFLINE }) }));
    aggregator.record(engineEvents.lockReleased({ instance: 2, resource: "lock:k", value: "v", holder: "instance-2/r15", at: 90, ok: false }));
    aggregator.record(engineEvents.episodeChanged({ key: "k", change: "opened", atMs: 30, reason: "missing", dbReads: 0 }));
    aggregator.record(engineEvents.episodeChanged({ key: "k", change: "closed", atMs: 95, instance: 2, dbReads: 1 }));
    aggregator.record(engineEvents.instanceCrashed({ instance: 3, at: 99, inFlight: 4 }));
    expect(sent).toEqual([
      { kind: "lock", event: "acquired", atMs: 40, holder: "instance-2/r15", instance: 2, request: 15, resource: "lock:k", nodes: ["lock-1", "lock-2", "lock-3", "lock-4"], text: "instance-2/r15 took lock:k (votes from lock-1, lock-2, lock-3, lock-4)" },
      { kind: "lock", event: "released", atMs: 90, holder: "instance-2/r15", instance: 2, request: 15, resource: "lock:k", ok: false, text: "instance-2/r15 released lock:k (release failed: it will expire by TTL)" },
      { kind: "episode", event: "opened", atMs: 30, key: "k", reason: "missing", text: "k missing: an episode opens" },
      { kind: "episode", event: "closed", atMs: 95, key: "k", instance: 2, dbReads: 1, text: "instance-2 filled k: the episode closes after 1 DB read(s)" },
      { kind: "instance", event: "crashed", atMs: 99, instance: 3, inFlight: 4, text: "instance-3 crashed with 4 request(s) in flight" },
    ]);
  });
});
