import { spawn } from "node:child_process";
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { testBasePort } from "./test-ports";
import { isProcessGone, waitUntilGone } from "./test-support";

// No redis-server may outlive the program that started it, however that program ends. Each case
// runs test-fixtures/hold-nodes.ts (which never calls stop()) and checks every PID it reported.
const FIXTURE = fileURLToPath(new URL("./test-fixtures/hold-nodes.ts", import.meta.url));
const REPO = fileURLToPath(new URL("../../", import.meta.url));
const BASE = testBasePort(2);

interface Held {
  pid: number;
  redisPids: number[];
  watchdogPid: number;
  frozen: number[];
  dirs: string[];
}

interface Run {
  held: Held;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: () => string;
  /** Lets a self-ending mode proceed. */
  go: () => void;
}

async function hold(mode: string, slot: number): Promise<Run> {
  const child = spawn(process.execPath, ["--import", "tsx", FIXTURE], {
    cwd: REPO,
    env: { ...process.env, NODE_OPTIONS: undefined, HOLD_MODE: mode, HOLD_BASE_PORT: String(BASE + slot * 6), HOLD_LOCK_NODES: "2" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const held = await new Promise<Held>((resolve, reject) => {
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      const line = stdout.split("\n")[0];
      if (stdout.includes("\n") && line) resolve(JSON.parse(line) as Held);
    });
    void exit.then(({ code, signal }) => reject(new Error(`hold-nodes ended early (${code ?? signal}): ${stderr}`)));
  });
  expect(held.redisPids).toHaveLength(3);
  expect(held.dirs.every((dir) => fs.existsSync(dir))).toBe(true);
  expect(held.frozen).toHaveLength(1);
  for (const pid of [...held.redisPids, held.watchdogPid]) expect(isProcessGone(pid)).toBe(false);
  return { held, exit, stderr: () => stderr, go: () => child.stdin.end("go\n") };
}

async function expectAllGone(held: Held): Promise<void> {
  expect(await waitUntilGone([held.pid, ...held.redisPids, held.watchdogPid], 15_000)).toEqual([]);
  // The watchdog has exited, so whoever removes the temp dirs has done so.
  expect(held.dirs.filter((dir) => fs.existsSync(dir))).toEqual([]);
}

describe("no redis-server outlives the lab", () => {
  it("when the program simply runs out of work", async () => {
    const run = await hold("end", 0);
    run.go();
    expect(await run.exit).toEqual({ code: 0, signal: null });
    await expectAllGone(run.held);
  });

  it("on process.exit()", async () => {
    const run = await hold("exit", 1);
    run.go();
    expect(await run.exit).toEqual({ code: 0, signal: null });
    await expectAllGone(run.held);
  });

  it("on an uncaught exception", async () => {
    const run = await hold("throw", 2);
    run.go();
    expect((await run.exit).code).toBe(1);
    expect(run.stderr()).toContain("deliberate uncaught exception");
    await expectAllGone(run.held);
  });

  it.each([
    ["SIGTERM", 143],
    ["SIGINT", 130],
  ] as const)("on %s, exiting with the conventional code", async (signal, code) => {
    const run = await hold("wait", signal === "SIGTERM" ? 3 : 4);
    process.kill(run.held.pid, signal);
    expect(await run.exit).toEqual({ code, signal: null });
    await expectAllGone(run.held);
  });

  it("on SIGKILL, through the watchdog", async () => {
    const run = await hold("wait", 5);
    process.kill(run.held.pid, "SIGKILL");
    expect(await run.exit).toEqual({ code: null, signal: "SIGKILL" });
    await expectAllGone(run.held);
  });
});
