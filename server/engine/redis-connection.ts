import { Redis } from "ioredis";

export interface NodeEndpoint {
  nodeId: string;
  host: string;
  port: number;
}

/**
 * A connection that fails fast instead of queueing: with ioredis defaults, commands to a dead node
 * wait in the offline queue and a Redlock round at 2 of 5 nodes hung for minutes (DESIGN.md). A dead
 * node must vote "against" within `commandTimeoutMs`.
 */
export function connectFailFast(
  endpoint: NodeEndpoint,
  options: { commandTimeoutMs: number; name: string; subscriber?: boolean },
): Redis {
  const subscriber = options.subscriber ?? false;
  const client = new Redis({
    host: endpoint.host,
    port: endpoint.port,
    connectionName: options.name,
    // A subscriber may queue its SUBSCRIBE until it (re)connects; it sends nothing else.
    enableOfflineQueue: subscriber,
    maxRetriesPerRequest: subscriber ? null : 0,
    ...(subscriber ? {} : { commandTimeout: options.commandTimeoutMs }),
    connectTimeout: Math.max(options.commandTimeoutMs, 500),
    // Keep reconnecting quickly so a node that comes back is used again within a tick or two.
    retryStrategy: () => 100,
    // ioredis 6's auto-pipelining throws an uncatchable TypeError ("results[i] is not iterable")
    // when a node dies under a pending pipeline with the offline queue off: seen here on lock-node
    // crashes. Faults are the lab's daily bread, so commands go one by one.
    enableAutoPipelining: false,
    lazyConnect: false,
  });
  // Errors surface on the commands that hit them; an unhandled 'error' event would crash the lab.
  client.on("error", () => undefined);
  return client;
}

/** Waits until the connection is ready, or gives up after `timeoutMs` (the node may be down on purpose). */
export function whenReady(client: Redis, timeoutMs: number): Promise<boolean> {
  if (client.status === "ready") return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      client.off("ready", onReady);
      resolve(ok);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    client.once("ready", onReady);
  });
}

export async function closeQuietly(client: Redis): Promise<void> {
  client.disconnect(false);
}
