import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { LabError } from "../core/errors";
import { NodeErrorCode, redisServerMissing } from "./node-errors";
import { redisCommand } from "./resp";
import type { NodeId, NodePersistence } from "./types";

/** One running redis-server child. Signals go through `child` so that a reaped PID is never signalled. */
export interface RedisProcess {
  readonly pid: number;
  readonly port: number;
  readonly child: ChildProcess;
  readonly exited: Promise<ExitInfo>;
  hasExited(): boolean;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnRedisOptions {
  nodeId: NodeId;
  redisServerPath: string;
  host: string;
  port: number;
  /** The node's own directory: working dir, logs; wiped (logs aside) before each spawn. */
  dir: string;
  readyTimeoutMs: number;
  /**
   * `fsync-always`: AOF with appendfsync always, and the AOF survives across spawns in `dir`, so the
   * node comes back with its keys. @default "none" (no persistence; every spawn starts empty)
   */
  persistence?: NodePersistence;
  /** Called as soon as the process exists, before readiness, so cleanup can find one that hangs. */
  onSpawn(proc: RedisProcess): void;
}

/** The port was taken between our probe and redis-server's bind; the caller picks another or reports it. */
export class PortTakenError extends Error {}

const REDIS_LOG = "redis.log";
const OUTPUT_LOG = "output.log";

/** AOF files (Redis 7's directory, Redis 6's single file): kept across spawns of a persistent node. */
const AOF_ENTRIES = new Set(["appendonlydir", "appendonly.aof"]);

export function redisServerArgs(host: string, port: number, dir: string, persistence: NodePersistence = "none"): string[] {
  return [
    "--port", String(port),
    "--bind", host,
    // No persistence: a crashed node must come back empty, and nothing may land in the repo.
    // With fsync-always, an AOF in the node's own temp dir, written to disk before every reply.
    "--save", "",
    ...(persistence === "fsync-always" ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"]),
    "--dir", dir,
    "--logfile", path.join(dir, REDIS_LOG),
    "--daemonize", "no",
    // Bound to one address already; protected mode would only refuse our own clients on other hosts.
    "--protected-mode", "no",
  ];
}

/** Spawns redis-server and resolves once that very process (checked by INFO's process_id) answers. */
export async function spawnRedis(options: SpawnRedisOptions): Promise<RedisProcess> {
  const { nodeId, redisServerPath, host, port, dir } = options;
  const persistence = options.persistence ?? "none";
  clearDataFiles(dir, persistence === "fsync-always" ? AOF_ENTRIES : new Set());
  const logStart = logSizes(dir);
  // Output goes to a file, not a pipe: no handle keeps the lab alive, and startup errors printed
  // before the logfile opens (bad config) are still there to quote.
  const out = fs.openSync(path.join(dir, OUTPUT_LOG), "a");
  let child: ChildProcess;
  try {
    child = spawn(redisServerPath, redisServerArgs(host, port, dir, persistence), { stdio: ["ignore", out, out], cwd: dir });
  } finally {
    fs.closeSync(out);
  }
  // Kept for the process's life: a later failed kill() also reports through "error".
  const spawnError = new Promise<NodeJS.ErrnoException>((resolve) => child.on("error", resolve));
  if (child.pid === undefined) {
    const error = await spawnError;
    if (error.code === "ENOENT") throw redisServerMissing(nodeId, redisServerPath, error);
    throw new LabError(
      NodeErrorCode.SpawnFailed,
      `Cannot start ${nodeId}: running "${redisServerPath}" failed (${error.code ?? error.message}). Check that it is an executable redis-server.`,
      { cause: error },
    );
  }
  const pid = child.pid;
  // The manager's process hooks and watchdog, not this handle, decide when the lab may exit.
  child.unref();
  let exitInfo: ExitInfo | undefined;
  const exited = new Promise<ExitInfo>((resolve) =>
    child.once("exit", (code, signal) => {
      exitInfo = { code, signal };
      resolve(exitInfo);
    }),
  );
  const proc: RedisProcess = { pid, port, child, exited, hasExited: () => exitInfo !== undefined };
  options.onSpawn(proc);

  const deadline = Date.now() + options.readyTimeoutMs;
  for (let pause = 10; ; pause = Math.min(pause * 2, 100)) {
    if (exitInfo) throw exitedDuringStartup(nodeId, host, port, dir, exitInfo, logStart);
    if (await answersAsItself(host, port, pid, Math.max(50, Math.min(1000, deadline - Date.now())))) return proc;
    if (exitInfo) throw exitedDuringStartup(nodeId, host, port, dir, exitInfo, logStart);
    if (Date.now() >= deadline) break;
    await Promise.race([sleep(pause), exited]);
  }
  await killAndReap(proc);
  throw new LabError(
    NodeErrorCode.NodeNotReady,
    `${nodeId} (pid ${pid}, port ${port}) did not answer PING within ${options.readyTimeoutMs} ms, so the lab stopped it. ` +
      `The machine may be overloaded: retry, or raise readyTimeoutMs.${logTail(dir, logStart)}`,
  );
}

/** True when the server on host:port is process `pid` and ready (not loading). Another server there does not count. */
async function answersAsItself(host: string, port: number, pid: number, timeoutMs: number): Promise<boolean> {
  try {
    const reply = await redisCommand(host, port, ["INFO", "server"], timeoutMs);
    return reply.kind === "ok" && new RegExp(`^process_id:${pid}\\r?$`, "m").test(reply.value ?? "");
  } catch {
    return false;
  }
}

function exitedDuringStartup(
  nodeId: NodeId,
  host: string,
  port: number,
  dir: string,
  exit: ExitInfo,
  since: LogSizes,
): Error {
  const tail = logTail(dir, since);
  if (/Address already in use/i.test(tail)) return new PortTakenError(`${host}:${port} is in use`);
  return new LabError(
    NodeErrorCode.NodeExited,
    `${nodeId} exited while starting on port ${port} (${describeExit(exit)}).${tail}`,
  );
}

export function describeExit(exit: ExitInfo): string {
  return exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
}

type LogSizes = Record<string, number>;

function logSizes(dir: string): LogSizes {
  const sizes: LogSizes = {};
  for (const name of [OUTPUT_LOG, REDIS_LOG]) {
    try {
      sizes[name] = fs.statSync(path.join(dir, name)).size;
    } catch {
      sizes[name] = 0;
    }
  }
  return sizes;
}

/**
 * Last lines of the node's logs written since `since` (this spawn only: the logs outlive restarts),
 * for error messages: redis-server says there why it stopped.
 */
export function logTail(dir: string, since: LogSizes = {}, lines = 4): string {
  const text = [OUTPUT_LOG, REDIS_LOG]
    .map((name) => {
      try {
        return fs.readFileSync(path.join(dir, name)).subarray(since[name] ?? 0).toString("utf8");
      } catch {
        return "";
      }
    })
    .join("\n");
  const last = text
    .split("\n")
    .map((line) => (line.length > 200 ? `${line.trim().slice(0, 200)}…` : line.trim()))
    .filter(Boolean)
    .slice(-lines);
  return last.length ? ` Last log lines: ${last.join(" | ")}` : "";
}

/**
 * Removes everything but the logs (and `keep`: a persistent node's AOF), so a restarted node cannot
 * load a dump someone made with SAVE.
 */
function clearDataFiles(dir: string, keep: ReadonlySet<string>): void {
  for (const entry of fs.readdirSync(dir)) {
    if (!entry.endsWith(".log") && !keep.has(entry)) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
  }
}

/** Resolves true once `child` has exited, false after `timeoutMs` (a referenced timer keeps the wait alive). */
export function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      child.off("exit", onExit);
      resolve(false);
    }, timeoutMs);
    child.once("exit", onExit);
  });
}

/** SIGCONT (a stopped process holds SIGTERM back) then SIGKILL, synchronously; for exit hooks. */
export function killNow(proc: RedisProcess): void {
  if (proc.hasExited()) return;
  proc.child.kill("SIGCONT");
  proc.child.kill("SIGKILL");
}

export async function killAndReap(proc: RedisProcess): Promise<void> {
  killNow(proc);
  await waitForExit(proc.child, 5000);
}

/** Asks politely (SIGTERM after SIGCONT), then SIGKILLs after `graceMs`. */
export async function terminate(proc: RedisProcess, graceMs = 2000): Promise<void> {
  if (proc.hasExited()) return;
  proc.child.kill("SIGCONT");
  proc.child.kill("SIGTERM");
  if (await waitForExit(proc.child, graceMs)) return;
  await killAndReap(proc);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
