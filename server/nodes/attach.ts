import { LabError } from "../core/errors";
import type { AttachTarget } from "./attach-url";
import { NodeErrorCode } from "./node-errors";
import { redisCommand } from "./resp";
import type { NodeId } from "./types";

/**
 * Waits until an attached server answers PING, polling so that one still starting up is waited for.
 * Throws NODE_NOT_READY naming the node and its URL after `timeoutMs`, or at once on NOAUTH, which
 * waiting will not cure.
 */
export async function waitForAttachedNode(id: NodeId, target: AttachTarget, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastProblem = "no answer";
  for (;;) {
    try {
      const reply = await redisCommand(target.host, target.port, ["PING"], Math.max(50, Math.min(1000, deadline - Date.now())));
      if (reply.kind === "ok") return;
      lastProblem = `it replied "${reply.message}"`;
      if (/^NOAUTH/.test(reply.message)) break;
    } catch (error) {
      lastProblem = (error as Error).message;
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new LabError(
    NodeErrorCode.NodeNotReady,
    `${id}: the Redis server at ${target.url} did not answer PING within ${timeoutMs} ms (${lastProblem}). ` +
      `Check that it runs, is reachable and needs no password — or unset REDIS_CACHE_URL and REDIS_LOCK_URLS to let the lab spawn its own nodes.`,
  );
}
