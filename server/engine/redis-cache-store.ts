import type { Redis } from "ioredis";
import { LabError } from "../core/errors";
import { decodeEntry, encodeEntry } from "./cache-entry";
import { GetBatcher } from "./get-batcher";
import type { WriteRequest } from "../origin/types";
import type { CacheStore, CachedEntry, PendingWriteList } from "./ports";
import { closeQuietly, connectFailFast, type NodeEndpoint, whenReady } from "./redis-connection";

export const FILL_CHANNEL = "stampede:fills";
/** writeBehindBuffer "cache-node": the list of acknowledged writes waiting for the flush. */
export const PENDING_WRITES_KEY = "stampede:write-behind";

export class CacheUnavailableError extends LabError {
  constructor(message: string, cause?: unknown) {
    super("CACHE_UNAVAILABLE", message, { cause });
  }
}

/** The cache node through one instance's own two connections: commands, and fill messages. */
export class RedisCacheStore implements CacheStore {
  private readonly listeners = new Set<(key: string) => void>();
  private readonly gets: GetBatcher;
  readonly pendingList: PendingWriteList;

  private constructor(
    private readonly commands: Redis,
    private readonly subscriber: Redis,
  ) {
    this.gets = new GetBatcher(commands);
    this.pendingList = new RedisPendingWriteList(commands);
    subscriber.on("message", (_channel: string, key: string) => {
      for (const listener of this.listeners) listener(key);
    });
  }

  static async connect(endpoint: NodeEndpoint, options: { commandTimeoutMs: number; name: string }): Promise<RedisCacheStore> {
    const commands = connectFailFast(endpoint, options);
    const subscriber = connectFailFast(endpoint, { ...options, name: `${options.name}-fills`, subscriber: true });
    await Promise.all([whenReady(commands, 3000), whenReady(subscriber, 3000)]);
    await subscriber.subscribe(FILL_CHANNEL).catch(() => undefined);
    return new RedisCacheStore(commands, subscriber);
  }

  async get(key: string): Promise<CachedEntry | null> {
    let text: string | null;
    try {
      text = await this.gets.get(key);
    } catch (error) {
      throw new CacheUnavailableError(`cache node did not answer GET ${key}`, error);
    }
    return text === null ? null : decodeEntry(text);
  }

  async set(key: string, entry: CachedEntry, physicalTtlMs: number): Promise<void> {
    await this.commands.set(key, encodeEntry(entry), "PX", Math.max(1, Math.round(physicalTtlMs)));
  }

  async del(key: string): Promise<void> {
    await this.commands.del(key);
  }

  async publishFill(key: string): Promise<void> {
    await this.commands.publish(FILL_CHANNEL, key);
  }

  onFill(listener: (key: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await Promise.all([closeQuietly(this.commands), closeQuietly(this.subscriber)]);
  }
}

/** The write-behind list on the cache node, through an instance's command connection. */
class RedisPendingWriteList implements PendingWriteList {
  constructor(private readonly client: Redis) {}

  async push(write: WriteRequest): Promise<void> {
    await this.run("RPUSH", () => this.client.rpush(PENDING_WRITES_KEY, JSON.stringify(write)));
  }

  async take(max: number): Promise<WriteRequest[]> {
    const texts = await this.run("LPOP", () => this.client.lpop(PENDING_WRITES_KEY, max));
    return (texts ?? []).map((text) => JSON.parse(text) as WriteRequest);
  }

  async putBack(writes: readonly WriteRequest[]): Promise<void> {
    if (writes.length === 0) return;
    // LPUSH prepends one by one: push the last first so the list's head keeps their order.
    await this.run("LPUSH", () => this.client.lpush(PENDING_WRITES_KEY, ...[...writes].reverse().map((w) => JSON.stringify(w))));
  }

  length(): Promise<number> {
    return this.run("LLEN", () => this.client.llen(PENDING_WRITES_KEY));
  }

  private async run<T>(command: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw new CacheUnavailableError(`cache node did not answer ${command} ${PENDING_WRITES_KEY}`, error);
    }
  }
}
