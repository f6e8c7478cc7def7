/**
 * The run over the socket, on real redis-server nodes: validated starts, one frame per tick to
 * every page, history for a page that joins mid-run, the same report everywhere, a run that
 * outlives its pages, runtime commands, and a reset that brings crashed nodes back.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ScenarioInput } from "../../lib/scenario";
import type { TickFrame } from "../../lib/report";
import { TEST_PORTS_PER_SLOT, testBasePort } from "../nodes/test-ports";
import {
  answersPing,
  errorOf,
  record,
  startAppServer,
  startRealNodes,
  waitUntil,
  type AppServer,
  type RealNodes,
  type Recorder,
} from "./testing/socket-lab";

// testBasePort() has slots 0–4, all taken by other files; this file uses the upper half of slot 1
// (a lab needs 6 of the slot's 40 ports, and the manager skips busy ones anyway).
const BASE = testBasePort(1) + TEST_PORTS_PER_SLOT / 2;

/** Small enough for 2 cores: 300 clients on 2 instances, Redlock over 5 nodes, waiters that poll. */
const SMALL: ScenarioInput = {
  durationMs: 1500,
  tickMs: 100,
  instances: 2,
  lock: "redlock",
  waiters: "poll",
  crowd: { clients: 300, expireAtMs: 300, arrivalMs: 300 },
};

let real: RealNodes | undefined;
let server: AppServer | undefined;
const recorders: Recorder[] = [];

beforeAll(async () => {
  real = await startRealNodes(BASE);
  server = await startAppServer({ nodes: real.nodes });
});

afterEach(async () => {
  for (const recorder of recorders.splice(0)) recorder.close();
  // Leave no run behind for the next test, whatever happened in this one.
  const lab = server?.app.lab;
  if (lab?.current.status === "running") {
    lab.stop();
    await waitUntil(() => lab.current.status !== "running", 30_000);
  }
});

afterAll(async () => {
  await server?.close();
  await real?.stop();
});

async function join(auth?: Record<string, unknown>): Promise<Recorder> {
  const recorder = await record(server!.url, auth);
  recorders.push(recorder);
  return recorder;
}

const sum = (frames: readonly TickFrame[], field: "arrivals" | "hits" | "misses" | "errors" | "timeouts" | "dbReads") =>
  frames.reduce((total, frame) => total + frame[field], 0);

/** A frame's numbers without the observer's reading (which lands a moment after the window closes). */
const counters = ({ locks: _locks, ...rest }: TickFrame) => rest;

describe("runs over the socket", () => {
  it("answers runtime commands with NO_RUN when no run is going", async () => {
    const page = await join();
    expect(page.history).toEqual({ state: { status: "idle" }, frames: [], log: [], report: null, alarms: [] });
    for (const event of ["key:expire", "crowd:release", "run:stop"]) {
      const error = errorOf(await page.send(event, {}));
      expect(error?.code, event).toBe("NO_RUN");
      expect(error?.message).toMatch(/run/);
    }
  });

  it("refuses a bad scenario naming every bad field, and starts nothing", async () => {
    const page = await join();

    const bad = errorOf(await page.send("run:start", { scenario: { lock: "zookeeper", db: { capacity: 0 }, crowd: { clientz: 5 } } }));
    expect(bad?.code).toBe("BAD_SCENARIO");
    expect(bad?.message).toContain("lock: ");
    expect(bad?.message).toContain("db.capacity: ");
    expect(bad?.message).toContain('crowd.clientz: unknown key "clientz"');

    // Valid at 1×, too long once stretched: the stretched field is named.
    const stretched = errorOf(await page.send("run:start", { scenario: { durationMs: 100_000 }, timeScale: 10 }));
    expect(stretched?.code).toBe("BAD_SCENARIO");
    expect(stretched?.message).toContain("10×");
    expect(stretched?.message).toContain("durationMs: ");

    const tooMany = errorOf(await page.send("run:start", { scenario: { ...SMALL, lockNodes: 7 } }));
    expect(tooMany?.code).toBe("NOT_ENOUGH_LOCK_NODES");
    expect(tooMany?.message).toContain("lockNodes = 7");
    expect(tooMany?.message).toContain("5 lock node(s)");

    expect(server!.app.lab.current).toEqual({ status: "idle" });
    expect(page.states).toEqual([]);
  });

  it("answers malformed payloads with BAD_REQUEST and keeps serving", async () => {
    const page = await join();
    const malformed: Array<[string, ...unknown[]]> = [
      ["run:start", "go"],
      ["run:start", null],
      ["run:start"],
      ["run:start", { scenario: SMALL, extra: 1 }],
      ["run:start", { scenario: SMALL, timeScale: 50 }],
      ["run:start", { scenario: SMALL, beat: 0 }],
      ["run:start", { scenario: SMALL, presetId: 7 }],
      ["run:stop", { now: true }],
      ["run:stop", "x"],
      ["lab:reset", [1]],
      ["key:expire", 5],
      ["crowd:release", { clients: 10 }],
      ["node:action", { nodeId: "lock-0" }],
    ];
    for (const [event, ...args] of malformed) {
      const ack = await page.send(event, ...args);
      expect(errorOf(ack)?.code, `${event} ${JSON.stringify(args)}`).toBe("BAD_REQUEST");
      expect(errorOf(ack)?.message.startsWith(`${event}: `)).toBe(true);
    }
    // Sent without an ack: ignored, not run blind.
    (page.socket as unknown as { emit: (event: string, payload: unknown) => void }).emit("run:start", { scenario: SMALL });
    expect(errorOf(await page.send("key:expire", {}))?.code).toBe("NO_RUN");
    expect(server!.app.lab.current).toEqual({ status: "idle" });
    // Still serving everyone, including a newcomer.
    const other = await join();
    expect(other.hello.protocolVersion).toBeGreaterThan(0);
  });

  it("streams one run to every page: a frame per tick, history for a late page, one report for all", async () => {
    const first = await join();
    const ack = await first.send("run:start", { scenario: SMALL, presetId: "test-preset", beat: 2 });
    expect(ack).toEqual({ data: { runId: expect.any(Number) } });
    const runId = (ack as { data: { runId: number } }).data.runId;

    expect(errorOf(await first.send("run:start", { scenario: SMALL }))?.code).toBe("RUN_IN_PROGRESS");

    // A second page joins mid-run and gets the frames so far.
    expect(await waitUntil(() => first.frames.length >= 3, 20_000), "frames arrive").toBe(true);
    const late = await join({ role: "audience" });
    expect(late.history.state).toMatchObject({ status: "running", runId, meta: { presetId: "test-preset", beat: 2 } });
    expect(late.history.frames.length).toBeGreaterThanOrEqual(3);
    expect(late.history.report).toBeNull();

    expect(await waitUntil(() => first.reports.length > 0 && late.reports.length > 0, 40_000), "reports arrive").toBe(true);
    const report = first.reports[0]!.report;
    expect(first.reports[0]!.runId).toBe(runId);
    // A window whose observer reading was still on its way may land just after the report.
    expect(await waitUntil(() => first.frames.length >= report.ticks.length, 3000)).toBe(true);
    expect(await waitUntil(() => first.states.at(-1)?.status === "finished", 5000)).toBe(true);

    // The run's states, in order.
    expect(first.states.map((state) => state.status)).toEqual(["running", "finished"]);
    expect(first.states.every((state) => "runId" in state && state.runId === runId)).toBe(true);

    // One frame per tick, no more: the numbers on the page are the report's, window by window.
    const frames = first.frames.map((message) => message.frame).sort((a, b) => a.t - b.t);
    expect(first.frames.every((message) => message.runId === runId)).toBe(true);
    expect(frames.map(counters)).toEqual(report.ticks.map(counters));
    expect(sum(frames, "arrivals")).toBe(report.requests.total);
    expect(report.requests.total).toBe(300);
    expect(sum(frames, "dbReads")).toBe(report.db.reads);
    // Each frame says how long its window really lasted: together they cover the run up to its last
    // window, and never more time than the run took; only a window over 1.5 ticks says it was merged.
    const covered = frames.reduce((total, frame) => total + frame.lengthMs, 0);
    expect(covered).toBeGreaterThanOrEqual(frames.at(-1)!.t);
    expect(covered).toBeLessThanOrEqual(report.durationMs + 1);
    for (const frame of frames) expect(frame.merged, `window at ${frame.t}`).toBe(frame.lengthMs > 1.5 * report.scenario.tickMs);
    // A frame's size depends on the node count, not on the crowd.
    expect(Math.max(...first.frameBytes)).toBeLessThan(4000);

    // The late page: history + live frames = the whole run, and the very same report.
    const lateFrames = [...late.history.frames, ...late.frames.map((message) => message.frame)].sort((a, b) => a.t - b.t);
    expect(lateFrames.map(counters)).toEqual(frames.map(counters));
    expect(late.reports[0]).toEqual(first.reports[0]);
    expect(late.states.map((state) => state.status)).toEqual(["finished"]);

    // The log saw the run begin and end.
    expect(first.log.some((entry) => entry.kind === "run" && entry.text.includes(`run ${runId} started: test-preset, beat 2`))).toBe(true);
    expect(first.log.some((entry) => entry.kind === "run" && entry.text === `run ${runId} ended`)).toBe(true);

    // Over: runtime commands have nothing to act on, and a new page gets the finished run.
    expect(errorOf(await first.send("key:expire", {}))?.code).toBe("NO_RUN");
    const after = await join();
    expect(after.history.state).toMatchObject({ status: "finished", runId });
    expect(after.history.report).toEqual(report);
  });

  it("keeps the run going when every page has left, with its runtime commands", async () => {
    const page = await join();
    const ack = await page.send("run:start", { scenario: SMALL });
    const runId = (ack as { data: { runId: number } }).data.runId;
    expect(runId).toEqual(expect.any(Number));
    expect(await waitUntil(() => page.frames.length >= 1, 20_000)).toBe(true);

    expect(await page.send("key:expire", {})).toEqual({ data: {} });
    expect(await page.send("crowd:release", {})).toEqual({ data: { clients: 300 } });
    expect(page.log.some((entry) => entry.text.includes("expired by hand"))).toBe(true);

    const framesWhenLeaving = server!.app.lab.history().frames.length;
    page.close();
    expect(await waitUntil(() => server!.app.io.engine.clientsCount === 0, 5000), "every page gone").toBe(true);
    expect(server!.app.lab.current.status).toBe("running");

    expect(await waitUntil(() => server!.app.lab.current.status !== "running", 40_000), "the run ends on its own").toBe(true);
    const back = await join();
    expect(back.history.state).toMatchObject({ status: "finished", runId });
    const report = back.history.report!;
    expect(report).not.toBeNull();
    // The crowd released by hand arrived too, with nobody watching.
    expect(report.requests.total).toBe(600);
    expect(back.history.frames.length).toBeGreaterThan(framesWhenLeaving);
    expect(sum(back.history.frames, "arrivals")).toBe(report.requests.total);
    expect(back.history.log.some((entry) => entry.text.includes("a crowd of 300 released by hand"))).toBe(true);
  });

  it("a stopped run says when and by whom, in its finished state and in its report", async () => {
    const page = await join();
    const ack = await page.send("run:start", { scenario: { ...SMALL, durationMs: 20_000 } });
    const runId = (ack as { data: { runId: number } }).data.runId;
    expect(await waitUntil(() => page.frames.length >= 3, 20_000)).toBe(true);
    expect(await page.send("run:stop", {})).toEqual({ data: {} });
    expect(await waitUntil(() => page.states.at(-1)?.status === "finished", 30_000)).toBe(true);
    const finished = page.states.at(-1)!;
    expect(finished).toMatchObject({ runId, stopped: { atMs: expect.any(Number), by: "presenter" } });
    const stopped = (finished as { stopped: { atMs: number } }).stopped;
    // Stopped after its third frame, long before its 20 s were up.
    expect(stopped.atMs).toBeGreaterThanOrEqual(3 * SMALL.tickMs!);
    expect(stopped.atMs).toBeLessThan(20_000);
    expect(await waitUntil(() => page.reports.some((r) => r.runId === runId), 5000)).toBe(true);
    expect(page.reports.find((r) => r.runId === runId)!.report.stopped).toEqual(stopped);
  });

  it("a run that ran its course carries no stop", async () => {
    const page = await join();
    const ack = await page.send("run:start", { scenario: SMALL });
    const runId = (ack as { data: { runId: number } }).data.runId;
    expect(await waitUntil(() => page.states.at(-1)?.status === "finished", 40_000)).toBe(true);
    expect(page.states.at(-1)).not.toHaveProperty("stopped");
    expect(await waitUntil(() => page.reports.some((r) => r.runId === runId), 5000)).toBe(true);
    expect(page.reports.find((r) => r.runId === runId)!.report).not.toHaveProperty("stopped");
  });

  it("a story starts from its own world; keepWorld and builder runs keep the world as it is", async () => {
    const page = await join();
    const lock4 = () => real!.nodes.get("lock-4").state;
    const startAndStop = async (command: Record<string, unknown>) => {
      const ack = await page.send("run:start", { scenario: { ...SMALL, durationMs: 20_000 }, ...command });
      expect(ack).toEqual({ data: { runId: expect.any(Number) } });
      const runId = (ack as { data: { runId: number } }).data.runId;
      // The state as the run began: the world it starts from.
      const atStart = lock4();
      expect(await page.send("run:stop", {})).toEqual({ data: {} });
      expect(await waitUntil(() => page.states.some((s) => s.status === "finished" && s.runId === runId), 30_000)).toBe(true);
      return { runId, atStart };
    };
    const resetLines = () => page.log.filter((entry) => entry.text.startsWith("world reset for"));

    expect(await page.send("node:action", { nodeId: "lock-4", action: "crash" })).toMatchObject({ data: { state: "crashed" } });
    // From the builder (no presetId): the world is kept.
    expect((await startAndStop({})).atStart).toBe("crashed");
    // A story with keepWorld: kept too.
    expect((await startAndStop({ presetId: "redlock-holds", beat: 1, keepWorld: true })).atStart).toBe("crashed");
    expect(resetLines()).toEqual([]);

    // A story: every node up before its run begins, and one log line says so.
    const story = await startAndStop({ presetId: "redlock-holds", beat: 1 });
    expect(story.atStart).toBe("up");
    expect(await answersPing(real!.nodes.get("lock-4").port)).toBe(true);
    expect(resetLines().map((entry) => entry.text)).toEqual([
      "world reset for redlock-holds beat 1: every node up and empty, every path healed, no latency (lock-4 started)",
    ]);
    const texts = page.log.map((entry) => entry.text);
    expect(texts.indexOf(resetLines()[0]!.text)).toBeLessThan(texts.indexOf(`run ${story.runId} started: redlock-holds, beat 1`));
  });

  it("resets the world: stops a run and brings a crashed node back up", async () => {
    const page = await join();
    const ack = await page.send("run:start", { scenario: { ...SMALL, durationMs: 8000 } });
    expect(ack).toEqual({ data: { runId: expect.any(Number) } });
    expect(await waitUntil(() => page.frames.length >= 1, 20_000)).toBe(true);

    const crashed = await page.send("node:action", { nodeId: "lock-4", action: "crash" });
    expect(crashed).toMatchObject({ data: { id: "lock-4", state: "crashed" } });
    const port = real!.nodes.get("lock-4").port;
    expect(await answersPing(port)).toBe(false);

    expect(await page.send("lab:reset", {})).toEqual({ data: {} });
    expect(server!.app.lab.current).toEqual({ status: "idle" });
    expect(real!.nodes.get("lock-4").state).toBe("up");
    expect(await answersPing(real!.nodes.get("lock-4").port)).toBe(true);
    expect(await waitUntil(() => page.nodes.find((node) => node.id === "lock-4")?.state === "up", 5000)).toBe(true);
    expect(await waitUntil(() => page.states.at(-1)?.status === "idle", 5000)).toBe(true);
    expect(page.states.map((state) => state.status)).toEqual(["running", "finished", "idle"]);

    const fresh = await join();
    expect(fresh.history).toMatchObject({ state: { status: "idle" }, frames: [], report: null });
  });
});
