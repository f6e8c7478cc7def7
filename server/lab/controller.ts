import type { Scenario } from "../../lib/scenario";
import { systemClock, type Clock } from "../core/clock";
import { LabError } from "../core/errors";
import type { NodeAction, NodeId, NodeManager, NodeStatus } from "../nodes/types";
import { EventLogAggregator, type LogEntry } from "./event-log";
import type { Report } from "./report";
import { ScenarioRun, type TickFrame } from "./runner";

export type RunMeta = { presetId?: string; beat?: number };

/** Where the lab is. Exhaustive: the page switches on `status`. */
export type LabRunState =
  | { status: "idle" }
  | { status: "running"; runId: number; scenario: Scenario; meta: RunMeta; startedAt: number }
  | { status: "finished"; runId: number; scenario: Scenario; meta: RunMeta; startedAt: number; endedAt: number }
  | { status: "failed"; runId: number; scenario: Scenario; meta: RunMeta; message: string };

export interface LabListeners {
  onState?: (state: LabRunState) => void;
  onFrame?: (runId: number, frame: TickFrame) => void;
  onLog?: (entry: LogEntry) => void;
  onReport?: (runId: number, report: Report) => void;
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
  private readonly clock: Clock;

  constructor(
    private readonly nodes: NodeManager,
    private readonly listeners: LabListeners = {},
    clock: Clock = systemClock,
  ) {
    this.clock = clock;
    nodes.onEvent((event) => {
      const atMs = this.run ? Math.round(this.run.elapsedMs) : 0;
      this.appendLog({ atMs, kind: "node", text: `${event.data.nodeId} ${event.name.slice("node:".length)}${event.data.detail ? ` (${event.data.detail})` : ""}` });
    });
  }

  get current(): LabRunState {
    return this.state;
  }

  history(): { frames: TickFrame[]; log: LogEntry[]; report: Report | null } {
    return { frames: [...this.frames], log: [...this.log], report: this.report };
  }

  nodeList(): NodeStatus[] {
    return this.nodes.list();
  }

  /** Starts a run; refuses while one is going (stop it first). */
  start(scenario: Scenario, meta: RunMeta = {}): { runId: number } {
    if (this.state.status === "running") {
      throw new LabError("RUN_IN_PROGRESS", "a run is already going: stop it first");
    }
    const runId = ++this.runCounter;
    this.frames = [];
    this.report = null;
    const startedAt = this.clock.now();
    let aggregator: EventLogAggregator | null = null;
    const run: ScenarioRun = new ScenarioRun(scenario, {
      nodes: this.nodes,
      clock: this.clock,
      onEvent: (event) => aggregator?.record(event),
      onTick: (frame) => {
        aggregator?.flushWindow(frame.t + scenario.tickMs);
        this.frames.push(frame);
        if (this.frames.length > FRAME_HISTORY) this.frames.splice(0, this.frames.length - FRAME_HISTORY);
        this.listeners.onFrame?.(runId, frame);
      },
      onNote: (note) => this.appendLog({ atMs: note.atMs, kind: note.kind === "phase" ? "run" : note.kind === "crowd" ? "crowd" : "fault", text: note.text }),
    });
    aggregator = new EventLogAggregator(() => this.clock.now() - run.elapsedMs, (entry) => this.appendLog(entry));
    this.run = run;
    this.setState({ status: "running", runId, scenario, meta, startedAt });
    this.appendLog({ atMs: 0, kind: "run", text: `run ${runId} started${meta.presetId ? `: ${meta.presetId}${meta.beat ? `, beat ${meta.beat}` : ""}` : ""}` });
    run.done.then(
      (report) => {
        this.report = report;
        this.listeners.onReport?.(runId, report);
        this.appendLog({ atMs: report.durationMs, kind: "run", text: `run ${runId} ended` });
        if (this.run === run) this.run = null;
        this.setState({ status: "finished", runId, scenario, meta, startedAt, endedAt: this.clock.now() });
      },
      (error: unknown) => {
        if (this.run === run) this.run = null;
        const message = error instanceof Error ? error.message : String(error);
        this.appendLog({ atMs: 0, kind: "run", text: `run ${runId} failed: ${message}` });
        this.setState({ status: "failed", runId, scenario, meta, message });
      },
    );
    return { runId };
  }

  /** Ends the current run early: arrivals stop, requests in flight end, the report still comes. */
  stop(): void {
    if (!this.run) throw new LabError("NO_RUN", "no run is going");
    this.run.stop();
  }

  async expireNow(): Promise<void> {
    if (!this.run) throw new LabError("NO_RUN", "start a run first: the hot key only exists during a run");
    await this.run.expireNow();
  }

  releaseCrowd(): number {
    if (!this.run) throw new LabError("NO_RUN", "start a run first: the crowd arrives during a run");
    return this.run.releaseCrowdNow();
  }

  nodeAction(id: NodeId, action: NodeAction): Promise<NodeStatus> {
    return this.nodes.apply(id, action);
  }

  /** Stops the run and brings every node back up (crashed ones start empty, frozen ones thaw). */
  async resetWorld(): Promise<void> {
    if (this.run) {
      this.run.stop();
      await this.run.done.catch(() => undefined);
    }
    for (const node of this.nodes.list()) {
      if (node.mode !== "spawned") continue;
      if (node.state === "frozen") await this.nodes.apply(node.id, "thaw");
      else if (node.state === "crashed") await this.nodes.apply(node.id, "start");
    }
    this.frames = [];
    this.report = null;
    this.setState({ status: "idle" });
    this.appendLog({ atMs: 0, kind: "run", text: "world reset: every node up" });
  }

  private setState(state: LabRunState): void {
    this.state = state;
    this.listeners.onState?.(state);
  }

  private appendLog(entry: LogEntry): void {
    this.log.push(entry);
    if (this.log.length > LOG_HISTORY) this.log.splice(0, this.log.length - LOG_HISTORY);
    this.listeners.onLog?.(entry);
  }
}
