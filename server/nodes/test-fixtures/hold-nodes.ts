/**
 * Child program for cleanup.integration.test.ts: starts a lab, freezes lock-1, prints its PIDs and
 * temp dirs as one JSON line, then (after a line on stdin, for the self-ending modes) ends the way
 * HOLD_MODE says — never calling stop(), so only the process hooks and the watchdog can clean up.
 *   end    the program runs out of work      exit    process.exit(0)
 *   throw  an uncaught exception             wait    stay alive until a signal (SIGTERM, SIGINT, SIGKILL)
 */
import fs from "node:fs";
import { createNodeManager } from "../manager";

const mode = process.env.HOLD_MODE ?? "wait";
const manager = createNodeManager({
  basePort: Number(process.env.HOLD_BASE_PORT),
  lockNodes: Number(process.env.HOLD_LOCK_NODES ?? 2),
});
await manager.start();
await manager.apply("lock-1", "freeze");
const nodes = manager.list();
const report = {
  pid: process.pid,
  redisPids: nodes.map((node) => node.pid),
  watchdogPid: manager.watchdogPid,
  frozen: nodes.filter((node) => node.state === "frozen").map((node) => node.pid),
  // Each redis-server runs in its node's temp dir.
  dirs: nodes.map((node) => fs.readlinkSync(`/proc/${node.pid}/cwd`)),
};
process.stdout.write(`${JSON.stringify(report)}\n`);

// Self-ending modes wait for a line on stdin, so the test can first see every process alive.
if (mode !== "wait") {
  await new Promise((resolve) => process.stdin.once("data", resolve));
  process.stdin.destroy();
}
if (mode === "exit") process.exit(0);
if (mode === "throw") {
  setTimeout(() => {
    throw new Error("hold-nodes: deliberate uncaught exception");
  }, 10);
}
if (mode === "wait") setInterval(() => {}, 1000);
