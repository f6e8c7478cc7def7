/**
 * Runs the real lab server (`server/index.ts`) as a child process, the way `npm run dev` does, for
 * end-to-end tests. One process, one PID: `node --import tsx` instead of the tsx CLI, which would put
 * a second process between the test and the server and relay signals through it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));
const READY_LINE = /Stampede Lab ready at (\S+)/;

export interface LabServer {
  url: string;
  pid: number;
  /** Everything the server printed so far, for failure messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with how it ended. @default graceMs 15000 */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; forced: boolean }>;
}

export interface LabServerOptions {
  port: number;
  /** First Redis port (LAB_BASE_PORT); keep it away from 6379 and from other test files. */
  basePort: number;
  /** Dev mode compiles on demand; the first start also type-checks the config. @default 90000 */
  readyTimeoutMs?: number;
}

/** The environment a test's lab server runs with: its own ports, on loopback, as `npm run dev` runs it. */
export function labServerEnv(port: number, basePort: number): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PORT: String(port),
    HOST: "127.0.0.1",
    LAB_BASE_PORT: String(basePort),
    // vitest sets NODE_ENV=test; the server must run as `npm run dev` does (no NODE_ENV: development).
    NODE_ENV: "development",
    NEXT_TELEMETRY_DISABLED: "1",
  };
}

export async function startLabServer({ port, basePort, readyTimeoutMs = 90_000 }: LabServerOptions): Promise<LabServer> {
  const child = spawn(process.execPath, ["--import", "tsx", "server/index.ts"], {
    cwd: REPO_ROOT,
    env: labServerEnv(port, basePort),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const append = (chunk: Buffer) => (output += chunk.toString());
  child.stdout!.on("data", append);
  child.stderr!.on("data", append);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(`not ready within ${readyTimeoutMs} ms`), readyTimeoutMs);
    const onData = () => {
      const match = READY_LINE.exec(output);
      if (match?.[1]) {
        cleanup();
        resolve(match[1]);
      }
    };
    const onExit = (code: number | null) => fail(`exited with code ${code} before it was ready`);
    function cleanup() {
      clearTimeout(timer);
      child.stdout!.off("data", onData);
      child.off("exit", onExit);
    }
    function fail(why: string) {
      cleanup();
      // Another `next dev` in this directory holds .next/dev/lock; say so rather than leave a riddle.
      const hint = /already running/.test(output) ? "\nStop your own `npm run dev` while the e2e test runs." : "";
      child.kill("SIGKILL");
      reject(new Error(`The lab server ${why}.${hint}\n--- server output ---\n${output}`));
    }
    child.stdout!.on("data", onData);
    child.once("exit", onExit);
  });

  return { url, pid: child.pid!, output: () => output, stop: (graceMs = 15_000) => stopChild(child, exited, graceMs) };
}

async function stopChild(
  child: ChildProcess,
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>,
  graceMs: number,
) {
  if (child.exitCode !== null || child.signalCode !== null) return { ...(await exited), forced: false };
  child.kill("SIGTERM");
  const timer = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), graceMs).unref());
  if ((await Promise.race([exited, timer])) !== "timeout") return { ...(await exited), forced: false };
  child.kill("SIGKILL");
  return { ...(await exited), forced: true };
}
