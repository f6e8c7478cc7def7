import net from "node:net";
import { performance } from "node:perf_hooks";
import { LabError } from "../core/errors";
import { NodeErrorCode } from "./node-errors";
import { RESERVED_PORT } from "./ports";

/**
 * A TCP proxy in front of one Redis node, for the path faults of issue 5: the engine connects here
 * while the real redis-server keeps its own port, so cutting or slowing the path leaves the node
 * running, with its data, and reachable to witnesses on its real port. Pure node:net, no toxiproxy.
 *
 * - partition: every forwarded connection is destroyed; new connections are accepted and then held
 *   silently (their bytes are read and dropped, nothing reaches the node), so a client sees what a
 *   real partition gives — commands that time out — rather than an instant refusal.
 * - heal: held connections are destroyed (a client reconnects cleanly, with no half-sent commands
 *   on the wire), and new connections are forwarded again.
 * - latency: `ms` is added to each round trip, half on the way to the node and half on the way
 *   back; `jitterMs` spreads it by up to ± jitterMs per round trip. Bytes never overtake each
 *   other (TCP keeps order, so a jittered chunk waits for the one before it). 0 removes it.
 */
export interface FaultProxyOptions {
  /** Address the proxy listens on. */
  host: string;
  /** Port to listen on; 0 lets the system pick a free one. */
  port: number;
  targetHost: string;
  targetPort: number;
  /** Uniform random numbers in [0, 1) for jitter; tests may fix them. @default Math.random */
  random?: () => number;
}

export interface ProxyLatency {
  ms: number;
  jitterMs: number;
}

export class FaultProxy {
  private readonly server: net.Server;
  private readonly links = new Set<Link>();
  private readonly held = new Set<net.Socket>();
  private cut = false;
  private closed = false;
  private closing: Promise<void> | null = null;
  private latencyMs = 0;
  private jitterMs = 0;
  private readonly random: () => number;

  private constructor(private readonly options: FaultProxyOptions) {
    this.random = options.random ?? Math.random;
    this.server = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => this.accept(socket));
    // The proxy must never be what keeps a lab process alive (the manager's exit hooks rely on it).
    this.server.unref();
  }

  /** Listens on `options.port`; rejects with the listen error (EADDRINUSE…) when that fails. */
  static async listen(options: FaultProxyOptions): Promise<FaultProxy> {
    const proxy = new FaultProxy(options);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once("error", reject);
      proxy.server.listen({ host: options.host, port: options.port, exclusive: true }, () => {
        proxy.server.off("error", reject);
        resolve();
      });
    });
    // After listening, errors are per connection; a server-level one should not crash the lab.
    proxy.server.on("error", () => undefined);
    return proxy;
  }

  /** The port the proxy listens on. */
  get port(): number {
    const address = this.server.address();
    return typeof address === "object" && address ? address.port : this.options.port;
  }

  get target(): { host: string; port: number } {
    return { host: this.options.targetHost, port: this.options.targetPort };
  }

  get partitioned(): boolean {
    return this.cut;
  }

  get latency(): ProxyLatency {
    return { ms: this.latencyMs, jitterMs: this.jitterMs };
  }

  /** Connections being forwarded to the node now. */
  get forwardedCount(): number {
    return this.links.size;
  }

  /** Connections accepted during a partition and held without an answer. */
  get heldCount(): number {
    return this.held.size;
  }

  /** Cuts the path: destroys every forwarded connection; returns how many were dropped. Idempotent. */
  partition(): number {
    this.cut = true;
    const dropped = this.links.size;
    for (const link of [...this.links]) link.destroy();
    return dropped;
  }

  /** Restores the path: destroys the held connections (returns how many); new ones are forwarded. */
  heal(): number {
    this.cut = false;
    const released = this.held.size;
    for (const socket of [...this.held]) socket.destroy();
    this.held.clear();
    return released;
  }

  /** Sets the added round-trip delay and its jitter, in ms; (0, 0) removes it. Affects bytes from now on. */
  setLatency(ms: number, jitterMs = 0): void {
    if (!(ms >= 0) || !(jitterMs >= 0) || !Number.isFinite(ms) || !Number.isFinite(jitterMs)) {
      throw new RangeError(`latency and jitter must be finite numbers ≥ 0 (got ${ms}, ${jitterMs})`);
    }
    this.latencyMs = ms;
    this.jitterMs = jitterMs;
  }

  /** Stops listening and destroys every connection. Idempotent. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.closed = true;
      this.server.close(() => resolve());
      for (const link of [...this.links]) link.destroy();
      for (const socket of [...this.held]) socket.destroy();
      this.held.clear();
    });
    return this.closing;
  }

  /** One-way delay for a chunk: half the round trip, ± half the jitter, never negative. */
  private oneWayDelay(towardNode: boolean): number {
    if (this.latencyMs === 0 && this.jitterMs === 0) return 0;
    const half = towardNode ? Math.ceil(this.latencyMs / 2) : this.latencyMs - Math.ceil(this.latencyMs / 2);
    const jitter = this.jitterMs === 0 ? 0 : (this.random() * 2 - 1) * (this.jitterMs / 2);
    return Math.max(0, half + jitter);
  }

  private accept(socket: net.Socket): void {
    socket.unref();
    socket.on("error", () => undefined);
    if (this.closed) {
      socket.destroy();
      return;
    }
    if (this.cut) {
      // Like packets into a partition: taken, never answered.
      this.held.add(socket);
      socket.on("data", () => undefined);
      socket.once("close", () => this.held.delete(socket));
      return;
    }
    const link = new Link(socket, this.options.targetHost, this.options.targetPort, (towardNode) => this.oneWayDelay(towardNode), () =>
      this.links.delete(link),
    );
    this.links.add(link);
  }
}

/** One client connection and its upstream connection to the node. */
class Link {
  private readonly upstream: net.Socket;
  private readonly pipes: DelayedPipe[];
  private done = false;

  constructor(
    private readonly client: net.Socket,
    host: string,
    port: number,
    delay: (towardNode: boolean) => number,
    private readonly onDone: () => void,
  ) {
    this.upstream = net.connect({ host, port, allowHalfOpen: true, noDelay: true });
    this.upstream.unref();
    this.upstream.on("error", () => this.destroy());
    this.client.on("error", () => this.destroy());
    this.pipes = [new DelayedPipe(client, this.upstream, () => delay(true)), new DelayedPipe(this.upstream, client, () => delay(false))];
    // A side that closes cleanly has sent its end, which its pipe still delivers (after the delay) to
    // the other side; so the link ends when both sides have closed, or at once on an error.
    let closed = 0;
    const onClose = (hadError: boolean) => {
      if (hadError || ++closed === 2) this.destroy();
    };
    this.client.once("close", onClose);
    this.upstream.once("close", onClose);
  }

  destroy(): void {
    if (this.done) return;
    this.done = true;
    for (const pipe of this.pipes) pipe.stop();
    this.client.destroy();
    this.upstream.destroy();
    this.onDone();
  }
}

/** Copies bytes from `src` to `dest`, each chunk delivered no earlier than its delay and in order. */
class DelayedPipe {
  private queue: { due: number; chunk: Buffer | null }[] = [];
  private timer: NodeJS.Timeout | null = null;
  private lastDue = 0;
  private waitingForDrain = false;

  constructor(
    private readonly src: net.Socket,
    private readonly dest: net.Socket,
    private readonly delay: () => number,
  ) {
    src.on("data", (chunk: Buffer) => this.push(chunk));
    src.on("end", () => this.push(null));
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queue = [];
  }

  private push(chunk: Buffer | null): void {
    const delay = this.delay();
    const now = performance.now();
    if (delay <= 0 && this.queue.length === 0) {
      this.deliver(chunk);
      return;
    }
    const due = Math.max(now + delay, this.lastDue);
    this.lastDue = due;
    this.queue.push({ due, chunk });
    this.arm();
  }

  private arm(): void {
    if (this.timer || this.queue.length === 0) return;
    const wait = Math.max(0, Math.ceil(this.queue[0]!.due - performance.now()));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, wait);
    this.timer.unref();
  }

  private flush(): void {
    // Timers may fire a little early against performance.now(): re-arm rather than deliver early.
    const now = performance.now();
    while (this.queue.length > 0 && this.queue[0]!.due <= now) this.deliver(this.queue.shift()!.chunk);
    this.arm();
  }

  private deliver(chunk: Buffer | null): void {
    if (this.dest.destroyed) return;
    if (chunk === null) {
      this.dest.end();
      return;
    }
    if (!this.dest.write(chunk) && !this.waitingForDrain) {
      this.waitingForDrain = true;
      this.src.pause();
      this.dest.once("drain", () => {
        this.waitingForDrain = false;
        this.src.resume();
      });
    }
  }
}

/** How far past the wanted port a proxy looks before giving up (as the node allocator does). */
const MAX_PROXY_PROBES = 200;

/**
 * Listens a proxy on the first port at or after `from` that binds, skipping 6379 and `taken`
 * (ports this lab already handed out). Each candidate is added to `taken` before the bind, so two
 * concurrent calls never try the same port. Throws NO_FREE_PORT after {@link MAX_PROXY_PROBES} tries.
 */
export async function listenFaultProxyFrom(
  options: Omit<FaultProxyOptions, "port">,
  from: number,
  taken: Set<number>,
): Promise<FaultProxy> {
  let candidate = from;
  for (let probes = 0; probes < MAX_PROXY_PROBES && candidate <= 65_535; candidate++) {
    if (candidate === RESERVED_PORT || taken.has(candidate)) continue;
    probes++;
    taken.add(candidate);
    try {
      return await FaultProxy.listen({ ...options, port: candidate });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "EADDRINUSE" && code !== "EACCES") throw error;
    }
  }
  throw new LabError(
    NodeErrorCode.NoFreePort,
    `No free port for a fault proxy on ${options.host} from ${from} (tried ${MAX_PROXY_PROBES} ports). Set another basePort / LAB_BASE_PORT.`,
  );
}
