import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { LogEntry } from "@/lib/report";
import { EventLogPanel, formatT } from "./event-log-panel";

describe("EventLogPanel", () => {
  it("lists entries newest first with their time and kind, and counts each kind on its chip", () => {
    const entries: LogEntry[] = [
      { atMs: 0, kind: "run", text: "run 1 started" },
      { atMs: 1003, kind: "lock", text: "instance-1/r1 took lock:user:profile:0" },
      { atMs: 1500, kind: "fault", text: "crash lock-2" },
    ];
    const html = renderToString(<EventLogPanel entries={entries} />);
    const order = ["crash lock-2", "instance-1/r1 took", "run 1 started"].map((t) => html.indexOf(t));
    expect(order.every((i) => i > -1)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(html).toContain("t = 1.50 s");
    expect(html).toMatch(/data-testid="log-filter-all"[^>]*>.*?3<\/span>/);
    expect(html).toMatch(/data-testid="log-filter-lock"[^>]*>.*?1<\/span>/);
  });

  it("says so when there is nothing yet", () => {
    expect(renderToString(<EventLogPanel entries={[]} />)).toContain("Nothing yet");
  });

  it("formats times in seconds since t = 0", () => {
    expect(formatT(1234)).toBe("t = 1.23 s");
    expect(formatT(0)).toBe("t = 0.00 s");
  });
});
