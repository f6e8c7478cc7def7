/**
 * The socket edge over a real socket.io connection: typed events out, validated commands in, and a
 * malformed message answered with `{ error }` while the server keeps serving everyone else.
 */
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  PROTOCOL_VERSION,
  type Ack,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type WireNode,
} from "../../lib/protocol";
import { LabError } from "../core/errors";
import { createApp, type LabApp } from "../app";
import { createFakeNodeManager, type FakeNodeManager } from "./fake-node-manager";

type TypedClient = Socket<ServerToClientEvents, ClientToServerEvents>;

let httpServer: HttpServer;
let app: LabApp;
let nodes: FakeNodeManager;
let url: string;
const clients: Socket[] = [];
const quietLog = { warn: () => {}, error: () => {} };

beforeAll(async () => {
  nodes = createFakeNodeManager();
  httpServer = createServer();
  app = createApp(httpServer, { nodes, log: quietLog, startedAt: 42 });
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
});

afterEach(() => {
  for (const client of clients.splice(0)) client.disconnect();
});

afterAll(async () => {
  await app.close();
});

/** Connects and resolves once the server's first `nodes` snapshot has arrived. */
async function client(): Promise<{ socket: TypedClient; hello: unknown; snapshot: WireNode[] }> {
  const socket: TypedClient = connect(url, { transports: ["websocket"], reconnection: false });
  clients.push(socket);
  const hello = new Promise((resolve) => socket.once("hello", resolve));
  const snapshot = new Promise<WireNode[]>((resolve) => socket.once("nodes", resolve));
  return { socket, hello: await hello, snapshot: await snapshot };
}

/** Sends anything at all, bypassing the typed event map, and waits for the ack. */
function sendRaw(socket: Socket, ...args: unknown[]): Promise<Ack<WireNode>> {
  return (socket as Socket).timeout(2000).emitWithAck("node:action", ...args);
}

describe("gateway", () => {
  it("greets with the protocol version and a snapshot of every node", async () => {
    const { hello, snapshot } = await client();
    expect(hello).toEqual({ protocolVersion: PROTOCOL_VERSION, serverStartedAt: 42 });
    expect(snapshot.map((node) => node.id)).toEqual(["cache", "lock-1", "lock-2", "lock-3", "lock-4", "lock-5"]);
    expect(snapshot.every((node) => node.state === "up")).toBe(true);
  });

  it("answers a malformed node:action with an error naming each bad field", async () => {
    const { socket } = await client();
    const ack = await sendRaw(socket, { nodeId: "lock-0", action: "explode", extra: true });
    expect(ack).toEqual({ error: { code: "BAD_REQUEST", message: expect.any(String) } });
    const { message } = (ack as { error: { message: string } }).error;
    expect(message).toContain("nodeId");
    expect(message).toContain("action");
    expect(message).toContain("extra");
    expect(message).not.toContain("\n");
  });

  it.each([
    ["a string", ["crash lock-2"]],
    ["nothing", []],
    ["null", [null]],
  ])("answers a payload of %s with BAD_REQUEST", async (_label, args) => {
    const { socket } = await client();
    const ack = await sendRaw(socket, ...args);
    expect("error" in ack && ack.error.code).toBe("BAD_REQUEST");
  });

  it("does not run a command sent without an ack, and keeps serving", async () => {
    const { socket } = await client();
    (socket as Socket).emit("node:action", { nodeId: "lock-1", action: "crash" });
    // Messages on one socket arrive in order: once this is answered, the first one was handled.
    const ack = await socket.timeout(2000).emitWithAck("node:action", { nodeId: "lock-1", action: "freeze" });
    expect(ack).toMatchObject({ data: { id: "lock-1", state: "frozen", pid: 1001 } });
    await socket.timeout(2000).emitWithAck("node:action", { nodeId: "lock-1", action: "thaw" });
  });

  it("names the nodes that exist when asked for one that does not", async () => {
    const { socket } = await client();
    const ack = await socket.timeout(2000).emitWithAck("node:action", { nodeId: "lock-9", action: "crash" });
    expect(ack).toEqual({
      error: { code: "UNKNOWN_NODE", message: expect.stringContaining("cache, lock-1, lock-2, lock-3, lock-4, lock-5") },
    });
  });

  it("passes a LabError through and summarises anything else", async () => {
    const { socket } = await client();
    nodes.failNext(new LabError("ATTACHED_NODE", "Cannot crash lock-3: attached."));
    expect(await socket.timeout(2000).emitWithAck("node:action", { nodeId: "lock-3", action: "crash" })).toEqual({
      error: { code: "ATTACHED_NODE", message: "Cannot crash lock-3: attached." },
    });
    nodes.failNext(new TypeError("boom"));
    expect(await socket.timeout(2000).emitWithAck("node:action", { nodeId: "lock-3", action: "crash" })).toEqual({
      error: { code: "INTERNAL", message: "boom" },
    });
  });

  it("applies a valid action and pushes the event and a fresh snapshot to every page", async () => {
    const { socket } = await client();
    const { socket: watcher } = await client();
    const event = new Promise((resolve) => watcher.once("node:event", resolve));
    const snapshot = new Promise<WireNode[]>((resolve) => watcher.once("nodes", resolve));

    const ack = await socket.timeout(2000).emitWithAck("node:action", { nodeId: "lock-2", action: "crash" });

    expect(ack).toMatchObject({ data: { id: "lock-2", state: "crashed", pid: null } });
    expect(await event).toMatchObject({ name: "node:crash", data: { nodeId: "lock-2", state: "crashed" } });
    expect((await snapshot).find((node) => node.id === "lock-2")?.state).toBe("crashed");
    await socket.timeout(2000).emitWithAck("node:action", { nodeId: "lock-2", action: "start" });
  });
});
