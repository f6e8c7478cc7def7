/**
 * Access control at the socket edge, against real redis-server nodes: the audience view and pages
 * without the control token are refused every command by the server itself (raw socket.io
 * clients, no page, no hidden buttons), and nothing they send changes the lab.
 */
import { io as connect } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TEST_PORTS_PER_SLOT, testBasePort } from "../nodes/test-ports";
import { READ_ONLY_REASONS } from "./access";
import {
  answersPing,
  errorOf,
  record,
  startAppServer,
  startRealNodes,
  waitUntil,
  type AppServer,
  type RealNodes,
  type Recorder,
} from "./testing/socket-lab";

// testBasePort() has slots 0–4, all taken by other files; this file uses the upper half of slot 0
// (a lab needs 6 of the slot's 40 ports, and the manager skips busy ones anyway).
const BASE = testBasePort(0) + TEST_PORTS_PER_SLOT / 2;
const TOKEN = "test-control-token-0123456789";
const LAN = "http://192.0.2.10:4321";

/** Every command, each with a payload that would be valid (and one that would not). */
const COMMANDS: Array<[event: string, payload: unknown]> = [
  ["node:action", { nodeId: "lock-2", action: "crash" }],
  ["run:start", { scenario: { durationMs: 1000, crowd: { clients: 10, expireAtMs: 100 } } }],
  ["run:stop", {}],
  ["lab:reset", {}],
  ["key:expire", {}],
  ["crowd:release", {}],
  ["run:start", "not even an object"],
  ["node:action", { nodeId: "lock-0", action: "explode" }],
];

let real: RealNodes | undefined;
let open: AppServer | undefined;
let locked: AppServer | undefined;
const recorders: Recorder[] = [];

beforeAll(async () => {
  real = await startRealNodes(BASE);
  open = await startAppServer({ nodes: real.nodes });
  locked = await startAppServer({ nodes: real.nodes, controlToken: TOKEN, lanBaseUrls: [LAN] });
});

afterEach(() => {
  for (const recorder of recorders.splice(0)) recorder.close();
});

afterAll(async () => {
  await open?.close();
  await locked?.close();
  await real?.stop();
});

async function join(server: AppServer | undefined, auth?: Record<string, unknown>): Promise<Recorder> {
  const recorder = await record(server!.url, auth);
  recorders.push(recorder);
  return recorder;
}

async function expectForbiddenEverywhere(page: Recorder, reason: string): Promise<void> {
  for (const [event, payload] of COMMANDS) {
    const ack = await page.send(event, payload);
    expect(errorOf(ack), `${event} ${JSON.stringify(payload)}`).toEqual({
      code: "FORBIDDEN",
      message: `${event} refused: ${reason}`,
    });
  }
}

/** The lab as it was: every node up on its original PID, no run. */
async function expectUntouched(pids: Map<string, number | null>): Promise<void> {
  for (const node of real!.nodes.list()) {
    expect(node.state, node.id).toBe("up");
    expect(node.pid, node.id).toBe(pids.get(node.id));
    expect(await answersPing(node.port), `${node.id} answers PING`).toBe(true);
  }
  expect(open!.app.lab.current).toEqual({ status: "idle" });
  expect(locked!.app.lab.current).toEqual({ status: "idle" });
}

const pidsNow = () => new Map(real!.nodes.list().map((node) => [node.id, node.pid]));

describe("access control", () => {
  it("refuses every command from the audience view with FORBIDDEN, and nothing changes", async () => {
    const before = pidsNow();
    const audience = await join(open, { role: "audience" });
    expect(audience.access).toEqual({ canControl: false, reason: READ_ONLY_REASONS.audience });

    await expectForbiddenEverywhere(audience, READ_ONLY_REASONS.audience);

    // The audience still sees the lab live: history on connect, no state change caused by it.
    expect(audience.history.state).toEqual({ status: "idle" });
    expect(audience.states).toEqual([]);
    expect(audience.order).not.toContain("node:event");
    await expectUntouched(before);
  });

  it("keeps the audience read-only even with the right token", async () => {
    const before = pidsNow();
    const audience = await join(locked, { role: "audience", token: TOKEN });
    expect(audience.access).toEqual({ canControl: false, reason: READ_ONLY_REASONS.audience });
    await expectForbiddenEverywhere(audience, READ_ONLY_REASONS.audience);
    await expectUntouched(before);
  });

  it("lets the presenter control a loopback lab without a token", async () => {
    const presenter = await join(open, { role: "presenter" });
    expect(presenter.access).toEqual({ canControl: true });
    // A client that says nothing about itself is a presenter too (the loopback default).
    const bare = await join(open);
    expect(bare.access).toEqual({ canControl: true });

    const frozen = await presenter.send("node:action", { nodeId: "lock-1", action: "freeze" });
    expect(frozen).toMatchObject({ data: { id: "lock-1", state: "frozen" } });
    const thawed = await bare.send("node:action", { nodeId: "lock-1", action: "thaw" });
    expect(thawed).toMatchObject({ data: { id: "lock-1", state: "up" } });
    expect(await answersPing(real!.nodes.get("lock-1").port)).toBe(true);
  });

  it.each([
    ["no token", { role: "presenter" }, READ_ONLY_REASONS.noToken],
    ["an empty token", { role: "presenter", token: "" }, READ_ONLY_REASONS.noToken],
    ["a wrong token", { role: "presenter", token: `${TOKEN}x` }, READ_ONLY_REASONS.wrongToken],
    ["a malformed handshake", { role: "admin", token: TOKEN }, READ_ONLY_REASONS.badAuth],
  ])("refuses a page with %s when the lab needs a token", async (_label, auth, reason) => {
    const before = pidsNow();
    const page = await join(locked, auth);
    // Read-only, and no links: the presenter link carries the token.
    expect(page.access).toEqual({ canControl: false, reason });
    await expectForbiddenEverywhere(page, reason);
    await expectUntouched(before);
  });

  it("refuses a connection from another web page (cross-site WebSocket), and takes the lab's own page", async () => {
    const attempt = (origin: string) =>
      new Promise<string>((resolve) => {
        const socket = connect(open!.url, { transports: ["websocket"], reconnection: false, forceNew: true, extraHeaders: { origin } });
        socket.once("hello", () => {
          socket.disconnect();
          resolve("connected");
        });
        socket.once("connect_error", (error) => {
          socket.disconnect();
          resolve(`refused: ${error.message}`);
        });
      });
    expect(await attempt("http://evil.example")).toMatch(/^refused/);
    expect(await attempt(open!.url)).toBe("connected");
  });

  it("lets the page with the right token control, gives it the room's links, and shows everyone the effect", async () => {
    const presenter = await join(locked, { role: "presenter", token: TOKEN });
    expect(presenter.access).toEqual({
      canControl: true,
      lanUrls: [{ presenter: `${LAN}/?token=${TOKEN}`, audience: `${LAN}/audience` }],
    });
    const audience = await join(locked, { role: "audience" });
    const port = real!.nodes.get("lock-3").port;

    const crashed = await presenter.send("node:action", { nodeId: "lock-3", action: "crash" });
    expect(crashed).toMatchObject({ data: { id: "lock-3", state: "crashed", pid: null } });
    expect(await answersPing(port)).toBe(false);
    // The read-only page watches it happen.
    expect(await waitUntil(() => audience.nodes.find((n) => n.id === "lock-3")?.state === "crashed", 5000)).toBe(true);

    // Past the gate, the lab's own answers come back (no run: NO_RUN, not FORBIDDEN).
    expect(errorOf(await presenter.send("key:expire", {}))?.code).toBe("NO_RUN");

    const started = await presenter.send("node:action", { nodeId: "lock-3", action: "start" });
    expect(started).toMatchObject({ data: { id: "lock-3", state: "up" } });
    expect(await answersPing(real!.nodes.get("lock-3").port)).toBe(true);
    expect(await waitUntil(() => audience.nodes.find((n) => n.id === "lock-3")?.state === "up", 5000)).toBe(true);
  });
});
