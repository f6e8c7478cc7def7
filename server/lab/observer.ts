import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import type { ObservedLock } from "../../lib/report";
import type { NodeEndpoint } from "../engine/redis-connection";
import {
  classify,
  distinctValuesIn,
  type ClassifiedLock,
  type ClassifyLimits,
  type ControlMessage,
  type ObserverConfig,
  type RoundMessage,
  workerMessageSchema,
} from "./observer-protocol";
export type { ObservedLock };

const BOOT = new URL("./observer-worker-boot.mjs", import.meta.url);

export interface LockObserverOptions {
  lockKey: string;
  /** The run's tick: one round of reads per tick. */
  intervalMs: number;
  /** A connected node silent this long reads as "no answer" (frozen). */
  noAnswerAfterMs: number;
  /** An answer older than this when a frame closes is shown late. */
  lateAfterMs: number;
}

/**
 * The lock observer: a worker thread reads each lock node, on the node's own port and its own
 * connections, every tick, and trusts no library — the lock grid shows what was really in Redis.
 * Off the engine's event loop, its reads keep their time however busy the engine is; the runner
 * takes the newest round at each tick, synchronously, from the worker's message port.
 */
export class LockObserver {
  private latestRound: RoundMessage | null = null;
  private failure: string | null = null;
  private countFromMs = Number.NEGATIVE_INFINITY;
  private distinctMax = 0;
  private closing: Promise<void> | null = null;
  private readonly limits: ClassifyLimits;

  private constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    private readonly nodeIds: readonly string[],
    options: LockObserverOptions,
  ) {
    this.limits = { lateAfterMs: options.lateAfterMs, noAnswerAfterMs: options.noAnswerAfterMs };
  }

  /** Starts the worker. Lock nodes are read on `endpoint.port`: give it the node's own port, not a fault proxy's. */
  static start(endpoints: readonly NodeEndpoint[], options: LockObserverOptions): LockObserver {
    const { port1, port2 } = new MessageChannel();
    const config: ObserverConfig = {
      nodes: endpoints.map(({ nodeId, host, port }) => ({ nodeId, host, port })),
      lockKey: options.lockKey,
      intervalMs: options.intervalMs,
      noAnswerAfterMs: options.noAnswerAfterMs,
    };
    const worker = new Worker(BOOT, { workerData: { config, port: port2 }, transferList: [port2] });
    // A thread cannot outlive the process; it must not keep it alive either.
    worker.unref();
    const observer = new LockObserver(worker, port1, endpoints.map((e) => e.nodeId), options);
    worker.on("error", (error) => {
      observer.failure = error.message;
    });
    return observer;
  }

  /** True once the worker thread has exited. */
  get exited(): boolean {
    return this.worker.threadId === -1;
  }

  /** Why the worker stopped, if it did: its readings then only age. */
  get failed(): string | null {
    return this.failure;
  }

  /**
   * The run's t = 0 (wall-clock ms): rounds are taken `leadMs` before each window closes from then on,
   * and only rounds from then count towards `maxDistinctValues` (the run's own, not its warm-up's).
   */
  startRun(t0: number, leadMs: number): void {
    this.countFromMs = t0;
    this.send({ type: "align", at: t0 - leadMs });
  }

  private send(message: ControlMessage): void {
    try {
      this.port.postMessage(message);
    } catch {
      // The port is gone with the worker.
    }
  }

  /** The most distinct lock values the nodes answered with in one round, since `countFrom`. */
  get maxDistinctValues(): number {
    this.drain();
    return this.distinctMax;
  }

  /** Waits (on this loop) for the first round, up to `timeoutMs`; false if none came. */
  async ready(timeoutMs: number): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    while (this.drain() === null && this.failure === null && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return this.latestRound !== null;
  }

  /** Every node's reading as of wall-clock `now`, from the newest round the worker has posted. */
  readingsAt(now: number): ClassifiedLock[] {
    const round = this.drain();
    return this.nodeIds.map((nodeId) =>
      classify(
        nodeId,
        round?.nodes.find((n) => n.nodeId === nodeId),
        now,
        this.limits,
      ),
    );
  }

  /** Stops the worker: asks it to close its connections, and terminates it if it has not exited soon after. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        const exited = new Promise<void>((resolve) => this.worker.once("exit", () => resolve()));
        if (this.worker.threadId === -1) return;
        this.send({ type: "close" });
        let timer: NodeJS.Timeout | undefined;
        const gone = await Promise.race([exited.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 1000)))]);
        clearTimeout(timer);
        if (!gone) await this.worker.terminate();
      } finally {
        // A worker that already exited (after an error) still leaves this side's port open.
        this.port.close();
      }
    })();
    return this.closing;
  }

  /** Takes every message the worker has posted since the last call, without waiting for this loop's turn. */
  private drain(): RoundMessage | null {
    for (let received = receiveMessageOnPort(this.port); received; received = receiveMessageOnPort(this.port)) {
      const parsed = workerMessageSchema.safeParse(received.message);
      if (!parsed.success) {
        this.failure = `the observer sent a message it should not: ${parsed.error.message}`;
        continue;
      }
      const message = parsed.data;
      if (message.type === "failure") {
        this.failure = message.message;
        continue;
      }
      if (this.latestRound === null || message.seq > this.latestRound.seq) this.latestRound = message;
      if (message.at >= this.countFromMs) this.distinctMax = Math.max(this.distinctMax, distinctValuesIn(message));
    }
    return this.latestRound;
  }
}
