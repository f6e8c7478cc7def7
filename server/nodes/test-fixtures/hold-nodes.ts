/**
 * Child program for cleanup.integration.test.ts: starts a lab, freezes lock-1, prints its PIDs as one
 * JSON line, then ends the way HOLD_MODE says — without ever calling stop(), so only the process
 * hooks and the watchdog can clean up.
 *   end    the program runs out of work      exit    process.exit(0)
 *   throw  an uncaught exception             wait    stay alive until a signal (SIGTERM, SIGINT, SIGKILL)
 */
import { createNodeManager } from "../manager";

const mode = process.env.HOLD_MODE ?? "wait";
const manager = createNodeManager({ basePort: Number(process.env.HOLD_BASE_PORT), lockNodes: Number(process.env.HOLD_LOCK_NODES ?? 2) });
await manager.start();
await manager.apply("lock-1", "freeze");
const nodes = manager.list();
process.stdout.write(
  `${JSON.stringify({ pid: process.pid, redisPids: nodes.map((node) => node.pid), watchdogPid: manager.watchdogPid, frozen: nodes.filter((n) => n.state === "frozen").map((n) => n.pid) })}\n`,
);

if (mode === "exit") process.exit(0);
if (mode === "throw") setTimeout(() => {
  throw new Error("hold-nodes: deliberate uncaught exception");
}, 10);
if (mode === "wait") setInterval(() => {}, 1000);
