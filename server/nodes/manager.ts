import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { LabError } from "../core/errors";
import { waitForAttachedNode } from "./attach";
import { NodeEventHub, nodeEvent } from "./events";
import { attachedNode, NodeErrorCode, portInUse } from "./node-errors";
import { resolveOptions, roleOf, type ResolvedOptions } from "./options";
import { findFreePort, isPortFree } from "./ports";
import { trackLiveManager, type LiveManager } from "./process-hooks";
import {
  describeExit,
  killAndReap,
  killNow,
  logTail,
  PortTakenError,
  spawnRedis,
  terminate,
  type ExitInfo,
  type RedisProcess,
} from "./redis-process";
import { transitionRefusal } from "./transitions";
import type { NodeAction, NodeEvent, NodeId, NodeManager, NodeManagerOptions, NodeState, NodeStatus } from "./types";
import { startWatchdog, type Watchdog } from "./watchdog";

export { nodeManagerOptionsFromEnv } from "./options";

/** The manager, plus what tests and diagnostics need to check that nothing is left behind. */
export type LabNodeManager = NodeManager & {
  /** PID of the watchdog process (spawn mode, once started); null otherwise. */
  readonly watchdogPid: number | null;
};

/**
 * Spawns (or attaches to) the lab's Redis nodes. Throws a LabError right away for bad options
 * (BAD_NODE_COUNT, BAD_PORT, BAD_CONFIG, BAD_ATTACH_URL); nothing runs until `start()`.
 */
export function createNodeManager(options: NodeManagerOptions = {}): LabNodeManager {
  return new RedisNodeManager(resolveOptions(options));
}

/** Auto-allocated ports lost to a race with another process before we give up. */
const MAX_PORT_RACES = 20;

interface NodeRecord {
  id: NodeId;
  mode: NodeStatus["mode"];
  host: string;
  port: number;
  state: NodeState;
  since: number;
  /** The live process; null when attached or down. */
  proc: RedisProcess | null;
  /** The process we are killing on purpose, whose exit is therefore not news. */
  expectedExit: RedisProcess | null;
  dir: string | null;
  /** Faults on one node run one after another, each checked against the state the previous one left. */
  queue: Promise<unknown>;
}

type Phase = "new" | "starting" | "up" | "stopping";

class RedisNodeManager implements NodeManager, LiveManager {
  private phase: Phase = "new";
  private readonly records = new Map<NodeId, NodeRecord>();
  private readonly events = new NodeEventHub();
  private watchdog: Watchdog | null = null;
  private untrack: (() => void) | null = null;
  private stopping: Promise<void> | null = null;

  constructor(private readonly config: ResolvedOptions) {}

  get watchdogPid(): number | null {
    return this.watchdog?.pid ?? null;
  }

  async start(): Promise<void> {
    if (this.phase !== "new") {
      throw new LabError(
        this.phase === "stopping" ? NodeErrorCode.ManagerStopped : NodeErrorCode.AlreadyStarted,
        "This node manager was already started; a manager starts once — create a new one to start again.",
      );
    }
    this.phase = "starting";
    try {
      if (this.config.attach) await this.attachAll(this.config.attach);
      else await this.spawnAll();
    } catch (error) {
      const stoppedMeanwhile = this.stopping !== null;
      await this.stop();
      if (stoppedMeanwhile) throw stoppedError();
      throw error;
    }
    if (this.stopping) throw stoppedError();
    this.phase = "up";
  }

  list(): NodeStatus[] {
    return [...this.records.values()].map((record) => this.status(record));
  }

  get(id: NodeId): NodeStatus {
    return this.status(this.record(id));
  }

  async apply(id: NodeId, action: NodeAction): Promise<NodeStatus> {
    if (this.phase === "stopping") throw stoppedError();
    if (this.phase !== "up") {
      throw new LabError(NodeErrorCode.NotStarted, `Cannot ${action} ${id} yet: wait for the node manager's start() to finish.`);
    }
    const record = this.record(id);
    if (record.mode === "attached") throw attachedNode(id, action);
    const run = record.queue.then(() => this.run(record, action));
    record.queue = run.catch(() => undefined);
    return run;
  }

  onEvent(listener: (event: NodeEvent) => void): () => void {
    return this.events.on(listener);
  }

  stop(): Promise<void> {
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  /** For the exit hook: nothing asynchronous runs there, so SIGKILL by PID and remove the dirs now. */
  killNow(): void {
    for (const record of this.records.values()) {
      if (record.proc) killNow(record.proc);
      try {
        if (record.dir) fs.rmSync(record.dir, { recursive: true, force: true });
      } catch {
        // A leftover temp dir is harmless; a leftover process is not, so keep killing.
      }
    }
  }

  private async stopAll(): Promise<void> {
    this.phase = "stopping";
    await Promise.all([...this.records.values()].map((record) => (record.proc ? terminate(record.proc) : undefined)));
    for (const record of this.records.values()) {
      if (record.dir) {
        fs.rmSync(record.dir, { recursive: true, force: true });
        this.watchdog?.unwatchDir(record.dir);
      }
      record.dir = null;
      if (record.mode === "spawned" && record.state !== "crashed") this.setState(record, "crashed");
    }
    await this.watchdog?.close();
    this.untrack?.();
    this.untrack = null;
  }

  private async run(record: NodeRecord, action: NodeAction): Promise<NodeStatus> {
    if (this.stopping) throw stoppedError();
    const refusal = transitionRefusal(record.id, record.state, record.proc?.pid ?? null, action);
    if (refusal) throw new LabError(NodeErrorCode.InvalidTransition, refusal);
    switch (action) {
      case "crash": {
        const proc = record.proc!;
        record.expectedExit = proc;
        await killAndReap(proc);
        record.proc = null;
        this.setState(record, "crashed");
        this.emit("node:crash", record, `pid ${proc.pid} killed with SIGKILL; its data is gone`);
        break;
      }
      case "start": {
        this.setState(record, "starting");
        try {
          if (!(await isPortFree(record.host, record.port))) throw portInUse(record.id, record.host, record.port, true);
          await this.spawnOn(record, record.port);
        } catch (error) {
          this.setState(record, "crashed");
          if (this.stopping) throw stoppedError();
          if (error instanceof PortTakenError) throw portInUse(record.id, record.host, record.port, true, error);
          throw error;
        }
        this.setState(record, "up");
        this.emit("node:start", record, "restarted empty on the same port");
        break;
      }
      case "freeze":
      case "thaw": {
        const signal = action === "freeze" ? "SIGSTOP" : "SIGCONT";
        if (!record.proc!.child.kill(signal)) {
          throw new LabError(NodeErrorCode.InvalidTransition, `Cannot ${action} ${record.id}: its process has just exited.`);
        }
        this.setState(record, action === "freeze" ? "frozen" : "up");
        this.emit(`node:${action}`, record, `${signal} sent to pid ${record.proc!.pid}`);
        break;
      }
      default:
        throw exhaustive(action);
    }
    return this.status(record);
  }

  private async spawnAll(): Promise<void> {
    const { nodeIds, fixedPorts, host, basePort } = this.config;
    this.untrack = trackLiveManager(this);
    this.watchdog = startWatchdog();
    // Fixed ports are never handed to another node, even before their node is spawned.
    const taken = new Set(fixedPorts.values());
    let next = basePort;
    for (const id of nodeIds) {
      if (this.stopping) return;
      const record = this.addRecord(id, "spawned", host, 0);
      record.dir = fs.mkdtempSync(path.join(os.tmpdir(), `stampede-lab-${id}-`));
      this.watchdog.watchDir(record.dir);
      const fixed = fixedPorts.get(id);
      if (fixed !== undefined) {
        record.port = fixed;
        if (!(await isPortFree(host, fixed))) throw portInUse(id, host, fixed);
        try {
          await this.spawnOn(record, fixed);
        } catch (error) {
          if (error instanceof PortTakenError) throw portInUse(id, host, fixed, false, error);
          throw error;
        }
      } else {
        // Free when probed is not free when bound: another process may win the port in between.
        for (let race = 0; ; race++) {
          record.port = await findFreePort(host, next, taken);
          taken.add(record.port);
          next = record.port + 1;
          try {
            await this.spawnOn(record, record.port);
            break;
          } catch (error) {
            if (!(error instanceof PortTakenError) || race >= MAX_PORT_RACES) throw error;
          }
        }
      }
      this.setState(record, "up");
    }
  }

  private async spawnOn(record: NodeRecord, port: number): Promise<void> {
    const { redisServerPath, host, readyTimeoutMs } = this.config;
    await spawnRedis({
      nodeId: record.id,
      redisServerPath,
      host,
      port,
      dir: record.dir!,
      readyTimeoutMs,
      onSpawn: (proc) => {
        record.proc = proc;
        this.watchdog?.watch(proc.pid);
        void proc.exited.then((exit) => this.onExit(record, proc, exit));
        // stop() may have begun while this process was being spawned.
        if (this.stopping) killNow(proc);
      },
    });
  }

  private onExit(record: NodeRecord, proc: RedisProcess, exit: ExitInfo): void {
    this.watchdog?.unwatch(proc.pid);
    if (record.proc !== proc) return;
    record.proc = null;
    const expected = record.expectedExit === proc || record.state === "starting" || this.stopping !== null;
    if (record.expectedExit === proc) record.expectedExit = null;
    // A failed start reports through its own error; a fault or stop() through its own event.
    if (expected) return;
    this.setState(record, "crashed");
    // When redis-server ended itself (not a signal from outside), its log says why.
    const why = exit.signal === null && record.dir ? logTail(record.dir) : "";
    this.emit("node:exited", record, `pid ${proc.pid} exited unexpectedly (${describeExit(exit)}).${why}`);
  }

  private async attachAll(targets: NonNullable<ResolvedOptions["attach"]>): Promise<void> {
    const records = [...targets].map(([id, target]) => ({ record: this.addRecord(id, "attached", target.host, target.port), target }));
    const outcomes = await Promise.allSettled(
      records.map(async ({ record, target }) => {
        await waitForAttachedNode(record.id, target, this.config.readyTimeoutMs);
        this.setState(record, "up");
      }),
    );
    const failure = outcomes.find((outcome) => outcome.status === "rejected");
    if (failure) throw failure.reason;
  }

  private addRecord(id: NodeId, mode: NodeStatus["mode"], host: string, port: number): NodeRecord {
    const record: NodeRecord = {
      id,
      mode,
      host,
      port,
      state: "starting",
      since: this.config.clock.now(),
      proc: null,
      expectedExit: null,
      dir: null,
      queue: Promise.resolve(),
    };
    this.records.set(id, record);
    return record;
  }

  private record(id: NodeId): NodeRecord {
    const record = this.records.get(id);
    if (record) return record;
    if (this.phase === "new" && this.config.nodeIds.includes(id)) {
      throw new LabError(NodeErrorCode.NotStarted, `${id} does not exist yet: call the node manager's start() first.`);
    }
    throw new LabError(NodeErrorCode.UnknownNode, `There is no node "${id}"; this lab has ${this.config.nodeIds.join(", ")}.`);
  }

  private status(record: NodeRecord): NodeStatus {
    return {
      id: record.id,
      role: roleOf(record.id),
      mode: record.mode,
      host: record.host,
      port: record.port,
      // Equal to port until the fault proxy (partition, latency) sits in between.
      clientPort: record.port,
      pid: record.proc?.pid ?? null,
      state: record.state,
      since: record.since,
    };
  }

  private setState(record: NodeRecord, state: NodeState): void {
    record.state = state;
    record.since = this.config.clock.now();
  }

  private emit(name: NodeEvent["name"], record: NodeRecord, detail: string): void {
    this.events.emit(
      nodeEvent(name, { nodeId: record.id, atMs: record.since, state: record.state, pid: record.proc?.pid ?? null, detail }),
    );
  }
}

function stoppedError(): LabError {
  return new LabError(NodeErrorCode.ManagerStopped, "The node manager was stopped; create a new one to run nodes again.");
}

function exhaustive(value: never): Error {
  return new Error(`unhandled case: ${String(value)}`);
}
