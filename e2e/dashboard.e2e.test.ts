/**
 * The whole stack in a real browser: the lab server as a child process (real redis-server nodes,
 * Next dev server, socket.io), Chromium driving the page, and outside witnesses (PING over TCP,
 * PIDs) checking that what the page claims really happened.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClientToServerEvents, ServerToClientEvents, WireNode } from "../lib/protocol";
import { testBasePort } from "../server/nodes/test-ports";
import { startLabServer, type LabServer } from "./lab-server";
import { answersPing, freePort, processAlive, waitUntil } from "./net-helpers";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const SCREENSHOT = fileURLToPath(new URL("../docs/screenshot-foundation.png", import.meta.url));
const NODE_IDS = ["cache", "lock-1", "lock-2", "lock-3", "lock-4", "lock-5"];
/** The first request in dev mode compiles the page with Turbopack; later waits are short. */
const FIRST_PAGE_TIMEOUT_MS = 60_000;
const UI_TIMEOUT_MS = 15_000;

let server: LabServer | undefined;
let browser: Browser | undefined;
let page: Page;
let watcher: Socket<ServerToClientEvents, ClientToServerEvents> | undefined;
/** Every node the server reported, by PID: each must be gone once the server has stopped. */
const redisPids = new Set<number>();
let latest: WireNode[] = [];

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install it with \`apt-get update && apt-get install -y chromium\`.`);
  }
  server = await startLabServer({ port: await freePort(), basePort: testBasePort(4) });

  // A second client, outside the page, records what the server says about its nodes (and their PIDs).
  watcher = connect(server.url, { transports: ["websocket"] });
  watcher.on("nodes", (nodes) => {
    latest = nodes;
    for (const node of nodes) if (node.pid !== null) redisPids.add(node.pid);
  });
  await waitUntil(() => latest.length > 0, UI_TIMEOUT_MS);

  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  page = await context.newPage();
}, 120_000);

afterAll(async () => {
  watcher?.disconnect();
  await browser?.close();
  if (!server) return;
  const ended = await server.stop();
  expect(ended.forced, `server ignored SIGTERM:\n${server.output()}`).toBe(false);
  expect(ended.code).toBe(0);
  // The server stops its nodes before exiting; allow the kernel a moment to reap them.
  const gone = await waitUntil(() => [...redisPids].every((pid) => !processAlive(pid)), 5_000);
  expect([...redisPids].filter(processAlive), "redis-server processes left behind").toEqual([]);
  expect(gone).toBe(true);
}, 60_000);

function nodeCard(id: string) {
  return page.getByTestId(`node-${id}`);
}

function portOf(id: string): number {
  const node = latest.find((candidate) => candidate.id === id);
  if (!node) throw new Error(`the server reported no ${id}`);
  return node.port;
}

describe("dashboard", () => {
  it("shows the live connection and six nodes up", async () => {
    expect(redisPids.size, server?.output()).toBe(6);
    await page.goto(server!.url);
    await expect
      .poll(() => page.getByTestId("connection-status").textContent(), { timeout: FIRST_PAGE_TIMEOUT_MS })
      .toBe("live");
    await expect.poll(() => page.locator("[data-testid^=node-][data-state]").count(), { timeout: UI_TIMEOUT_MS }).toBe(6);
    for (const id of NODE_IDS) {
      expect(await nodeCard(id).getByTestId("node-state").textContent(), id).toBe("up");
      expect(await nodeCard(id).getByTestId("node-port").textContent()).toBe(String(portOf(id)));
    }
    await expect.poll(() => page.title()).toBe("Stampede Lab");
  }, 90_000);

  it("crashes lock-2 for real, shows it, and starts it again", async () => {
    const port = portOf("lock-2");
    expect(await answersPing(port)).toBe(true);

    await nodeCard("lock-2").getByRole("button", { name: "crash" }).click();
    await expect
      .poll(() => nodeCard("lock-2").getByTestId("node-state").textContent(), { timeout: UI_TIMEOUT_MS })
      .toBe("crashed");
    expect(await nodeCard("lock-2").getAttribute("data-state")).toBe("crashed");
    // The page is not just repainting: nothing answers on lock-2's port any more, while lock-1 still does.
    expect(await answersPing(port)).toBe(false);
    expect(await answersPing(portOf("lock-1"))).toBe(true);
    await expect.poll(() => page.getByTestId("quorum-summary").textContent()).toContain("4 of 5 lock nodes answering");

    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });

    await nodeCard("lock-2").getByRole("button", { name: "start" }).click();
    await expect
      .poll(() => nodeCard("lock-2").getByTestId("node-state").textContent(), { timeout: UI_TIMEOUT_MS })
      .toBe("up");
    expect(await waitUntil(() => answersPing(port), 5_000)).toBe(true);
  }, 60_000);

  it("shows the server's refusal when a button acts on a stale view", async () => {
    // A second page whose view of the nodes we can freeze: drop the server's node updates to it.
    const stale = await browser!.newPage({ viewport: { width: 1600, height: 1000 } });
    let dropNodeUpdates = false;
    await stale.routeWebSocket(/\/socket\.io\//, (ws) => {
      const upstream = ws.connectToServer();
      upstream.onMessage((message) => {
        if (dropNodeUpdates && typeof message === "string" && /^42\["(nodes|node:event)"/.test(message)) return;
        ws.send(message);
      });
    });
    const other = connect(server!.url, { transports: ["websocket"] });
    try {
      await stale.goto(server!.url);
      await expect.poll(() => stale.getByTestId("connection-status").textContent(), { timeout: UI_TIMEOUT_MS }).toBe("live");
      await expect.poll(() => stale.getByTestId("node-lock-3").getAttribute("data-state")).toBe("up");

      // Crash lock-3 from elsewhere; the stale page still offers "crash".
      dropNodeUpdates = true;
      expect(await other.timeout(UI_TIMEOUT_MS).emitWithAck("node:action", { nodeId: "lock-3", action: "crash" })).toMatchObject({
        data: { id: "lock-3", state: "crashed" },
      });
      await stale.getByTestId("node-lock-3").getByRole("button", { name: "crash" }).click();

      const alert = stale.getByTestId("node-lock-3").getByRole("alert");
      await expect.poll(() => alert.textContent(), { timeout: UI_TIMEOUT_MS }).toContain("Cannot crash lock-3");
    } finally {
      await other.timeout(UI_TIMEOUT_MS).emitWithAck("node:action", { nodeId: "lock-3", action: "start" });
      other.disconnect();
      await stale.close();
    }
    await expect.poll(() => nodeCard("lock-3").getByTestId("node-state").textContent(), { timeout: UI_TIMEOUT_MS }).toBe("up");
  }, 60_000);
});
