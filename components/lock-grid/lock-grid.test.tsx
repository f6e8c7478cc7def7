import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { Ack, WireNode, WireNodeState } from "@/lib/protocol";
import type { TickFrame } from "@/lib/report";
import { holderLabel, parseHolder } from "./holder";
import { LockGrid } from "./lock-grid";
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
    expect(row(html, "lock-2")).toContain("error");
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
