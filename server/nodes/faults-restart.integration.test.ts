import fs from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { createNodeManager, type LabNodeManager } from "./manager";
import { testBasePort } from "./test-ports";
import { connect, isProcessGone, pings, waitUntilGone } from "./test-support";
import type { LabNodeEvent, NodeEvent, NodeManagerOptions } from "./types";

// Real redis-server processes: restart (with and without persistence, delayed) and the simulated
// clock jump, on a manager without fault proxies (neither needs one). Ports from extra slot 11.
const BASE = testBasePort(11);

const managers: LabNodeManager[] = [];
const disconnects: (() => void)[] = [];
afterEach(async () => {
  for (const disconnect of disconnects.splice(0)) disconnect();
  await Promise.all(managers.splice(0).map((manager) => manager.stop()));
});

function manager(options: NodeManagerOptions = {}): LabNodeManager {
  const created = createNodeManager({ basePort: BASE, ...options });
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

/** A plain client on the node's real port: the outside witness. */
async function witness(port: number) {
  const created = await connect(port, 1000);
  disconnects.push(() => created.disconnect());
  return created;
}

async function seed(port: number): Promise<void> {
  const redis = await witness(port);
  await redis.set("lock:a", "holder-1", "PX", 60_000);
  await redis.set("lock:b", "holder-1", "PX", 60_000);
  await redis.set("cache:x", "value");
  redis.disconnect();
}

describe("restart", () => {
  it("without persistence: crash and start again on the same port, empty", async () => {
    const target = manager({ lockNodes: 1 });
    const events = recordAll(target);
    await target.start();
    const before = target.get("lock-1");
    expect(before.persistence).toBeUndefined();
    expect(before.path).toBeUndefined();
    await seed(before.port);

    const after = await target.apply("lock-1", "restart");
    expect(after).toMatchObject({ state: "up", port: before.port });
    expect(after.pid).not.toBe(before.pid);
    expect(isProcessGone(before.pid!)).toBe(true);
    const redis = await witness(after.port);
    expect(await redis.dbsize()).toBe(0);
    expect(await redis.get("lock:a")).toBeNull();

    expect(events.all.map((event) => [event.name, event.data.state])).toEqual([
      ["node:crash", "crashed"],
      ["node:start", "up"],
      ["node:restart", "up"],
    ]);
    expect(events.process.map((event) => event.name)).toEqual(["node:crash", "node:start"]);
    expect(events.all[2]!.data).toMatchObject({ pid: after.pid, detail: expect.stringMatching(/back empty/) });
  });

  it('with persistence "fsync-always": comes back WITH its keys and their TTLs (checked with a plain client)', async () => {
    const target = manager({ lockNodes: 2, nodeOptions: { "lock-1": { persistence: "fsync-always" } } });
    const events = recordAll(target);
    await target.start();
    const persistent = target.get("lock-1");
    expect(persistent.persistence).toBe("fsync-always");
    expect(target.get("lock-2").persistence).toBeUndefined();
    await seed(persistent.port);
    await seed(target.get("lock-2").port);

    const after = await target.apply("lock-1", "restart");
    expect(after.pid).not.toBe(persistent.pid);
    const redis = await witness(after.port);
    expect(await redis.dbsize()).toBe(3);
    expect(await redis.get("lock:a")).toBe("holder-1");
    const pttl = await redis.pttl("lock:a");
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(60_000);
    expect(events.all.find((event) => event.name === "node:restart")!.data.detail).toMatch(/back with 3 key\(s\) from its AOF/);

    // The plain crash / start of a persistent node keeps the keys too, and says so.
    await target.apply("lock-1", "crash");
    await target.apply("lock-1", "start");
    const again = await witness(target.get("lock-1").port);
    expect(await again.get("lock:b")).toBe("holder-1");
    const crash = events.process.filter((event) => event.name === "node:crash").at(-1)!;
    expect(crash.data.detail).toMatch(/AOF/);

    // The node without persistence restarts empty, as before.
    await target.apply("lock-2", "restart");
    expect(await (await witness(target.get("lock-2").port)).dbsize()).toBe(0);
  });

  it("setPersistence switches a running node to fsync-always (keys written before and after survive a restart) and back", async () => {
    const target = manager({ lockNodes: 1 });
    await target.start();
    const port = target.get("lock-1").port;
    await seed(port);
    const switched = await target.setPersistence("lock-1", "fsync-always");
    expect(switched.persistence).toBe("fsync-always");
    const before = await witness(port);
    await before.set("lock:after", "holder-2", "PX", 60_000);
    before.disconnect();

    await target.apply("lock-1", "restart");
    const redis = await witness(port);
    expect(await redis.get("lock:a")).toBe("holder-1");
    expect(await redis.get("lock:after")).toBe("holder-2");
    redis.disconnect();

    expect((await target.setPersistence("lock-1", "none")).persistence).toBe("none");
    await target.apply("lock-1", "restart");
    expect(await (await witness(port)).dbsize()).toBe(0);

    await target.apply("lock-1", "freeze");
    await expect(target.setPersistence("lock-1", "fsync-always")).rejects.toMatchObject({ code: "INVALID_TRANSITION" });
    await expect(target.setPersistence("lock-1", "always" as "none")).rejects.toMatchObject({ code: "BAD_CONFIG" });
  });

  it("delayedRestartMs keeps the node down at least that long (event timestamps), then brings it back", async () => {
    const target = manager({ lockNodes: 1 });
    const events = recordAll(target);
    await target.start();
    const node = target.get("lock-1");
    const delayedRestartMs = 1500;

    const restarting = target.apply("lock-1", "restart", { delayedRestartMs });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(target.get("lock-1")).toMatchObject({ state: "crashed", pid: null });
    expect(await pings(node.port, 300)).toBe(false);
    const after = await restarting;
    expect(after.state).toBe("up");

    const crash = events.all.find((event) => event.name === "node:crash")!;
    const start = events.all.find((event) => event.name === "node:start")!;
    expect(start.data.atMs - crash.data.atMs).toBeGreaterThanOrEqual(delayedRestartMs);
    expect(crash.data.detail).toMatch(/stays down at least 1500 ms/);
    expect(events.all.at(-1)!.data.detail).toMatch(/\(a delayed restart: at least 1500 ms\)/);
  });

  it("restarts a frozen node, refuses a crashed one, and queues behind other faults", async () => {
    const target = manager({ lockNodes: 1 });
    await target.start();
    const node = target.get("lock-1");
    await target.apply("lock-1", "freeze");
    const after = await target.apply("lock-1", "restart");
    expect(after).toMatchObject({ state: "up" });
    expect(isProcessGone(node.pid!)).toBe(true);
    expect(await pings(after.port)).toBe(true);

    await target.apply("lock-1", "crash");
    await expect(target.apply("lock-1", "restart")).rejects.toMatchObject({
      code: "INVALID_TRANSITION",
      message: expect.stringMatching(/^Cannot restart lock-1: it is crashed/),
    });
    // Queued after a start: runs on the state it leaves.
    const [started, restarted] = await Promise.all([target.apply("lock-1", "start"), target.apply("lock-1", "restart")]);
    expect(started.state).toBe("up");
    expect(restarted.state).toBe("up");
    expect(restarted.pid).not.toBe(started.pid);
  });

  it("stop() during a delayed restart ends the wait: the restart fails MANAGER_STOPPED and nothing is left", async () => {
    const target = manager({ lockNodes: 1 });
    const events = recordAll(target);
    await target.start();
    const pids = target.list().map((node) => node.pid!);
    const dirs = pids.map((pid) => fs.readlinkSync(`/proc/${pid}/cwd`));
    const restarting = target.apply("lock-1", "restart", { delayedRestartMs: 30_000 });
    restarting.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(events.all.map((event) => event.name)).toEqual(["node:crash"]);
    const started = Date.now();
    await target.stop();
    await expect(restarting).rejects.toMatchObject({ code: "MANAGER_STOPPED" });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await waitUntilGone(pids)).toEqual([]);
    for (const dir of dirs) expect(fs.existsSync(dir)).toBe(false);
  });

  it("refuses restart with a bad delay", async () => {
    const target = manager({ lockNodes: 1 });
    await target.start();
    await expect(target.apply("lock-1", "restart", { delayedRestartMs: -5 })).rejects.toMatchObject({ code: "BAD_FAULT_OPTIONS" });
    expect(target.get("lock-1").state).toBe("up");
  });
});

describe("clock-jump (simulated)", () => {
  it("cuts the PTTL of lock:* keys on that node by about ms, and nothing else", async () => {
    const target = manager({ lockNodes: 2 });
    const events = recordAll(target);
    await target.start();
    const redis = await witness(target.get("lock-1").port);
    await redis.set("lock:long", "h", "PX", 10_000);
    await redis.set("lock:short", "h", "PX", 2_000);
    await redis.set("lock:forever", "h");
    await redis.set("cache:x", "v", "PX", 10_000);
    const other = await witness(target.get("lock-2").port);
    await other.set("lock:long", "h", "PX", 10_000);

    const status = await target.apply("lock-1", "clock-jump", { ms: 3_000 });
    expect(status.state).toBe("up");
    const long = await redis.pttl("lock:long");
    expect(long).toBeGreaterThan(5_000);
    expect(long).toBeLessThanOrEqual(7_000);
    // Its TTL was shorter than the jump: it expires at once.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await redis.exists("lock:short")).toBe(0);
    expect(await redis.pttl("lock:forever")).toBe(-1);
    expect(await redis.pttl("cache:x")).toBeGreaterThan(9_000);
    expect(await other.pttl("lock:long")).toBeGreaterThan(9_000);

    const [event] = events.all;
    expect(event).toMatchObject({ name: "node:clock-jump", data: { nodeId: "lock-1", state: "up" } });
    expect(event!.data.detail).toMatch(/^simulated: lock-1's clock jumps 3000 ms ahead — the PTTL of its 2 lock key\(s\).*1 of them expiring at once/);
  });

  it("is refused on a frozen or crashed node", async () => {
    const target = manager({ lockNodes: 1 });
    await target.start();
    await target.apply("lock-1", "freeze");
    await expect(target.apply("lock-1", "clock-jump", { ms: 100 })).rejects.toMatchObject({ code: "INVALID_TRANSITION" });
    await target.apply("lock-1", "crash");
    await expect(target.apply("lock-1", "clock-jump", { ms: 100 })).rejects.toMatchObject({ code: "INVALID_TRANSITION" });
  });
});

describe("without fault proxies", () => {
  it("clientPort stays the node's port, clientPortFor gives it too, and path faults say how to turn proxies on", async () => {
    const target = manager({ lockNodes: 1 });
    await target.start();
    const node = target.get("lock-1");
    expect(node.clientPort).toBe(node.port);
    expect(await target.clientPortFor("lock-1", 3)).toBe(node.port);
    for (const action of ["partition", "heal"] as const) {
      await expect(target.apply("lock-1", action)).rejects.toMatchObject({ code: "NO_FAULT_PROXY", message: expect.stringMatching(/faultProxies: true/) });
    }
    await expect(target.apply("lock-1", "latency", { ms: 10 })).rejects.toMatchObject({ code: "NO_FAULT_PROXY" });
  });
});
