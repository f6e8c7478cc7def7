import { logEntry, withLogEntry, type NodeChange } from "../../lib/log";
import { ALARMS_KEPT, type RehearsalState } from "../../lib/protocol";
import type { RunStop, SafetyViolation } from "../../lib/report";
import type { Scenario } from "../../lib/scenario";
import { systemClock, type Clock } from "../core/clock";
import { LabError } from "../core/errors";
import { supportsFaults } from "../nodes/manager";
import type { LabNodeEvent, NodeManager, NodePersistence, NodeStatus } from "../nodes/types";
import { EventLogAggregator, type LogEntry } from "./event-log";
import { assertPathsCanBeCut, isPathFault } from "./node-support";
import { plainReason } from "./plain-errors";
import type { Report } from "./report";
import { rehearsalPlan, rehearse, type RehearsalHooks } from "./rehearsal";
import { ScenarioRun, type TickFrame } from "./runner";

export type RunMeta = { presetId?: string; beat?: number };

/** Where the lab is. Exhaustive: the page switches on `status`. */
export type LabRunState =
  | { status: "idle" }
  | { status: "running"; runId: number; scenario: Scenario; meta: RunMeta; startedAt: number }
  | { status: "finished"; runId: number; scenario: Scenario; meta: RunMeta; startedAt: number; endedAt: number; stopped?: RunStop }
  | { status: "failed"; runId: number; scenario: Scenario; meta: RunMeta; message: string };

export interface StartOptions {
  /**
   * First bring the world back to a known state: every node up (crashed ones start empty, frozen
   * ones thaw), every path healed, no latency — one log line says so. The run's warm-up then empties
   * every node. @default false
   */
  resetWorld?: boolean;
}

/** A safety violation on the run's time line; `seq` counts the run's alarms from 1. */
export interface LabAlarm {
  runId: number;
  atMs: number;
  violation: SafetyViolation;
  seq: number;
}

export interface LabListeners {
  onState?: (state: LabRunState) => void;
  onFrame?: (runId: number, frame: TickFrame) => void;
  onLog?: (entry: LogEntry) => void;
  onReport?: (runId: number, report: Report) => void;
  onAlarm?: (alarm: LabAlarm) => void;
  /** A node changed without a node event (its persistence): pages need the node list again. */
  onNodesChanged?: () => void;
  onRehearsal?: (state: RehearsalState) => void;
}

/** Frames kept for a browser that joins mid-run: the charts' whole window at 100 ms ticks. */
const FRAME_HISTORY = 600;
const LOG_HISTORY = 500;

/**
 * The lab as the gateway sees it: one run at a time on one set of nodes, runtime commands, and the
 * recent past (frames, log, last report) for whoever connects later. It knows nothing of sockets.
 */
export class LabController {
  private state: LabRunState = { status: "idle" };
  private run: ScenarioRun | null = null;
  private runCounter = 0;
  private frames: TickFrame[] = [];
  private log: LogEntry[] = [];
  private report: Report | null = null;
  private alarms: LabAlarm[] = [];
  private alarmCount = 0;
  /** How the latest run ended, once the lab has finished with it. */
  private runEnded: Promise<{ report: Report } | { error: string }> = Promise.resolve({ error: "no run yet" });
  /** The rehearsal going on (or the last one), and how to stop it. */
  private rehearsal: { state: RehearsalState; abort: AbortController; done: Promise<RehearsalState> } | null = null;
  private readonly clock: Clock;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly nodes: NodeManager,
    private readonly listeners: LabListeners = {},
    clock: Clock = systemClock,
  ) {
    this.clock = clock;
    const logNodeEvent = (event: LabNodeEvent) => {
      const atMs = this.run ? Math.round(this.run.elapsedMs) : 0;
      const action = event.name.slice("node:".length) as NodeChange;
      this.appendLog(logEntry.node.changed({ atMs, node: event.data.nodeId, action, ...(event.data.detail ? { detail: event.data.detail } : {}) }));
    };
    // Fault events (partition, latency, restart, clock-jump) too, when the manager has them.
    this.unsubscribe = supportsFaults(nodes) ? nodes.onAnyEvent(logNodeEvent) : nodes.onEvent(logNodeEvent);
  }

  /** Stops listening to the nodes (the run, if any, goes on to its end). For a lab that closes before its manager. */
  dispose(): void {
    this.unsubscribe();
  }

  get current(): LabRunState {
    return this.state;
  }

  history(): { frames: TickFrame[]; log: LogEntry[]; report: Report | null; alarms: LabAlarm[]; rehearsal?: RehearsalState } {
    return {
      frames: [...this.frames],
      log: [...this.log],
      report: this.report,
      alarms: [...this.alarms],
      ...(this.rehearsal ? { rehearsal: this.rehearsal.state } : {}),
    };
  }

  nodeList(): NodeStatus[] {
    return this.nodes.list();
  }

  /**
   * Starts a run; refuses while one is going (stop it first). First gives each spawned node the
   * persistence the scenario asks for (`nodeOptions`; "none" when it names none), so a preset's
   * fsync-always beat works on the lab's long-lived nodes and the next scenario gets them back plain.
   */
  async start(scenario: Scenario, meta: RunMeta = {}, options: StartOptions = {}): Promise<{ runId: number }> {
    if (this.isRehearsing()) throw new LabError("REHEARSAL_IN_PROGRESS", "a rehearsal is playing the stories: stop it first");
    return this.startRun(scenario, meta, options);
  }

  private async startRun(scenario: Scenario, meta: RunMeta, options: StartOptions = {}): Promise<{ runId: number }> {
    if (this.state.status === "running") {
      throw new LabError("RUN_IN_PROGRESS", "a run is already going: stop it first");
    }
    // Refused here, before any node changes (the world reset included), the page's start gets the
    // error itself — not a run that fails as it begins.
    assertPathsCanBeCut(scenario, this.nodes.list());
    if (options.resetWorld) {
      const changed = await this.restoreNodes();
      this.appendLog(logEntry.run.worldReset({ atMs: 0, ...(meta.presetId ? { presetId: meta.presetId } : {}), ...(meta.beat ? { beat: meta.beat } : {}), changed }));
    }
    await this.alignPersistence(scenario);
    // Another start may have slipped in while the nodes were being set up.
    if (this.isRunning()) throw new LabError("RUN_IN_PROGRESS", "a run is already going: stop it first");
    const runId = ++this.runCounter;
    this.frames = [];
    this.report = null;
    this.alarms = [];
    this.alarmCount = 0;
    const startedAt = this.clock.now();
    let aggregator: EventLogAggregator | null = null;
    const run: ScenarioRun = new ScenarioRun(scenario, {
      nodes: this.nodes,
      clock: this.clock,
      onEvent: (event) => {
        aggregator?.record(event);
        if (event.name === "safety:violation") this.raiseAlarm(runId, run, event.data);
      },
      onTick: (frame) => {
        aggregator?.flushWindow(frame.t + scenario.tickMs);
        this.frames.push(frame);
        if (this.frames.length > FRAME_HISTORY) this.frames.splice(0, this.frames.length - FRAME_HISTORY);
        this.listeners.onFrame?.(runId, frame);
      },
      onNote: (_note, entry) => this.appendLog(entry),
    });
    aggregator = new EventLogAggregator(() => this.clock.now() - run.elapsedMs, (entry) => this.appendLog(entry), { runId });
    this.run = run;
    this.setState({ status: "running", runId, scenario, meta, startedAt });
    this.appendLog(logEntry.run.started({ atMs: 0, runId, ...(meta.presetId ? { presetId: meta.presetId } : {}), ...(meta.beat ? { beat: meta.beat } : {}) }));
    // A reset (or a new run) may have moved the lab on while the paths were being opened.
    const stillThisRun = () => this.state.status === "running" && this.state.runId === runId;
    this.runEnded = run.done.then(
      async (report) => {
        this.report = report;
        this.listeners.onReport?.(runId, report);
        aggregator?.finish();
        this.appendLog(logEntry.run.ended({ atMs: report.durationMs, runId }));
        if (this.run === run) this.run = null;
        await this.openScenarioPaths(scenario, report.durationMs);
        if (stillThisRun()) {
          this.setState({ status: "finished", runId, scenario, meta, startedAt, endedAt: this.clock.now(), ...(report.stopped ? { stopped: report.stopped } : {}) });
        }
        return { report };
      },
      async (error: unknown) => {
        if (this.run === run) this.run = null;
        const message = error instanceof Error ? error.message : String(error);
        aggregator?.finish();
        this.appendLog(logEntry.run.failed({ atMs: 0, runId, message: plainReason(message) }));
        await this.openScenarioPaths(scenario, 0);
        if (stillThisRun()) this.setState({ status: "failed", runId, scenario, meta, message });
        return { error: message };
      },
    );
    return { runId };
  }

  /**
   * Starts a run and resolves with its report once the lab is done with it (paths opened, state
   * "finished"): for whoever plays runs one after another, as a rehearsal does.
   */
  async play(scenario: Scenario, meta: RunMeta = {}): Promise<Report> {
    if (this.isRehearsing()) throw new LabError("REHEARSAL_IN_PROGRESS", "a rehearsal is playing the stories: stop it first");
    return this.playRun(scenario, meta);
  }

  private async playRun(scenario: Scenario, meta: RunMeta): Promise<Report> {
    await this.startRun(scenario, meta);
    const end = await this.runEnded;
    if ("error" in end) throw new LabError("RUN_FAILED", end.error);
    return end.report;
  }

  /**
   * Rehearses the stories named (all when none are): every beat played on this lab's nodes, the
   * world reset before each story, each beat's expects checked. Returns at once with the beats
   * planned; progress goes to `onRehearsal`, and `rehearsalDone()` resolves with the end.
   */
  startRehearsal(presetIds: readonly string[] | undefined, prepare: RehearsalHooks["prepare"]): { beats: number } {
    if (this.isRehearsing()) throw new LabError("REHEARSAL_IN_PROGRESS", "a rehearsal is already playing: stop it first");
    if (this.isRunning()) throw new LabError("RUN_IN_PROGRESS", "a run is going: stop it before rehearsing");
    const steps = rehearsalPlan(presetIds);
    const abort = new AbortController();
    const publish = (state: RehearsalState) => {
      if (this.rehearsal?.abort === abort) this.rehearsal.state = state;
      this.listeners.onRehearsal?.(state);
    };
    const lab = {
      resetWorld: () => this.resetNodes(),
      play: async (scenario: Scenario, meta: RunMeta) => {
        await this.startRun(scenario, meta);
        // A stop that came while the nodes were being set up for this beat.
        if (abort.signal.aborted) this.run?.stop("presenter");
        const end = await this.runEnded;
        if ("error" in end) throw new LabError("RUN_FAILED", end.error);
        return end.report;
      },
      stopRun: () => this.run?.stop("presenter"),
    };
    this.appendLog({ atMs: 0, kind: "run", text: `rehearsal started: ${steps.length} beat(s) of ${new Set(steps.map((s) => s.preset.id)).size} story(ies)` });
    // Kept before the rehearsal begins, so its first progress (the first beat, now current) is kept too.
    let settle!: { resolve: (state: RehearsalState) => void; reject: (error: unknown) => void };
    const done = new Promise<RehearsalState>((resolve, reject) => (settle = { resolve, reject }));
    this.rehearsal = { state: { status: "running", total: steps.length, beats: [] }, abort, done };
    this.listeners.onRehearsal?.(this.rehearsal.state);
    rehearse(lab, steps, { prepare, signal: abort.signal, now: () => this.clock.now(), onProgress: publish }).then((state) => {
      const passed = state.beats.filter((b) => b.status === "passed").length;
      this.appendLog({ atMs: 0, kind: "run", text: `rehearsal ${state.status}: ${passed} of ${state.total} beat(s) made their point` });
      settle.resolve(state);
    }, settle.reject);
    return { beats: steps.length };
  }

  /** Stops the rehearsal: the beat playing ends early and no other starts. */
  stopRehearsal(): void {
    if (!this.isRehearsing()) throw new LabError("NO_REHEARSAL", "no rehearsal is playing");
    this.rehearsal!.abort.abort();
  }

  /** The rehearsal's end (its final state), or null when none was started. */
  rehearsalDone(): Promise<RehearsalState> | null {
    return this.rehearsal?.done ?? null;
  }

  private isRehearsing(): boolean {
    return this.rehearsal?.state.status === "running";
  }

  /** Ends the current run early: arrivals stop, requests in flight end, the report still comes and says who stopped it. During a rehearsal, ends the rehearsal too. */
  stop(by: RunStop["by"] = "presenter"): void {
    if (!this.run) throw new LabError("NO_RUN", "no run is going");
    if (this.state.status === "running") this.appendLog(logEntry.run.stopped({ atMs: Math.round(this.run.elapsedMs), runId: this.state.runId }));
    // Before the rehearsal's abort: its listener stops the run too, and the first stop is the one the report keeps.
    this.run.stop(by);
    if (this.isRehearsing()) this.rehearsal!.abort.abort();
  }

  async expireNow(): Promise<void> {
    if (!this.run) throw new LabError("NO_RUN", "start a run first: the hot key only exists during a run");
    await this.run.expireNow();
  }

  releaseCrowd(): number {
    if (!this.run) throw new LabError("NO_RUN", "start a run first: the crowd arrives during a run");
    return this.run.releaseCrowdNow();
  }

  pauseInstance(instance: number, ms: number): void {
    if (!this.run) throw new LabError("NO_RUN", "start a run first: a pause takes hold of a lock holder, and holders only exist during a run");
    this.run.pauseInstanceNow(instance, ms);
  }

  private isRunning(): boolean {
    return this.state.status === "running";
  }

  private raiseAlarm(runId: number, run: ScenarioRun, violation: SafetyViolation): void {
    // The run's t = 0 on the lab clock, as the event log reckons it.
    const startedAt = this.clock.now() - run.elapsedMs;
    const alarm: LabAlarm = { runId, atMs: Math.max(0, Math.round(violation.at - startedAt)), violation, seq: ++this.alarmCount };
    this.alarms.push(alarm);
    if (this.alarms.length > ALARMS_KEPT) this.alarms.splice(0, this.alarms.length - ALARMS_KEPT);
    this.listeners.onAlarm?.(alarm);
  }

  /** Sets each spawned node's persistence to the scenario's, where it differs; logs each change. */
  private async alignPersistence(scenario: Scenario): Promise<void> {
    const nodes = this.nodes;
    const wanted = (id: string): NodePersistence => (scenario.nodeOptions as Partial<Record<string, { persistence: NodePersistence }>>)[id]?.persistence ?? "none";
    const changes = nodes.list().filter((node) => node.mode === "spawned" && (node.persistence ?? "none") !== wanted(node.id));
    if (changes.length === 0) return;
    if (!supportsFaults(nodes)) {
      throw new LabError("NODE_OPTIONS_UNSUPPORTED", "this lab's node manager cannot change a node's persistence: remove nodeOptions from the scenario");
    }
    for (const node of changes) {
      if (node.state === "frozen") {
        throw new LabError("NODE_FROZEN", `${node.id} is frozen: thaw it (or reset the world) so its persistence can be set to "${wanted(node.id)}" for this scenario`);
      }
      await nodes.setPersistence(node.id, wanted(node.id));
      this.appendLog(logEntry.node.persistence({ atMs: 0, node: node.id, persistence: wanted(node.id) }));
      // The manager sends no node event for it, and the grid's fsync-always badge reads the node list.
      this.listeners.onNodesChanged?.();
    }
  }

  /**
   * A scenario's partitions and latency last as long as its run: a partitioned node still shows
   * "up", so a cut left behind would quietly break the next scenario. Crashes and freezes stay —
   * the grid shows them plainly, and a trainer may want to start the next run with a node down.
   * Paths the scenario never touched (cut by hand from the page) stay as they are.
   */
  private async openScenarioPaths(scenario: Scenario, atMs: number): Promise<void> {
    const nodes = this.nodes;
    if (!supportsFaults(nodes)) return;
    const touched = new Set<string>();
    for (const fault of scenario.faults) {
      if ("node" in fault && isPathFault(fault.action)) touched.add(fault.node);
    }
    for (const { id, path } of nodes.list()) {
      if (!path || !touched.has(id)) continue;
      try {
        if (path.partitioned !== false) await nodes.apply(id, "heal");
        if (path.latencyMs > 0 || path.jitterMs > 0) await nodes.apply(id, "latency", { ms: 0, jitterMs: 0 });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        this.appendLog(logEntry.node.pathStuck({ atMs, node: id, reason: plainReason(reason) }));
        continue;
      }
      if (path.partitioned !== false || path.latencyMs > 0 || path.jitterMs > 0) {
        this.appendLog(logEntry.node.pathOpened({ atMs, node: id }));
      }
    }
  }

  /** Stops the run (and a rehearsal) and brings every node back up (crashed ones start empty, frozen ones thaw). */
  async resetWorld(): Promise<void> {
    if (this.isRehearsing()) {
      this.rehearsal!.abort.abort();
      await this.rehearsal!.done;
    }
    await this.resetNodes();
  }

  private async resetNodes(): Promise<void> {
    if (this.run) {
      this.run.stop("presenter");
      await this.run.done.catch(() => undefined);
    }
    await this.restoreNodes();
    this.frames = [];
    this.report = null;
    this.alarms = [];
    this.alarmCount = 0;
    this.setState({ status: "idle" });
    this.appendLog(logEntry.run.worldReset({ atMs: 0 }));
  }

  /** Every path healed, no latency, every spawned node up; returns what it changed ("lock-2 started"). */
  private async restoreNodes(): Promise<string[]> {
    const nodes = this.nodes;
    const changed: string[] = [];
    for (const node of nodes.list()) {
      // Paths first: they are the proxy's, so attached nodes have them too.
      if (node.path && supportsFaults(nodes)) {
        if (node.path.partitioned !== false) {
          await nodes.apply(node.id, "heal");
          changed.push(`${node.id} healed`);
        }
        if (node.path.latencyMs > 0 || node.path.jitterMs > 0) {
          await nodes.apply(node.id, "latency", { ms: 0, jitterMs: 0 });
          changed.push(`${node.id} latency removed`);
        }
      }
      if (node.mode !== "spawned") continue;
      const action = node.state === "frozen" ? "thaw" : node.state === "crashed" ? "start" : null;
      if (action === null) continue;
      // A restart still under way brings the node up by itself: then there is nothing left to do.
      await nodes.apply(node.id, action).catch((error: unknown) => {
        if (nodes.get(node.id).state !== "up") throw error;
      });
      changed.push(`${node.id} ${action === "thaw" ? "thawed" : "started"}`);
    }
    return changed;
  }

  private setState(state: LabRunState): void {
    this.state = state;
    this.listeners.onState?.(state);
  }

  private appendLog(entry: LogEntry): void {
    // A folded count replaces its earlier line, so a page that joins later sees it once.
    this.log = withLogEntry(this.log, entry, LOG_HISTORY);
    this.listeners.onLog?.(entry);
  }
}
