import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNodeManager, nodeManagerOptionsFromEnv } from "./manager";
import { findFreePort } from "./ports";
import { testBasePort } from "./test-ports";
import { isProcessGone, pings, waitUntilGone } from "./test-support";

// This file runs its own redis-servers, as an operator would, and stops them itself by PID.
const BASE = testBasePort(1);
const HOST = "127.0.0.1";

interface OwnServer {
  child: ChildProcess;
  port: number;
  dir: string;
}
const own: OwnServer[] = [];

async function startOwnServer(from: number): Promise<OwnServer> {
  const port = await findFreePort(HOST, from, new Set(own.map((server) => server.port)));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stampede-lab-attach-test-"));
  const child = spawn("redis-server", ["--port", String(port), "--bind", HOST, "--save", "", "--appendonly", "no", "--dir", dir], {
    stdio: "ignore",
  });
  const server = { child, port, dir };
  own.push(server);
  for (let i = 0; i < 200 && !(await pings(port, 500)); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  expect(await pings(port)).toBe(true);
  return server;
}

beforeAll(async () => {
  for (let i = 0; i < 3; i++) await startOwnServer(BASE + i);
});

afterAll(async () => {
  for (const server of own) server.child.kill("SIGKILL");
  expect(await waitUntilGone(own.map((server) => server.child.pid!))).toEqual([]);
  for (const server of own) fs.rmSync(server.dir, { recursive: true, force: true });
});

const url = (server: OwnServer) => `redis://${HOST}:${server.port}`;

describe("attach mode", () => {
  it("attaches to running servers, refuses process faults, and leaves them running on stop", async () => {
    const [cache, lockA, lockB] = own as [OwnServer, OwnServer, OwnServer];
    const manager = createNodeManager(
      nodeManagerOptionsFromEnv({ REDIS_CACHE_URL: url(cache), REDIS_LOCK_URLS: `${url(lockA)},${url(lockB)}` } as unknown as NodeJS.ProcessEnv),
    );
    await manager.start();
    expect(manager.list()).toEqual([
      expect.objectContaining({ id: "cache", mode: "attached", state: "up", pid: null, host: HOST, port: cache.port, clientPort: cache.port }),
      expect.objectContaining({ id: "lock-1", mode: "attached", state: "up", pid: null, port: lockA.port }),
      expect.objectContaining({ id: "lock-2", mode: "attached", state: "up", pid: null, port: lockB.port }),
    ]);
    expect(manager.watchdogPid).toBeNull();

    for (const action of ["crash", "start", "freeze", "thaw"] as const) {
      await expect(manager.apply("lock-1", action)).rejects.toMatchObject({
        code: "ATTACHED_NODE",
        message: expect.stringMatching(new RegExp(`^Cannot ${action} lock-1: the lab attached to this Redis server`)),
      });
    }

    await manager.stop();
    for (const server of own) {
      expect(isProcessGone(server.child.pid!)).toBe(false);
      expect(await pings(server.port)).toBe(true);
    }
  });

  it("refuses a bad URL naming its node before anything runs", () => {
    expect(() =>
      createNodeManager({ attach: { cacheUrl: url(own[0]!), lockUrls: ["redis//nope"] } }),
    ).toThrowError(expect.objectContaining({ code: "BAD_ATTACH_URL", message: expect.stringMatching(/^lock-1: /) }));
  });

  it("fails with NODE_NOT_READY naming the node whose server is not there", async () => {
    const gone = await findFreePort(HOST, BASE + 10, new Set(own.map((server) => server.port)));
    const manager = createNodeManager({
      readyTimeoutMs: 300,
      attach: { cacheUrl: url(own[0]!), lockUrls: [url(own[1]!), `redis://${HOST}:${gone}`] },
    });
    await expect(manager.start()).rejects.toMatchObject({
      code: "NODE_NOT_READY",
      message: expect.stringMatching(/^lock-2: the Redis server at/),
    });
    expect(await pings(own[0]!.port)).toBe(true);
  });
});
