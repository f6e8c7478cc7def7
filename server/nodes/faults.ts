import { LabError } from "../core/errors";
import { NodeErrorCode } from "./node-errors";
import { redisCommand } from "./resp";
import type { NodeFaultAction, NodeFaultOptions, NodeId } from "./types";

/** Engine instances a partition may name (the scenario allows 16; proxies are cheap). */
export const MAX_FAULT_INSTANCE = 64;
export const MAX_LATENCY_MS = 60_000;
export const MAX_DELAYED_RESTART_MS = 600_000;
export const MAX_CLOCK_JUMP_MS = 86_400_000;
/** Keys a clock-jump cuts: the engine's lock keys (server/engine/keys.ts). */
export const LOCK_KEY_PATTERN = "lock:*";

const FAULT_ACTIONS: ReadonlySet<string> = new Set<NodeFaultAction>(["partition", "heal", "latency", "restart", "clock-jump"]);

export function isFaultAction(action: string): action is NodeFaultAction {
  return FAULT_ACTIONS.has(action);
}

/** A fault's options, checked, with defaults applied. */
export interface CheckedFault {
  ms: number;
  jitterMs: number;
  delayedRestartMs: number;
  /** Sorted, no duplicates; undefined = the whole node. */
  instances?: number[];
}

/** Throws BAD_FAULT_OPTIONS naming the option and what to give instead. */
export function checkFaultOptions(id: NodeId, action: NodeFaultAction, options: NodeFaultOptions = {}): CheckedFault {
  const fail = (message: string) => new LabError(NodeErrorCode.BadFaultOptions, `Cannot ${action} ${id}: ${message}`);
  const number = (name: keyof NodeFaultOptions, value: unknown, min: number, max: number, fallback?: number): number => {
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
      throw fail(`${name} must be a number of milliseconds from ${min} to ${max} (got ${JSON.stringify(value) ?? "nothing"}).`);
    }
    return value;
  };
  const checked: CheckedFault = { ms: 0, jitterMs: 0, delayedRestartMs: 0 };
  switch (action) {
    case "partition":
    case "heal": {
      if (options.instances === undefined) break;
      const list = options.instances as unknown;
      if (
        !Array.isArray(list) ||
        list.length === 0 ||
        !list.every((n) => typeof n === "number" && Number.isInteger(n) && n >= 1 && n <= MAX_FAULT_INSTANCE)
      ) {
        throw fail(
          `instances must be a non-empty list of engine instance numbers from 1 to ${MAX_FAULT_INSTANCE} (got ${JSON.stringify(list)}); ` +
            `omit it to ${action} the whole node.`,
        );
      }
      checked.instances = [...new Set(list as number[])].sort((a, b) => a - b);
      break;
    }
    case "latency":
      if (options.instances !== undefined) {
        throw fail("latency applies to the whole node, not to some instances; omit instances.");
      }
      checked.ms = number("ms", options.ms, 0, MAX_LATENCY_MS);
      checked.jitterMs = number("jitterMs", options.jitterMs, 0, MAX_LATENCY_MS, 0);
      break;
    case "restart":
      checked.delayedRestartMs = number("delayedRestartMs", options.delayedRestartMs, 0, MAX_DELAYED_RESTART_MS, 0);
      break;
    case "clock-jump":
      checked.ms = number("ms", options.ms, 1, MAX_CLOCK_JUMP_MS);
      break;
    default:
      throw new Error(`unhandled fault: ${String(action satisfies never)}`);
  }
  return checked;
}

/**
 * Cuts the PTTL of every key matching the pattern (that has one) by ARGV[1] ms, to at least 1 ms —
 * what a clock running ARGV[1] ms ahead does to their expiry. Replies "<cut> <expiring now>".
 */
const CLOCK_JUMP_SCRIPT = `
local cut = tonumber(ARGV[1])
local n, now = 0, 0
for _, key in ipairs(redis.call('KEYS', ARGV[2])) do
  local pttl = redis.call('PTTL', key)
  if pttl > 0 then
    local left = pttl - cut
    if left < 1 then left = 1; now = now + 1 end
    redis.call('PEXPIRE', key, left)
    n = n + 1
  end
end
return tostring(n) .. ' ' .. tostring(now)
`;

export interface ClockJumpResult {
  /** Keys whose PTTL was cut. */
  cut: number;
  /** Of those, keys left with 1 ms: expired by the jump. */
  expiredNow: number;
}

/** Runs the clock-jump simulation on the node's real port (its clock runs whatever the path does). */
export async function clockJump(id: NodeId, host: string, port: number, ms: number, timeoutMs: number): Promise<ClockJumpResult> {
  let reply;
  try {
    reply = await redisCommand(host, port, ["EVAL", CLOCK_JUMP_SCRIPT, "0", String(Math.round(ms)), LOCK_KEY_PATTERN], timeoutMs);
  } catch (error) {
    throw new LabError(NodeErrorCode.FaultFailed, `Cannot clock-jump ${id}: ${(error as Error).message}.`, { cause: error });
  }
  if (reply.kind === "error") throw new LabError(NodeErrorCode.FaultFailed, `Cannot clock-jump ${id}: the node refused the script (${reply.message}).`);
  const [cut, expiredNow] = (reply.value ?? "0 0").split(" ").map(Number);
  return { cut: cut ?? 0, expiredNow: expiredNow ?? 0 };
}

/**
 * Waits until a freshly spawned node has loaded its data (commands answer instead of -LOADING) and
 * returns its key count.
 */
export async function loadedKeyCount(host: string, port: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reply = await redisCommand(host, port, ["DBSIZE"], Math.max(50, Math.min(1000, deadline - Date.now())));
    if (reply.kind === "ok") return Number(reply.value);
    if (!/^LOADING/.test(reply.message) || Date.now() >= deadline) {
      throw new Error(`DBSIZE failed: ${reply.message}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Switches a running node's persistence with CONFIG SET. Turning AOF on starts a background rewrite
 * that writes the base file; until it ends a crash could lose keys, so this waits for it.
 */
export async function setRunningPersistence(
  id: NodeId,
  host: string,
  port: number,
  persistence: "none" | "fsync-always",
  timeoutMs: number,
): Promise<void> {
  const run = async (args: string[]) => {
    const reply = await redisCommand(host, port, args, Math.max(1000, timeoutMs));
    if (reply.kind === "error") {
      throw new LabError(NodeErrorCode.FaultFailed, `Cannot set the persistence of ${id}: ${args.join(" ")} failed (${reply.message}).`);
    }
    return reply.value ?? "";
  };
  if (persistence === "none") {
    await run(["CONFIG", "SET", "appendonly", "no"]);
    return;
  }
  await run(["CONFIG", "SET", "appendfsync", "always"]);
  await run(["CONFIG", "SET", "appendonly", "yes"]);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = await run(["INFO", "persistence"]);
    const field = (name: string) => new RegExp(`^${name}:(\\S+)`, "m").exec(info)?.[1];
    if (field("aof_enabled") === "1" && field("aof_rewrite_in_progress") === "0" && field("aof_rewrite_scheduled") === "0") {
      if (field("aof_last_bgrewrite_status") !== "ok") {
        throw new LabError(NodeErrorCode.FaultFailed, `Cannot set the persistence of ${id}: writing its first AOF failed (see the node's log).`);
      }
      return;
    }
    if (Date.now() >= deadline) {
      throw new LabError(NodeErrorCode.FaultFailed, `Cannot set the persistence of ${id}: its first AOF was not written within ${timeoutMs} ms.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
