/**
 * The safety lab over the socket, on real redis-server nodes behind fault proxies (as the dashboard
 * runs them): the page's fault buttons with their options, checked from outside the engine; the
 * alarm a violation raises, live and in the history of a page that joins later; a preset's
 * fsync-always beat on the lab's long-lived nodes; and a reset that opens every path again.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { findPreset, presetScenario } from "../../lib/presets";
import type { WireNode } from "../../lib/protocol";
import { redisCommand } from "../nodes/resp";
import { testBasePort } from "../nodes/test-ports";
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

const BASE = testBasePort(13);

let real: RealNodes | undefined;
let server: AppServer | undefined;
const recorders: Recorder[] = [];

beforeAll(async () => {
  real = await startRealNodes(BASE, 5, { faultProxies: true });
  server = await startAppServer({ nodes: real.nodes });
});

afterEach(async () => {
  for (const recorder of recorders.splice(0)) recorder.close();
  const lab = server?.app.lab;
  if (lab?.current.status === "running") {
    lab.stop();
    await waitUntil(() => lab.current.status !== "running", 30_000);
  }
  await lab?.resetWorld();
});

afterAll(async () => {
  await server?.close();
  await real?.stop();
});

async function join(): Promise<Recorder> {
  const recorder = await record(server!.url);
  recorders.push(recorder);
  return recorder;
}

function acked(ack: Awaited<ReturnType<Recorder["send"]>>): WireNode {
  if ("error" in ack) throw new Error(`refused: ${ack.error.code}: ${ack.error.message}`);
  return ack.data as WireNode;
}

/** A PING through the engine's shared path (the node's proxy), with a short timeout. */
async function pingThroughProxy(node: WireNode): Promise<boolean> {
  try {
    const reply = await redisCommand(node.host, node.clientPort, ["PING"], 500);
    return reply.kind === "ok" && reply.value === "PONG";
  } catch {
    return false;
  }
}

describe("fault buttons: node:action with the safety lab's faults", () => {
  it("partition cuts the engine's path while the node still answers on its own port; heal restores it; another page sees both", async () => {
    const page = await join();
    const watcher = await join();
    const before = page.nodes.find((n) => n.id === "lock-2")!;
    expect(before.path).toEqual({ partitioned: false, latencyMs: 0, jitterMs: 0 });
    expect(before.clientPort).not.toBe(before.port);
    expect(await pingThroughProxy(before)).toBe(true);

    const cut = acked(await page.send("node:action", { nodeId: "lock-2", action: "partition" }));
    expect(cut.path?.partitioned).toBe(true);
    expect(cut.state).toBe("up");
    expect(await answersPing(cut.port)).toBe(true);
    expect(await pingThroughProxy(cut)).toBe(false);
    expect(await waitUntil(() => watcher.nodeEvents.some((e) => e.name === "node:partition" && e.data.nodeId === "lock-2"), 5000)).toBe(true);
    expect(watcher.nodes.find((n) => n.id === "lock-2")?.path?.partitioned).toBe(true);

    const healed = acked(await page.send("node:action", { nodeId: "lock-2", action: "heal" }));
    expect(healed.path?.partitioned).toBe(false);
    expect(await pingThroughProxy(healed)).toBe(true);
    expect(await waitUntil(() => watcher.nodeEvents.some((e) => e.name === "node:heal"), 5000)).toBe(true);
  });

  it("cuts off single instances, sets latency with jitter, and jumps a clock — each shown on the node and in the log", async () => {
    const page = await join();
    const cut = acked(await page.send("node:action", { nodeId: "lock-1", action: "partition", instances: [2] }));
    expect(cut.path?.partitioned).toEqual([2]);

    const slow = acked(await page.send("node:action", { nodeId: "lock-3", action: "latency", ms: 120, jitterMs: 10 }));
    expect(slow.path).toMatchObject({ latencyMs: 120, jitterMs: 10 });
    const started = Date.now();
    expect(await pingThroughProxy({ ...slow })).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);

    const jumped = acked(await page.send("node:action", { nodeId: "lock-4", action: "clock-jump", ms: 5000 }));
    expect(jumped.state).toBe("up");
    expect(await waitUntil(() => page.log.some((e) => /lock-4 clock-jump \(simulated/.test(e.text)), 5000)).toBe(true);
  });

  it("restart from the page: the node comes back on the same port with a new process, empty", async () => {
    const page = await join();
    const before = page.nodes.find((n) => n.id === "lock-5")!;
    await redisCommand(before.host, before.port, ["SET", "lock:probe", "x"], 1000);
    const back = acked(await page.send("node:action", { nodeId: "lock-5", action: "restart" }));
    expect(back.state).toBe("up");
    expect(back.port).toBe(before.port);
    expect(back.pid).not.toBe(before.pid);
    const probe = await redisCommand(back.host, back.port, ["EXISTS", "lock:probe"], 1000);
    expect(probe).toMatchObject({ kind: "ok", value: "0" });
    expect(await waitUntil(() => page.nodeEvents.some((e) => e.name === "node:restart" && e.data.nodeId === "lock-5"), 5000)).toBe(true);
  });

  it("refuses an option on the wrong action, or a missing one, naming it — and changes nothing", async () => {
    const page = await join();
    for (const [command, field] of [
      [{ nodeId: "lock-2", action: "crash", ms: 10 }, "ms"],
      [{ nodeId: "lock-2", action: "latency" }, "ms"],
      [{ nodeId: "lock-2", action: "partition", instances: [0] }, "instances"],
      [{ nodeId: "lock-2", action: "restart", delayedRestartMs: -1 }, "delayedRestartMs"],
    ] as const) {
      const error = errorOf(await page.send("node:action", command));
      expect(error?.code, JSON.stringify(command)).toBe("BAD_REQUEST");
      expect(error?.message).toContain(field);
    }
    const node = server!.app.lab.nodeList().find((n) => n.id === "lock-2")!;
    expect(node).toMatchObject({ state: "up", path: { partitioned: false, latencyMs: 0 } });
  });

  it("lab:reset heals partitions and removes latency", async () => {
    const page = await join();
    acked(await page.send("node:action", { nodeId: "lock-2", action: "partition" }));
    acked(await page.send("node:action", { nodeId: "lock-3", action: "latency", ms: 50 }));
    expect("data" in (await page.send("lab:reset", {}))).toBe(true);
    for (const node of server!.app.lab.nodeList()) expect(node.path, node.id).toEqual({ partitioned: false, latencyMs: 0, jitterMs: 0 });
  });
});

describe("a scenario's path faults end with its run", () => {
  it("the partition and latency a scenario set are gone once it finishes; a cut made by hand stays", async () => {
    const page = await join();
    acked(await page.send("node:action", { nodeId: "lock-4", action: "partition" }));
    const scenario = {
      durationMs: 800,
      crowd: { profile: "steady", rps: 2 },
      faults: [
        { atMs: 0, node: "lock-1", action: "partition", instances: [2] },
        { atMs: 0, node: "lock-2", action: "latency", ms: 40, jitterMs: 5 },
      ],
    };
    expect(errorOf(await page.send("run:start", { scenario }))).toBeNull();
    expect(await waitUntil(() => page.states.some((s) => s.status === "finished"), 30_000)).toBe(true);
    const path = (id: string) => server!.app.lab.nodeList().find((n) => n.id === id)!.path;
    expect(path("lock-1")).toEqual({ partitioned: false, latencyMs: 0, jitterMs: 0 });
    expect(path("lock-2")).toEqual({ partitioned: false, latencyMs: 0, jitterMs: 0 });
    expect(path("lock-4")?.partitioned).toBe(true);
    const said = page.log.map((e) => e.text);
    expect(said).toContain("lock-1: path opened again — the scenario's partitions and latency end with its run");
    expect(said).toContain("lock-2: path opened again — the scenario's partitions and latency end with its run");
    // Every page hears it: the nodes it was sent after the run show the paths open.
    expect(page.nodes.find((n) => n.id === "lock-1")?.path?.partitioned).toBe(false);
  });
});

describe("alarms", () => {
  it("gc-pause from the page raises an alarm naming two holders, live and in a late page's history; the report counts the same", async () => {
    const preset = findPreset("gc-pause")!;
    const page = await join();
    const started = await page.send("run:start", { scenario: presetScenario(preset, 1), presetId: "gc-pause", beat: 1 });
    expect(errorOf(started)).toBeNull();
    expect(await waitUntil(() => page.reports.length > 0, 60_000)).toBe(true);
    const report = page.reports[0]!.report;
    expect(report.locks.safetyViolations).toBeGreaterThanOrEqual(1);
    expect(page.alarms).toHaveLength(report.locks.safetyViolations);
    // Each alarm carries its number in the run: the running count a page shows.
    expect(page.alarms.map((a) => a.seq)).toEqual(page.alarms.map((_, i) => i + 1));
    const alarm = page.alarms.find((a) => a.violation.kind === "write-after-validity")!;
    expect(alarm.violation.first.holder).not.toBe(alarm.violation.second.holder);
    // On the run's time line: the pause starts at 2 s and lasts 2.5 s, so the late write lands after 4.5 s.
    expect(alarm.atMs).toBeGreaterThanOrEqual(4000);
    expect(alarm.atMs).toBeLessThanOrEqual(report.durationMs);

    const late = await join();
    expect(late.history.alarms).toEqual(page.alarms);
    // A new run starts with no alarms.
    expect(errorOf(await page.send("run:start", { scenario: { durationMs: 300, crowd: { profile: "steady", rps: 1 } } }))).toBeNull();
    const again = await join();
    expect(again.history.alarms).toEqual([]);
  });
});

describe("the GC-pause button: instance:pause", () => {
  it("pauses instance 1's holder mid-run past its TTL: the same alarm and lost updates as the scheduled fault, counted alike", async () => {
    const preset = findPreset("gc-pause")!;
    const { faults: _scheduled, ...scenario } = presetScenario(preset, 1);
    const page = await join();
    expect(errorOf(await page.send("run:start", { scenario: { ...scenario, faults: [] } }))).toBeNull();
    // The engine is up once frames flow (the button stays refused until then, "not started yet").
    expect(await waitUntil(() => page.frames.length > 0, 30_000)).toBe(true);
    // Refused before anything is armed: an instance this run does not have, and a pause of 0 ms.
    const tooFar = await page.send("instance:pause", { instance: 3, ms: 2500 });
    expect(errorOf(tooFar)).toMatchObject({ code: "NO_SUCH_INSTANCE", message: expect.stringMatching(/pause one of 1–2/) });
    expect(errorOf(await page.send("instance:pause", { instance: 1, ms: 0 }))).toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/^instance:pause: ms/) });
    expect(await page.send("instance:pause", { instance: 1, ms: 2500 })).toEqual({ data: { instance: 1, ms: 2500 } });

    expect(await waitUntil(() => page.reports.length > 0, 60_000)).toBe(true);
    const report = page.reports[0]!.report;
    expect(report.locks.safetyViolations).toBeGreaterThanOrEqual(1);
    expect(report.db.staleWritesAccepted).toBeGreaterThanOrEqual(1);
    expect(report.db.lostUpdates).toBeGreaterThanOrEqual(1);
    expect(page.alarms).toHaveLength(report.locks.safetyViolations);
    expect(page.alarms.some((a) => a.violation.kind === "write-after-validity" && a.violation.first.holder.startsWith("instance-1/"))).toBe(true);
    expect(page.log.some((e) => /^pause instance-1 for 2500 ms by hand — simulated/.test(e.text))).toBe(true);
    // After the run there is nothing to pause.
    expect(errorOf(await page.send("instance:pause", { instance: 1, ms: 2500 }))).toMatchObject({ code: "NO_RUN" });
    // Nor in a run that takes no lock.
    const before = page.frames.length;
    expect(errorOf(await page.send("run:start", { scenario: { lock: "none", durationMs: 1500, crowd: { profile: "steady", rps: 2 } } }))).toBeNull();
    expect(await waitUntil(() => page.frames.length > before, 30_000)).toBe(true);
    expect(errorOf(await page.send("instance:pause", { instance: 1, ms: 2500 }))).toMatchObject({ code: "NO_LOCK", message: expect.stringMatching(/no holder to pause/) });
  });
});

describe("a preset's node options on the lab's long-lived nodes", () => {
  it("restart-without-persistence's fsync-always beat runs from the page: lock-3 switches to AOF, and back when the next scenario names none", async () => {
    const preset = findPreset("restart-without-persistence")!;
    const page = await join();
    const started = await page.send("run:start", { scenario: { ...presetScenario(preset, 3), durationMs: 1500 }, presetId: preset.id, beat: 3 });
    expect(errorOf(started)).toBeNull();
    const lock3 = () => server!.app.lab.nodeList().find((n) => n.id === "lock-3")!;
    expect(lock3().persistence).toBe("fsync-always");
    // The page's node list (what the grid's badge reads) follows, though no node event came.
    const onPage = () => page.nodes.find((n) => n.id === "lock-3")?.persistence;
    expect(await waitUntil(() => onPage() === "fsync-always", 5000)).toBe(true);
    // Asked of the node itself, not of the manager's bookkeeping.
    const info = await redisCommand(lock3().host, lock3().port, ["INFO", "persistence"], 1000);
    expect(info.kind === "ok" ? info.value : info.message).toMatch(/^aof_enabled:1\r?$/m);
    expect(await waitUntil(() => page.reports.length > 0, 60_000)).toBe(true);
    expect(page.reports[0]!.report.scenario.nodeOptions).toEqual({ "lock-3": { persistence: "fsync-always" } });

    expect(errorOf(await page.send("run:start", { scenario: { durationMs: 300, crowd: { profile: "steady", rps: 1 } } }))).toBeNull();
    expect(lock3().persistence).toBe("none");
    expect(await waitUntil(() => onPage() === "none", 5000)).toBe(true);
    expect(page.log.some((e) => e.text === "lock-3 persistence set to none for this scenario")).toBe(true);
  });
});
