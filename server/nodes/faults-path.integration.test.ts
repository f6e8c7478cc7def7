import net from "node:net";
import { performance } from "node:perf_hooks";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { createNodeManager, supportsFaults, type LabNodeManager } from "./manager";
import { redisCommand } from "./resp";
import { testBasePort, TEST_PORTS_PER_SLOT } from "./test-ports";
import { connect, isProcessGone, pings, waitUntilGone } from "./test-support";
import type { LabNodeEvent, NodeEvent, NodeManagerOptions } from "./types";

// Real redis-server processes behind the fault proxies of issue 5. Ports from this worker's extra
// slot 10 (slots 0–4 are all taken by other files); latency is asserted from below only.
const BASE = testBasePort(10);
const HOST = "127.0.0.1";

const managers: LabNodeManager[] = [];
const disconnects: (() => void)[] = [];
afterEach(async () => {
  for (const disconnect of disconnects.splice(0)) disconnect();
  await Promise.all(managers.splice(0).map((manager) => manager.stop()));
});

function manager(options: NodeManagerOptions = {}): LabNodeManager {
  const created = createNodeManager({ basePort: BASE, faultProxies: true, ...options });
  managers.push(created);
  return created;
}

function recordAll(target: LabNodeManager): { all: LabNodeEvent[]; process: NodeEvent[] } {
  const all: LabNodeEvent[] = [];
  const process: NodeEvent[] = [];
  target.onAnyEvent((event) => all.push(event));
  target.onEvent((event) => process.push(event));
  return { all, process };
}

async function client(port: number, commandTimeout = 500) {
  const created = await connect(port, commandTimeout);
  disconnects.push(() => created.disconnect());
  return created;
}

const portRefuses = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: HOST, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED"));
  });

/** PING over a raw connection: false when no reply comes within `timeoutMs` (or the connection fails). */
async function answers(port: number, timeoutMs = 400): Promise<boolean> {
  try {
    const reply = await redisCommand(HOST, port, ["PING"], timeoutMs);
    return reply.kind === "ok" && reply.value === "PONG";
  } catch {
    return false;
  }
}

/** A client set up as the engine's (server/engine/redis-connection.ts): fail fast, reconnect every 100 ms. */
function engineClient(port: number): Redis {
  const redis = new Redis({
    host: HOST,
    port,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 500,
    connectTimeout: 500,
    retryStrategy: () => 100,
    enableAutoPipelining: false,
  });
  redis.on("error", () => undefined);
  disconnects.push(() => redis.disconnect());
  return redis;
}

async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function pingMs(redis: Awaited<ReturnType<typeof client>>): Promise<number> {
  const started = performance.now();
  expect(await redis.ping()).toBe("PONG");
  return performance.now() - started;
}

describe("fault proxies", () => {
  it("put a proxy in front of every node, on the lab's own port range", async () => {
    const target = manager({ lockNodes: 2 });
    await target.start();
    expect(supportsFaults(target)).toBe(true);
    const nodes = target.list();
    const ports = nodes.flatMap((node) => [node.port, node.clientPort]);
    expect(new Set(ports).size).toBe(ports.length);
    for (const node of nodes) {
      expect(node.clientPort).not.toBe(node.port);
      expect(node.path).toEqual({ partitioned: false, latencyMs: 0, jitterMs: 0 });
      expect(node.clientPort).toBeGreaterThanOrEqual(BASE);
      expect(node.clientPort).toBeLessThan(BASE + TEST_PORTS_PER_SLOT);
      expect(await pings(node.clientPort)).toBe(true);
      expect(await pings(node.port)).toBe(true);
    }
  });

  it("partition: the node still answers PING on its real port while calls through the proxy time out; heal restores them", async () => {
    const target = manager({ lockNodes: 1 });
    const events = recordAll(target);
    await target.start();
    const node = target.get("lock-1");
    const engine = await client(node.clientPort);
    await engine.set("lock:k", "holder-a", "PX", 60_000);
    const reconnecting = engineClient(node.clientPort);
    const engineWorks = () => reconnecting.ping().then((reply) => reply === "PONG", () => false);
    expect(await eventually(engineWorks, 3000)).toBe(true);

    const cut = await target.apply("lock-1", "partition");
    expect(cut).toMatchObject({ state: "up", pid: node.pid, path: { partitioned: true, latencyMs: 0, jitterMs: 0 } });
    // The live engine connection was dropped.
    await expect(engine.ping()).rejects.toThrow();
    // An outside witness on the real port: the node runs, with its data.
    expect(isProcessGone(node.pid!)).toBe(false);
    expect(await pings(node.port)).toBe(true);
    const witness = await client(node.port);
    expect(await witness.get("lock:k")).toBe("holder-a");
    // A new connection through the proxy is taken but never answered: the command times out
    // (ioredis 6 never gets past its connection handshake there, so its client fails too).
    await expect(redisCommand(HOST, node.clientPort, ["PING"], 400)).rejects.toThrow(/no reply .* within 400 ms/);
    expect(await answers(node.clientPort)).toBe(false);
    // A client set up as the engine's keeps failing while the cut lasts, reconnecting or not.
    for (let i = 0; i < 5; i++) {
      expect(await engineWorks()).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    // Other nodes are untouched.
    expect(await pings(target.get("cache").clientPort)).toBe(true);

    const healed = await target.apply("lock-1", "heal");
    expect(healed.path).toEqual({ partitioned: false, latencyMs: 0, jitterMs: 0 });
    // The engine-style client finds its way back on its own.
    expect(await eventually(engineWorks, 3000)).toBe(true);
    expect(await pings(node.clientPort)).toBe(true);
    const again = await client(node.clientPort);
    expect(await again.get("lock:k")).toBe("holder-a");

    expect(events.all.map((event) => [event.name, event.data.nodeId])).toEqual([
      ["node:partition", "lock-1"],
      ["node:heal", "lock-1"],
    ]);
    expect(events.all[0]!.data).toMatchObject({ state: "up", pid: node.pid, path: { partitioned: true } });
    expect(events.all[0]!.data.detail).toMatch(/keeps running with its data/);
    expect(events.all.every((event) => event.data.atMs > 0)).toBe(true);
    // onEvent listeners only get process events, which their type knows.
    expect(events.process).toEqual([]);
  });

  it("latency: a PING round trip through the proxy takes at least the injected delay; 0 removes it", async () => {
    const target = manager({ lockNodes: 1 });
    const events = recordAll(target);
    await target.start();
    const node = target.get("lock-1");
    const engine = await client(node.clientPort, 5000);
    await pingMs(engine);

    const slow = await target.apply("lock-1", "latency", { ms: 250 });
    expect(slow.path).toEqual({ partitioned: false, latencyMs: 250, jitterMs: 0 });
    for (let i = 0; i < 3; i++) expect(await pingMs(engine)).toBeGreaterThanOrEqual(250);
    // A new connection through the proxy is slowed too.
    const fresh = await client(node.clientPort, 5000);
    expect(await pingMs(fresh)).toBeGreaterThanOrEqual(250);

    await target.apply("lock-1", "latency", { ms: 200, jitterMs: 100 });
    for (let i = 0; i < 3; i++) expect(await pingMs(engine)).toBeGreaterThanOrEqual(100);

    const removed = await target.apply("lock-1", "latency", { ms: 0 });
    expect(removed.path).toEqual({ partitioned: false, latencyMs: 0, jitterMs: 0 });
    expect(events.all.map((event) => event.name)).toEqual(["node:latency", "node:latency", "node:latency"]);
    expect(events.all[0]!.data.detail).toMatch(/250 ms added to each round trip/);
    expect(events.all[2]!.data.detail).toMatch(/removed/);
  });

  it("per-instance partition cuts one instance's proxy and not another's (split brain)", async () => {
    const target = manager({ lockNodes: 2 });
    const events = recordAll(target);
    await target.start();
    const one = await target.clientPortFor("lock-1", 1);
    const two = await target.clientPortFor("lock-1", 2);
    expect(await target.clientPortFor("lock-1", 1)).toBe(one);
    const node = target.get("lock-1");
    expect(new Set([node.port, node.clientPort, one, two]).size).toBe(4);
    for (const port of [one, two]) {
      expect(port).toBeGreaterThanOrEqual(BASE);
      expect(port).toBeLessThan(BASE + TEST_PORTS_PER_SLOT);
    }
    const first = await client(one);
    expect(await first.ping()).toBe("PONG");

    // Instance 1 loses lock-1; instance 2 loses lock-2: each still reaches the other node.
    const cut = await target.apply("lock-1", "partition", { instances: [1] });
    await target.apply("lock-2", "partition", { instances: [2] });
    expect(cut.path?.partitioned).toEqual([1]);
    await expect(first.ping()).rejects.toThrow();
    expect(await answers(one)).toBe(false);
    expect(await pings(two)).toBe(true);
    expect(await pings(node.clientPort)).toBe(true);
    expect(await pings(node.port)).toBe(true);
    expect(await pings(await target.clientPortFor("lock-2", 1))).toBe(true);
    expect(await answers(await target.clientPortFor("lock-2", 2))).toBe(false);

    // Healing instance 1 on lock-1 leaves lock-2's cut alone.
    const healed = await target.apply("lock-1", "heal", { instances: [1] });
    expect(healed.path?.partitioned).toBe(false);
    expect(await pings(one)).toBe(true);
    expect(target.get("lock-2").path?.partitioned).toEqual([2]);

    // A whole-node cut heals only as a whole.
    await target.apply("lock-1", "partition");
    await expect(target.apply("lock-1", "heal", { instances: [1] })).rejects.toMatchObject({ code: "INVALID_TRANSITION" });
    expect(await answers(two)).toBe(false);
    await target.apply("lock-1", "heal");
    expect(await pings(two)).toBe(true);

    expect(events.all.filter((event) => event.name === "node:partition")[0]!.data.detail).toMatch(/engine instance 1 cut off from lock-1/);
  });

  it("refuses bad fault options and unknown instances with errors that say what to give", async () => {
    const target = manager({ lockNodes: 1 });
    await target.start();
    await expect(target.apply("lock-1", "latency")).rejects.toMatchObject({ code: "BAD_FAULT_OPTIONS", message: expect.stringMatching(/ms must be/) });
    await expect(target.apply("lock-1", "latency", { ms: 100, instances: [1] })).rejects.toMatchObject({ code: "BAD_FAULT_OPTIONS" });
    await expect(target.apply("lock-1", "partition", { instances: [0] })).rejects.toMatchObject({ code: "BAD_FAULT_OPTIONS" });
    await expect(target.apply("lock-1", "partition", { instances: [] })).rejects.toMatchObject({ code: "BAD_FAULT_OPTIONS" });
    await expect(target.apply("lock-1", "clock-jump", { ms: 0 })).rejects.toMatchObject({ code: "BAD_FAULT_OPTIONS" });
    await expect(target.clientPortFor("lock-1", 0)).rejects.toMatchObject({ code: "BAD_FAULT_OPTIONS" });
    await expect(target.clientPortFor("lock-9" as "lock-1", 1)).rejects.toMatchObject({ code: "UNKNOWN_NODE" });
    expect(target.get("lock-1").path).toEqual({ partitioned: false, latencyMs: 0, jitterMs: 0 });
  });

  it("path faults work on a crashed node, and a restarted node is reached through the same proxy", async () => {
    const target = manager({ lockNodes: 1 });
    await target.start();
    const node = target.get("lock-1");
    await target.apply("lock-1", "crash");
    expect(await answers(node.clientPort)).toBe(false);
    await target.apply("lock-1", "partition");
    await target.apply("lock-1", "start");
    expect(await pings(node.port)).toBe(true);
    expect(await answers(node.clientPort)).toBe(false);
    await target.apply("lock-1", "heal");
    expect(await pings(node.clientPort)).toBe(true);
    expect(target.get("lock-1").clientPort).toBe(node.clientPort);
  });

  it("attached nodes take path faults through the lab's own proxy, not restart", async () => {
    const owner = createNodeManager({ basePort: BASE, lockNodes: 1 });
    managers.push(owner);
    await owner.start();
    const [cache, lock] = owner.list();
    const target = manager({ attach: { cacheUrl: `redis://${HOST}:${cache!.port}`, lockUrls: [`redis://${HOST}:${lock!.port}`] } });
    await target.start();
    const attached = target.get("lock-1");
    expect(attached).toMatchObject({ mode: "attached", port: lock!.port });
    expect(attached.clientPort).not.toBe(lock!.port);
    await target.apply("lock-1", "partition");
    expect(await answers(attached.clientPort)).toBe(false);
    expect(await pings(lock!.port)).toBe(true);
    await target.apply("lock-1", "heal");
    expect(await pings(attached.clientPort)).toBe(true);
    await expect(target.apply("lock-1", "restart")).rejects.toMatchObject({ code: "ATTACHED_NODE" });
    await target.stop();
    // Stopping the attached manager closes its proxies and leaves the servers running.
    expect(await portRefuses(attached.clientPort)).toBe(true);
    expect(await pings(lock!.port)).toBe(true);
  });

  it("stop closes every proxy (instance ones too) and leaves no process", async () => {
    const target = manager({ lockNodes: 2 });
    await target.start();
    await target.apply("lock-1", "partition", { instances: [1] });
    await target.apply("lock-2", "latency", { ms: 50 });
    const held = net.connect({ host: HOST, port: await target.clientPortFor("lock-1", 1) });
    held.on("error", () => undefined);
    const heldClosed = new Promise((resolve) => held.once("close", resolve));
    await new Promise((resolve) => held.once("connect", resolve));
    const proxyPorts = [
      ...target.list().map((node) => node.clientPort),
      ...(await Promise.all([1, 2, 3].flatMap((instance) => ["lock-1", "lock-2"].map((id) => target.clientPortFor(id as "lock-1", instance))))),
    ];
    const pids = target.list().map((node) => node.pid!);
    await target.stop();
    for (const port of proxyPorts) expect(await portRefuses(port), `proxy port ${port}`).toBe(true);
    expect(await waitUntilGone(pids)).toEqual([]);
    await heldClosed;
    await expect(target.clientPortFor("lock-1", 1)).rejects.toMatchObject({ code: "MANAGER_STOPPED" });
    await expect(target.apply("lock-1", "heal")).rejects.toMatchObject({ code: "MANAGER_STOPPED" });
  });
});
