import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { LabError } from "../core/errors";
import { waitForAttachedNode } from "./attach";
import { faultEvent, NodeEventHub, nodeEvent } from "./events";
import { listenFaultProxyFrom } from "./fault-proxy";
import {
  checkFaultOptions,
  clockJump,
  isFaultAction,
  loadedKeyCount,
  MAX_FAULT_INSTANCE,
  setRunningPersistence,
  type CheckedFault,
} from "./faults";
import { attachedNode, NodeErrorCode, portInUse } from "./node-errors";
import { NodePathProxies, PartialHealError } from "./node-path";
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
import { faultRefusal, transitionRefusal } from "./transitions";
import type {
  FaultNodeManager,
  LabNodeAction,
  LabNodeEvent,
  NodeAction,
  NodeEvent,
  NodeFaultAction,
  NodeFaultEvent,
  NodeFaultOptions,
  NodeId,
  NodeManager,
  NodeManagerOptions,
  NodePersistence,
  NodeState,
  NodeStatus,
} from "./types";
import { startWatchdog, type Watchdog } from "./watchdog";

export { nodeManagerOptionsFromEnv } from "./options";

/** The manager, plus what tests and diagnostics need to check that nothing is left behind. */
export type LabNodeManager = FaultNodeManager & {
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

/** True when `nodes` also takes the faults of issue 5 (the real manager does; older fakes may not). */
export function supportsFaults(nodes: NodeManager): nodes is FaultNodeManager {
  const candidate = nodes as Partial<FaultNodeManager>;
  return typeof candidate.clientPortFor === "function" && typeof candidate.onAnyEvent === "function";
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
  /** Path faults (partition, heal, latency) queue apart: a delayed restart must not hold them up. */
  pathQueue: Promise<unknown>;
  persistence: NodePersistence;
  /** Whether NodeStatus shows `persistence` (given in nodeOptions, or set since). */
  persistenceShown: boolean;
  /** The node's fault proxies; null without `faultProxies` (or before they open). */
  paths: NodePathProxies | null;
}

type Phase = "new" | "starting" | "up" | "stopping";

class RedisNodeManager implements NodeManager, LiveManager {
  private phase: Phase = "new";
  private readonly records = new Map<NodeId, NodeRecord>();
  private readonly events = new NodeEventHub();
  private watchdog: Watchdog | null = null;
  private untrack: (() => void) | null = null;
  private stopping: Promise<void> | null = null;
  /** Ports handed out (nodes, then proxies), and where proxies start looking. */
  private readonly takenPorts = new Set<number>();
  private proxyFrom = 0;
  private proxiesOpening: Promise<void> | null = null;
  /** Called by stop(): ends the waits of delayed restarts. */
  private readonly stopWaiters = new Set<() => void>();

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
      if (this.config.faultProxies && !this.stopping) {
        this.proxiesOpening = this.openProxies();
        await this.proxiesOpening;
      }
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

  async apply(id: NodeId, action: LabNodeAction, options?: NodeFaultOptions): Promise<NodeStatus> {
    if (isFaultAction(action)) return this.applyFault(id, action, options);
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

  onAnyEvent(listener: (event: LabNodeEvent) => void): () => void {
    return this.events.onAll(listener);
  }

  async clientPortFor(id: NodeId, instance: number): Promise<number> {
    this.assertUp(`give instance ${instance} a port on ${id}`);
    if (!Number.isInteger(instance) || instance < 1 || instance > MAX_FAULT_INSTANCE) {
      throw new LabError(
        NodeErrorCode.BadFaultOptions,
        `Engine instances are numbered from 1 to ${MAX_FAULT_INSTANCE} (got ${String(instance)}).`,
      );
    }
    const record = this.record(id);
    if (!record.paths) return record.port;
    try {
      return await record.paths.portFor(instance);
    } catch (error) {
      if (this.stopping) throw stoppedError();
      throw error;
    }
  }

  async setPersistence(id: NodeId, persistence: NodePersistence): Promise<NodeStatus> {
    this.assertUp(`set the persistence of ${id}`);
    const record = this.record(id);
    if (persistence !== "none" && persistence !== "fsync-always") {
      throw new LabError(NodeErrorCode.BadConfig, `The persistence of ${id} must be "none" or "fsync-always" (got ${JSON.stringify(persistence)}).`);
    }
    if (record.mode === "attached") {
      throw new LabError(
        NodeErrorCode.AttachedNode,
        `Cannot set the persistence of ${id}: the lab attached to this Redis server and does not start it; configure persistence on that server itself.`,
      );
    }
    const run = record.queue.then(async () => {
      if (this.stopping) throw stoppedError();
      if (record.state === "frozen" || record.state === "starting") {
        throw new LabError(
          NodeErrorCode.InvalidTransition,
          `Cannot set the persistence of ${id}: it is ${record.state === "frozen" ? `frozen (pid ${record.proc?.pid}); thaw it first` : "still starting"}.`,
        );
      }
      if (record.state === "up" && record.persistence !== persistence) {
        await setRunningPersistence(id, record.host, record.port, persistence, Math.max(5000, this.config.readyTimeoutMs));
      }
      record.persistence = persistence;
      record.persistenceShown = true;
      return this.status(record);
    });
    record.queue = run.catch(() => undefined);
    return run;
  }

  stop(): Promise<void> {
    this.stopping ??= this.stopAll();
    for (const wake of [...this.stopWaiters]) wake();
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
    // Proxies still opening (start() in progress) are closed with the rest once they exist.
    await this.proxiesOpening?.catch(() => undefined);
    await Promise.all([...this.records.values()].map((record) => record.paths?.close()));
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
        this.emit("node:crash", record, `pid ${proc.pid} killed with SIGKILL; ${this.persistent(record) ? AOF_KEEPS : "its data is gone"}`);
        break;
      }
      case "start": {
        await this.startAgain(record);
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

  /** Spawns a crashed node again on its own port: empty, or with its AOF's keys when persistent. Returns the key count when known. */
  private async startAgain(record: NodeRecord): Promise<number | null> {
    this.setState(record, "starting");
    let keys: number | null = null;
    try {
      if (!(await isPortFree(record.host, record.port))) throw portInUse(record.id, record.host, record.port, true);
      await this.spawnOn(record, record.port);
      if (this.persistent(record)) keys = await loadedKeyCount(record.host, record.port, this.config.readyTimeoutMs);
    } catch (error) {
      if (record.proc && this.persistent(record)) {
        record.expectedExit = record.proc;
        await killAndReap(record.proc);
        record.proc = null;
      }
      this.setState(record, "crashed");
      if (this.stopping) throw stoppedError();
      if (error instanceof PortTakenError) throw portInUse(record.id, record.host, record.port, true, error);
      throw error;
    }
    this.setState(record, "up");
    this.emit(
      "node:start",
      record,
      this.persistent(record) ? `restarted on the same port with ${keys} key(s) from its AOF (appendfsync always)` : "restarted empty on the same port",
    );
    return keys;
  }

  private persistent(record: NodeRecord): boolean {
    return record.persistence === "fsync-always";
  }

  private assertUp(what: string): void {
    if (this.phase === "stopping") throw stoppedError();
    if (this.phase !== "up") {
      throw new LabError(NodeErrorCode.NotStarted, `Cannot ${what} yet: wait for the node manager's start() to finish.`);
    }
  }

  private async applyFault(id: NodeId, action: NodeFaultAction, options?: NodeFaultOptions): Promise<NodeStatus> {
    this.assertUp(`${action} ${id}`);
    const record = this.record(id);
    const fault = checkFaultOptions(id, action, options);
    if (record.mode === "attached" && action === "restart") throw attachedNode(id, action);
    const onPath = action === "partition" || action === "heal" || action === "latency";
    if (onPath && !record.paths) {
      throw new LabError(
        NodeErrorCode.NoFaultProxy,
        `Cannot ${action} ${id}: the lab runs without fault proxies, so nothing sits between the engine and the node. ` +
          `Start the node manager with faultProxies: true (LAB_FAULT_PROXIES=1) to cut or slow the path.`,
      );
    }
    const queue = onPath ? "pathQueue" : "queue";
    const run = record[queue].then(() => this.runFault(record, action, fault));
    record[queue] = run.catch(() => undefined);
    return run;
  }

  private async runFault(record: NodeRecord, action: NodeFaultAction, fault: CheckedFault): Promise<NodeStatus> {
    if (this.stopping) throw stoppedError();
    const refusal = faultRefusal(record.id, record.state, record.proc?.pid ?? null, action);
    if (refusal) throw new LabError(NodeErrorCode.InvalidTransition, refusal);
    const { id } = record;
    const who = fault.instances ? `engine instance${fault.instances.length > 1 ? "s" : ""} ${fault.instances.join(", ")}` : null;
    switch (action) {
      case "partition": {
        const dropped = await record.paths!.partition(fault.instances);
        this.emitFault(
          "node:partition",
          record,
          who
            ? `${who} cut off from ${id}: their proxy connections dropped (${dropped}), new ones held unanswered; other instances still reach it`
            : `the engine's path to ${id} is cut: ${dropped} proxy connection(s) dropped, new ones held unanswered; ` +
                `${id} keeps running with its data, and its own port ${record.port} still answers`,
        );
        break;
      }
      case "heal": {
        let released: number;
        try {
          released = await record.paths!.heal(fault.instances);
        } catch (error) {
          if (!(error instanceof PartialHealError)) throw error;
          throw new LabError(
            NodeErrorCode.InvalidTransition,
            `Cannot heal ${who} on ${id}: the whole node is partitioned. Heal ${id} without instances (then cut some again if needed).`,
          );
        }
        this.emitFault(
          "node:heal",
          record,
          `${who ?? "the engine"} ${fault.instances && fault.instances.length > 1 ? "reach" : "reaches"} ${id} again (${released} held connection(s) closed so their clients reconnect)`,
        );
        break;
      }
      case "latency": {
        await record.paths!.setLatency(fault.ms, fault.jitterMs);
        this.emitFault(
          "node:latency",
          record,
          fault.ms === 0 && fault.jitterMs === 0
            ? `latency on the path to ${id} removed`
            : `${fault.ms} ms${fault.jitterMs ? ` ± ${fault.jitterMs} ms` : ""} added to each round trip to ${id} through its proxy (half each way)`,
        );
        break;
      }
      case "restart":
        await this.restart(record, fault.delayedRestartMs);
        break;
      case "clock-jump": {
        const result = await clockJump(id, record.host, record.port, fault.ms, Math.max(1000, this.config.readyTimeoutMs));
        this.emitFault(
          "node:clock-jump",
          record,
          `simulated: ${id}'s clock jumps ${fault.ms} ms ahead — the PTTL of its ${result.cut} lock key(s) (lock:*) cut by ${fault.ms} ms, ` +
            `${result.expiredNow} of them expiring at once. Redis's real clock is not moved (it follows the machine's); only these TTLs are.`,
        );
        break;
      }
      default:
        throw exhaustive(action);
    }
    return this.status(record);
  }

  /** Crash (SIGKILL), stay down at least `delayMs`, start again on the same port. */
  private async restart(record: NodeRecord, delayMs: number): Promise<void> {
    const proc = record.proc!;
    record.expectedExit = proc;
    await killAndReap(proc);
    record.proc = null;
    this.setState(record, "crashed");
    const downAt = record.since;
    this.emit(
      "node:crash",
      record,
      `pid ${proc.pid} killed with SIGKILL to restart it; ${this.persistent(record) ? AOF_KEEPS : "its data is gone"}` +
        (delayMs > 0 ? `; it stays down at least ${delayMs} ms` : ""),
    );
    await this.waitUntil(downAt + delayMs);
    if (this.stopping) throw stoppedError();
    const keys = await this.startAgain(record);
    const downMs = record.since - downAt;
    const newPid = this.status(record).pid;
    this.emitFault(
      "node:restart",
      record,
      `restarted: pid ${proc.pid} → pid ${newPid ?? "?"}, down ${downMs} ms` +
        (delayMs > 0 ? ` (a delayed restart: at least ${delayMs} ms)` : "") +
        (this.persistent(record) ? `; back with ${keys} key(s) from its AOF (appendfsync always)` : "; back empty (no persistence)"),
    );
  }

  /** Waits until the lab's clock reads `atMs`, or until stop(). */
  private async waitUntil(atMs: number): Promise<void> {
    const { clock } = this.config;
    while (!this.stopping && clock.now() < atMs) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          clock.clearTimeout(timer);
          this.stopWaiters.delete(wake);
          resolve();
        };
        const timer = clock.setTimeout(wake, atMs - clock.now());
        this.stopWaiters.add(wake);
      });
    }
  }

  /** One shared proxy per node, in node order, on ports after the nodes'. */
  private async openProxies(): Promise<void> {
    for (const record of this.records.values()) {
      if (this.stopping) return;
      record.paths = await NodePathProxies.create(() =>
        listenFaultProxyFrom({ host: this.config.host, targetHost: record.host, targetPort: record.port }, this.proxyFrom, this.takenPorts),
      );
    }
  }

  private async spawnAll(): Promise<void> {
    const { nodeIds, fixedPorts, host, basePort } = this.config;
    this.untrack = trackLiveManager(this);
    this.watchdog = startWatchdog();
    // Fixed ports are never handed to another node, even before their node is spawned.
    const taken = this.takenPorts;
    for (const port of fixedPorts.values()) taken.add(port);
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
      this.proxyFrom = Math.max(this.proxyFrom, next, record.port + 1);
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
      persistence: record.persistence,
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
    this.proxyFrom = this.config.basePort;
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
      pathQueue: Promise.resolve(),
      persistence: this.config.persistence.get(id) ?? "none",
      persistenceShown: this.config.persistence.has(id),
      paths: null,
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
      // The shared fault proxy when there is one (faultProxies), else the node itself.
      clientPort: record.paths?.sharedPort ?? record.port,
      pid: record.proc?.pid ?? null,
      state: record.state,
      since: record.since,
      ...(record.paths ? { path: record.paths.status() } : {}),
      ...(record.persistenceShown ? { persistence: record.persistence } : {}),
    };
  }

  private setState(record: NodeRecord, state: NodeState): void {
    record.state = state;
    record.since = this.config.clock.now();
  }

  private emitFault(name: NodeFaultEvent["name"], record: NodeRecord, detail: string): void {
    this.events.emit(
      faultEvent(name, {
        nodeId: record.id,
        atMs: this.config.clock.now(),
        state: record.state,
        pid: record.proc?.pid ?? null,
        detail,
        ...(record.paths ? { path: record.paths.status() } : {}),
      }),
    );
  }

  private emit(name: NodeEvent["name"], record: NodeRecord, detail: string): void {
    this.events.emit(
      nodeEvent(name, { nodeId: record.id, atMs: record.since, state: record.state, pid: record.proc?.pid ?? null, detail }),
    );
  }
}

const AOF_KEEPS = "its AOF (appendfsync always) keeps its keys for the next start";

function stoppedError(): LabError {
  return new LabError(NodeErrorCode.ManagerStopped, "The node manager was stopped; create a new one to run nodes again.");
}

function exhaustive(value: never): Error {
  return new Error(`unhandled case: ${String(value)}`);
}
