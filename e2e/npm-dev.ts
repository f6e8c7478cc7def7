/**
 * `npm run dev` exactly as a person (or a process supervisor) runs it, for the signal tests: the npm
 * process, the lab server under it, and every process below, found by PID in /proc (Linux).
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { labServerEnv } from "./lab-server";

const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));
const READY_LINE = /Stampede Lab ready at (\S+)/;
/** The node lines under the ready line: "  lock-2  :7102 (clients :7108) pid 4242  up". */
const NODE_PID = /^\s+(cache|lock-\d+)\s.*\bpid (\d+)\b/gm;

export interface NpmDev {
  /** PID of the `npm` process itself: what a supervisor signals. */
  npmPid: number;
  url: string;
  /** The redis-server PIDs the server printed, by node id. */
  nodePids: Map<string, number>;
  /** Every process under npm once it was ready (the server, its nodes, its watchdog, esbuild …). */
  descendants: number[];
  output(): string;
  child: ChildProcess;
}

export async function startNpmDev({ port, basePort, readyTimeoutMs = 120_000 }: { port: number; basePort: number; readyTimeoutMs?: number }): Promise<NpmDev> {
  const child = spawn("npm", ["run", "dev"], {
    cwd: REPO_ROOT,
    env: labServerEnv(port, basePort),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const npmPid = child.pid!;

  const url = await new Promise<string>((resolve, rejectWith) => {
    // Not ready: nothing it started may outlive the failure (the caller never learns these PIDs).
    const reject = (error: Error) => {
      killTree(npmPid);
      rejectWith(error);
    };
    const timer = setInterval(() => {
      // Every node line comes right after the ready line, in one write; wait for all six.
      const match = READY_LINE.exec(output);
      if (match?.[1] && [...output.matchAll(NODE_PID)].length >= 6) {
        clearInterval(timer);
        resolve(match[1]);
      } else if (child.exitCode !== null || child.signalCode !== null) {
        clearInterval(timer);
        reject(new Error(`npm run dev exited before it was ready:\n${output}`));
      } else if (Date.now() - started > readyTimeoutMs) {
        clearInterval(timer);
        reject(new Error(`npm run dev was not ready within ${readyTimeoutMs} ms:\n${output}`));
      }
    }, 100);
    const started = Date.now();
  });
  const nodePids = new Map([...output.matchAll(NODE_PID)].map((m) => [m[1]!, Number(m[2])]));
  return { npmPid, url, nodePids, descendants: descendantsOf(npmPid), output: () => output, child };
}

/** The parent PID of `pid` as /proc has it, or null once it is gone. */
export function parentOf(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return null;
  }
}

/** Every living process below `pid`, children first, from each process's parent PID in /proc. */
export function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${name}/stat`, "utf8");
    } catch {
      continue; // Gone while we looked.
    }
    // After the parenthesised command name: state, then the parent PID.
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(name));
    children.set(ppid, list);
  }
  const out: number[] = [];
  const walk = (parent: number) => {
    for (const child of children.get(parent) ?? []) {
      out.push(child);
      walk(child);
    }
  };
  walk(pid);
  return out;
}

/** SIGCONT then SIGKILL to `pid` and everything below it, by PID, deepest first. */
export function killTree(pid: number): void {
  for (const target of [...descendantsOf(pid).reverse(), pid]) {
    for (const signal of ["SIGCONT", "SIGKILL"] as const) {
      try {
        process.kill(target, signal);
      } catch {
        // Already gone.
      }
    }
  }
}
