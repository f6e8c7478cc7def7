import os from "node:os";

/**
 * Process-wide cleanup for every live node manager, so redis-server children never outlive the lab.
 * Installed once while at least one manager is live, removed when the last one stops.
 *
 * - `exit` (process.exit(), uncaught exception, unhandled rejection, end of the program): SIGKILL by
 *   PID, synchronously — nothing asynchronous runs there.
 * - `beforeExit` (the event loop ran dry with managers still live): a graceful `stop()` of each.
 * - SIGINT, SIGTERM, SIGHUP: if no other listener is registered for the signal, stop every manager
 *   (bounded wait) and exit with 128 + the signal number, as Node's default handling would.
 *   If the app has its own handler, it owns the signal: it is left to run and decide, and the `exit`
 *   hook cleans up whenever the process does exit.
 * - SIGKILL cannot be caught: the watchdog process (watchdog-process.mjs) covers it.
 */
export interface LiveManager {
  /** Synchronous last resort: kill every child by PID now. */
  killNow(): void;
  stop(): Promise<void>;
}

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
const SIGNAL_STOP_TIMEOUT_MS = 5000;

const live = new Set<LiveManager>();
let installed = false;
let exitingOnSignal = false;

/** Registers a manager for cleanup; the returned function unregisters it (call it once it has stopped). */
export function trackLiveManager(manager: LiveManager): () => void {
  live.add(manager);
  install();
  return () => {
    live.delete(manager);
    if (live.size === 0) uninstall();
  };
}

export function liveManagerCount(): number {
  return live.size;
}

function killAllNow(): void {
  for (const manager of live) {
    try {
      manager.killNow();
    } catch {
      // Keep going: one manager's failure must not spare another's processes.
    }
  }
}

function onExit(): void {
  killAllNow();
}

function onBeforeExit(): void {
  for (const manager of live) void manager.stop().catch(() => manager.killNow());
}

function onSignal(signal: NodeJS.Signals): void {
  // The app handles this signal itself; our `exit` hook still runs when it exits.
  if (process.listenerCount(signal) > 1) return;
  const code = 128 + (os.constants.signals[signal] ?? 0);
  if (exitingOnSignal) {
    // A second Ctrl-C: stop waiting.
    killAllNow();
    process.exit(code);
  }
  exitingOnSignal = true;
  const timer = setTimeout(() => {
    killAllNow();
    process.exit(code);
  }, SIGNAL_STOP_TIMEOUT_MS);
  void Promise.allSettled([...live].map((manager) => manager.stop())).then(() => {
    clearTimeout(timer);
    killAllNow();
    process.exit(code);
  });
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on("exit", onExit);
  process.on("beforeExit", onBeforeExit);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function uninstall(): void {
  // While exiting on a signal, keep the handler so a second signal still finds it.
  if (!installed || exitingOnSignal) return;
  installed = false;
  process.off("exit", onExit);
  process.off("beforeExit", onBeforeExit);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}
