import type { Clock } from "../../core/clock";
import { CacheUnavailableError } from "../redis-cache-store";
import type { WriteRequest } from "../../origin/types";
import type { CacheStore, CachedEntry, PendingWriteList } from "../ports";

/**
 * The cache node, in memory, on an injected clock: keys expire when the clock says so (Redis PX:
 * a key set at t with ttl is gone from t + ttl on), and fills are broadcast to every store attached
 * to the node, as Redis pub/sub reaches every instance's subscriber connection.
 */
export class MemoryCacheNode {
  private readonly keys = new Map<string, { text: string; expiresAt: number }>();
  /** The write-behind list (writeBehindBuffer "cache-node"), as JSON texts; lost with the node. */
  readonly pendingTexts: string[] = [];
  private readonly subscribers = new Set<(key: string) => void>();
  /** When true, every attached store's commands throw CacheUnavailableError. @default false */
  down = false;
  /** GETs answered or refused, across every attached store. */
  gets = 0;
  sets = 0;
  fillsPublished = 0;

  /**
   * @param clock decides expiry and latency
   * @param options.latencyMs round trip of every command, on the clock; 0 answers at once. @default 0
   */
  constructor(
    readonly clock: Clock,
    readonly options: { latencyMs?: number } = {},
  ) {}

  /**
   * A new instance's connection to this node.
   * @param options.replyLatencyMs time the answer takes to come back on this connection, after the
   *   node has executed the command (so a GET can be answered after a later SET landed). @default 0
   */
  connect(name = "store", options: { replyLatencyMs?: number } = {}): MemoryCacheStore {
    return new MemoryCacheStore(this, name, options);
  }

  /** Warm-up path: puts a value in place without counting a SET. */
  put(key: string, entry: CachedEntry, physicalTtlMs: number): void {
    this.keys.set(key, { text: JSON.stringify(entry), expiresAt: this.clock.now() + Math.max(1, Math.round(physicalTtlMs)) });
  }

  /** What the node holds for `key` right now, without counting a GET. */
  peek(key: string): CachedEntry | null {
    const slot = this.keys.get(key);
    if (!slot) return null;
    if (this.clock.now() >= slot.expiresAt) {
      this.keys.delete(key);
      return null;
    }
    return JSON.parse(slot.text) as CachedEntry;
  }

  /** The node restarts empty. */
  flush(): void {
    this.keys.clear();
    this.pendingTexts.length = 0;
  }

  /** @internal used by MemoryCacheStore: the trip there, the command, the trip back. */
  async command<T>(work: () => T, replyLatencyMs = 0): Promise<T> {
    const latency = this.options.latencyMs ?? 0;
    if (latency > 0) await this.clock.sleep(latency);
    const result = work();
    if (replyLatencyMs > 0) await this.clock.sleep(replyLatencyMs);
    return result;
  }

  /** @internal */
  subscribe(listener: (key: string) => void): () => void {
    this.subscribers.add(listener);
    return () => this.subscribers.delete(listener);
  }

  /** @internal delivers a fill message to every subscriber on a later microtask, as a network would. */
  broadcast(key: string): void {
    this.fillsPublished++;
    for (const listener of [...this.subscribers]) queueMicrotask(() => listener(key));
  }

  /** @internal */
  setNow(key: string, entry: CachedEntry, physicalTtlMs: number): void {
    this.sets++;
    this.put(key, entry, physicalTtlMs);
  }

  /** @internal */
  delete(key: string): void {
    this.keys.delete(key);
  }
}

/** One instance's view of a {@link MemoryCacheNode}: its own counters and its own reachability. */
export class MemoryCacheStore implements CacheStore {
  /** When true, this store alone cannot reach the node (a partition). @default false */
  down = false;
  /** GETs this store issued (refused ones included). */
  gets = 0;
  private readonly listeners = new Set<(key: string) => void>();
  private readonly unsubscribe: () => void;
  private closed = false;
  readonly pendingList: PendingWriteList = {
    push: (write: WriteRequest) =>
      this.node.command(() => {
        this.ensureReachable("RPUSH");
        this.node.pendingTexts.push(JSON.stringify(write));
      }, this.options.replyLatencyMs),
    take: (max: number) =>
      this.node.command(() => {
        this.ensureReachable("LPOP");
        return this.node.pendingTexts.splice(0, max).map((text) => JSON.parse(text) as WriteRequest);
      }, this.options.replyLatencyMs),
    putBack: (writes: readonly WriteRequest[]) =>
      this.node.command(() => {
        this.ensureReachable("LPUSH");
        this.node.pendingTexts.unshift(...writes.map((w) => JSON.stringify(w)));
      }, this.options.replyLatencyMs),
    length: () =>
      this.node.command(() => {
        this.ensureReachable("LLEN");
        return this.node.pendingTexts.length;
      }, this.options.replyLatencyMs),
  };

  constructor(
    readonly node: MemoryCacheNode,
    readonly name: string,
    private readonly options: { replyLatencyMs?: number } = {},
  ) {
    this.unsubscribe = node.subscribe((key) => {
      for (const listener of [...this.listeners]) listener(key);
    });
  }

  get(key: string): Promise<CachedEntry | null> {
    this.gets++;
    this.node.gets++;
    return this.node.command(() => {
      this.ensureReachable(`GET ${key}`);
      return this.node.peek(key);
    }, this.options.replyLatencyMs);
  }

  set(key: string, entry: CachedEntry, physicalTtlMs: number): Promise<void> {
    return this.node.command(() => {
      this.ensureReachable(`SET ${key}`);
      this.node.setNow(key, entry, physicalTtlMs);
    }, this.options.replyLatencyMs);
  }

  del(key: string): Promise<void> {
    return this.node.command(() => {
      this.ensureReachable(`DEL ${key}`);
      this.node.delete(key);
    }, this.options.replyLatencyMs);
  }

  publishFill(key: string): Promise<void> {
    return this.node.command(() => {
      this.ensureReachable(`PUBLISH ${key}`);
      this.node.broadcast(key);
    }, this.options.replyLatencyMs);
  }

  onFill(listener: (key: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    this.unsubscribe();
  }

  private ensureReachable(command: string): void {
    if (this.closed || this.down || this.node.down) throw new CacheUnavailableError(`cache node did not answer ${command}`);
  }
}
