import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { Ack, WireAlarm, WireNode, WireNodeState } from "@/lib/protocol";
import type { TickFrame } from "@/lib/report";
import { holderLabel, parseHolder } from "./holder";
import { DEFAULT_FAULT_FORM, faultAvailability, faultCommand, nodeBadges } from "../node-actions";
import { FaultPanel, LockGrid, type NodeControl } from "./lock-grid";
import { LockLanes } from "./lock-lanes";
import { emptyFrame } from "@/lib/testing/frames";

const NOW = 1_000_000;

function node(id: WireNode["id"], state: WireNodeState = "up"): WireNode {
  return { id, role: id === "cache" ? "cache" : "lock", mode: "spawned", host: "127.0.0.1", port: 7100, clientPort: 7100, pid: 1, state, since: NOW - 5000 };
}

type Lock = TickFrame["locks"][number];
const held = (nodeId: string, holder: string, pttlMs = 7400): Lock => ({ nodeId, reachable: true, value: `v:${holder}`, pttlMs, holder });
const free = (nodeId: string): Lock => ({ nodeId, reachable: true, value: null, pttlMs: null, holder: null });
const gone = (nodeId: string): Lock => ({ nodeId, reachable: false, value: null, pttlMs: null, holder: null });

function frame(t: number, locks: Lock[], lastVotes: TickFrame["lastVotes"] = {}): TickFrame {
  return emptyFrame(t, { lastVotes, locks });
}

const refuse = async (): Promise<Ack<WireNode>> => ({ error: { code: "NO", message: "no" } });

function text(html: string): string {
  return html.replace(/<!-- -->/g, "").replace(/<[^>]+>/g, " ").replace(/&#x27;/g, "'").replace(/\s+/g, " ");
}

/** The text of one lock row. */
function row(html: string, id: string): string {
  const start = html.indexOf(`data-testid="lock-row-${id}"`);
  expect(start, id).toBeGreaterThan(-1);
  const next = html.indexOf('data-testid="lock-row-', start + 10);
  return text(html.slice(start, next === -1 ? undefined : next));
}

const FIVE = ["lock-1", "lock-2", "lock-3", "lock-4", "lock-5"] as const;

describe("holder labels", () => {
  it("names instance and request", () => {
    expect(parseHolder("instance-2/r123")).toEqual({ instance: 2, request: 123 });
    expect(holderLabel("instance-2/r123")).toBe("instance 2 · request 123");
    expect(holderLabel("instance-3")).toBe("instance 3");
    expect(holderLabel("unknown")).toBe("unconfirmed value");
    expect(holderLabel("something-else")).toBe("something-else");
  });
});

describe("LockGrid", () => {
  it("shows each node's holder, TTL, vote and the quorum line", () => {
    const nodes = [node("cache"), node("lock-1"), node("lock-2", "crashed"), node("lock-3"), node("lock-4", "frozen"), node("lock-5")];
    const frames = [
      frame(1000, [held("lock-1", "instance-2/r123"), gone("lock-2"), held("lock-3", "instance-2/r123"), gone("lock-4"), free("lock-5")], {
        "lock-1": "for",
        "lock-2": "error",
        "lock-3": "for",
        "lock-4": "pending",
        "lock-5": "locked",
      }),
    ];
    const html = renderToString(<LockGrid nodes={nodes} frames={frames} lockNodes={5} now={NOW} canControl onAction={refuse} lockTtlMs={8000} />);
    expect(row(html, "lock-1")).toContain("instance 2 · request 123");
    expect(row(html, "lock-1")).toContain("7.4 s");
    expect(row(html, "lock-1")).toContain("for");
    expect(row(html, "lock-2")).toContain("crashed");
    expect(row(html, "lock-2")).toContain("no answer");
    // A crashed node's last vote is history: not shown.
    expect(row(html, "lock-2")).not.toContain("error");
    expect(row(html, "lock-4")).toContain("frozen");
    expect(row(html, "lock-4")).toContain("pending");
    expect(row(html, "lock-5")).toContain("free");
    expect(row(html, "lock-5")).toContain("against");
    const quorum = text(html.slice(html.indexOf('data-testid="quorum-line"')));
    expect(quorum).toContain("3 of 5 needed · 3 answering · lock held by instance 2 on 2 nodes — not a majority");
    expect(html).toMatch(/data-testid="quorum-line" data-health="edge"/);
    // Buttons valid for each state only.
    expect(html).toContain('data-testid="action-lock-1-crash"');
    expect(html).toContain('data-testid="action-lock-2-start"');
    expect(html).not.toContain('data-testid="action-lock-2-crash"');
    expect(html).toContain('data-testid="action-lock-4-thaw"');
    expect(html).toContain('data-testid="action-cache-crash"');
  });

  it("warns when fewer than a majority answer, and disables buttons without control", () => {
    const nodes = [node("cache"), node("lock-1", "crashed"), node("lock-2", "crashed"), node("lock-3", "crashed"), node("lock-4"), node("lock-5")];
    const html = renderToString(<LockGrid nodes={nodes} frames={[]} lockNodes={5} now={NOW} canControl={false} onAction={refuse} />);
    expect(html).toMatch(/data-testid="quorum-line" data-health="down"/);
    expect(text(html)).toContain("Only 2 of 5 lock nodes answer: Redlock cannot grant a lock (it needs 3).");
    const button = /<button[^>]*data-testid="action-lock-4-crash"[^>]*>/.exec(html)?.[0];
    expect(button).toContain("disabled");
  });

  it("uses the newest frame that has a reading (the run's last frame has none), in time order", () => {
    const nodes = FIVE.map((id) => node(id));
    const reading = frame(200, FIVE.map((id) => held(id, "instance-1/r7")));
    const older = frame(100, FIVE.map((id) => free(id)));
    const final = frame(300, []);
    const html = renderToString(<LockGrid nodes={nodes} frames={[reading, older, final]} lockNodes={5} now={NOW} canControl onAction={refuse} />);
    expect(row(html, "lock-3")).toContain("instance 1 · request 7");
    expect(text(html)).toContain("lock held by instance 1 on 5 nodes");
  });

  it("shows a lock whose TTL has run out as expired, not held", () => {
    const nodes = FIVE.map((id) => node(id));
    const locks = FIVE.map((id) => held(id, "instance-1/r1", 0));
    const html = renderToString(<LockGrid nodes={nodes} frames={[frame(0, locks)]} lockNodes={5} now={NOW} canControl onAction={refuse} />);
    expect(row(html, "lock-1")).toContain("expired (TTL ran out)");
    expect(text(html)).toContain("lock free");
  });

  it("flags different holders on the nodes at once", () => {
    const nodes = FIVE.map((id) => node(id));
    const locks = FIVE.map((id, i) => held(id, i < 3 ? "instance-1/r1" : "instance-3/r9"));
    const html = renderToString(<LockGrid nodes={nodes} frames={[frame(0, locks)]} lockNodes={5} now={NOW} canControl onAction={refuse} />);
    expect(html).toMatch(/data-health="split"/);
    expect(text(html)).toContain("2 different holders: instance 1 on 3 nodes, instance 3 on 2 nodes");
  });

  it("speaks of one node for a single-Redis lock, and of none without a lock", () => {
    const nodes = FIVE.map((id) => node(id));
    const single = renderToString(<LockGrid nodes={nodes} frames={[]} lockNodes={5} lock="single-redis" now={NOW} canControl onAction={refuse} />);
    expect(text(single)).toContain("one lock node decides (lock-1)");
    expect(text(row(single, "lock-2"))).toContain("not used by this run");
    const none = renderToString(<LockGrid nodes={nodes} frames={[]} lockNodes={5} lock="none" now={NOW} canControl onAction={refuse} />);
    expect(text(none)).toContain("no lock in this run");
  });
});

describe("LockLanes", () => {
  it("draws a lane per node and marks ticks where the nodes held different values", () => {
    const frames = [
      frame(0, FIVE.map((id) => free(id))),
      frame(100, FIVE.map((id) => held(id, "instance-1/r1"))),
      frame(200, FIVE.map((id, i) => (i < 3 ? held(id, "instance-1/r1") : held(id, "instance-2/r5")))),
      frame(300, FIVE.map((id, i) => (i === 1 ? gone(id) : held(id, "instance-2/r5")))),
    ];
    const html = renderToString(<LockLanes frames={frames} lockNodeIds={[...FIVE]} tickMs={100} />);
    for (const id of FIVE) expect(html).toContain(`data-testid="lane-${id}"`);
    expect(html).toMatch(/data-testid="lock-lanes-splits" data-count="1"/);
    expect(html).toContain('title="lock-2: no answer"');
    expect(text(html)).toContain("instance 1");
    expect(text(html)).toContain("instance 2");
    expect(text(html)).toContain("0 s");
  });
});

// ---------------------------------------------------------------------------------------------
// The safety lab's faults: the panel, its commands, what is disabled and why, and the badges.

const OPEN_PATH = { partitioned: false, latencyMs: 0, jitterMs: 0 } as const;
const pathed = (id: WireNode["id"], state: WireNodeState = "up", path: WireNode["path"] = { ...OPEN_PATH }, extra: Partial<WireNode> = {}): WireNode => ({
  ...node(id, state),
  path,
  ...extra,
});
const idle: NodeControl = { pending: null, error: null, send: async () => undefined, refuse: () => undefined };

/** Whether the button with this test id is there and disabled, and its tooltip. */
function button(html: string, testId: string): { disabled: boolean; title: string } {
  const tag = new RegExp(`<button[^>]*data-testid="${testId}"[^>]*>`).exec(html)?.[0];
  if (!tag) throw new Error(`no button ${testId}`);
  return { disabled: /\sdisabled=""/.test(tag), title: (/title="([^"]*)"/.exec(tag)?.[1] ?? "").replace(/&#x27;/g, "'") };
}

describe("fault commands", () => {
  it("sends exactly the options each fault takes", () => {
    const form = { ...DEFAULT_FAULT_FORM, latencyMs: "300", jitterMs: "50", delayedRestartMs: "8000", clockJumpMs: "2500" };
    expect(faultCommand("lock-2", "partition", form)).toEqual({ command: { nodeId: "lock-2", action: "partition" } });
    expect(faultCommand("lock-2", "partition", { ...form, instances: [2, 1, 2] })).toEqual({ command: { nodeId: "lock-2", action: "partition", instances: [1, 2] } });
    expect(faultCommand("lock-2", "heal", { ...form, instances: [2] })).toEqual({ command: { nodeId: "lock-2", action: "heal" } });
    expect(faultCommand("lock-2", "latency", form)).toEqual({ command: { nodeId: "lock-2", action: "latency", ms: 300, jitterMs: 50 } });
    expect(faultCommand("lock-2", "unlatency", form)).toEqual({ command: { nodeId: "lock-2", action: "latency", ms: 0, jitterMs: 0 } });
    expect(faultCommand("lock-2", "restart", form)).toEqual({ command: { nodeId: "lock-2", action: "restart", delayedRestartMs: 8000 } });
    expect(faultCommand("lock-2", "restart", { ...form, delayedRestartMs: "0" })).toEqual({ command: { nodeId: "lock-2", action: "restart" } });
    expect(faultCommand("lock-2", "clock-jump", form)).toEqual({ command: { nodeId: "lock-2", action: "clock-jump", ms: 2500 } });
  });

  it("refuses inputs the server would refuse, saying what to give", () => {
    expect(faultCommand("lock-1", "clock-jump", { ...DEFAULT_FAULT_FORM, clockJumpMs: "0" })).toEqual({ error: "Give the clock jump as at least 1 ms." });
    expect(faultCommand("lock-1", "clock-jump", { ...DEFAULT_FAULT_FORM, clockJumpMs: "" })).toHaveProperty("error");
    expect(faultCommand("lock-1", "latency", { ...DEFAULT_FAULT_FORM, latencyMs: "-5" })).toHaveProperty("error");
    expect(faultCommand("lock-1", "latency", { ...DEFAULT_FAULT_FORM, latencyMs: "1.5" })).toHaveProperty("error");
  });

  it("offers only what applies to the node's state, and says why not", () => {
    const up = faultAvailability(pathed("lock-1"));
    expect(up.partition.enabled && up.latency.enabled && up.restart.enabled && up["clock-jump"].enabled).toBe(true);
    // Nothing to undo on an open path.
    expect(up.heal.enabled).toBe(false);
    expect(up.unlatency.enabled).toBe(false);

    const crashed = faultAvailability(pathed("lock-2", "crashed", { partitioned: true, latencyMs: 200, jitterMs: 0 }));
    for (const fault of ["partition", "latency", "clock-jump", "restart"] as const) expect(crashed[fault].enabled, fault).toBe(false);
    expect(crashed.partition.why).toContain("crashed");
    // Undoing stays possible.
    expect(crashed.heal.enabled).toBe(true);
    expect(crashed.unlatency.enabled).toBe(true);

    const frozen = faultAvailability(pathed("lock-3", "frozen"));
    expect(frozen["clock-jump"]).toEqual({ enabled: false, why: "lock-3 is frozen: it cannot run the script that cuts its TTLs. Thaw it first." });
    expect(frozen.restart.enabled).toBe(true);

    const noPath = faultAvailability(node("lock-4"));
    expect(noPath.partition.enabled).toBe(false);
    expect(noPath.latency.why).toContain("without fault proxies");
    expect(noPath["clock-jump"].enabled).toBe(true);
  });

  it("turns the path and persistence into badges", () => {
    expect(nodeBadges(pathed("lock-1")).map((b) => b.text)).toEqual([]);
    expect(nodeBadges(pathed("lock-1", "up", { partitioned: true, latencyMs: 0, jitterMs: 0 })).map((b) => b.text)).toEqual(["partitioned"]);
    expect(nodeBadges(pathed("lock-1", "up", { partitioned: [2], latencyMs: 300, jitterMs: 50 }, { persistence: "fsync-always" })).map((b) => b.text)).toEqual([
      "cut off from instance 2",
      "+300 ms ±50",
      "fsync-always",
    ]);
    expect(nodeBadges(pathed("lock-1", "up", { partitioned: [1, 3], latencyMs: 120, jitterMs: 0 })).map((b) => b.text)).toEqual(["cut off from instances 1, 3", "+120 ms"]);
  });
});

describe("FaultPanel", () => {
  it("has every fault with its options; the clock jump says it is simulated, and how", () => {
    const html = renderToString(<FaultPanel node={pathed("lock-2")} instances={3} canControl control={idle} />);
    const words = text(html);
    for (const fault of ["partition", "heal", "latency", "unlatency", "restart", "clock-jump"]) expect(html).toContain(`data-testid="fault-lock-2-${fault}"`);
    for (const input of ["latencyMs", "jitterMs", "delayedRestartMs", "clockJumpMs", "instance-1", "instance-2", "instance-3"]) expect(html).toContain(`data-testid="fault-lock-2-${input}"`);
    expect(html).not.toContain("fault-lock-2-instance-4");
    expect(words).toContain("SIMULATED");
    expect(words).toContain("cuts the TTL of this node's lock keys by 5000 ms; Redis's own clock is not moved");
    expect(words).toContain("comes back empty unless fsync-always");
    expect(button(html, "fault-lock-2-partition").disabled).toBe(false);
    expect(button(html, "fault-lock-2-heal")).toEqual({ disabled: true, title: "The engine's path to lock-2 is open: nothing to heal." });
  });

  it("disables what does not apply, with the reason as a tooltip and in words", () => {
    const crashed = renderToString(<FaultPanel node={pathed("lock-2", "crashed")} instances={2} canControl control={idle} />);
    for (const fault of ["partition", "latency", "restart", "clock-jump"]) expect(button(crashed, `fault-lock-2-${fault}`).disabled, fault).toBe(true);
    expect(button(crashed, "fault-lock-2-partition").title).toBe("lock-2 is crashed: nothing answers on it anyway. Start it first.");
    expect(text(crashed)).toContain("lock-2 is crashed: start it instead.");

    const noPath = renderToString(<FaultPanel node={node("lock-4")} instances={2} canControl control={idle} />);
    expect(button(noPath, "fault-lock-4-partition").disabled).toBe(true);
    expect(button(noPath, "fault-lock-4-latency").title).toContain("without fault proxies");
    expect(text(noPath)).toContain("without fault proxies");
    expect(button(noPath, "fault-lock-4-restart").disabled).toBe(false);

    const fsync = renderToString(<FaultPanel node={pathed("lock-3", "up", undefined, { persistence: "fsync-always" })} instances={1} canControl control={idle} />);
    expect(text(fsync)).toContain("fsync-always: it comes back with its keys");
    // One instance: nothing to choose, the whole node.
    expect(fsync).not.toContain("fault-lock-3-instance-1");

    const readOnly = renderToString(<FaultPanel node={pathed("lock-1")} instances={2} canControl={false} control={idle} />);
    expect(button(readOnly, "fault-lock-1-partition")).toEqual({ disabled: true, title: "Read-only: this page cannot control the lab." });
  });

  it("shows a refusal next to the node", () => {
    const html = renderToString(<FaultPanel node={pathed("lock-1")} instances={2} canControl control={{ ...idle, pending: "latency" }} />);
    expect(text(html)).toContain("Set…");
    expect(button(html, "fault-lock-1-partition").disabled).toBe(true);
  });
});

describe("LockGrid with the safety lab", () => {
  const alarm: WireAlarm = {
    runId: 2,
    atMs: 2320,
    violation: {
      resource: "lock:k",
      at: 0,
      first: { holder: "instance-1/r1", value: "a", nodes: ["lock-1", "lock-2", "lock-3"], validUntil: 0 },
      second: { holder: "instance-2/r2", value: "b", nodes: ["lock-3", "lock-4", "lock-5"], validUntil: 0 },
    },
  };

  it("badges each node's path and persistence, and offers the fault panel", () => {
    const nodes = [
      pathed("cache"),
      pathed("lock-1", "up", { partitioned: true, latencyMs: 0, jitterMs: 0 }),
      pathed("lock-2", "up", { partitioned: [2], latencyMs: 300, jitterMs: 50 }),
      pathed("lock-3", "up", undefined, { persistence: "fsync-always" }),
      pathed("lock-4"),
      pathed("lock-5", "crashed"),
    ];
    const html = renderToString(<LockGrid nodes={nodes} frames={[]} lockNodes={5} now={NOW} canControl onAction={refuse} instances={2} />);
    expect(row(html, "lock-1")).toContain("✂ partitioned");
    expect(row(html, "lock-2")).toContain("✂ cut off from instance 2");
    expect(row(html, "lock-2")).toContain("+300 ms ±50");
    expect(row(html, "lock-3")).toContain("fsync-always");
    expect(row(html, "lock-4")).not.toContain("partitioned");
    for (const id of ["cache", ...FIVE]) expect(html).toContain(`data-testid="action-${id}-faults"`);
    // Closed until asked for: the grid stays short.
    expect(html).not.toContain('data-testid="fault-panel-');
  });

  it("marks which node granted which holder of the alarm, in two colours, with both holders named", () => {
    const nodes = FIVE.map((id) => pathed(id));
    const html = renderToString(<LockGrid nodes={nodes} frames={[]} lockNodes={5} now={NOW} canControl onAction={refuse} alarms={[alarm]} />);
    expect(html).toMatch(/data-testid="lock-row-lock-1"[^>]*data-alarm-sides="A"/);
    expect(html).toMatch(/data-testid="lock-row-lock-3"[^>]*data-alarm-sides="A B"/);
    expect(html).toMatch(/data-testid="lock-row-lock-5"[^>]*data-alarm-sides="B"/);
    const strip = text(html.slice(html.indexOf('data-testid="grid-alarm"')));
    expect(strip).toContain("Two clients held the lock at once, t = 2.32 s:");
    expect(strip).toContain("instance 1 · request 1 granted by lock-1, lock-2, lock-3");
    expect(strip).toContain("instance 2 · request 2 granted by lock-3, lock-4, lock-5");
    const none = renderToString(<LockGrid nodes={nodes} frames={[]} lockNodes={5} now={NOW} canControl onAction={refuse} />);
    expect(none).not.toContain("data-alarm-sides");
    expect(none).not.toContain("grid-alarm");
  });

  it("draws the alarm on the lanes and rings both holders", () => {
    const frames = [
      frame(0, FIVE.map((id, i) => (i < 3 ? held(id, "instance-1/r1") : free(id)))),
      frame(100, FIVE.map((id, i) => (i < 2 ? held(id, "instance-1/r1") : held(id, "instance-2/r2")))),
    ];
    const html = renderToString(<LockLanes frames={frames} lockNodeIds={[...FIVE]} tickMs={100} alarms={[alarm, { ...alarm, atMs: 50_000 }]} windowMs={30_000} />);
    // The second alarm is outside the window (t = 50 s is past the 30 s the lanes show).
    expect(html.match(/data-testid="lane-alarm"/g)?.length).toBe(1);
    expect(html).toMatch(/data-testid="lanes-side-A" data-holder="instance-1\/r1"/);
    expect(html).toMatch(/data-testid="lanes-side-B" data-holder="instance-2\/r2"/);
    expect(html).toContain('data-side="A"');
    expect(html).toContain('data-side="B"');
  });
});

describe("LockGrid readings: late, refused, silent", () => {
  const late = (lock: Lock, ageMs: number): Lock => ({ ...lock, answer: "late", ageMs, sampledAtMs: 0 });
  const refused = (nodeId: string): Lock => ({ ...gone(nodeId), answer: "refused", ageMs: 5, sampledAtMs: 1000 });
  const silent = (nodeId: string): Lock => ({ ...gone(nodeId), answer: "no-answer", ageMs: 5, sampledAtMs: 1000 });

  it("shows a late reading as the node's last answer, greyed with its age — never as no answer", () => {
    const nodes = FIVE.map((id) => node(id));
    const locks = FIVE.map((id) => late({ ...held(id, "instance-4/r4"), answer: "answered" }, 1200));
    const html = renderToString(<LockGrid nodes={nodes} frames={[frame(1000, locks)]} lockNodes={5} now={NOW} canControl onAction={refuse} lockTtlMs={8000} />);
    const one = row(html, "lock-1");
    expect(one).toContain("instance 4 · request 4");
    expect(one).toContain("sampling… 1.2 s ago");
    expect(one).not.toContain("no answer");
    // The TTL counts from when it was read: 7.4 s then, 6.2 s now.
    expect(one).toContain("6.2 s");
    expect(html).toMatch(/data-testid="lock-row-lock-1"[^>]*data-reading="late"/);
    expect(html).toMatch(/class="opacity-50"/);
    expect(text(html)).toContain("5 answering · lock held by instance 4 on 5 nodes (as read 1.2 s ago)");
  });

  it("keeps a fresh reading plain", () => {
    const nodes = FIVE.map((id) => node(id));
    const locks = FIVE.map((id) => ({ ...free(id), answer: "answered" as const, ageMs: 10, sampledAtMs: 990 }));
    const html = renderToString(<LockGrid nodes={nodes} frames={[frame(1000, locks)]} lockNodes={5} now={NOW} canControl onAction={refuse} />);
    expect(html).not.toContain("sampling…");
    expect(html).not.toContain('data-reading="late"');
    expect(text(html)).toContain("5 answering · lock free");
    expect(text(html)).not.toContain("as read");
  });

  it("shows no stale vote on a crashed row, and keeps the votes of the others", () => {
    const nodes = [node("lock-1"), node("lock-2", "crashed"), node("lock-3")];
    const votes: TickFrame["lastVotes"] = { "lock-1": "for", "lock-2": "for", "lock-3": "locked" };
    const locks = [held("lock-1", "instance-1/r1"), refused("lock-2"), held("lock-3", "instance-1/r1")];
    const html = renderToString(<LockGrid nodes={nodes} frames={[frame(1000, locks, votes)]} lockNodes={3} now={NOW} canControl onAction={refuse} />);
    expect(row(html, "lock-2")).toContain("crashed");
    expect(row(html, "lock-2")).not.toContain("granted its part");
    expect(row(html, "lock-2")).not.toMatch(/✓ for/);
    expect(row(html, "lock-1")).toContain("granted its part");
    expect(row(html, "lock-3")).toContain("against");
  });

  it("says why an up node gave no answer: refused or silent on its own port", () => {
    const nodes = [node("lock-1"), node("lock-2"), node("lock-3")];
    const locks = [free("lock-1"), refused("lock-2"), silent("lock-3")];
    const html = renderToString(<LockGrid nodes={nodes} frames={[frame(1000, locks)]} lockNodes={3} now={NOW} canControl onAction={refuse} />);
    expect(row(html, "lock-2")).toContain("no answer (connection refused on its own port)");
    expect(row(html, "lock-3")).toContain("no answer (silent on its own port)");
    expect(html).toMatch(/data-testid="lock-row-lock-2"[^>]*data-reading="refused"/);
    expect(html).toMatch(/data-testid="lock-row-lock-3"[^>]*data-reading="no-answer"/);
    expect(html).not.toContain("the observer timed out");
  });

  it("does not call the lock free when no node has been read", () => {
    const nodes = FIVE.map((id) => node(id));
    const unread = FIVE.map((id): Lock => ({ ...gone(id), answer: "late", ageMs: null, sampledAtMs: null }));
    const html = renderToString(<LockGrid nodes={nodes} frames={[frame(100, unread)]} lockNodes={5} now={NOW} canControl onAction={refuse} />);
    expect(text(html)).toContain("5 answering · no node read yet");
    expect(text(html)).not.toContain("lock free");
    expect(row(html, "lock-1")).toContain("not read yet");
    expect(row(html, "lock-1")).not.toContain("no answer");
  });

  it("hatches only real non-answers in the lanes: a late reading keeps its last answer, dimmed", () => {
    const frames = [0, 100, 200].map((t) =>
      frame(t, [late(held("lock-1", "instance-2/r5"), 400), refused("lock-2"), silent("lock-3"), { ...free("lock-4"), answer: "answered" as const }]),
    );
    const html = renderToString(<LockLanes frames={frames} lockNodeIds={["lock-1", "lock-2", "lock-3", "lock-4"]} tickMs={100} />);
    const lane = (id: string) => html.slice(html.indexOf(`data-testid="lane-${id}"`), html.indexOf("</div></div>", html.indexOf(`data-testid="lane-${id}"`)) + 12);
    expect(lane("lock-1")).toContain('data-cell="late"');
    expect(lane("lock-1")).not.toContain("no answer");
    expect(lane("lock-1")).toContain("late reading");
    expect(lane("lock-2")).toContain('data-cell="refused"');
    expect(lane("lock-3")).toContain('data-cell="no-answer"');
    expect(lane("lock-4")).toContain('data-cell="free"');
  });
});

describe("LockGrid, compact", () => {
  const nodes = [node("cache"), node("lock-1"), node("lock-2", "crashed"), node("lock-3")];
  const frames = [frame(0, [held("lock-1", "instance-1/r7"), gone("lock-2"), held("lock-3", "instance-1/r7")])];

  it("keeps every row and its reading, with one short line per node and no explanations", () => {
    const html = renderToString(<LockGrid nodes={nodes} frames={frames} lockNodes={3} now={NOW} canControl onAction={refuse} compact />);
    expect(html).toContain('data-compact="true"');
    for (const id of ["lock-1", "lock-2", "lock-3"]) expect(html).toContain(`data-testid="lock-row-${id}"`);
    expect(text(html)).toContain("instance 1 · request 7");
    // The row lines and explanations hide in the compact variant (a class the section's data-compact turns on).
    expect(html).toMatch(/class="[^"]*group-data-compact\/grid:hidden[^"]*"[^>]*>for /);
  });

  it("is the full grid unless asked", () => {
    const html = renderToString(<LockGrid nodes={nodes} frames={frames} lockNodes={3} now={NOW} canControl onAction={refuse} />);
    expect(html).not.toContain("data-compact=");
    expect(text(html)).toContain("holder (read from the node)");
  });
});
