import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { logEntry, type LogEntry } from "@/lib/log";
import { EventLogPanel, formatT } from "./event-log-panel";

describe("EventLogPanel", () => {
  it("lists entries newest first with their time and kind, and counts each kind on its chip", () => {
    const entries: LogEntry[] = [
      logEntry.run.started({ atMs: 0, runId: 1 }),
      logEntry.lock.acquired({ atMs: 1003, holder: "instance-1/r1", instance: 1, request: 1, resource: "lock:user:profile:0", nodes: [] }),
      logEntry.fault.action({ atMs: 1500, action: "crash", node: "lock-2", byHand: false }),
    ];
    const html = renderToString(<EventLogPanel entries={entries} />);
    const order = ["crash lock-2", "instance-1/r1 took", "run 1 started"].map((t) => html.indexOf(t));
    expect(order.every((i) => i > -1)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(html).toContain("t = 1.50 s");
    expect(html).toMatch(/data-testid="log-filter-all"[^>]*>.*?3<\/span>/);
    expect(html).toMatch(/data-testid="log-filter-lock"[^>]*>.*?1<\/span>/);
  });

  it("marks, from the fields, a fault that did not happen and a count still going up", () => {
    const entries: LogEntry[] = [
      logEntry.fault.action({ atMs: 100, action: "start", node: "lock-1", byHand: false, failed: "port in use" }),
      logEntry.node.unreachable({ atMs: 200, id: "run-1:unreachable:lock-2:1", count: 37, lastAtMs: 900, ended: false, node: "lock-2", refused: 37, timedOut: 0, failed: 0, instances: null }),
      logEntry.node.unreachable({ atMs: 300, id: "run-1:unreachable:lock-3:1", count: 4, lastAtMs: 900, ended: true, node: "lock-3", refused: 4, timedOut: 0, failed: 0, instances: null }),
      // A note reading like a failure is only a sentence: no tag.
      logEntry.note("fault", 400, "start lock-4: port in use"),
    ];
    const html = renderToString(<EventLogPanel entries={entries} />);
    expect(html.match(/data-testid="log-tag-failed"/g)).toHaveLength(1);
    expect(html.match(/data-testid="log-tag-ongoing"/g)).toHaveLength(1);
    expect(html).toContain("lock-2 unreachable — 37 commands refused");
    expect(html).toContain('data-event="unreachable"');
    expect(html).toContain('data-event="note"');
  });

  it("says so when there is nothing yet", () => {
    expect(renderToString(<EventLogPanel entries={[]} />)).toContain("Nothing yet");
  });

  it("formats times in seconds since t = 0", () => {
    expect(formatT(1234)).toBe("t = 1.23 s");
    expect(formatT(0)).toBe("t = 0.00 s");
  });
});
