import type { Clock } from "../core/clock";
// Types only from the protocol module: the worker thread must not load zod just to start.
import type { CompletedRead, NodeReport, RoundMessage } from "./observer-protocol";

/** One node as the sampler reads it: GET and PTTL of the lock key (rejects when the node does not answer). */
export interface NodeReader {
  nodeId: string;
  read(): Promise<{ value: string | null; pttlMs: number }>;
}

interface NodeState {
  reader: NodeReader;
  last: CompletedRead | null;
  /** The read still out, if any: a silent node gets no second one until it ends. */
  inFlight: { since: number; done: Promise<void> } | null;
}

/**
 * Rounds of reads over every node, the worker's whole job. All reads of a round go out together,
 * so the nodes are read at one instant; the round is posted as soon as every read ended, or at
 * `roundDeadlineMs` with the silent ones marked as waiting — one frozen node delays no one.
 */
export class ObserverSampler {
  private readonly nodes: NodeState[];
  private seq = 0;

  constructor(
    readers: readonly NodeReader[],
    private readonly clock: Pick<Clock, "now" | "setTimeout" | "clearTimeout">,
    private readonly roundDeadlineMs: number,
  ) {
    this.nodes = readers.map((reader) => ({ reader, last: null, inFlight: null }));
  }

  async round(): Promise<RoundMessage> {
    const at = this.clock.now();
    // A node silent last time is read again, but not waited for: the round goes out with the others.
    const started = this.nodes.flatMap((node) => {
      if (node.inFlight) return [];
      const read = this.start(node, at);
      return node.last?.outcome === "no-answer" ? [] : [read];
    });
    let timer: ReturnType<typeof this.clock.setTimeout> | undefined;
    await Promise.race([
      Promise.all(started),
      new Promise<void>((resolve) => {
        timer = this.clock.setTimeout(resolve, this.roundDeadlineMs);
      }),
    ]);
    if (timer) this.clock.clearTimeout(timer);
    return { type: "round", seq: this.seq++, at, nodes: this.nodes.map((node) => this.report(node)) };
  }

  private start(node: NodeState, at: number): Promise<void> {
    const done = node.reader.read().then(
      ({ value, pttlMs }) => {
        node.last = { outcome: "answered", at: this.clock.now(), value, pttlMs: value === null || pttlMs < 0 ? null : pttlMs };
      },
      (error: unknown) => {
        node.last = { outcome: failureKind(error), at: this.clock.now(), error: error instanceof Error ? error.message : String(error) };
      },
    );
    const inFlight = { since: at, done };
    node.inFlight = inFlight;
    void done.then(() => {
      if (node.inFlight === inFlight) node.inFlight = null;
    });
    return done;
  }

  private report(node: NodeState): NodeReport {
    return { nodeId: node.reader.nodeId, last: node.last, waitingSince: node.inFlight?.since ?? null };
  }
}

/**
 * A failed read: "no-answer" when the node took the command and stayed silent past the timeout
 * (a frozen process: the kernel still holds its socket open), "refused" for everything else — no
 * connection (crashed or not started: ioredis refuses commands while it reconnects), or closed.
 */
export function failureKind(error: unknown): "refused" | "no-answer" {
  const message = error instanceof Error ? error.message : String(error);
  return /timed out/i.test(message) ? "no-answer" : "refused";
}
