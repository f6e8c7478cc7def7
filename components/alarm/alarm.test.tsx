import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { WireAlarm } from "@/lib/protocol";
import type { SafetyViolation } from "@/lib/report";
import { alarmCount, markedAlarm, sidesByNode, sidesOf } from "./alarm";
import { AlarmBanner } from "./alarm-banner";

function text(html: string): string {
  return html.replace(/<!-- -->/g, "").replace(/<[^>]+>/g, " ").replace(/&#x27;/g, "'").replace(/\s+/g, " ");
}

const twoHolders: SafetyViolation = {
  resource: "lock:user:profile:0",
  at: 1_700_000_002_320,
  first: { holder: "instance-1/r1", value: "v1", nodes: ["lock-3", "lock-1", "lock-2"], validUntil: 0, fencingToken: 1 },
  second: { holder: "instance-2/r2", value: "v2", nodes: ["lock-3", "lock-4", "lock-5"], validUntil: 0, fencingToken: 2 },
};
const late: SafetyViolation = {
  resource: "lock:user:profile:0",
  at: 1_700_000_004_770,
  kind: "write-after-validity",
  first: { holder: "instance-1/r15", value: "v15", nodes: ["lock-1", "lock-2", "lock-3"], validUntil: 0 },
  second: { holder: "instance-2/r40", value: "v40", nodes: ["lock-1", "lock-2", "lock-3", "lock-4", "lock-5"], validUntil: 0 },
  detail: "instance-1/r15 wrote 1594 ms after its lock's validity ended; instance-2/r40 held the lock by then",
};
const alarm = (violation: SafetyViolation, atMs: number, runId = 3): WireAlarm => ({ runId, atMs, violation });

describe("AlarmBanner", () => {
  it("draws nothing without an alarm", () => {
    expect(renderToString(<AlarmBanner alarms={[]} />)).toBe("");
  });

  it("names the kind in plain words, both holders with their nodes and tokens, the time and the count", () => {
    const html = renderToString(<AlarmBanner alarms={[alarm(twoHolders, 2320)]} />);
    const words = text(html);
    expect(html).toContain('role="alert"');
    expect(html).toContain('data-kind="two-holders"');
    expect(words).toContain("Two clients held the lock at once");
    expect(words).toContain("Redlock granted the lock to a second client");
    expect(words).toContain("t = 2.32 s");
    expect(words).toMatch(/1 so far/);
    // A and B, as in the violation: holder, nodes (in node order) and fencing token.
    expect(html).toMatch(/data-testid="alarm-holder-A" data-holder="instance-1\/r1"/);
    expect(html).toMatch(/data-testid="alarm-holder-B" data-holder="instance-2\/r2"/);
    expect(words).toContain("instance 1 · request 1 held it first on lock-1, lock-2, lock-3 · fencing token 1");
    expect(words).toContain("instance 2 · request 2 granted it while A still held it on lock-3, lock-4, lock-5 · fencing token 2");
  });

  it("a run of write alarms shows the latest with the server's own words, counts every one and lists the others", () => {
    const earlierLate: SafetyViolation = { ...late, at: late.at - 1000, detail: "instance-1/r15 wrote 594 ms after its lock's validity ended; instance-2/r40 held the lock by then" };
    const html = renderToString(<AlarmBanner alarms={[alarm(earlierLate, 3770), alarm(late, 4770)]} total={5} />);
    const words = text(html);
    expect(words).toContain("A write landed after its lock ran out");
    expect(words).toContain("wrote 1594 ms after its lock's validity ended");
    expect(words).toContain("instance 1 · request 15 wrote late");
    expect(words).toContain("instance 2 · request 40 held the lock by then");
    // No token without fencing.
    expect(words).not.toContain("fencing token");
    expect(html).toMatch(/data-testid="alarm-count">5</);
    expect(words).toContain("1 other alarm this run (3 more not kept)");
    expect(words).toContain("t = 3.77 s · A write landed after its lock ran out: instance 1 · request 15 / instance 2 · request 40");
  });

  it("restart-without-persistence: the headline is the two-holders alarm the beat asks to watch, not the later token-order one, and no fencing words in a run without fencing", () => {
    const outOfOrder: SafetyViolation = {
      ...twoHolders,
      at: twoHolders.at + 3000,
      kind: "write-out-of-token-order",
      detail: "the database took instance-1/r1's write after instance-2/r2's, although instance-1/r1's grant was the older one (grant 1, then 2)",
    };
    const html = renderToString(<AlarmBanner alarms={[alarm(twoHolders, 2320), alarm(outOfOrder, 5320)]} fencing={false} />);
    const words = text(html);
    expect(html).toContain('data-kind="two-holders"');
    expect(html).toMatch(/data-testid="alarm-title"[^>]*>Two clients held the lock at once</);
    expect(html).toMatch(/data-testid="alarm-time">t = 2.32 s</);
    expect(words).toContain("1 other alarm this run");
    expect(words).toContain("t = 5.32 s · An older holder's write landed after a newer one's");
    expect(words).not.toMatch(/fencing/i);
    const folded = text(renderToString(<AlarmBanner alarms={[alarm(twoHolders, 2320), alarm(outOfOrder, 5320)]} fencing={false} defaultDismissed />));
    expect(folded).toContain("2 safety violations this run · Two clients held the lock at once (t = 2.32 s)");
  });

  it("gc-pause: both holders on instance 1 — says which request was paused and that the other is a different request of the same server", () => {
    const paused: SafetyViolation = {
      ...late,
      first: { ...late.first, pausedMs: 2500 },
      second: { ...late.second, holder: "instance-1/r25" },
      detail: "instance-1/r15 wrote 1594 ms after its lock's validity ended (a simulated pause held it 2500 ms); instance-1/r25, another request of instance 1, held the lock by then",
    };
    const html = renderToString(<AlarmBanner alarms={[alarm(paused, 4770)]} />);
    const words = text(html);
    expect(html).toMatch(/data-testid="alarm-same-server"/);
    expect(words).toContain(
      "Both are instance 1, but not the same request: request 15 was the paused one (2.5 s); request 25 is a different request of the same server, which took the lock after request 15's had run out. The simulated pause stops one request between its read and its write, not the whole server.",
    );
    expect(words).toContain("instance 1 · request 15 wrote late on lock-1, lock-2, lock-3 · paused 2.5 s (simulated)");
    // Different instances need no such note.
    expect(renderToString(<AlarmBanner alarms={[alarm(late, 4770)]} />)).not.toContain("alarm-same-server");
  });

  it("folds into a one-line count when dismissed", () => {
    const html = renderToString(<AlarmBanner alarms={[alarm(twoHolders, 2320), alarm(late, 4770)]} defaultDismissed />);
    expect(html).toContain('data-state="folded"');
    expect(html).not.toContain('role="alert"');
    // Folded, it keeps the headline: the two-holders alarm, the cause of what followed.
    expect(text(html)).toContain("2 safety violations this run · Two clients held the lock at once (t = 2.32 s)");
    expect(html).toContain('data-testid="alarm-show"');
  });
});

describe("alarm marks", () => {
  it("marks the latest two-holders alarm, else the latest", () => {
    const first = alarm(twoHolders, 2320);
    const second = alarm(late, 4770);
    expect(markedAlarm([first, second])).toBe(first);
    expect(markedAlarm([second])).toBe(second);
    expect(markedAlarm([])).toBeUndefined();
  });

  it("says which holder each node granted: lock-3 granted both", () => {
    const sides = sidesByNode(alarm(twoHolders, 2320));
    expect(Object.fromEntries(sides)).toEqual({ "lock-1": ["A"], "lock-2": ["A"], "lock-3": ["A", "B"], "lock-4": ["B"], "lock-5": ["B"] });
    expect(sidesOf(twoHolders).map((s) => s.label)).toEqual(["instance 1 · request 1", "instance 2 · request 2"]);
  });
});

describe("alarmCount", () => {
  const report = (safetyViolations: number) => ({ locks: { safetyViolations } }) as never;

  it("counts past the kept alarms by the newest one's number, and takes the report's count once there is one", () => {
    const kept = [{ ...alarm(late, 100), seq: 799 }, { ...alarm(late, 200), seq: 800 }];
    expect(alarmCount(kept, null)).toBe(800);
    expect(alarmCount(kept, report(812))).toBe(812);
    // Recordings from before seq: as many as were kept.
    expect(alarmCount([alarm(late, 100), alarm(twoHolders, 200)], null)).toBe(2);
  });

  it("is 0 without alarms, whatever an older report said", () => {
    expect(alarmCount([], report(5))).toBe(0);
  });
});
