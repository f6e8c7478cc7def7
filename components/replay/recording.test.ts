import { describe, expect, it } from "vitest";
import type { WireAlarm, WireNode, WireRunState } from "@/lib/protocol";
import { parseRecording } from "@/lib/recording";
import { logEntry, type LogEntry } from "@/lib/log";
import type { Report, TickFrame } from "@/lib/report";
import { defaultScenario } from "@/lib/scenario";
import { buildRecording, recordingFileName } from "./recording";
import { replayView } from "./use-replay";
import { emptyFrame } from "@/lib/testing/frames";

const scenario = { ...defaultScenario(), tickMs: 100 };

function frame(t: number, arrivals = 10): TickFrame {
  return emptyFrame(t, { arrivals, hits: arrivals, hitRatio: 1, latencyP50: 1, latencyP99: 2 });
}

function node(id: string, state: WireNode["state"], since = 1_000): WireNode {
  return { id: id as WireNode["id"], role: id === "cache" ? "cache" : "lock", mode: "spawned", host: "127.0.0.1", port: 7100, clientPort: 7100, pid: 1, state, since };
}

const run: WireRunState = { status: "finished", runId: 7, scenario, meta: { presetId: "redlock-holds", beat: 1 }, startedAt: 1_000, endedAt: 2_000 };
const log: LogEntry[] = [
  logEntry.run.started({ atMs: 0, runId: 6 }),
  logEntry.run.started({ atMs: 0, runId: 7, presetId: "redlock-holds", beat: 1 }),
  logEntry.fault.action({ atMs: 150, action: "crash", node: "lock-2", byHand: false }),
  logEntry.run.ended({ atMs: 300, runId: 7 }),
];
const frames = [frame(0), frame(100), frame(200)];
const timeline = [
  { atMs: 0, nodes: [node("cache", "up"), node("lock-2", "up")] },
  { atMs: 200, nodes: [node("cache", "up"), node("lock-2", "crashed", 1_500)] },
];

describe("buildRecording", () => {
  it("saves the run's frames, its own log lines, the node timeline and the report, in the format the page reads back", () => {
    const report = { ticks: frames, requests: { total: 30 } } as unknown as Report;
    const recording = buildRecording({ run, frames: frames.slice(1), log, nodeTimeline: timeline, report }, new Date("2026-01-02T03:04:05.678Z"))!;
    // The report holds every tick even when the page joined late.
    expect(recording.frames).toHaveLength(3);
    expect(recording.log.map((entry) => entry.text)).toEqual(["run 7 started: redlock-holds, beat 1", "crash lock-2", "run 7 ended"]);
    expect(recording.meta).toEqual({ presetId: "redlock-holds", beat: 1 });
    expect(recordingFileName(recording)).toBe("stampede-lab-redlock-holds-beat1-2026-01-02-03-04-05.json");
    const parsed = parseRecording(JSON.stringify(recording));
    expect(parsed.ok).toBe(true);
  });

  it("has nothing to save without a run or frames", () => {
    expect(buildRecording({ run: { status: "idle" }, frames, log, nodeTimeline: [], report: null })).toBeNull();
    expect(buildRecording({ run, frames: [], log, nodeTimeline: [], report: null })).toBeNull();
  });
});

describe("the previous run in a recording", () => {
  const previousReport = { scenario: { ...scenario, lock: "none" }, ticks: [frame(0, 30), frame(100, 30)], db: { reads: 30 } } as unknown as Report;
  const previous = { runId: 6, meta: { presetId: "redlock-holds", beat: 1 }, report: previousReport };
  const report = { ticks: frames, db: { reads: 1 } } as unknown as Report;

  it("carries the run before this one through the file, and the replay offers it from the first frame", () => {
    const recording = buildRecording({ run, frames, log, nodeTimeline: timeline, report, previous })!;
    expect(recording.previous).toEqual(previous);
    const parsed = parseRecording(JSON.stringify(recording));
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.recording.previous?.report.ticks).toHaveLength(2);
    expect(replayView(parsed.recording, 0).previous).toEqual(previous);
    expect(replayView(parsed.recording, 3).previous?.runId).toBe(6);
  });

  it("keeps no previous run that is this run itself (run 7), and loads a recording saved before comparisons", () => {
    const same = buildRecording({ run, frames, log, nodeTimeline: timeline, report, previous: { ...previous, runId: 7 } })!;
    expect(same.previous).toBeUndefined();
    const older = buildRecording({ run, frames, log, nodeTimeline: timeline, report })!;
    expect("previous" in older).toBe(false);
    const parsed = parseRecording(JSON.stringify(older));
    if (!parsed.ok) throw new Error(parsed.message);
    expect(replayView(parsed.recording, 3).previous).toBeNull();
  });

  it("refuses a previous run whose ticks are malformed, naming where", () => {
    const recording = buildRecording({ run, frames, log, nodeTimeline: timeline, report, previous })!;
    const broken = { ...recording, previous: { ...previous, report: { ...previousReport, ticks: [{ t: "soon" }] } } };
    const parsed = parseRecording(JSON.stringify(broken));
    expect(!parsed.ok && parsed.message).toMatch(/previous\.report\.ticks\.0\.t/);
  });
});

describe("replayView", () => {
  const recording = buildRecording({ run, frames, log, nodeTimeline: timeline, report: { ticks: frames } as unknown as Report })!;

  it("shows the run as far as the cursor, nodes following the timeline on the replay's own clock", () => {
    const wallNow = 50_000;
    const early = replayView(recording, 1, wallNow);
    expect(early.run.status).toBe("running");
    expect(early.frames).toHaveLength(1);
    expect(early.report).toBeNull();
    // The run's clock is at 100 ms: the crash at 150 ms has not happened yet.
    expect(early.log.map((entry) => entry.text)).toEqual(["run 7 started: redlock-holds, beat 1"]);
    expect(early.nodes?.find((n) => n.id === "lock-2")?.state).toBe("up");
    expect(early.run.status === "running" && wallNow - early.run.startedAt).toBe(100);

    // Crashed at 200 ms of the run; after the third frame the clock is at 300 ms: "crashed for
    // 0.1 s", not since the day the file was saved.
    const late = replayView(recording, 3, wallNow);
    const lock2 = late.nodes?.find((n) => n.id === "lock-2");
    expect(lock2?.state).toBe("crashed");
    expect(wallNow - lock2!.since).toBe(100);
    // Nodes that did not change keep the run's start as their "since".
    expect(wallNow - late.nodes!.find((n) => n.id === "cache")!.since).toBe(300);
  });

  it("a run stopped by hand replays as stopped, at the moment its report says", () => {
    const stopped = buildRecording({ run, frames, log, nodeTimeline: timeline, report: { ticks: frames, stopped: { atMs: 250, by: "presenter" } } as unknown as Report })!;
    const parsed = parseRecording(JSON.stringify(stopped));
    if (!parsed.ok) throw new Error(parsed.message);
    expect(replayView(parsed.recording, 3).run).toMatchObject({ status: "finished", stopped: { atMs: 250, by: "presenter" } });
    expect(replayView(recording, 3).run).not.toHaveProperty("stopped");
  });

  it("ends with every frame, the whole log and the report", () => {
    const end = replayView(recording, 3);
    expect(end.run.status).toBe("finished");
    expect(end.frames).toHaveLength(3);
    expect(end.log).toHaveLength(3);
    expect(end.report).not.toBeNull();
  });
});

describe("alarms in a recording", () => {
  const violation = (at: number) => ({
    resource: "row:1",
    at,
    kind: "two-holders" as const,
    first: { holder: "instance-1/client-1", value: "a", nodes: ["lock-1", "lock-2", "lock-3"], validUntil: at + 500 },
    second: { holder: "instance-2/client-2", value: "b", nodes: ["lock-3", "lock-4", "lock-5"], validUntil: at + 900 },
  });
  const alarms: WireAlarm[] = [
    { runId: 6, atMs: 50, violation: violation(1_050) },
    { runId: 7, atMs: 150, violation: violation(1_150) },
    { runId: 7, atMs: 250, violation: violation(1_250) },
  ];
  const report = { ticks: frames, locks: { safetyViolations: 2 } } as unknown as Report;

  it("keeps this run's alarms, survives the file round trip, and raises each at its moment in the replay", () => {
    const recording = buildRecording({ run, frames, log, nodeTimeline: timeline, report, alarms })!;
    expect(recording.alarms?.map((a) => a.atMs)).toEqual([150, 250]);
    const parsed = parseRecording(JSON.stringify(recording));
    if (!parsed.ok) throw new Error(parsed.message);
    // After two frames the run's clock is at 200 ms: the alarm at 150 ms has sounded, the one at 250 ms not yet.
    expect(replayView(parsed.recording, 2).alarms.map((a) => a.atMs)).toEqual([150]);
    expect(replayView(parsed.recording, 3).alarms.map((a) => a.atMs)).toEqual([150, 250]);
    expect(replayView(parsed.recording, 0).alarms).toEqual([]);
  });

  it("replays a recording saved before alarms existed, with none", () => {
    const recording = buildRecording({ run, frames, log, nodeTimeline: timeline, report })!;
    const { alarms: _dropped, ...older } = recording;
    const parsed = parseRecording(JSON.stringify(older));
    if (!parsed.ok) throw new Error(parsed.message);
    expect(replayView(parsed.recording, 3).alarms).toEqual([]);
  });

  it("refuses a file whose alarms are malformed, naming where", () => {
    const recording = buildRecording({ run, frames, log, nodeTimeline: timeline, report, alarms })!;
    const broken = { ...recording, alarms: [{ runId: 7, atMs: "soon" }] };
    const parsed = parseRecording(JSON.stringify(broken));
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.message).toMatch(/alarms\.0\.atMs/);
  });
});

describe("the log in a recording", () => {
  const report = { ticks: frames } as unknown as Report;

  it("keeps each entry's fields through the file round trip", () => {
    const recording = buildRecording({ run, frames, log, nodeTimeline: timeline, report })!;
    expect(recording.version).toBe(2);
    const parsed = parseRecording(JSON.stringify(recording));
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.recording.log).toEqual(log.slice(1));
  });

  it("loads a version-1 file, whose entries are sentences only, with the fields its sentences name", () => {
    const recording = buildRecording({ run, frames, log, nodeTimeline: timeline, report })!;
    const old = {
      ...recording,
      version: 1,
      log: [
        { atMs: 0, kind: "run", text: "run 7 started: redlock-holds, beat 1" },
        { atMs: 150, kind: "fault", text: "crash lock-2" },
        { atMs: 160, kind: "node", text: "lock-2 crash (pid 4242 killed with SIGKILL; its data is gone)" },
        { atMs: 200, kind: "fault", text: "start lock-4: port 7104 in use" },
        { atMs: 220, kind: "lock", text: "3 lock attempt(s) failed — last: only 2 of 5 lock nodes answered; 3 needed" },
        { atMs: 300, kind: "run", text: "run 7 ended" },
      ],
    };
    const parsed = parseRecording(JSON.stringify(old));
    if (!parsed.ok) throw new Error(parsed.message);
    const upgraded = parsed.recording.log;
    expect(parsed.recording.version).toBe(2);
    // Every sentence is kept as it was.
    expect(upgraded.map((e) => e.text)).toEqual(old.log.map((e) => e.text));
    expect(upgraded[0]).toMatchObject({ kind: "run", event: "started", runId: 7, presetId: "redlock-holds", beat: 1 });
    expect(upgraded[1]).toMatchObject({ kind: "fault", event: "action", action: "crash", node: "lock-2" });
    expect(upgraded[2]).toMatchObject({ kind: "node", event: "changed", node: "lock-2", action: "crash", detail: "pid 4242 killed with SIGKILL; its data is gone" });
    expect(upgraded[3]).toMatchObject({ kind: "fault", event: "action", action: "start", node: "lock-4", failed: "port 7104 in use" });
    // What the page never drew from stays a plain note.
    expect(upgraded[4]).toMatchObject({ kind: "lock", event: "note" });
    expect(upgraded[5]).toMatchObject({ kind: "run", event: "ended", runId: 7 });
    expect(replayView(parsed.recording, 3).log).toHaveLength(6);
  });

  it("keeps an entry whose fields do not match as a plain note, and refuses one with no sentence, naming where", () => {
    const recording = buildRecording({ run, frames, log, nodeTimeline: timeline, report })!;
    const odd = { ...recording, log: [{ atMs: 0, kind: "run", event: "started", text: "run 7 started" }, ...recording.log.slice(1)] };
    const parsed = parseRecording(JSON.stringify(odd));
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.recording.log[0]).toEqual({ atMs: 0, kind: "run", event: "note", text: "run 7 started" });
    expect(parsed.recording.log.slice(1)).toEqual(recording.log.slice(1));

    const broken = { ...recording, log: [{ atMs: 0, kind: "run", event: "started", runId: 7 }] };
    const refused = parseRecording(JSON.stringify(broken));
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.message).toMatch(/log\.0\.text/);
  });
});
