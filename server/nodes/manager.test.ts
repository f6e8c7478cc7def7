import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { LabError } from "../core/errors";
import { createNodeManager, type LabNodeManager } from "./manager";
import { findFreePort } from "./ports";
import { testBasePort } from "./test-ports";
import { isProcessGone, waitUntilGone } from "./test-support";

// Failure paths that need no real Redis: fake "redis-server" programs stand in for broken ones.
const BASE = testBasePort(3);

let fakes: string;
beforeAll(() => {
  fakes = fs.mkdtempSync(path.join(os.tmpdir(), "stampede-lab-fakes-"));
});
afterAll(() => fs.rmSync(fakes, { recursive: true, force: true }));

const managers: LabNodeManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((manager) => manager.stop()));
});

function manager(options: Parameters<typeof createNodeManager>[0]): LabNodeManager {
  const created = createNodeManager({ basePort: BASE, ...options });
  managers.push(created);
  return created;
}

function fakeServer(name: string, body: string): string {
  const file = path.join(fakes, name);
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

async function startError(target: LabNodeManager): Promise<LabError> {
  const error = await target.start().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, "start() should have failed").toBeDefined();
  return error as LabError;
}

describe("node manager failures without Redis", () => {
  it("REDIS_SERVER_MISSING says how to install Redis or attach instead", async () => {
    const target = manager({ redisServerPath: "/nonexistent/redis-server", lockNodes: 1 });
    const error = await startError(target);
    expect(error.code).toBe("REDIS_SERVER_MISSING");
    expect(error.message).toContain("/nonexistent/redis-server");
    expect(error.message).toContain("apt-get install redis-server");
    expect(error.message).toContain("brew install redis");
    expect(error.message).toMatch(/REDIS_CACHE_URL=.*REDIS_LOCK_URLS=/);
    expect(error.message).not.toMatch(/\n\s+at /);
  });

  it("NODE_NOT_READY names the node that never answers, and kills its process", async () => {
    const target = manager({ redisServerPath: fakeServer("silent", "exec sleep 60"), readyTimeoutMs: 400, lockNodes: 1 });
    const error = await startError(target);
    expect(error.code).toBe("NODE_NOT_READY");
    expect(error.message).toMatch(/^cache \(pid \d+, port \d+\) did not answer PING within 400 ms/);
    const pid = Number(/pid (\d+)/.exec(error.message)?.[1]);
    expect(await waitUntilGone([pid], 5000)).toEqual([]);
    expect(target.list().every((node) => node.pid === null)).toBe(true);
  });

  it("NODE_EXITED names the node and quotes its output", async () => {
    const target = manager({ redisServerPath: fakeServer("broken", 'echo "FATAL CONFIG FILE ERROR: nope"; exit 3'), lockNodes: 1 });
    const error = await startError(target);
    expect(error.code).toBe("NODE_EXITED");
    expect(error.message).toMatch(/^cache exited while starting on port \d+ \(exit code 3\)/);
    expect(error.message).toContain("FATAL CONFIG FILE ERROR: nope");
  });

  it("an attached node that does not answer fails with NODE_NOT_READY naming it", async () => {
    const closed = await findFreePort("127.0.0.1", BASE + 20);
    const target = manager({
      readyTimeoutMs: 300,
      attach: { cacheUrl: `redis://127.0.0.1:${closed}`, lockUrls: [`redis://127.0.0.1:${closed + 1}`] },
    });
    const error = await startError(target);
    expect(error.code).toBe("NODE_NOT_READY");
    expect(error.message).toMatch(/^cache: the Redis server at redis:\/\/127\.0\.0\.1:\d+ did not answer PING/);
  });

  it("refuses faults before start and after stop, and a second start", async () => {
    const target = manager({ lockNodes: 1 });
    await expect(target.apply("lock-1", "crash")).rejects.toMatchObject({ code: "NOT_STARTED" });
    expect(() => target.get("lock-1")).toThrowError(expect.objectContaining({ code: "NOT_STARTED" }));
    expect(() => target.get("lock-9")).toThrowError(expect.objectContaining({ code: "UNKNOWN_NODE" }));
    expect(target.list()).toEqual([]);
    await target.stop();
    await expect(target.start()).rejects.toMatchObject({ code: "MANAGER_STOPPED" });
    await expect(target.apply("lock-1", "crash")).rejects.toMatchObject({ code: "MANAGER_STOPPED" });
  });

  it("stops the watchdog it started even when start fails", async () => {
    const target = manager({ redisServerPath: "/nonexistent/redis-server", lockNodes: 1 });
    await startError(target);
    const watchdog = target.watchdogPid;
    expect(watchdog).not.toBeNull();
    expect(await waitUntilGone([watchdog!], 5000)).toEqual([]);
    expect(isProcessGone(watchdog!)).toBe(true);
  });
});
