import net from "node:net";
import { performance } from "node:perf_hooks";
import { afterEach, describe, expect, it } from "vitest";
import { FaultProxy, listenFaultProxyFrom } from "./fault-proxy";
import { NodePathProxies, PartialHealError } from "./node-path";

// The proxy alone, in front of a plain echo server. Ports 0: the system picks free ones, so this
// file needs no test-port slot.
const HOST = "127.0.0.1";

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function echoServer(): Promise<{ port: number; server: net.Server; sockets: Set<net.Socket> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
    socket.on("data", (chunk) => socket.write(chunk));
    socket.on("end", () => socket.end());
  });
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  closers.push(
    () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(resolve);
      }),
  );
  return { port: (server.address() as net.AddressInfo).port, server, sockets };
}

async function proxyTo(port: number, random?: () => number): Promise<FaultProxy> {
  const proxy = await FaultProxy.listen({ host: HOST, port: 0, targetHost: HOST, targetPort: port, ...(random ? { random } : {}) });
  closers.push(() => proxy.close());
  return proxy;
}

/** A connected client that collects what it receives. */
async function client(port: number): Promise<{ socket: net.Socket; received: () => string; closed: Promise<void> }> {
  const socket = net.connect({ host: HOST, port, noDelay: true });
  socket.on("error", () => undefined);
  let data = "";
  socket.on("data", (chunk) => (data += chunk.toString()));
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  closers.push(async () => socket.destroy());
  return { socket, received: () => data, closed };
}

/** Resolves when `predicate` holds, or false after `timeoutMs`. */
async function until(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return true;
}

/** Sends `text` on a fresh connection and waits for the echo; the round trip in ms, or null on timeout/close. */
async function roundTrip(port: number, text = "ping", timeoutMs = 1000): Promise<number | null> {
  const c = await client(port);
  const started = performance.now();
  c.socket.write(text);
  const ok = await until(() => c.received() === text, timeoutMs);
  const ms = performance.now() - started;
  c.socket.destroy();
  return ok ? ms : null;
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

describe("FaultProxy", () => {
  it("forwards bytes both ways, and a half-close still gets its answer", async () => {
    const echo = await echoServer();
    const proxy = await proxyTo(echo.port);
    expect(proxy.port).not.toBe(echo.port);
    expect(await roundTrip(proxy.port, "hello through the proxy")).not.toBeNull();

    proxy.setLatency(100);
    const c = await client(proxy.port);
    c.socket.end("last words");
    expect(await until(() => c.received() === "last words", 2000)).toBe(true);
    await c.closed;
  });

  it("partition drops live connections and holds new ones unanswered; heal releases them and forwards again", async () => {
    const echo = await echoServer();
    const proxy = await proxyTo(echo.port);
    const live = await client(proxy.port);
    live.socket.write("a");
    expect(await until(() => live.received() === "a", 1000)).toBe(true);
    expect(proxy.forwardedCount).toBe(1);

    expect(proxy.partition()).toBe(1);
    expect(proxy.partitioned).toBe(true);
    await live.closed;
    // The node itself is untouched: reachable directly.
    expect(await roundTrip(echo.port)).not.toBeNull();

    // A new connection is accepted (as over a network that silently drops packets) but never answered.
    const held = await client(proxy.port);
    held.socket.write("lost");
    expect(await until(() => held.received() !== "", 300)).toBe(false);
    expect(proxy.heldCount).toBe(1);
    expect(echo.sockets.size).toBe(0);

    expect(proxy.heal()).toBe(1);
    expect(proxy.partitioned).toBe(false);
    await held.closed;
    expect(held.received()).toBe("");
    expect(await roundTrip(proxy.port)).not.toBeNull();
  });

  it("latency adds at least the injected round trip; 0 removes it", async () => {
    const echo = await echoServer();
    const proxy = await proxyTo(echo.port);
    proxy.setLatency(150);
    expect(proxy.latency).toEqual({ ms: 150, jitterMs: 0 });
    for (let i = 0; i < 3; i++) expect(await roundTrip(proxy.port, `x${i}`, 3000)).toBeGreaterThanOrEqual(150);

    proxy.setLatency(1000);
    proxy.setLatency(0);
    const fast = await roundTrip(proxy.port, "fast", 3000);
    expect(fast).not.toBeNull();
    expect(fast!).toBeLessThan(1000);
  });

  it("jitter never reorders bytes, and the round trip stays within ms ± jitterMs from below", async () => {
    const echo = await echoServer();
    // Alternating extremes: the worst case for reordering.
    let flip = false;
    const proxy = await proxyTo(echo.port, () => ((flip = !flip) ? 0.999 : 0));
    proxy.setLatency(100, 80);
    const c = await client(proxy.port);
    const expected = Array.from({ length: 40 }, (_, i) => `<${i}>`).join("");
    const started = performance.now();
    for (let i = 0; i < 40; i++) {
      c.socket.write(`<${i}>`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(await until(() => c.received().length >= expected.length, 5000)).toBe(true);
    expect(c.received()).toBe(expected);
    expect(performance.now() - started).toBeGreaterThanOrEqual(100 - 80);
    expect(() => proxy.setLatency(-1)).toThrow(RangeError);
  });

  it("closes a client whose node is not there", async () => {
    const echo = await echoServer();
    const port = echo.port;
    await new Promise<void>((resolve) => {
      for (const socket of echo.sockets) socket.destroy();
      echo.server.close(() => resolve());
    });
    const proxy = await proxyTo(port);
    const c = await client(proxy.port);
    await c.closed;
    expect(proxy.forwardedCount).toBe(0);
  });

  it("close stops listening and destroys every connection", async () => {
    const echo = await echoServer();
    const proxy = await proxyTo(echo.port);
    const live = await client(proxy.port);
    live.socket.write("a");
    expect(await until(() => live.received() === "a", 1000)).toBe(true);
    await proxy.close();
    await live.closed;
    expect(await portRefuses(proxy.port)).toBe(true);
    expect(await until(() => echo.sockets.size === 0, 1000)).toBe(true);
    await proxy.close(); // idempotent
  });
});

describe("listenFaultProxyFrom", () => {
  it("skips busy and already-taken ports and never uses 6379", async () => {
    const echo = await echoServer();
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, HOST, resolve));
    closers.push(() => new Promise((resolve) => busy.close(resolve)));
    const busyPort = (busy.address() as net.AddressInfo).port;
    const taken = new Set([busyPort + 1]);
    const proxy = await listenFaultProxyFrom({ host: HOST, targetHost: HOST, targetPort: echo.port }, busyPort, taken);
    closers.push(() => proxy.close());
    expect(proxy.port).toBeGreaterThan(busyPort + 1);
    expect(taken.has(proxy.port)).toBe(true);

    const near = await listenFaultProxyFrom({ host: HOST, targetHost: HOST, targetPort: echo.port }, 6379, new Set());
    closers.push(() => near.close());
    expect(near.port).toBeGreaterThan(6379);
  });
});

describe("NodePathProxies", () => {
  async function paths() {
    const echo = await echoServer();
    const opened: FaultProxy[] = [];
    const path = await NodePathProxies.create(async () => {
      const proxy = await proxyTo(echo.port);
      opened.push(proxy);
      return proxy;
    });
    closers.push(() => path.close());
    return { echo, path, opened };
  }

  it("cuts only the named instances; the shared path and other instances still pass", async () => {
    const { path } = await paths();
    const one = await path.portFor(1);
    const two = await path.portFor(2);
    expect(await path.portFor(1)).toBe(one);
    expect(new Set([path.sharedPort, one, two]).size).toBe(3);

    await path.partition([1]);
    expect(path.status()).toEqual({ partitioned: [1], latencyMs: 0, jitterMs: 0 });
    expect(await roundTrip(one, "x", 300)).toBeNull();
    expect(await roundTrip(two)).not.toBeNull();
    expect(await roundTrip(path.sharedPort)).not.toBeNull();

    // An instance whose proxy opens later gets the cut it was given before.
    await path.partition([3]);
    expect(await roundTrip(await path.portFor(3), "x", 300)).toBeNull();
    expect(path.status().partitioned).toEqual([1, 3]);

    await path.heal([1]);
    expect(await roundTrip(one)).not.toBeNull();
    expect(path.status().partitioned).toEqual([3]);
    await path.heal();
    expect(path.status().partitioned).toBe(false);
    expect(await roundTrip(await path.portFor(3))).not.toBeNull();
  });

  it("a whole-node cut covers every proxy, opened or not, and heals only as a whole", async () => {
    const { path } = await paths();
    const one = await path.portFor(1);
    await path.partition();
    expect(path.status().partitioned).toBe(true);
    expect(await roundTrip(one, "x", 300)).toBeNull();
    expect(await roundTrip(path.sharedPort, "x", 300)).toBeNull();
    expect(await roundTrip(await path.portFor(4), "x", 300)).toBeNull();
    await expect(path.heal([1])).rejects.toBeInstanceOf(PartialHealError);
    await path.heal();
    expect(await roundTrip(one)).not.toBeNull();
  });

  it("latency applies to every proxy, including ones opened later; close closes them all", async () => {
    const { path, opened } = await paths();
    await path.portFor(1);
    await path.setLatency(120, 0);
    const later = await path.portFor(2);
    expect(opened.every((proxy) => proxy.latency.ms === 120)).toBe(true);
    expect(await roundTrip(later, "slow", 3000)).toBeGreaterThanOrEqual(120);
    await path.close();
    for (const proxy of opened) expect(await portRefuses(proxy.port)).toBe(true);
    await expect(path.portFor(5)).rejects.toThrow(/closed/);
  });
});
