import { monitorEventLoopDelay } from "node:perf_hooks";
import { Redis } from "ioredis";
import { logEntry } from "../../lib/log";
import type { LabNote, LogEntry, NodeAtStart, RunStop, TickFrame } from "../../lib/report";
import type { NodeFault, Scenario } from "../../lib/scenario";
import { systemClock, type Clock, type TimerHandle } from "../core/clock";
import { describeError, LabError } from "../core/errors";
import { seededRandom, type Random } from "../core/random";
import { encodeEntry, jitteredTtl } from "../engine/cache-entry";
import type { EngineEvent } from "../engine/events";
import { EngineInstance } from "../engine/instance";
import { cacheKeyFor, HOT_KEY, HOT_LOCK } from "../engine/keys";
import { LocalLockService } from "../engine/locks/local";
import { RedlockLockService } from "../engine/locks/redlock";
import { SingleRedisLockService } from "../engine/locks/single-redis";
import type { LockService } from "../engine/ports";
import { PENDING_WRITES_KEY, RedisCacheStore } from "../engine/redis-cache-store";
import { closeQuietly, connectFailFast, type NodeEndpoint, whenReady } from "../engine/redis-connection";
import { MetricsCollector } from "../metrics/collector";
import type { NodeId, NodeManager, NodeStatus } from "../nodes/types";
import { createCapacityModelDatabase } from "../origin/capacity-model";
import type { OriginDatabase } from "../origin/types";
import { planArrivals, planWave, type Arrival } from "./crowd";
import { assertNodesCanRun, isPathFault } from "./node-support";
import { LockObserver } from "./observer";
import { plainDriverError, plainReason } from "./plain-errors";
import { buildReport, type Report } from "./report";

export type { LabNote, TickFrame };



export interface RunHooks {
  onTick?: (frame: TickFrame) => void;
  onEvent?: (event: EngineEvent) => void;
  /** `entry`: the note as the event log carries it, with its typed fields. */
  onNote?: (note: LabNote, entry: LogEntry) => void;
  onProgress?: (progress: { atMs: number; arrived: number; planned: number; ended: number }) => void;
}

export interface RunOptions extends RunHooks {
  nodes: NodeManager;
  /** Defaults to the capacity model built from `scenario.db`. */
  database?: OriginDatabase;
  clock?: Clock;
}

/** Event-loop or arrival lag above this makes the run's numbers suspect: the report says so. */
export const DISTORTION_LIMIT_MS = 250;
/** How long before a window closes the observer reads the nodes for it: the reads' round trip, with room. */
const OBSERVER_LEAD_MS = 10;
/** How long the run waits for background work (refreshes, flushes) after the last request ended. */
const DRAIN_GRACE_MS = 10_000;

/** A node fault's own options, as the node manager's `apply` takes them (issue 5). */
type NodeFaultOptions = Partial<Pick<NodeFault, "ms" | "jitterMs" | "delayedRestartMs" | "instances">>;

/**
 * The node manager as this runner uses it for issue-5 faults. `apply` takes the new actions and
 * their options where the manager knows them (a FaultNodeManager); an older manager refuses them
 * with an error, which the run reports as a `fault-failed` note. `clientPortFor` gives each engine
 * instance its own path to a node (per-instance partitions), where the manager has it.
 */
interface FaultCapableNodes {
  apply(id: NodeId, action: NodeFault["action"], options?: NodeFaultOptions): Promise<NodeStatus>;
  clientPortFor?(id: NodeId, instance: number): Promise<number>;
}

/**
 * One scenario, run for real: engine instances on the lab's Redis nodes, a crowd on a schedule,
 * faults on time, one collector counting. `done` resolves with the report.
 */
export class ScenarioRun {
  readonly done: Promise<Report>;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly collector: MetricsCollector;
  private readonly notes: LabNote[] = [];
  private readonly ticks: TickFrame[] = [];
  private frameQueue: Promise<void> = Promise.resolve();
  /** What the observer saw across the run: its independent account of the lock nodes. */
  private readonly observed = { samples: 0, maxDistinctHolders: 0, lateReadings: 0, maxAgeMs: 0 };
  private readonly timers = new Set<TimerHandle>();
  private readonly requests = new Set<Promise<unknown>>();
  /** Each row's counter when the run started: lost updates are measured against it. */
  private readonly counterStart = new Map<string, number>();
  private instances: EngineInstance[] = [];
  /** The nodes as t = 0 found them: the verdict tells a world left broken from the scenario's own faults. */
  private nodesAtStart: NodeAtStart[] = [];
  private db!: OriginDatabase;
  private observer: LockObserver | null = null;
  private labClient: Redis | null = null;
  private t0 = 0;
  private nextRequestId = 1;
  private planned = 0;
  private arrived = 0;
  private ended = 0;
  private stopped = false;
  /** Set when someone ended the run early (not when it ran its course). */
  private stoppedBy: RunStop | null = null;

  constructor(
    readonly scenario: Scenario,
    private readonly options: RunOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.random = seededRandom(scenario.seed);
    this.collector = new MetricsCollector(0, scenario.tickMs);
    this.done = this.run();
    // The caller reads `done`; an early failure must not also surface as an unhandled rejection.
    this.done.catch(() => undefined);
  }

  /** Ms since t = 0. */
  get elapsedMs(): number {
    return this.t0 === 0 ? 0 : this.clock.now() - this.t0;
  }

  /**
   * Ends the run early: no more arrivals; requests in flight still end. With `by`, the report says
   * who stopped it and when (`stopped`); without, the run is simply wound up (its own end, a failure).
   */
  stop(by?: RunStop["by"]): void {
    if (by && !this.stopped) this.stoppedBy = { atMs: Math.round(this.elapsedMs), by };
    this.stopped = true;
    for (const timer of this.timers) this.clock.clearTimeout(timer);
    this.timers.clear();
  }

  /** Runtime command: the hot key's value goes stale right now (kept for serve-stale, else deleted). */
  async expireNow(key = HOT_KEY): Promise<void> {
    const client = this.labClient;
    if (!client) throw new LabError("RUN_NOT_STARTED", "the run has not started yet");
    const text = await client.get(key);
    if (text && this.scenario.waiters === "serve-stale") {
      const entry = JSON.parse(text) as { logicalExpiresAt: number };
      entry.logicalExpiresAt = this.clock.now();
      await client.set(key, JSON.stringify(entry), "PX", Math.max(1, this.scenario.cache.staleTtlMs));
    } else {
      await client.del(key);
    }
    this.note("expire", (atMs) => logEntry.fault.expired({ atMs, key, byHand: true }));
  }

  /** Runtime command: a sneaker-drop wave of `crowd.clients` starts now. */
  releaseCrowdNow(): number {
    if (this.t0 === 0) throw new LabError("RUN_NOT_STARTED", "the run has not started yet");
    const wave = planWave(this.scenario, this.elapsedMs, this.random.fork(`wave-${this.elapsedMs}`));
    this.schedule(wave);
    this.note("crowd", (atMs) => logEntry.crowd.released({ atMs, clients: wave.length, byHand: true }));
    return wave.length;
  }

  /**
   * Runtime command: a simulated stop-the-world pause of one instance, as the scenario's `pause`
   * fault does. Refused (with what to do) for an instance this run does not have or that crashed.
   */
  pauseInstanceNow(instance: number, ms: number): void {
    if (this.t0 === 0) throw new LabError("RUN_NOT_STARTED", "the run has not started yet");
    if (this.scenario.lock === "none") {
      throw new LabError("NO_LOCK", 'this run takes no lock, so there is no holder to pause: run a scenario with a lock (e.g. "redlock")');
    }
    const target = this.instances[instance - 1];
    if (!target) {
      throw new LabError("NO_SUCH_INSTANCE", `this run has ${this.instances.length} engine instance${this.instances.length === 1 ? "" : "s"}: pause one of 1–${this.instances.length}`);
    }
    if (!target.isAlive) throw new LabError("INSTANCE_DOWN", `instance-${instance} has crashed in this run: there is no holder left to pause`);
    this.armPause(instance, ms, " by hand");
  }

  private armPause(instance: number, ms: number, how: string): void {
    const replaced = this.instances[instance - 1]!.pause(ms);
    this.note("fault", (atMs) =>
      logEntry.fault.action(
        { atMs, action: "pause", instance, ms, byHand: how !== "" },
        ` for ${ms} ms${how} — simulated stop-the-world pause: its current or next lock holder stops between read and write; its timers and connections run on` +
          (replaced === null ? "" : ` (it replaces the ${replaced} ms pause armed before, which no holder had reached yet)`),
      ),
    );
  }

  private async run(): Promise<Report> {
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    try {
      await this.connect();
      await this.warmUp();
      this.collector.onEvent((event) => this.options.onEvent?.(event));
      loopDelay.enable();
      this.startTicking();
      this.scheduleFaults();
      this.schedule(planArrivals(this.scenario, this.random.fork("crowd")));
      await this.waitForArrivalsToEnd();
      await this.drain();
      loopDelay.disable();
      this.closeWindow(true);
      // Every frame is out before the report, so a page never sees the report before the last tick.
      await this.frameQueue;
      const nodeInfo = await this.readNodeInfo();
      const pendingWrites = await this.pendingAtEnd();
      const report = buildReport({
        scenario: this.scenario,
        totals: this.collector.snapshot(),
        db: this.db,
        instances: this.instances,
        nodes: nodeInfo,
        ticks: this.ticks,
        notes: this.notes,
        observed: this.observed,
        nodesAtStart: this.nodesAtStart,
        counterStart: this.counterStart,
        pendingWrites,
        durationMs: Math.round(this.elapsedMs),
        eventLoopLagMaxMs: Math.round(loopDelay.max / 1e6),
        distortionLimitMs: DISTORTION_LIMIT_MS,
      });
      return this.stoppedBy ? { ...report, stopped: this.stoppedBy } : report;
    } finally {
      loopDelay.disable();
      this.stop();
      await this.closeAll();
    }
  }

  /**
   * Where instance `index` reaches each node: the node's shared client port, or — when the scenario
   * cuts off single instances and the manager can — the instance's own path through its fault proxy.
   */
  private async endpointsFor(index: number, cache: NodeEndpoint, locks: NodeEndpoint[]): Promise<{ cache: NodeEndpoint; locks: NodeEndpoint[] }> {
    const nodes = this.options.nodes as unknown as FaultCapableNodes;
    // Own paths when the scenario cuts off single instances, and whenever the nodes sit behind fault
    // proxies at all: then a page may cut off single instances in the middle of any run.
    const perInstance =
      this.scenario.faults.some((f) => "node" in f && f.instances !== undefined) ||
      this.options.nodes.list().some((node) => node.path !== undefined);
    if (!perInstance || typeof nodes.clientPortFor !== "function") return { cache, locks };
    const own = async (endpoint: NodeEndpoint): Promise<NodeEndpoint> => ({
      ...endpoint,
      port: await nodes.clientPortFor!(endpoint.nodeId as NodeId, index),
    });
    return { cache: await own(cache), locks: await Promise.all(locks.map(own)) };
  }

  /** Refuses what the running nodes cannot do — node options they lack, paths without a fault proxy — before anything starts. */
  private checkSupported(): void {
    assertNodesCanRun(this.scenario, this.options.nodes.list());
  }

  /**
   * Acknowledged writes not yet persisted, at the end. With the cache-node buffer: what the list on
   * the cache node still holds (nothing, if the node is down or came back empty) plus what the live
   * instances had taken off it and not yet persisted.
   */
  private async pendingAtEnd(): Promise<number> {
    const live = this.instances.filter((i) => i.isAlive);
    if (this.scenario.writeBehindBuffer !== "cache-node") return live.reduce((sum, i) => sum + i.pendingWrites, 0);
    let listed = 0;
    try {
      listed = await this.labClient!.llen(PENDING_WRITES_KEY);
    } catch (error) {
      this.note("phase", (atMs) => logEntry.run.note(atMs, `the cache node did not answer when asked for its pending writes (${plainDriverError(describeError(error).message)}): they count as lost`));
    }
    return listed + live.reduce((sum, i) => sum + i.pendingWritesInFlight, 0);
  }

  private lockEndpoints(): NodeEndpoint[] {
    return this.lockNodes().map(endpointOf);
  }

  private lockNodes(): NodeStatus[] {
    const locks = this.options.nodes.list().filter((n) => n.role === "lock");
    if (locks.length < this.scenario.lockNodes) {
      throw new LabError(
        "NOT_ENOUGH_LOCK_NODES",
        `the scenario asks for lockNodes = ${this.scenario.lockNodes} but the lab has ${locks.length} lock nodes; start it with LAB_LOCK_NODES=${this.scenario.lockNodes}`,
      );
    }
    return locks.slice(0, this.scenario.lockNodes);
  }

  private async connect(): Promise<void> {
    const { scenario, clock } = this;
    this.checkSupported();
    const cacheNode = this.options.nodes.get("cache");
    const lockEndpoints = this.lockEndpoints();
    this.db = this.options.database ?? createCapacityModelDatabase({ ...scenario.db, clock });
    this.labClient = connectFailFast(endpointOf(cacheNode), { commandTimeoutMs: 2000, name: "stampede-lab" });
    // The observer reads each lock node on its own port: a cut or slowed path is the engine's
    // problem, not the witness's. Its own thread keeps its reads on time however busy this loop is.
    this.observer = LockObserver.start(this.lockNodes().map(ownEndpointOf), {
      lockKey: HOT_LOCK,
      intervalMs: scenario.tickMs,
      // Silence, not slowness: a node that answers on its own port answers in a millisecond or two.
      noAnswerAfterMs: Math.max(750, scenario.tickMs * 2),
      // Fresh is "this tick's round or the one before"; older is shown late, with its age.
      lateAfterMs: scenario.tickMs * 2 + 100,
    });
    await whenReady(this.labClient, 2000);
    this.instances = await Promise.all(
      Array.from({ length: scenario.instances }, async (_, i) => {
        const index = i + 1;
        const name = `stampede-instance-${index}`;
        const paths = await this.endpointsFor(index, endpointOf(cacheNode), lockEndpoints);
        const cache = await RedisCacheStore.connect(paths.cache, { commandTimeoutMs: scenario.redlock.commandTimeoutMs, name });
        return new EngineInstance({
          index,
          settings: scenario,
          cache,
          lock: await this.lockServiceFor(paths.locks, name),
          db: this.db,
          clock,
          random: this.random.fork(`instance-${index}`),
          emit: this.collector.record,
        });
      }),
    );
  }

  private async lockServiceFor(endpoints: NodeEndpoint[], name: string): Promise<LockService | null> {
    const { scenario, clock } = this;
    switch (scenario.lock) {
      case "none":
        return null;
      case "local":
        return new LocalLockService(clock);
      case "single-redis": {
        const first = endpoints[0];
        if (!first) throw new LabError("NOT_ENOUGH_LOCK_NODES", "single-redis needs lock-1");
        return SingleRedisLockService.connect(first, { commandTimeoutMs: scenario.redlock.commandTimeoutMs, name, clock });
      }
      case "redlock":
        return RedlockLockService.connect(endpoints, { settings: scenario.redlock, name, clock });
    }
  }

  /**
   * Before t = 0: every key goes straight into the database and the cache — no lock, nothing
   * counted — and every node forgets the last run (keys and INFO counters). The hot key expires at
   * t = `crowd.expireAtMs`.
   */
  private async warmUp(): Promise<void> {
    const { scenario, clock } = this;
    await Promise.all(
      this.options.nodes
        .list()
        .filter((n) => n.state === "up")
        .map(async (node) => {
          const client = connectFailFast(endpointOf(node), { commandTimeoutMs: 2000, name: "stampede-warmup" });
          try {
            await whenReady(client, 2000);
            await client.flushall();
            await client.config("RESETSTAT");
          } catch {
            // A node that cannot be reset is reported as it is; the run goes on without it.
          } finally {
            await closeQuietly(client);
          }
        }),
    );
    const rows = Array.from({ length: scenario.crowd.keys }, (_, k) => ({
      id: cacheKeyFor(k),
      profile: { name: `user ${k}`, bio: `profile of user ${k}, as the basement keeps it` },
    }));
    this.db.seed(rows);
    for (const row of rows) this.counterStart.set(row.id, this.db.peek(row.id)?.counter ?? 0);
    const ttlRandom = this.random.fork("warm-up");
    // The observer's thread started with the connections; its first round is in before t = 0.
    if (this.observer && !(await this.observer.ready(5000))) {
      const why = this.observer.failed ? ` (${this.observer.failed})` : "";
      this.note("phase", (atMs) => logEntry.run.note(atMs, `the lock observer sent no reading in 5 s${why}: the lock grid shows the nodes as not read`));
    }
    this.t0 = clock.now();
    this.nodesAtStart = this.options.nodes.list().map(nodeAtStart);
    this.collector.rebase(this.t0);
    // Each window's reading is taken a moment before it closes, on the observer's own clock.
    this.observer?.startRun(this.t0, OBSERVER_LEAD_MS);
    const client = this.labClient!;
    const stale = scenario.waiters === "serve-stale" ? scenario.cache.staleTtlMs : 0;
    const pipeline = client.pipeline();
    for (const [k, row] of rows.entries()) {
      const ttl = k === 0 ? scenario.crowd.expireAtMs : jitteredTtl(scenario.cache.ttlMs, scenario.cache.jitterPct, ttlRandom);
      if (ttl <= 0) continue; // an expiry at t = 0 means the crowd finds the key already gone
      const entry = { profile: row.profile, version: 1, logicalExpiresAt: this.t0 + ttl, recomputeMs: scenario.db.readLatencyMs, writtenAt: this.t0, writer: "warm-up" };
      pipeline.set(row.id, encodeEntry(entry), "PX", ttl + stale);
    }
    await pipeline.exec();
    this.note("phase", (atMs) => logEntry.run.note(atMs, `warm-up done: ${rows.length} key(s) cached; ${HOT_KEY} expires at t = ${scenario.crowd.expireAtMs} ms`));
  }

  private startTicking(): void {
    const tick = () => {
      if (this.t0 === 0) return;
      this.closeWindow(false);
      this.later(this.collector.windowStartedAt + this.scenario.tickMs - this.clock.now(), tick);
    };
    this.later(this.scenario.tickMs, tick);
  }

  private closeWindow(final: boolean): void {
    const window = this.collector.closeWindow(this.clock.now());
    const stats = this.db.stats();
    const frame: TickFrame = {
      ...window,
      dbInFlight: stats.inFlight,
      dbQueued: stats.queued,
      writesPending: this.instances.reduce((sum, i) => sum + (i.isAlive ? i.pendingWrites : 0), 0),
      locks: [],
    };
    this.ticks.push(frame);
    if (this.observer && !final) this.readLocks(frame, this.observer);
    // Frames go out in order, each after the ones before it.
    this.frameQueue = this.frameQueue.then(() => this.options.onTick?.(frame)).catch(() => undefined);
    this.options.onProgress?.({ atMs: Math.round(this.elapsedMs), arrived: this.arrived, planned: this.planned, ended: this.ended });
  }

  /**
   * The frame's lock readings: every node from the observer's newest round (one instant, so the
   * nodes are never mixed across times), each with its age; a late one keeps its last answer.
   */
  private readLocks(frame: TickFrame, observer: LockObserver): void {
    const readings = observer.readingsAt(this.clock.now());
    frame.locks = readings.map(({ sampledAt, ...l }) => ({
      ...l,
      sampledAtMs: sampledAt === null ? null : Math.round(sampledAt - this.t0),
      ageMs: l.ageMs === null ? null : Math.round(l.ageMs),
      holder: l.reachable && l.value ? (this.collector.safety.holderOf(l.value)?.holder ?? "unknown") : null,
    }));
    this.observed.samples++;
    this.observed.maxDistinctHolders = observer.maxDistinctValues;
    for (const l of readings) {
      if (l.answer === "late") this.observed.lateReadings++;
      if (l.ageMs !== null && (l.answer === "answered" || l.answer === "late")) this.observed.maxAgeMs = Math.max(this.observed.maxAgeMs, Math.round(l.ageMs));
    }
  }

  private scheduleFaults(): void {
    for (const fault of this.scenario.faults) {
      this.later(fault.atMs, () => {
        if ("node" in fault) {
          const nodeId = fault.node as NodeStatus["id"];
          const options = nodeFaultOptions(fault);
          const nodes = this.options.nodes as unknown as FaultCapableNodes;
          // Old actions go out exactly as before; issue-5 options only when the fault has some.
          const applied = options ? nodes.apply(nodeId, fault.action, options) : nodes.apply(nodeId, fault.action);
          const fields = {
            action: fault.action,
            node: fault.node,
            byHand: false,
            ...(fault.instances !== undefined ? { instances: fault.instances } : {}),
            ...(fault.ms !== undefined ? { ms: fault.ms } : {}),
          };
          const detail = describeNodeFaultOptions(fault);
          applied.then(
            () => this.note("fault", (atMs) => logEntry.fault.action({ atMs, ...fields }, detail)),
            (error: unknown) => this.note("fault-failed", (atMs) => logEntry.fault.action({ atMs, ...fields, failed: plainReason(describeError(error).message) }, detail)),
          );
        } else if (fault.action === "pause") {
          const ms = fault.ms ?? 0;
          if (this.instances[fault.instance - 1]?.isAlive) this.armPause(fault.instance, ms, "");
          else this.note("fault-failed", (atMs) => logEntry.fault.action({ atMs, action: "pause", instance: fault.instance, ms, byHand: false, failed: "it has crashed in this run, so nothing is left to pause" }));
        } else {
          const instance = this.instances[fault.instance - 1];
          instance?.crash();
          this.note("fault", (atMs) => logEntry.fault.action({ atMs, action: "crash", instance: fault.instance, byHand: false }));
        }
      });
    }
  }

  /**
   * Dispatches arrivals on time from one timer chain rather than one timer per client: everything
   * due is started in one go, and the lag between schedule and start is measured per request.
   */
  private schedule(arrivals: Arrival[]): void {
    if (arrivals.length === 0) return;
    this.planned += arrivals.length;
    let next = 0;
    const dispatch = () => {
      const now = this.elapsedMs;
      while (next < arrivals.length && (arrivals[next]?.atMs ?? Infinity) <= now && !this.stopped) {
        this.start(arrivals[next]!);
        next++;
      }
      if (this.stopped) {
        this.planned -= arrivals.length - next;
        return;
      }
      if (next < arrivals.length) this.later(arrivals[next]!.atMs - this.elapsedMs, dispatch);
    };
    this.later(arrivals[0]!.atMs - this.elapsedMs, dispatch);
  }

  private start(arrival: Arrival): void {
    const live = this.instances.filter((i) => i.isAlive);
    const requestId = this.nextRequestId++;
    // Dealt round-robin; a dead instance's share goes to the next live one, as a load balancer would.
    const dealt = this.instances[(requestId - 1) % this.instances.length]!;
    const instance = dealt.isAlive ? dealt : (live[(requestId - 1) % Math.max(1, live.length)] ?? dealt);
    const scheduledAt = this.t0 + arrival.atMs;
    this.arrived++;
    const patienceMs = this.scenario.crowd.patienceMs;
    // lockedWork "increment": every arrival is a writer doing the protected read-modify-write.
    const work =
      this.scenario.lockedWork === "increment"
        ? instance.increment({ requestId, key: arrival.key, scheduledAt, patienceMs })
        : arrival.kind === "read"
          ? instance.read({ requestId, key: arrival.key, scheduledAt, patienceMs })
          : instance.write({ requestId, key: arrival.key, scheduledAt });
    const tracked: Promise<unknown> = work.finally(() => {
      this.ended++;
      this.requests.delete(tracked);
    });
    this.requests.add(tracked);
  }

  private async waitForArrivalsToEnd(): Promise<void> {
    while (!this.stopped && (this.elapsedMs < this.scenario.durationMs || this.arrived < this.planned)) {
      await this.clock.sleep(20);
    }
  }

  /** Every started request ends (patience bounds it), then write-behind makes its last trip. */
  private async drain(): Promise<void> {
    while (this.requests.size > 0) await Promise.allSettled([...this.requests]);
    const live = this.instances.filter((i) => i.isAlive);
    await Promise.all(live.map((i) => i.flush()));
    let grace: TimerHandle | undefined;
    await Promise.race([
      Promise.all(this.instances.map((i) => i.idle())),
      new Promise<void>((resolve) => {
        grace = this.clock.setTimeout(resolve, DRAIN_GRACE_MS);
      }),
    ]);
    if (grace) this.clock.clearTimeout(grace);
  }

  private async readNodeInfo(): Promise<Array<NodeStatus & { info: NodeInfo | null }>> {
    return Promise.all(
      this.options.nodes.list().map(async (node) => ({ ...node, info: node.state === "up" ? await readInfo(node) : null })),
    );
  }

  private async closeAll(): Promise<void> {
    await Promise.allSettled(this.instances.map((i) => i.close()));
    await this.observer?.close();
    if (this.labClient) await closeQuietly(this.labClient);
    if (!this.options.database && this.db) await this.db.close();
  }

  private later(ms: number, fn: () => void): void {
    const timer = this.clock.setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, Math.max(0, ms));
    this.timers.add(timer);
  }

  /** A note for the report, and the same happening as a log entry with its fields. */
  private note(kind: LabNote["kind"], make: (atMs: number) => LogEntry): void {
    const entry = make(Math.round(this.elapsedMs));
    const note = { atMs: entry.atMs, kind, text: entry.text };
    this.notes.push(note);
    this.options.onNote?.(note, entry);
  }
}

export interface NodeInfo {
  keyspaceHits: number;
  keyspaceMisses: number;
  commands: number;
  redisVersion: string | null;
}

/** The fault's issue-5 options, or undefined when it has none (every pre-issue-5 fault). */
function nodeFaultOptions(fault: NodeFault): NodeFaultOptions | undefined {
  const options: NodeFaultOptions = {};
  if (fault.ms !== undefined) options.ms = fault.ms;
  if (fault.jitterMs !== undefined) options.jitterMs = fault.jitterMs;
  if (fault.delayedRestartMs !== undefined) options.delayedRestartMs = fault.delayedRestartMs;
  if (fault.instances !== undefined) options.instances = [...fault.instances];
  return Object.keys(options).length > 0 ? options : undefined;
}

/** " (+50 ms ±10 ms)", " (instances 1, 2)" …: empty for faults without options, so old notes read as before. */
function describeNodeFaultOptions(fault: NodeFault): string {
  const parts: string[] = [];
  if (fault.action === "latency" && fault.ms !== undefined) parts.push(`+${fault.ms} ms${fault.jitterMs ? ` ±${fault.jitterMs} ms` : ""}`);
  if (fault.action === "clock-jump" && fault.ms !== undefined) parts.push(`clock ${fault.ms} ms ahead, simulated: its lock keys' PTTL cut by ${fault.ms} ms`);
  if (fault.delayedRestartMs !== undefined) parts.push(`down at least ${fault.delayedRestartMs} ms`);
  if (fault.instances !== undefined) parts.push(`instance${fault.instances.length > 1 ? "s" : ""} ${fault.instances.join(", ")}`);
  return parts.length > 0 ? ` (${parts.join("; ")})` : "";
}

function nodeAtStart(node: NodeStatus): NodeAtStart {
  const cut = node.path?.partitioned ?? false;
  return { id: node.id, role: node.role, state: node.state, partitioned: cut === true || (Array.isArray(cut) && cut.length > 0) };
}

function endpointOf(node: NodeStatus): NodeEndpoint {
  return { nodeId: node.id, host: node.host, port: node.clientPort };
}

/** The redis-server itself, past its fault proxy: where outside witnesses read. */
function ownEndpointOf(node: NodeStatus): NodeEndpoint {
  return { nodeId: node.id, host: node.host, port: node.port };
}

/** The node's own counters, a witness independent of the engine. */
async function readInfo(node: NodeStatus): Promise<NodeInfo | null> {
  const client = connectFailFast(endpointOf(node), { commandTimeoutMs: 1000, name: "stampede-info" });
  try {
    await whenReady(client, 1000);
    const text = await client.info();
    const field = (name: string) => text.match(new RegExp(`^${name}:(.*)$`, "m"))?.[1]?.trim() ?? null;
    return {
      keyspaceHits: Number(field("keyspace_hits") ?? 0),
      keyspaceMisses: Number(field("keyspace_misses") ?? 0),
      commands: Number(field("total_commands_processed") ?? 0),
      redisVersion: field("redis_version"),
    };
  } catch {
    return null;
  } finally {
    await closeQuietly(client);
  }
}

/**
 * What the node manager must be started with for this scenario: fault proxies when it cuts or slows
 * a path (partition, heal, latency), and its `nodeOptions` (persistence). Empty for every scenario
 * without them, so a caller can spread it over its own options unconditionally.
 */
export function nodeManagerOptionsFor(scenario: Pick<Scenario, "faults" | "nodeOptions">): {
  faultProxies?: true;
  nodeOptions?: Partial<Record<NodeId, { persistence?: "none" | "fsync-always" }>>;
} {
  const needsProxies = scenario.faults.some((f) => "node" in f && isPathFault(f.action));
  return {
    ...(needsProxies ? { faultProxies: true as const } : {}),
    ...(Object.keys(scenario.nodeOptions).length > 0 ? { nodeOptions: scenario.nodeOptions as Partial<Record<NodeId, { persistence?: "none" | "fsync-always" }>> } : {}),
  };
}

/** Runs a scenario to its end and returns the report. */
export function runScenario(scenario: Scenario, options: RunOptions): Promise<Report> {
  return new ScenarioRun(scenario, options).done;
}
