import fs from "node:fs";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createNodeManager, type LabNodeManager } from "./manager";
import { findFreePort } from "./ports";
import { testBasePort } from "./test-ports";
import { connect, isProcessGone, pings, processState, waitUntilGone } from "./test-support";
import type { NodeEvent, NodeManagerOptions } from "./types";

// Real redis-server processes. Ports from this worker's slot 0; nothing here times speed.
const BASE = testBasePort(0);
const HOST = "127.0.0.1";

const managers: LabNodeManager[] = [];
const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((manager) => manager.stop()));
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

function manager(options: NodeManagerOptions = {}): LabNodeManager {
  const created = createNodeManager({ basePort: BASE, ...options });
  managers.push(created);
  return created;
}

function record(target: LabNodeManager): NodeEvent[] {
  const events: NodeEvent[] = [];
  target.onEvent((event) => events.push(event));
  return events;
}

async function occupy(port: number): Promise<void> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, HOST, resolve);
  });
  servers.push(server);
}

function tempDirsOf(pid: number): string | null {
  try {
    return fs.readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return null;
  }
}

describe.each([5, 1])("a lab with %i lock node(s)", (lockNodes) => {
  it("spawns the cache and every lock node, each answering PING on its own port", async () => {
    const target = manager({ lockNodes });
    await target.start();
    const nodes = target.list();
    expect(nodes.map((node) => node.id)).toEqual(["cache", ...Array.from({ length: lockNodes }, (_, i) => `lock-${i + 1}`)]);
    expect(new Set(nodes.map((node) => node.port)).size).toBe(nodes.length);
    for (const node of nodes) {
      expect(node).toMatchObject({ state: "up", mode: "spawned", host: HOST, role: node.id === "cache" ? "cache" : "lock" });
      expect(node.port).not.toBe(6379);
      expect(node.clientPort).toBe(node.port);
      expect(isProcessGone(node.pid!)).toBe(false);
      expect(await pings(node.clientPort)).toBe(true);
    }
    const dirs = nodes.map((node) => tempDirsOf(node.pid!));
    const pids = nodes.map((node) => node.pid!);

    await target.stop();
    expect(await waitUntilGone(pids)).toEqual([]);
    expect(await waitUntilGone([target.watchdogPid!])).toEqual([]);
    for (const dir of dirs) if (dir) expect(fs.existsSync(dir)).toBe(false);
    expect(target.list().every((node) => node.pid === null && node.state === "crashed")).toBe(true);
  });
});

describe("faults on spawned nodes", () => {
  it("crash kills the process and loses the data; start brings it back empty on the same port", async () => {
    const target = manager({ lockNodes: 2 });
    const events = record(target);
    await target.start();
    const before = target.get("lock-1");
    const client = await connect(before.clientPort);
    await client.set("lock:k", "holder-a");
    client.disconnect();

    const crashed = await target.apply("lock-1", "crash");
    expect(crashed).toMatchObject({ state: "crashed", pid: null, port: before.port });
    expect(isProcessGone(before.pid!)).toBe(true);
    expect(await pings(before.clientPort)).toBe(false);
    expect(target.get("lock-2").state).toBe("up");

    const started = await target.apply("lock-1", "start");
    expect(started).toMatchObject({ state: "up", port: before.port });
    expect(started.pid).not.toBe(before.pid);
    const after = await connect(started.clientPort);
    expect(await after.get("lock:k")).toBeNull();
    after.disconnect();

    expect(events.map((event) => [event.name, event.data.nodeId, event.data.state])).toEqual([
      ["node:crash", "lock-1", "crashed"],
      ["node:start", "lock-1", "up"],
    ]);
    expect(events[0]!.data.pid).toBeNull();
    expect(events[1]!.data.pid).toBe(started.pid);
    expect(events.every((event) => typeof event.data.atMs === "number" && event.data.atMs > 0)).toBe(true);
  });

  it("freeze leaves the process alive but silent; thaw brings it back with its data", async () => {
    const target = manager({ lockNodes: 1 });
    const events = record(target);
    await target.start();
    const node = target.get("lock-1");
    const client = await connect(node.clientPort, 300);
    await client.set("lock:k", "holder-a");

    const frozen = await target.apply("lock-1", "freeze");
    expect(frozen).toMatchObject({ state: "frozen", pid: node.pid });
    await expect(client.ping()).rejects.toThrow(/timed out/i);
    expect(() => process.kill(node.pid!, 0)).not.toThrow();
    expect(processState(node.pid!)).toBe("T");
    client.disconnect();

    const thawed = await target.apply("lock-1", "thaw");
    expect(thawed).toMatchObject({ state: "up", pid: node.pid });
    const again = await connect(node.clientPort);
    expect(await again.ping()).toBe("PONG");
    expect(await again.get("lock:k")).toBe("holder-a");
    again.disconnect();
    expect(events.map((event) => event.name)).toEqual(["node:freeze", "node:thaw"]);
  });

  it("refuses invalid transitions with a clear message", async () => {
    const target = manager({ lockNodes: 1 });
    await target.start();
    await expect(target.apply("lock-1", "start")).rejects.toMatchObject({
      code: "INVALID_TRANSITION",
      message: expect.stringMatching(/Cannot start lock-1: it is already up/),
    });
    await expect(target.apply("lock-1", "thaw")).rejects.toMatchObject({ code: "INVALID_TRANSITION" });
    await target.apply("lock-1", "freeze");
    await expect(target.apply("lock-1", "freeze")).rejects.toMatchObject({ code: "INVALID_TRANSITION" });
    await expect(target.apply("lock-1", "start")).rejects.toMatchObject({ code: "INVALID_TRANSITION" });
    // Crashing a frozen node works (SIGCONT, then SIGKILL).
    const pid = target.get("lock-1").pid!;
    await target.apply("lock-1", "crash");
    expect(isProcessGone(pid)).toBe(true);
    await expect(target.apply("lock-1", "freeze")).rejects.toMatchObject({
      code: "INVALID_TRANSITION",
      message: expect.stringMatching(/Cannot freeze lock-1: it is crashed/),
    });
    await expect(target.apply("lock-1", "crash")).rejects.toMatchObject({ code: "INVALID_TRANSITION" });
    await expect(target.apply("lock-7" as "lock-1", "crash")).rejects.toMatchObject({ code: "UNKNOWN_NODE" });
  });

  it("runs faults on one node in order: crash then start, sent together", async () => {
    const target = manager({ lockNodes: 1 });
    await target.start();
    const [crashed, started] = await Promise.all([target.apply("lock-1", "crash"), target.apply("lock-1", "start")]);
    expect(crashed.state).toBe("crashed");
    expect(started.state).toBe("up");
    expect(await pings(started.clientPort)).toBe(true);
  });

  it("reports a process that dies on its own as node:exited and marks it crashed", async () => {
    const target = manager({ lockNodes: 1 });
    await target.start();
    const exited = new Promise<NodeEvent>((resolve) => target.onEvent((event) => event.name === "node:exited" && resolve(event)));
    const pid = target.get("cache").pid!;
    process.kill(pid, "SIGKILL");
    const event = await exited;
    expect(event.data).toMatchObject({ nodeId: "cache", state: "crashed", pid: null });
    expect(event.data.detail).toMatch(/killed by SIGKILL/);
    expect(target.get("cache")).toMatchObject({ state: "crashed", pid: null });
    expect((await target.apply("cache", "start")).state).toBe("up");
  });

  it("stop() kills a frozen node too", async () => {
    const target = manager({ lockNodes: 2 });
    await target.start();
    await target.apply("lock-2", "freeze");
    const pids = target.list().map((node) => node.pid!);
    await target.stop();
    expect(await waitUntilGone(pids)).toEqual([]);
    await target.stop();
  });
});

describe("ports", () => {
  it("skips a busy port when allocating from basePort", async () => {
    const busy = await findFreePort(HOST, BASE + 20);
    await occupy(busy);
    const target = manager({ lockNodes: 1, basePort: busy });
    await target.start();
    expect(target.get("cache").port).toBeGreaterThan(busy);
    expect(target.get("lock-1").port).toBeGreaterThan(target.get("cache").port);
  });

  it("fails with PORT_IN_USE naming the node when its fixed port is taken, and leaves nothing running", async () => {
    const busy = await findFreePort(HOST, BASE + 30);
    await occupy(busy);
    const target = manager({ lockNodes: 1, basePort: busy + 1, ports: { "lock-1": busy } });
    const error = await target.start().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: "PORT_IN_USE" });
    expect((error as Error).message).toContain(`lock-1 is configured to use port ${busy}`);
    expect((error as Error).message).toMatch(/Stop whatever listens there/);
    const cache = target.list().find((node) => node.id === "cache");
    expect(cache?.pid).toBeNull();
    expect(await pings(cache!.port)).toBe(false);
  });

  it("fails a restart with PORT_IN_USE when another process took the node's port while it was down", async () => {
    const target = manager({ lockNodes: 1 });
    await target.start();
    const { port } = await target.apply("lock-1", "crash");
    await occupy(port);
    await expect(target.apply("lock-1", "start")).rejects.toMatchObject({
      code: "PORT_IN_USE",
      message: expect.stringContaining(`lock-1 restarts on its own port ${port}`),
    });
    expect(target.get("lock-1").state).toBe("crashed");
  });
});
