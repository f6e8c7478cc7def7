import fs from "node:fs";
import { Redis } from "ioredis";

/**
 * Test-only helpers for checking real processes and ports. A zombie counts as gone: it has exited
 * and holds no port; only its parent (or init, for an orphan) can still reap it.
 */
export function isProcessGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return true;
    throw error;
  }
  return processState(pid) === "Z";
}

/** Linux process state letter (R, S, T for stopped, Z for zombie…), or null when unknown. */
export function processState(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0] ?? null;
  } catch {
    return null;
  }
}

/** Waits (bounded) until every PID is gone; returns those still alive at the deadline. */
export async function waitUntilGone(pids: number[], timeoutMs = 10_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = pids.filter((pid) => !isProcessGone(pid));
    if (alive.length === 0 || Date.now() >= deadline) return alive;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * An ioredis client that fails fast instead of queueing or reconnecting, as the design notes
 * advise for lock clients; `commandTimeout` turns a frozen node into a rejected command.
 */
export async function connect(port: number, commandTimeout = 1000): Promise<Redis> {
  const client = new Redis({
    host: "127.0.0.1",
    port,
    lazyConnect: true,
    // The ready check's INFO would hang on a frozen node with no timeout of its own.
    enableReadyCheck: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 2000,
    commandTimeout,
  });
  client.on("error", () => {});
  await client.connect();
  return client;
}

/** PING on a fresh connection; true on PONG, false on refusal or timeout. */
export async function pings(port: number, commandTimeout = 1000): Promise<boolean> {
  let client: Redis | undefined;
  try {
    client = await connect(port, commandTimeout);
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    client?.disconnect();
  }
}
