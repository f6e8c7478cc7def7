import { spawn, type ChildProcess } from "node:child_process";
import type { Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { waitForExit } from "./redis-process";

/** Path of the plain-JS watchdog script (see watchdog-process.mjs for what it does and why). */
export const WATCHDOG_SCRIPT = fileURLToPath(new URL("./watchdog-process.mjs", import.meta.url));

/** The manager's end of the watchdog: tell it which PIDs to kill should this process die. */
export interface Watchdog {
  readonly pid: number | undefined;
  watch(pid: number): void;
  unwatch(pid: number): void;
  /** Removes `dir` should this process die; only `<tmpdir>/stampede-lab-*` paths are accepted. */
  watchDir(dir: string): void;
  unwatchDir(dir: string): void;
  /** Closes the pipe; the watchdog kills what is still watched (nothing, after a clean stop) and exits. */
  close(): Promise<void>;
}

export function startWatchdog(): Watchdog {
  const child: ChildProcess = spawn(process.execPath, [WATCHDOG_SCRIPT], {
    stdio: ["pipe", "ignore", "ignore"],
    // Own process group: a terminal Ctrl-C must not kill it before the manager has cleaned up.
    detached: true,
    // No NODE_OPTIONS (loaders, inspectors) from the parent: it is plain JS and must start fast.
    env: { ...process.env, NODE_OPTIONS: undefined },
  });
  // Neither the process nor its pipe may keep the lab's process alive.
  child.unref();
  (child.stdin as Socket | null)?.unref();
  // If the watchdog cannot start or dies, the lab still runs; the exit hooks remain.
  child.on("error", () => {});
  child.stdin?.on("error", () => {});

  const send = (line: string) => {
    if (child.stdin?.writable) child.stdin.write(`${line}\n`);
  };
  let closing: Promise<void> | undefined;
  return {
    get pid() {
      return child.pid;
    },
    watch: (pid) => send(`+${pid}`),
    unwatch: (pid) => send(`-${pid}`),
    watchDir: (dir) => send(`+dir ${dir}`),
    unwatchDir: (dir) => send(`-dir ${dir}`),
    close() {
      closing ??= (async () => {
        child.stdin?.end();
        if (child.pid === undefined) return;
        if (!(await waitForExit(child, 3000))) {
          try {
            child.kill("SIGKILL");
          } catch {
            // Already gone.
          }
          await waitForExit(child, 3000);
        }
      })();
      return closing;
    },
  };
}
