/**
 * The whole stack in a real browser: the lab server as a child process (real redis-server nodes,
 * Next dev server, socket.io), Chromium driving the page, and outside witnesses checking that what
 * the page claims really happened — a raw socket.io client for the server's own report, PING over
 * TCP for the nodes, PIDs for the processes.
 *
 * One server for the whole file (a Next dev server per folder at a time); the tests run in order and
 * the dashboard's last one stops the server on purpose, to replay a recording with no Redis anywhere.
 * Then `npm run dev` itself is started, and stopped by a signal to npm, twice.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkExpects } from "../lib/expect";
import { encodeScenario } from "../lib/permalink";
import type { ClientToServerEvents, ServerToClientEvents, WireAlarm, WireNode, WireRunState } from "../lib/protocol";
import { findPreset, presetScenario } from "../lib/presets";
import { parseRecording } from "../lib/recording";
import type { LogEntry, Report, TickFrame } from "../lib/report";
import type { ScenarioInput } from "../lib/scenario";
import { TEST_PORTS_PER_SLOT, testBasePort } from "../server/nodes/test-ports";
import { startLabServer, type LabServer } from "./lab-server";
import { answersPing, freePort, processAlive, waitUntil } from "./net-helpers";
import { parentOf, startNpmDev } from "./npm-dev";

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
/** Screenshots for the README are written only on request, so `npm test` leaves git clean. */
const UPDATE_SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === "1";
const DOCS = fileURLToPath(new URL("../docs/", import.meta.url));
const OG_IMAGE = fileURLToPath(new URL("../public/og.png", import.meta.url));
const LOCK_IDS = ["lock-1", "lock-2", "lock-3", "lock-4", "lock-5"];
/** The first request in dev mode compiles the page with Turbopack; later waits are short. */
const FIRST_PAGE_TIMEOUT_MS = 120_000;
const UI_TIMEOUT_MS = 15_000;
/** A run's report: the run itself plus its drain, on a busy 2-core machine. */
const RUN_TIMEOUT_MS = 30_000;

/** Small enough for 2 cores: a quick stampede that Redlock tames. */
const SMALL: ScenarioInput = {
  lock: "redlock",
  waiters: "poll",
  instances: 2,
  durationMs: 2000,
  crowd: { profile: "sneaker-drop", clients: 500, expireAtMs: 500, arrivalMs: 300, patienceMs: 3000 },
};
/** Smaller still, for timing slow motion. */
const TINY: ScenarioInput = {
  lock: "redlock",
  waiters: "poll",
  instances: 2,
  durationMs: 800,
  crowd: { profile: "sneaker-drop", clients: 200, expireAtMs: 300, arrivalMs: 200, patienceMs: 2000 },
};

let server: LabServer | undefined;
let serverStopped = false;
let browser: Browser | undefined;
let context: BrowserContext;
let page: Page;
const downloads = fs.mkdtempSync(path.join(os.tmpdir(), "stampede-e2e-"));

/** The server's own account, through a raw socket.io client that shares nothing with the page. */
let watcher: Socket<ServerToClientEvents, ClientToServerEvents> | undefined;
const redisPids = new Set<number>();
let latestNodes: WireNode[] = [];
let runState: WireRunState = { status: "idle" };
const reports = new Map<number, Report>();
const framesByRun = new Map<number, TickFrame[]>();
const alarmsByRun = new Map<number, WireAlarm[]>();
/** Each node's state at the moment its run began (the server says "running" after any reset it makes). */
const nodesAtRunStart = new Map<number, Record<string, string>>();
const serverLog: LogEntry[] = [];

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install it with \`apt-get update && apt-get install -y chromium\`.`);
  }
  server = await startLabServer({ port: await freePort(), basePort: testBasePort(4) });

  watcher = connect(server.url, { transports: ["websocket"] });
  watcher.on("nodes", (nodes) => {
    latestNodes = nodes;
    for (const node of nodes) if (node.pid !== null) redisPids.add(node.pid);
  });
  watcher.on("lab:history", (history) => (runState = history.state));
  watcher.on("lab:state", (state) => {
    runState = state;
    if (state.status === "running" && !nodesAtRunStart.has(state.runId)) {
      nodesAtRunStart.set(state.runId, Object.fromEntries(latestNodes.map((node) => [node.id, node.state])));
    }
  });
  watcher.on("lab:log", (entry) => serverLog.push(entry));
  watcher.on("lab:frame", ({ runId, frame }) => framesByRun.set(runId, [...(framesByRun.get(runId) ?? []), frame]));
  watcher.on("lab:report", ({ runId, report }) => reports.set(runId, report));
  watcher.on("lab:alarm", (alarm) => alarmsByRun.set(alarm.runId, [...(alarmsByRun.get(alarm.runId) ?? []), alarm]));
  await waitUntil(() => latestNodes.length > 0, UI_TIMEOUT_MS);

  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, acceptDownloads: true });
  page = await context.newPage();
}, 180_000);

afterAll(async () => {
  watcher?.disconnect();
  await browser?.close();
  fs.rmSync(downloads, { recursive: true, force: true });
  if (!server) return;
  const ended = await server.stop();
  expect(ended.forced, `server ignored SIGTERM:\n${server.output()}`).toBe(false);
  if (!serverStopped) expect(ended.code).toBe(0);
  // The server stops its nodes before exiting; allow the kernel a moment to reap them.
  await waitUntil(() => [...redisPids].every((pid) => !processAlive(pid)), 5_000);
  expect([...redisPids].filter(processAlive), "redis-server processes left behind").toEqual([]);
}, 60_000);

// ---------------------------------------------------------------------------------------------

function serverNode(id: string): WireNode {
  const node = latestNodes.find((candidate) => candidate.id === id);
  if (!node) throw new Error(`the server reported no ${id}`);
  return node;
}

/** How long a PING takes to answer at `port`, in ms, or null when it does not answer within `timeoutMs`. */
async function pingMs(port: number, timeoutMs = 3000): Promise<number | null> {
  const started = performance.now();
  return (await answersPing(port, "127.0.0.1", timeoutMs)) ? performance.now() - started : null;
}

/** Opens a node's fault panel (the row's "Faults" button), if it is not open yet. */
async function openFaults(id: string) {
  const panel = page.getByTestId(`fault-panel-${id}`);
  if ((await panel.count()) === 0) await page.getByTestId(`action-${id}-faults`).click();
  await panel.waitFor({ timeout: UI_TIMEOUT_MS });
  return panel;
}

function portOf(id: string): number {
  const node = latestNodes.find((candidate) => candidate.id === id);
  if (!node) throw new Error(`the server reported no ${id}`);
  return node.port;
}

function lockRow(id: string) {
  return page.getByTestId(`lock-row-${id}`);
}

async function nodeState(id: string): Promise<string | null> {
  const row = id === "cache" ? page.getByTestId("lock-grid-cache") : lockRow(id);
  return row.getAttribute("data-state");
}

/** The number at the start of a cell: "123 (45%)" → 123, "3,000" → 3000. */
async function numberIn(locator: ReturnType<Page["getByTestId"]>): Promise<number> {
  const text = (await locator.textContent()) ?? "";
  const match = /-?[\d,]+/.exec(text);
  if (!match) throw new Error(`no number in "${text}"`);
  return Number(match[0].replace(/,/g, ""));
}

function summaryField(group: string, field: string) {
  return page.getByTestId(group).locator(`dd[data-field="${field}"]`);
}

/** Waits until the server reports a run newer than `afterRunId` finished, and returns its id and report. */
async function nextReport(afterRunId: number, timeoutMs = RUN_TIMEOUT_MS): Promise<{ runId: number; report: Report }> {
  const done = await waitUntil(() => [...reports.keys()].some((id) => id > afterRunId), timeoutMs);
  expect(done, `no report after run ${afterRunId}:\n${server?.output().slice(-3000)}`).toBe(true);
  const runId = Math.max(...reports.keys());
  return { runId, report: reports.get(runId)! };
}

function lastRunId(): number {
  return runState.status === "idle" ? 0 : runState.runId;
}

async function waitForRunIdle(): Promise<void> {
  expect(await waitUntil(() => runState.status !== "running", RUN_TIMEOUT_MS)).toBe(true);
}

// ---------------------------------------------------------------------------------------------

describe("dashboard", () => {
  it("opens live, with the lock grid and six nodes up", async () => {
    expect(redisPids.size, server?.output()).toBe(6);
    await page.goto(server!.url, { timeout: FIRST_PAGE_TIMEOUT_MS });
    await expect
      .poll(() => page.getByTestId("connection-status").textContent(), { timeout: FIRST_PAGE_TIMEOUT_MS })
      .toBe("live");
    await expect.poll(() => page.locator("[data-testid^=lock-row-]").count(), { timeout: UI_TIMEOUT_MS }).toBe(5);
    for (const id of ["cache", ...LOCK_IDS]) expect(await nodeState(id), id).toBe("up");
    expect(await page.title()).toBe("Stampede Lab");
    // Compile the audience view in the background while the next tests run (dev mode builds on demand).
    void fetch(`${server!.url}/audience`).catch(() => undefined);
    // A first visit opens the story gallery.
    expect(await page.getByTestId("preset-saturday-morning").isVisible()).toBe(true);
  }, 180_000);

  it("serves its Open Graph image from public/: og:image on the page is the absolute URL of /og.png, a 1920×1080 PNG", async () => {
    const html = await (await fetch(`${server!.url}/`)).text();
    const tag = /<meta[^>]*property="og:image"[^>]*>/.exec(html)?.[0];
    expect(tag, "no og:image on the page").toBeDefined();
    expect(/content="([^"]+)"/.exec(tag!)?.[1]).toBe(`${server!.url}/og.png`);
    const image = await fetch(`${server!.url}/og.png`);
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");
    const bytes = Buffer.from(await image.arrayBuffer());
    expect(bytes.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
    // The IHDR chunk: width and height, big-endian, right after the signature and the chunk header.
    expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([1920, 1080]);
  }, 120_000);

  it("runs a scenario from a permalink: the counters move and the summary equals the server's report", async () => {
    const before = lastRunId();
    await page.goto(`${server!.url}/?s=${encodeScenario(SMALL)}`);
    await expect.poll(() => page.getByTestId("connection-status").textContent(), { timeout: UI_TIMEOUT_MS }).toBe("live");
    // The link filled the builder.
    await expect.poll(() => page.getByTestId("builder-toggle").textContent(), { timeout: UI_TIMEOUT_MS }).toContain("500 clients");
    await expect.poll(() => page.getByTestId("run-start").isEnabled(), { timeout: UI_TIMEOUT_MS }).toBe(true);
    expect(await page.getByTestId("counter-requests").textContent()).toBe("0");

    await page.getByTestId("run-start").click();
    // The counters move while the run goes (the crowd arrives from t = 500 ms).
    await expect.poll(() => numberIn(page.getByTestId("counter-requests")), { timeout: RUN_TIMEOUT_MS }).toBeGreaterThan(0);
    const { runId, report } = await nextReport(before);
    expect(report.scenario.crowd.clients).toBe(500);
    expect(report.requests.total).toBe(500);

    // The page's summary shows the server's numbers, not numbers of its own.
    const summary = page.getByTestId("run-summary");
    await summary.waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await numberIn(page.getByTestId("headline-requests"))).toBe(report.requests.total);
    expect(await numberIn(page.getByTestId("headline-max-db-reads"))).toBe(report.maxDbReadsPerEpisode);
    expect(await numberIn(summaryField("summary-requests", "hit"))).toBe(report.requests.hits);
    expect(await numberIn(summaryField("summary-requests", "miss"))).toBe(report.requests.misses);
    expect(await numberIn(summaryField("summary-requests", "error"))).toBe(report.requests.errors);
    expect(await numberIn(summaryField("summary-requests", "timeout"))).toBe(report.requests.timeouts);
    expect(await numberIn(summaryField("summary-db", "reads"))).toBe(report.db.reads);
    expect(await numberIn(summaryField("summary-locks", "attempts"))).toBe(report.locks.attempts);
    expect(await numberIn(summaryField("summary-locks", "acquired"))).toBe(report.locks.acquired);
    expect(await numberIn(summaryField("summary-locks", "Redlock rounds"))).toBe(report.locks.rounds);
    expect(await numberIn(summaryField("summary-locks", "answered in-process"))).toBe(report.locks.answeredInProcess);
    expect(await numberIn(summaryField("summary-episodes", "episodes"))).toBe(report.episodeCount);
    expect(await numberIn(page.getByTestId("cache-engine-found"))).toBe(report.cache.found);

    // The running totals summed from the frames end where the report ends.
    const frames = framesByRun.get(runId) ?? [];
    const arrivals = frames.reduce((sum, frame) => sum + frame.arrivals, 0);
    expect(await numberIn(page.getByTestId("counter-requests"))).toBe(arrivals);
    // So does the lock grid's count of Redlock rounds and of the lock requests answered in-process.
    const rounds = frames.reduce((sum, frame) => sum + frame.lockRounds, 0);
    const inProcess = frames.reduce((sum, frame) => sum + frame.lockAnsweredInProcess, 0);
    expect(rounds).toBeGreaterThan(0);
    expect(((await page.getByTestId("lock-rounds").textContent()) ?? "").replace(/,/g, "")).toMatch(new RegExp(`^${rounds} Redlock rounds? · ${inProcess} lock requests? answered in-process$`));
    // The charts drew every frame.
    await expect.poll(() => page.getByTestId("live-charts").locator("[data-points]").first().getAttribute("data-points"), { timeout: UI_TIMEOUT_MS }).toBe(String(report.ticks.length));
  }, 60_000);

  it("slow motion stretches a run: 3× lasts about three times as long, by the run's own clock", async () => {
    await page.goto(`${server!.url}/?s=${encodeScenario(TINY)}`);
    await expect.poll(() => page.getByTestId("run-start").isEnabled(), { timeout: UI_TIMEOUT_MS }).toBe(true);

    const first = lastRunId();
    await page.getByTestId("run-start").click();
    const normal = await nextReport(first);
    await waitForRunIdle();
    expect(normal.report.scenario.timeScale).toBe(1);

    // `s` steps slow motion 1× → 2× → 3×.
    await page.locator("body").press("s");
    await page.locator("body").press("s");
    await expect.poll(() => page.getByTestId("slow-motion-badge").textContent(), { timeout: UI_TIMEOUT_MS }).toContain("3×");
    await expect.poll(() => page.getByTestId("run-start").isEnabled(), { timeout: UI_TIMEOUT_MS }).toBe(true);
    await page.getByTestId("run-start").click();
    const slow = await nextReport(normal.runId);
    expect(slow.report.scenario.timeScale).toBe(3);
    expect(slow.report.scenario.durationMs).toBe(3 * normal.report.scenario.durationMs);

    // Durations as the run reported them, not the wall clock. The frames' clock: the crowd's window
    // (the last tick with an arrival) ends three times later.
    const arrivalsEnd = (report: Report) => {
      const last = report.ticks.filter((tick) => tick.arrivals > 0).at(-1)!;
      return last.t + report.scenario.tickMs;
    };
    expect(arrivalsEnd(slow.report)).toBeGreaterThanOrEqual(2.5 * arrivalsEnd(normal.report));
    // The run's own duration: at least its stretched length, which is 3× the 1× run's. (The drain
    // after the last arrival is not compared: on a busy machine it is the machine's, not the scenario's.)
    expect(slow.report.durationMs).toBeGreaterThanOrEqual(slow.report.scenario.durationMs);
    expect(slow.report.durationMs).toBeGreaterThanOrEqual(2.5 * normal.report.scenario.durationMs);
    expect(slow.report.durationMs).toBeGreaterThan(normal.report.durationMs);
    // The same story, slower: the same crowd.
    expect(slow.report.requests.total).toBe(normal.report.requests.total);
    await waitForRunIdle();
  }, 90_000);

  it("crashes lock-2 from its row, after confirmation, for real — and starts it again", async () => {
    const port = portOf("lock-2");
    expect(await answersPing(port)).toBe(true);

    await page.getByTestId("action-lock-2-crash").click();
    const dialog = page.getByTestId("confirm-dialog");
    await dialog.waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await dialog.textContent()).toContain("Crash lock-2?");
    // Nothing happens before the answer.
    expect(await nodeState("lock-2")).toBe("up");
    await dialog.getByRole("button", { name: "Crash lock-2" }).click();

    await expect.poll(() => nodeState("lock-2"), { timeout: UI_TIMEOUT_MS }).toBe("crashed");
    expect(await lockRow("lock-2").getByTestId("node-state").textContent()).toBe("crashed");
    // Not a repaint: nothing answers on lock-2's port any more, while lock-1 still does.
    expect(await waitUntil(async () => !(await answersPing(port)), 5_000)).toBe(true);
    expect(await answersPing(portOf("lock-1"))).toBe(true);
    await expect.poll(() => page.getByTestId("quorum-line").textContent(), { timeout: UI_TIMEOUT_MS }).toContain("4 answering");

    await page.getByTestId("action-lock-2-start").click();
    await expect.poll(() => nodeState("lock-2"), { timeout: UI_TIMEOUT_MS }).toBe("up");
    expect(await waitUntil(() => answersPing(port), 5_000)).toBe(true);
  }, 60_000);

  it("shows the server's refusal when a button acts on a stale view", async () => {
    // A second page whose view of the nodes we can freeze: drop the server's node updates to it.
    const stale = await context.newPage();
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
      await expect.poll(() => stale.getByTestId("lock-row-lock-3").getAttribute("data-state"), { timeout: UI_TIMEOUT_MS }).toBe("up");

      // Crash lock-3 from elsewhere; the stale page still offers "crash".
      dropNodeUpdates = true;
      expect(await other.timeout(UI_TIMEOUT_MS).emitWithAck("node:action", { nodeId: "lock-3", action: "crash" })).toMatchObject({
        data: { id: "lock-3", state: "crashed" },
      });
      await stale.getByTestId("action-lock-3-crash").click();
      await stale.getByTestId("confirm-dialog").getByRole("button", { name: "Crash lock-3" }).click();

      const alert = stale.getByTestId("lock-row-lock-3").getByRole("alert");
      await expect.poll(() => alert.textContent(), { timeout: UI_TIMEOUT_MS }).toMatch(/lock-3/);
    } finally {
      await other.timeout(UI_TIMEOUT_MS).emitWithAck("node:action", { nodeId: "lock-3", action: "start" });
      other.disconnect();
      await stale.close();
    }
    await expect.poll(() => nodeState("lock-3"), { timeout: UI_TIMEOUT_MS }).toBe("up");
  }, 60_000);

  it("presenter shortcuts: p for presenter mode, ? for help, 2 crashes lock-2 after confirmation", async () => {
    const body = page.locator("body");
    expect(await page.getByTestId("builder-toggle").isVisible()).toBe(true);

    await body.press("p");
    await expect.poll(() => page.evaluate(() => document.documentElement.classList.contains("presenter")), { timeout: UI_TIMEOUT_MS }).toBe(true);
    // Presenter mode hides the builder and sets bigger type.
    expect(await page.getByTestId("builder-toggle").count()).toBe(0);
    expect(await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize))).toBeGreaterThan(16);

    await body.press("?");
    const help = page.getByTestId("help-overlay");
    await help.waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await help.getByTestId("shortcut").count()).toBeGreaterThanOrEqual(10);
    const text = (await help.textContent()) ?? "";
    for (const words of ["Space", "Start the run", "Expire the hot key", "Release the crowd", "lock-N", "Next beat", "Slow motion", "Presenter mode", "theme"]) {
      expect(text).toContain(words);
    }
    await page.keyboard.press("Escape");
    await help.waitFor({ state: "detached", timeout: UI_TIMEOUT_MS });

    // 2: lock-2 is up, so it asks, then crashes it.
    const port = portOf("lock-2");
    await body.press("2");
    const dialog = page.getByTestId("confirm-dialog");
    await dialog.waitFor({ timeout: UI_TIMEOUT_MS });
    await page.keyboard.press("Enter");
    await expect.poll(() => nodeState("lock-2"), { timeout: UI_TIMEOUT_MS }).toBe("crashed");
    expect(await waitUntil(async () => !(await answersPing(port)), 5_000)).toBe(true);

    // 2 again: crashed, so it starts it — no question asked for an undo.
    await body.press("2");
    await expect.poll(() => nodeState("lock-2"), { timeout: UI_TIMEOUT_MS }).toBe("up");
    expect(await page.getByTestId("confirm-dialog").count()).toBe(0);
    expect(await waitUntil(() => answersPing(port), 5_000)).toBe(true);

    // t flips the theme; both come back.
    await body.press("t");
    await expect.poll(() => page.evaluate(() => document.documentElement.classList.contains("light")), { timeout: UI_TIMEOUT_MS }).toBe(true);
    await body.press("t");
    await body.press("p");
    await expect.poll(() => page.evaluate(() => document.documentElement.classList.contains("presenter")), { timeout: UI_TIMEOUT_MS }).toBe(false);
  }, 60_000);

  it("partitions lock-2 from its row — some instances, then the whole node — for real, and heals it", async () => {
    const { port, clientPort, path: before } = serverNode("lock-2");
    // The dashboard's lab runs with fault proxies: the engine (and the observer) reach lock-2 through clientPort.
    expect(before, "the lab runs without fault proxies").toEqual({ partitioned: false, latencyMs: 0, jitterMs: 0 });
    expect(clientPort).not.toBe(port);
    expect(await answersPing(clientPort)).toBe(true);
    const badge = lockRow("lock-2").getByTestId("badge-partition");
    expect(await badge.count()).toBe(0);

    // Only instance 2 cut off (the page's scenario has two): the shared path still answers.
    await openFaults("lock-2");
    await page.getByTestId("fault-lock-2-instance-2").check();
    expect(await page.getByTestId("fault-lock-2-partition").textContent()).toBe("Cut off instance 2");
    await page.getByTestId("fault-lock-2-partition").click();
    await expect.poll(() => badge.textContent(), { timeout: UI_TIMEOUT_MS }).toBe("✂ cut off from instance 2");
    expect(await waitUntil(() => JSON.stringify(serverNode("lock-2").path?.partitioned) === "[2]", UI_TIMEOUT_MS)).toBe(true);
    expect(await answersPing(clientPort)).toBe(true);
    await page.getByTestId("fault-lock-2-heal").click();
    await expect.poll(() => badge.count(), { timeout: UI_TIMEOUT_MS }).toBe(0);

    // The whole node: the engine's path answers nothing, while lock-2 itself runs on and answers on its own port.
    await page.getByTestId("fault-lock-2-instance-2").uncheck();
    await page.getByTestId("fault-lock-2-partition").click();
    await expect.poll(() => badge.textContent(), { timeout: UI_TIMEOUT_MS }).toBe("✂ partitioned");
    expect(await waitUntil(() => serverNode("lock-2").path?.partitioned === true, UI_TIMEOUT_MS)).toBe(true);
    expect(await nodeState("lock-2")).toBe("up");
    expect(await answersPing(port)).toBe(true);
    expect(await answersPing(clientPort, "127.0.0.1", 1000)).toBe(false);

    await page.getByTestId("fault-lock-2-heal").click();
    await expect.poll(() => badge.count(), { timeout: UI_TIMEOUT_MS }).toBe(0);
    expect(await waitUntil(() => serverNode("lock-2").path?.partitioned === false, UI_TIMEOUT_MS)).toBe(true);
    expect(await waitUntil(() => answersPing(clientPort), 5_000)).toBe(true);
    // Nothing left to heal: the button says so.
    await expect.poll(() => page.getByTestId("fault-lock-2-heal").isDisabled(), { timeout: UI_TIMEOUT_MS }).toBe(true);
  }, 60_000);

  it("adds latency to lock-3's path with the ms typed in, shows it as a badge, and removes it", async () => {
    const { clientPort } = serverNode("lock-3");
    const badge = lockRow("lock-3").getByTestId("badge-latency");
    await openFaults("lock-3");
    await page.getByTestId("fault-lock-3-latencyMs").fill("400");
    await page.getByTestId("fault-lock-3-jitterMs").fill("0");
    await page.getByTestId("fault-lock-3-latency").click();
    await expect.poll(() => badge.textContent(), { timeout: UI_TIMEOUT_MS }).toBe("+400 ms");
    expect(await waitUntil(() => serverNode("lock-3").path?.latencyMs === 400, UI_TIMEOUT_MS)).toBe(true);
    // Measured from outside: a PING through the engine's path takes at least the added round trip.
    expect(await pingMs(clientPort)).toBeGreaterThanOrEqual(380);

    await page.getByTestId("fault-lock-3-unlatency").click();
    await expect.poll(() => badge.count(), { timeout: UI_TIMEOUT_MS }).toBe(0);
    expect(await waitUntil(() => serverNode("lock-3").path?.latencyMs === 0, UI_TIMEOUT_MS)).toBe(true);
    expect(await pingMs(clientPort)).toBeLessThan(380);
    await page.getByTestId("action-lock-3-faults").click();
    expect(await page.getByTestId("fault-panel-lock-3").count()).toBe(0);
  }, 60_000);

  it("gc-pause, beat 1, from the page: the alarm names two different holders, and counts what the report counts", async () => {
    const before = lastRunId();
    await page.goto(`${server!.url}/?preset=gc-pause&beat=1`);
    await expect.poll(() => page.getByTestId("run-start").isEnabled(), { timeout: UI_TIMEOUT_MS }).toBe(true);
    expect(await page.getByTestId("alarm-banner").count()).toBe(0);
    await page.getByTestId("run-start").click();

    // The alarm appears while the run goes, as an alert.
    const banner = page.getByTestId("alarm-banner");
    await banner.waitFor({ timeout: RUN_TIMEOUT_MS });
    expect(await banner.getAttribute("role")).toBe("alert");
    const { runId, report } = await nextReport(before);
    expect(report.locks.safetyViolations).toBeGreaterThanOrEqual(1);
    const serverAlarms = alarmsByRun.get(runId) ?? [];
    expect(serverAlarms.length).toBe(report.locks.safetyViolations);
    const latest = serverAlarms.at(-1)!.violation;

    // Two different holders, named as the server named them.
    const a = await banner.getAttribute("data-holder-a");
    const b = await banner.getAttribute("data-holder-b");
    expect(a).toMatch(/^instance-\d+\/r\d+$/);
    expect(b).toMatch(/^instance-\d+\/r\d+$/);
    expect(a).not.toBe(b);
    expect([a, b]).toEqual([latest.first.holder, latest.second.holder]);
    expect(await banner.getByTestId("alarm-title").textContent()).toBe("A write landed after its lock ran out");
    const [, instance, request] = /^instance-(\d+)\/r(\d+)$/.exec(a!)!;
    expect(await banner.getByTestId("alarm-holder-A").textContent()).toContain(`instance ${instance} · request ${request}`);

    // The count on the alarm is the run summary's count of violations, which is the report's.
    await page.getByTestId("run-summary").waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await numberIn(page.getByTestId("headline-violations"))).toBe(report.locks.safetyViolations);
    await expect.poll(() => numberIn(banner.getByTestId("alarm-count")), { timeout: UI_TIMEOUT_MS }).toBe(report.locks.safetyViolations);

    // Beside the narration, the beat's promise checked against this report: every line ✓, as the report bears out.
    const promise = page.getByTestId("story-expects");
    await expect.poll(() => promise.getAttribute("data-checked"), { timeout: UI_TIMEOUT_MS }).toBe("true");
    const checks = await promise.getByTestId("story-expect").evaluateAll((items) => items.map((item) => item.getAttribute("data-ok")));
    expect(checks).toEqual(checkExpects(report, findPreset("gc-pause")!.beats[0]!.expect!).map((r) => String(r.ok)));
    expect(checks.every((ok) => ok === "true")).toBe(true);

    // Both holders in the lock grid and the lanes.
    const sides = await page.locator("[data-testid^=lock-row-][data-alarm-sides]").evaluateAll((rows) => rows.flatMap((row) => row.getAttribute("data-alarm-sides")!.split(" ")));
    expect([...new Set(sides)].sort()).toEqual(["A", "B"]);
    expect(await page.getByTestId("lanes-side-A").getAttribute("data-holder")).toBe(a);
    expect(await page.getByTestId("lanes-side-B").getAttribute("data-holder")).toBe(b);
    expect(await page.getByTestId("lane-alarm").count()).toBe(report.locks.safetyViolations);

    // Dismissed, it folds into a count; the next run starts without it.
    await page.getByTestId("alarm-dismiss").click();
    await expect.poll(() => banner.getAttribute("data-state"), { timeout: UI_TIMEOUT_MS }).toBe("folded");
    expect(await numberIn(banner.getByTestId("alarm-count"))).toBe(report.locks.safetyViolations);
  }, 90_000);

  it("shows the audience view read-only on a phone", async () => {
    const phone = await browser!.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    try {
      const audience = await phone.newPage();
      await audience.goto(`${server!.url}/audience`, { timeout: FIRST_PAGE_TIMEOUT_MS });
      await expect.poll(() => audience.getByTestId("connection-status").textContent(), { timeout: FIRST_PAGE_TIMEOUT_MS }).toBe("live");
      await expect.poll(() => audience.locator("[data-testid^=lock-row-]").count(), { timeout: UI_TIMEOUT_MS }).toBe(5);
      // No controls on this page: no fault button, no start.
      expect(await audience.locator("[data-testid^=action-]:visible").count()).toBe(0);
      // The last run (gc-pause) raised an alarm: the room's phones show it too.
      const alarm = audience.getByTestId("alarm-banner");
      await alarm.waitFor({ timeout: UI_TIMEOUT_MS });
      expect(await alarm.textContent()).toContain("A write landed after its lock ran out");
      expect(await audience.getByTestId("run-start").count()).toBe(0);
      // The point first: the beat's watch line and the verdict come before the details (counters, grid, charts, summary).
      await audience.getByTestId("audience-verdict").waitFor({ timeout: UI_TIMEOUT_MS });
      const tops = await audience.evaluate(() =>
        Object.fromEntries(
          ["audience-watch", "audience-verdict", "live-counters", "lock-grid", "live-charts", "run-summary"].map((id) => [
            id,
            document.querySelector(`[data-testid="${id}"]`)!.getBoundingClientRect().top + window.scrollY,
          ]),
        ),
      );
      expect(tops["audience-watch"]!).toBeLessThan(tops["audience-verdict"]!);
      for (const details of ["live-counters", "lock-grid", "live-charts", "run-summary"]) expect(tops["audience-verdict"]!, details).toBeLessThan(tops[details]!);
      // It fits the phone: nothing wider than the screen.
      expect(await audience.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    } finally {
      await phone.close();
    }
  }, 150_000);

  it("presenter mode at 1920×1080, during a run: the lock grid, the watch line and the beat's two charts in one view, in stage type", async () => {
    const preset = findPreset("redlock-holds")!;
    const beatCharts = preset.beats[0]!.charts ?? [];
    expect(beatCharts.length, "redlock-holds beat 1 names its charts").toBeGreaterThanOrEqual(2);
    const before = lastRunId();
    const stage = await browser!.newContext({ viewport: { width: 1920, height: 1080 } });
    try {
      await stage.addInitScript(() => window.localStorage.setItem("stampede-lab.presenter", "1"));
      const desk = await stage.newPage();
      await desk.goto(`${server!.url}/?preset=redlock-holds&beat=1`, { timeout: FIRST_PAGE_TIMEOUT_MS });
      await expect.poll(() => desk.evaluate(() => document.documentElement.classList.contains("presenter")), { timeout: UI_TIMEOUT_MS }).toBe(true);
      await expect.poll(() => desk.getByTestId("run-start").isEnabled(), { timeout: UI_TIMEOUT_MS }).toBe(true);
      // The stage shows the charts the beat names, first.
      expect(await desk.getByTestId("stage-charts").getAttribute("data-charts")).toBe(beatCharts.slice(0, 2).join(" "));

      // 3× slow motion: the run lasts long enough to be caught mid-way on a busy machine.
      await desk.locator("body").press("s");
      await desk.locator("body").press("s");
      await desk.locator("body").press("Space");
      const ids = ["lock-grid", "story-watch", ...beatCharts.slice(0, 2).map((id) => `chart-${id}`)];
      // One look at the page measures everything at once, while the run plays and once the stage's charts have drawn frames.
      const measure = () =>
        desk.evaluate(
          ({ testIds, firstChart }) => {
            const box = (id: string) => {
              const r = document.querySelector(`[data-testid="${id}"]`)!.getBoundingClientRect();
              return { id, top: r.top, left: r.left, bottom: r.bottom, right: r.right };
            };
            const px = (el: Element) => parseFloat(getComputedStyle(el).fontSize);
            const stageCharts = document.querySelector('[data-testid="stage-charts"]')!;
            return {
              status: document.querySelector('[data-testid="run-status"]')!.getAttribute("data-status"),
              points: Number(document.querySelector(`[data-testid="${firstChart}"]`)!.getAttribute("data-points")),
              scrollY: window.scrollY,
              viewport: { width: window.innerWidth, height: window.innerHeight },
              boxes: testIds.map(box),
              ticks: [...stageCharts.querySelectorAll(".recharts-cartesian-axis-tick-value")].map(px),
              legend: [...stageCharts.querySelectorAll(".recharts-legend-item-text")].map(px),
              titles: [...stageCharts.querySelectorAll('[data-testid="chart-title"], [data-testid="chart-subtitle"]')].map(px),
              narration: px(document.querySelector('[data-testid="story-narration"]')!),
              watch: px(document.querySelector('[data-testid="story-watch"]')!),
            };
          },
          { testIds: ids, firstChart: `chart-${beatCharts[0]}` },
        );
      let seen: Awaited<ReturnType<typeof measure>> | undefined;
      await expect
        .poll(
          async () => {
            seen = await measure();
            return seen.status === "running" && seen.points > 0 && seen.ticks.length > 0;
          },
          { timeout: RUN_TIMEOUT_MS },
        )
        .toBe(true);
      if (!seen) throw new Error("the stage was never measured");
      expect(seen.status, "measured during the run").toBe("running");
      expect(seen.scrollY).toBe(0);
      expect(seen.viewport).toEqual({ width: 1920, height: 1080 });
      for (const b of seen.boxes) {
        expect(b.top, `${b.id} top`).toBeGreaterThanOrEqual(0);
        expect(b.left, `${b.id} left`).toBeGreaterThanOrEqual(0);
        expect(b.bottom, `${b.id} bottom`).toBeLessThanOrEqual(1080);
        expect(b.right, `${b.id} right`).toBeLessThanOrEqual(1920);
      }
      expect(seen.ticks.length).toBeGreaterThan(0);
      expect(Math.min(...seen.ticks), "chart ticks").toBeGreaterThanOrEqual(18);
      expect(seen.legend.length).toBeGreaterThan(0);
      expect(Math.min(...seen.legend), "chart legends").toBeGreaterThanOrEqual(18);
      expect(Math.min(...seen.titles), "chart titles").toBeGreaterThanOrEqual(18);
      expect(seen.narration, "narration").toBeGreaterThanOrEqual(28);
      expect(seen.watch, "watch line").toBeGreaterThanOrEqual(28);

      // The DB reads chart speaks in counts: its title's total is the collector's, summed from the server's frames.
      const { runId, report } = await nextReport(before);
      const reads = (framesByRun.get(runId) ?? []).reduce((sum, frame) => sum + frame.dbReads, 0);
      expect(reads).toBeGreaterThan(0);
      await expect
        .poll(() => desk.getByTestId("chart-db-reads").getByTestId("chart-title").textContent(), { timeout: UI_TIMEOUT_MS })
        .toBe(`DB reads per ${report.scenario.tickMs} ms window · ${reads.toLocaleString("en")} in total`);
      // The stage once the whole run is drawn, for the README.
      if (UPDATE_SCREENSHOTS) await desk.screenshot({ path: path.join(DOCS, "screenshot-presenter.png") });
    } finally {
      await stage.close();
      // The story crashed lock-2 and lock-4: start them again for the tests that follow (a reset
      // would also do, but it leaves no last run for them to count from).
      if (runState.status === "running") await watcher!.timeout(RUN_TIMEOUT_MS).emitWithAck("run:stop", {});
      await waitForRunIdle();
      for (const id of LOCK_IDS.filter((lockId) => serverNode(lockId).state === "crashed")) {
        await watcher!.timeout(RUN_TIMEOUT_MS).emitWithAck("node:action", { nodeId: id as WireNode["id"], action: "start" });
      }
      expect(await waitUntil(() => LOCK_IDS.every((id) => serverNode(id).state === "up"), UI_TIMEOUT_MS), "every lock node up again").toBe(true);
    }
  }, 120_000);

  it("the GC-pause button pauses instance 1's holder mid-run: the alarm sounds, and the report counts it", async () => {
    // gc-pause without its scheduled pause: only the button can break the lock. On a busy machine a
    // click waits many seconds for the page's renderer, longer than the preset's 6 s run: so the run
    // lasts longer than this test may (300 s > its 180 s), and the test stops it once the alarm has
    // sounded. It cannot end before the pause is armed, nor before Stop is pressed.
    const before = lastRunId();
    const unpaused: ScenarioInput = { ...presetScenario(findPreset("gc-pause")!, 1), faults: [], durationMs: 300_000 };
    await page.goto(`${server!.url}/?s=${encodeScenario(unpaused)}`);
    await expect.poll(() => page.getByTestId("run-start").isEnabled(), { timeout: UI_TIMEOUT_MS }).toBe(true);
    const panel = page.getByTestId("instance-pause");
    // Nothing to pause before a run.
    expect(await page.getByTestId("instance-pause-go").isDisabled()).toBe(true);
    await page.getByTestId("run-start").click();
    // The server refuses a pause until the engine is up (after its warm-up): its first frame says it is.
    // The page may still show the last run's counters, so the server's own frames decide.
    expect(await waitUntil(() => lastRunId() > before && (framesByRun.get(lastRunId())?.length ?? 0) > 0, RUN_TIMEOUT_MS)).toBe(true);
    const runId = lastRunId();
    // The button's own conditions: the page shows this run going, and no command is on its way.
    await expect.poll(() => page.getByTestId("run-status").textContent(), { timeout: UI_TIMEOUT_MS }).toContain(`run ${runId}`);
    await expect.poll(() => page.getByTestId("instance-pause-go").isEnabled(), { timeout: UI_TIMEOUT_MS }).toBe(true);
    expect(await panel.locator("option").allTextContents()).toEqual(["1", "2"]);
    await page.getByTestId("instance-pause-ms").fill("2500");
    await page.getByTestId("instance-pause-go").click();

    await page.getByTestId("alarm-banner").waitFor({ timeout: RUN_TIMEOUT_MS });
    // The paused holder has written (that is the alarm); the presenter ends the run.
    expect(runState).toMatchObject({ status: "running", runId });
    await page.getByTestId("run-stop").click();
    const { report } = await nextReport(before);
    expect(report.scenario.faults).toEqual([]);
    expect(report.locks.safetyViolations).toBeGreaterThanOrEqual(1);
    expect(report.db.lostUpdates).toBeGreaterThanOrEqual(1);
    expect((alarmsByRun.get(runId) ?? []).length).toBe(report.locks.safetyViolations);
    expect(await page.getByTestId("alarm-banner").getAttribute("data-holder-a")).toMatch(/^instance-1\//);
    expect(await page.getByTestId("run-error").count()).toBe(0);

    // Stopped by hand, and the page says so — in the status line and in the summary, at the report's moment.
    expect(report.stopped).toMatchObject({ by: "presenter" });
    const stoppedAt = `stopped at ${(report.stopped!.atMs / 1000).toFixed(1)} s by the presenter`;
    await expect.poll(() => page.getByTestId("run-status").textContent(), { timeout: UI_TIMEOUT_MS }).toContain(stoppedAt);
    expect(await page.getByTestId("run-status").textContent()).toMatch(/^Stopped/);
    await page.getByTestId("summary-stopped").waitFor({ timeout: UI_TIMEOUT_MS });
    expect((await page.getByTestId("summary-stopped").textContent())?.toLowerCase()).toContain(stoppedAt);
  }, 180_000);

  it("every story starts from its own world: after redlock-holds (lock-2 and lock-4 crashed) the next story starts with every node up", async () => {
    const before = lastRunId();
    await page.goto(`${server!.url}/?preset=redlock-holds`);
    await expect.poll(() => page.getByTestId("run-start").isEnabled(), { timeout: UI_TIMEOUT_MS }).toBe(true);
    await page.getByTestId("run-start").click();
    const holds = await nextReport(before, 60_000);
    await waitForRunIdle();
    // The story crashed two lock nodes, and they stay down after it (the grid shows them).
    expect(serverNode("lock-2").state).toBe("crashed");
    expect(serverNode("lock-4").state).toBe("crashed");
    await page.getByTestId("run-summary").waitFor({ timeout: UI_TIMEOUT_MS });

    // Another story, opened by its link: the last run's charts and summary go out of view, and stay reachable.
    await page.goto(`${server!.url}/?preset=gc-pause&beat=2`);
    await page.getByTestId("show-last-run").waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await page.getByTestId("run-summary").count()).toBe(0);
    expect(await page.getByTestId("counter-requests").textContent()).toBe("0");
    await page.getByTestId("show-last-run").click();
    await page.getByTestId("run-summary").waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await numberIn(page.getByTestId("headline-requests"))).toBe(holds.report.requests.total);

    // Its start resets the world first: every node up (and emptied by the warm-up) when the run begins.
    expect(await page.getByTestId("keep-world").isChecked()).toBe(false);
    await page.getByTestId("run-start").click();
    const next = await nextReport(holds.runId, 60_000);
    expect(nodesAtRunStart.get(next.runId)).toEqual({ cache: "up", "lock-1": "up", "lock-2": "up", "lock-3": "up", "lock-4": "up", "lock-5": "up" });
    expect(next.report.locks.acquired).toBeGreaterThan(0);
    const resetLine = "world reset for gc-pause beat 2: every node up and empty, every path healed, no latency (lock-2 started, lock-4 started)";
    expect(serverLog.map((entry) => entry.text)).toContain(resetLine);
    await expect.poll(() => page.getByTestId("event-log-entries").textContent(), { timeout: UI_TIMEOUT_MS }).toContain(resetLine);
    await waitForRunIdle();
  }, 150_000);

  it("keep the world as it is: a story started with the box ticked starts with the node left down", async () => {
    const before = lastRunId();
    expect(await watcher!.timeout(UI_TIMEOUT_MS).emitWithAck("node:action", { nodeId: "lock-3", action: "crash" })).toMatchObject({ data: { state: "crashed" } });
    await page.goto(`${server!.url}/?preset=gc-pause&beat=2`);
    await expect.poll(() => page.getByTestId("run-start").isEnabled(), { timeout: UI_TIMEOUT_MS }).toBe(true);
    await page.getByTestId("keep-world").check();
    const resetsBefore = serverLog.filter((entry) => entry.text.startsWith("world reset")).length;
    await page.getByTestId("run-start").click();
    expect(await waitUntil(() => lastRunId() > before, RUN_TIMEOUT_MS)).toBe(true);
    expect(nodesAtRunStart.get(lastRunId())?.["lock-3"]).toBe("crashed");
    expect(serverLog.filter((entry) => entry.text.startsWith("world reset")).length).toBe(resetsBefore);
    await nextReport(before);
    await waitForRunIdle();

    // From the builder, Start warns before the run about the node the scenario did not ask to be down.
    await page.goto(`${server!.url}/?s=${encodeScenario(TINY)}`);
    await expect.poll(() => page.getByTestId("run-start").isEnabled(), { timeout: UI_TIMEOUT_MS }).toBe(true);
    const afterKept = lastRunId();
    await page.getByTestId("run-start").click();
    await page.getByTestId("start-warning").waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await page.getByTestId("start-warning").textContent()).toContain("lock-3 is down");
    expect(lastRunId()).toBe(afterKept);
    // "Reset first": the world comes back, then the run starts.
    await page.getByTestId("reset-first").click();
    const tiny = await nextReport(afterKept);
    expect(nodesAtRunStart.get(tiny.runId)?.["lock-3"]).toBe("up");
    await waitForRunIdle();
  }, 150_000);

  it("Next beat (N) during a run stops the run first: the new beat's narration never sits over the old beat's charts", async () => {
    // The story's beat 1, with a run long enough that it is still going whenever the key press lands.
    const before = lastRunId();
    const long: ScenarioInput = { ...presetScenario(findPreset("gc-pause")!, 1), faults: [], durationMs: 300_000 };
    await page.goto(`${server!.url}/?preset=gc-pause&beat=1&s=${encodeScenario(long)}`);
    await expect.poll(() => page.getByTestId("run-start").isEnabled(), { timeout: UI_TIMEOUT_MS }).toBe(true);
    await page.getByTestId("run-start").click();
    expect(await waitUntil(() => lastRunId() > before && (framesByRun.get(lastRunId())?.length ?? 0) > 0, RUN_TIMEOUT_MS)).toBe(true);
    const runId = lastRunId();
    await expect.poll(() => page.getByTestId("run-status").getAttribute("data-status"), { timeout: UI_TIMEOUT_MS }).toBe("running");
    expect(await page.getByTestId("story-panel").getAttribute("data-beat")).toBe("1");

    await page.locator("body").press("n");
    const { report } = await nextReport(before, 60_000);
    expect(report.stopped).toMatchObject({ by: "presenter" });
    expect(await waitUntil(() => runState.status === "finished", UI_TIMEOUT_MS)).toBe(true);
    expect(runState).toMatchObject({ status: "finished", runId, stopped: { by: "presenter" } });
    await expect.poll(() => page.getByTestId("story-panel").getAttribute("data-beat"), { timeout: UI_TIMEOUT_MS }).toBe("2");
    // The stopped run is put away, not shown under beat 2's narration — and stays one click away.
    await page.getByTestId("show-last-run").waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await page.getByTestId("run-summary").count()).toBe(0);
    expect(await page.getByTestId("notice-beat-stopped").textContent()).toContain(`Run ${runId} was stopped`);
  }, 180_000);

  it("compares two beats of a story: both runs on one time line, labelled by beat, with the two reports' figures", async () => {
    const story = findPreset("saturday-morning")!;
    // The story's two beats on a crowd small enough for a test: what changes between them is the story's.
    const short = (beat: number): ScenarioInput => ({
      ...presetScenario(story, beat),
      instances: 2,
      durationMs: 1200,
      crowd: { profile: "sneaker-drop", clients: 300, expireAtMs: 300, arrivalMs: 300, patienceMs: 3000 },
    });
    await page.goto(`${server!.url}/?preset=saturday-morning&beat=1`);
    await expect.poll(() => page.getByTestId("run-start").isEnabled(), { timeout: UI_TIMEOUT_MS }).toBe(true);
    const runs: { runId: number; report: Report }[] = [];
    for (const beat of [1, 2]) {
      const before = lastRunId();
      const ack = await watcher!.timeout(RUN_TIMEOUT_MS).emitWithAck("run:start", { scenario: short(beat), presetId: story.id, beat });
      expect(ack, JSON.stringify(ack)).toHaveProperty("data.runId");
      runs.push(await nextReport(before));
      await waitForRunIdle();
    }
    const [first, second] = runs as [{ runId: number; report: Report }, { runId: number; report: Report }];
    expect(second.report.db.reads).toBeLessThan(first.report.db.reads);

    // The page heard both: the second's summary, and the offer to compare it with the first.
    await expect.poll(() => numberIn(summaryField("summary-db", "reads")), { timeout: UI_TIMEOUT_MS }).toBe(second.report.db.reads);
    const toggle = page.getByTestId("compare-toggle");
    await toggle.click();
    expect(await page.getByTestId("compare-label-previous").textContent()).toContain("beat 1 · The stampede");
    expect(await page.getByTestId("compare-label-current").textContent()).toContain("beat 2 · One ticket at the door");
    expect(await page.getByTestId("compare-changes").textContent()).toContain("lock: none → redlock");

    // Two columns, each the server's own report.
    const reads = page.getByTestId("compare-row-db-reads");
    expect(await numberIn(reads.locator('[data-run="previous"]'))).toBe(first.report.db.reads);
    expect(await numberIn(reads.locator('[data-run="current"]'))).toBe(second.report.db.reads);
    expect(await reads.locator('[data-run="difference"]').getAttribute("data-judgement")).toBe("better");
    const episodes = page.getByTestId("compare-row-episodes");
    expect(await numberIn(episodes.locator('[data-run="previous"]'))).toBe(first.report.episodeCount);
    expect(await numberIn(episodes.locator('[data-run="current"]'))).toBe(second.report.episodeCount);

    // Each chart draws both runs' lines over every window of either run, from t = 0.
    const chart = page.getByTestId("compare-chart-db-reads");
    const windows = Math.max(first.report.ticks.length, second.report.ticks.length);
    await expect.poll(() => chart.getAttribute("data-points"), { timeout: UI_TIMEOUT_MS }).toBe(String(windows));
    await expect.poll(() => chart.locator(".compare-line-previous path.recharts-curve").count(), { timeout: UI_TIMEOUT_MS }).toBe(1);
    expect(await chart.locator(".compare-line-current path.recharts-curve").count()).toBe(1);
    // The legend carries each run's total: the one read is there even under the stampede's hundreds.
    expect(await chart.locator(".recharts-legend-item-text").allTextContents()).toEqual([
      `reads · beat 1 · ${first.report.db.reads.toLocaleString("en")} in all`,
      `reads · beat 2 · ${second.report.db.reads.toLocaleString("en")} in all`,
    ]);
    expect(await page.locator('[data-testid^="compare-chart-"]').count()).toBe(6);

    if (UPDATE_SCREENSHOTS) {
      await page.getByTestId("compare-panel").evaluate((element) => element.scrollIntoView({ block: "start" }));
      // No tooltip in the picture.
      await page.mouse.move(4, 1076);
      await page.waitForTimeout(500);
      fs.mkdirSync(DOCS, { recursive: true });
      await page.screenshot({ path: path.join(DOCS, "screenshot-compare.png") });
    }
  }, 90_000);

  it.skipIf(!UPDATE_SCREENSHOTS)("writes the README screenshots (UPDATE_SCREENSHOTS=1)", async () => {
    // Pages whose socket can be frozen: at the moment worth showing, they stop hearing the server and
    // keep that moment on screen for as long as a screenshot takes on a busy machine.
    let frozen = false;
    const freezable = async (target: Page) =>
      target.routeWebSocket(/\/socket\.io\//, (ws) => {
        const upstream = ws.connectToServer();
        upstream.onMessage((message) => {
          if (!frozen) ws.send(message);
        });
      });
    const desktop = await context.newPage();
    const phone = await browser!.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    try {
      await freezable(desktop);
      await desktop.goto(`${server!.url}/?preset=redlock-holds`);
      await expect.poll(() => desktop.getByTestId("run-start").isEnabled(), { timeout: UI_TIMEOUT_MS }).toBe(true);
      const audience = await phone.newPage();
      await freezable(audience);
      await audience.goto(`${server!.url}/audience`, { timeout: FIRST_PAGE_TIMEOUT_MS });
      await expect.poll(() => audience.getByTestId("connection-status").textContent(), { timeout: UI_TIMEOUT_MS }).toBe("live");

      // In 3× slow motion, so the moment lasts long enough to catch.
      await desktop.locator("body").press("s");
      await desktop.locator("body").press("s");
      const heldNow = async () => ((await desktop.getByTestId("quorum-line").textContent()) ?? "").includes("held by");
      let lastRun = lastRunId();
      let pictured = false;
      // The run has one grant: on a busy machine a frame already under way may land after the
      // freeze and replace the moment. Then the picture is wrong, and the run is done again.
      for (let attempt = 1; attempt <= 3 && !pictured; attempt++) {
        if (attempt > 1) {
          // Both pages missed what the server said while frozen: load them again.
          expect(await watcher!.timeout(RUN_TIMEOUT_MS).emitWithAck("lab:reset", {})).toEqual({ data: {} });
          await desktop.reload();
          await audience.reload();
          await expect.poll(() => audience.getByTestId("connection-status").textContent(), { timeout: UI_TIMEOUT_MS }).toBe("live");
          await expect.poll(() => desktop.getByTestId("run-start").isEnabled(), { timeout: UI_TIMEOUT_MS }).toBe(true);
          await desktop.locator("body").press("s");
          await desktop.locator("body").press("s");
        }
        await expect.poll(() => desktop.getByTestId("run-start").isEnabled(), { timeout: UI_TIMEOUT_MS }).toBe(true);
        await desktop.getByTestId("run-start").click();
        // Mid-run: both crashes are in, and the three nodes left hold one holder while it reads the database.
        await expect.poll(() => desktop.locator('[data-testid^=lock-row-][data-state="crashed"]').count(), { timeout: RUN_TIMEOUT_MS }).toBe(2);
        const held = await waitUntil(heldNow, RUN_TIMEOUT_MS, 30);
        // Hold the picture right there.
        frozen = true;
        expect(held, "the lock was never seen held").toBe(true);
        await desktop.waitForTimeout(500);
        pictured = await heldNow();
        if (pictured) {
          fs.mkdirSync(DOCS, { recursive: true });
          await desktop.screenshot({ path: path.join(DOCS, "screenshot.png") });
          // The picture a shared link shows (openGraph.images in app/layout.tsx).
          await desktop.screenshot({ path: OG_IMAGE });
          await audience.screenshot({ path: path.join(DOCS, "screenshot-phone.png") });
        }
        lastRun = (await nextReport(lastRun, 60_000)).runId;
        frozen = false;
        await waitForRunIdle();
      }
      expect(pictured, "the lock was never held still long enough for the picture").toBe(true);
      const holds = { runId: lastRun };
      // The story above left two nodes crashed: the next one starts from a whole world.
      expect(await watcher!.timeout(RUN_TIMEOUT_MS).emitWithAck("lab:reset", {})).toEqual({ data: {} });

      // A safety preset: a lock node restarts empty and a second client wins a majority — the alarm,
      // and the lock grid marking which node granted which holder.
      await desktop.goto(`${server!.url}/?preset=restart-without-persistence&beat=1`);
      await expect.poll(() => desktop.getByTestId("run-start").isEnabled(), { timeout: UI_TIMEOUT_MS }).toBe(true);
      await desktop.getByTestId("run-start").click();
      await nextReport(holds.runId, 60_000);
      await desktop.getByTestId("alarm-banner").waitFor({ timeout: UI_TIMEOUT_MS });
      await desktop.getByTestId("grid-alarm").waitFor({ timeout: UI_TIMEOUT_MS });
      // Scrolled to the lock grid: the alarm's strip stays pinned on top, above the grid's marks and the lanes.
      await desktop.getByTestId("quorum-line").evaluate((element) => {
        element.scrollIntoView({ block: "start" });
        window.scrollBy(0, -72);
      });
      await desktop.getByTestId("alarm-strip").waitFor({ timeout: UI_TIMEOUT_MS });
      await desktop.waitForTimeout(500);
      await desktop.screenshot({ path: path.join(DOCS, "screenshot-alarm.png") });
    } finally {
      frozen = false;
      await phone.close();
      await desktop.close();
    }
  }, 120_000);

  it("replays a saved recording with the server and every Redis node stopped", async () => {
    // The last run, saved from the page as a file.
    await expect.poll(() => page.getByTestId("save-recording").isEnabled(), { timeout: UI_TIMEOUT_MS }).toBe(true);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("save-recording").click()]);
    const file = path.join(downloads, download.suggestedFilename());
    await download.saveAs(file);
    const parsed = parseRecording(fs.readFileSync(file, "utf8"));
    if (!parsed.ok) throw new Error(parsed.message);
    const recording = parsed.recording;
    const serverReport = reports.get(Math.max(...reports.keys()))!;
    expect(recording.report?.requests).toEqual(serverReport.requests);
    expect(recording.frames.length).toBe(serverReport.ticks.length);

    // No lab any more: the server and its Redis nodes are gone.
    const ports = ["cache", ...LOCK_IDS].map(portOf);
    const ended = await server!.stop();
    serverStopped = true;
    expect(ended.forced).toBe(false);
    expect(await waitUntil(() => [...redisPids].every((pid) => !processAlive(pid)), 5_000)).toBe(true);
    for (const port of ports) expect(await answersPing(port, "127.0.0.1", 300)).toBe(false);
    await expect.poll(() => page.getByTestId("connection-status").textContent(), { timeout: UI_TIMEOUT_MS }).not.toBe("live");

    // The page, already loaded, replays the file on its own.
    await page.getByTestId("replay-file").setInputFiles(file);
    const banner = page.getByTestId("replay-banner");
    await banner.waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await banner.textContent()).toContain("REPLAY — not live");
    await page.getByTestId("replay-end").click();
    await expect.poll(() => page.getByTestId("replay-frames").textContent(), { timeout: UI_TIMEOUT_MS }).toBe(`frame ${recording.frames.length} / ${recording.frames.length}`);

    // The same charts, drawn from the file: every frame, with lines.
    const charts = page.getByTestId("live-charts");
    await expect.poll(() => charts.locator("[data-points]").first().getAttribute("data-points"), { timeout: UI_TIMEOUT_MS }).toBe(String(recording.frames.length));
    expect(await charts.locator("svg path.recharts-curve, svg path.recharts-rectangle").count()).toBeGreaterThan(0);
    // The summary is the recorded report's, and the controls are off.
    await page.getByTestId("run-summary").waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await numberIn(page.getByTestId("headline-requests"))).toBe(serverReport.requests.total);
    expect(await numberIn(summaryField("summary-db", "reads"))).toBe(serverReport.db.reads);
    expect(await numberIn(page.getByTestId("counter-requests"))).toBe(recording.frames.reduce((sum, frame) => sum + frame.arrivals, 0));
    expect(await page.getByTestId("run-start").isDisabled()).toBe(true);
    // The run before it came along in the file: the replay compares the two, with both reports' numbers.
    expect(recording.previous, "the recording kept no previous run").toBeDefined();
    const replayToggle = page.getByTestId("compare-toggle");
    expect(await replayToggle.getAttribute("aria-expanded")).toBe("false");
    await replayToggle.click();
    const replayedReads = page.getByTestId("compare-row-db-reads");
    expect(await numberIn(replayedReads.locator('[data-run="previous"]'))).toBe(recording.previous!.report.db.reads);
    expect(await numberIn(replayedReads.locator('[data-run="current"]'))).toBe(serverReport.db.reads);
    // The run's alarms sound again in the replay, as many as the report counted.
    expect(recording.alarms?.length).toBe(serverReport.locks.safetyViolations);
    if (serverReport.locks.safetyViolations > 0) {
      await expect.poll(() => numberIn(page.getByTestId("alarm-banner").getByTestId("alarm-count")), { timeout: UI_TIMEOUT_MS }).toBe(serverReport.locks.safetyViolations);
    }
  }, 60_000);
});

/**
 * What a process supervisor, `docker stop` or a terminal multiplexer does: a signal to the `npm run dev`
 * process only. Everything below it must go — the server, its six redis-server processes, its helpers.
 * Runs after the dashboard's server has stopped: one Next dev server per folder at a time.
 */
/** A process's command line, or "" once it is gone. */
function commandOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    return "";
  }
}

describe("npm run dev stops everything on a signal to npm", () => {
  // Upper half of slot 11 (faults-restart.integration.test.ts takes at most 3 ports at its start).
  const BASE = testBasePort(11) + TEST_PORTS_PER_SLOT / 2;
  const seen = new Set<number>();

  beforeAll(async () => {
    if (server && !serverStopped) {
      expect((await server.stop()).forced).toBe(false);
      serverStopped = true;
    }
  }, 60_000);

  afterAll(() => {
    // Whatever happened above, nothing of ours outlives the file.
    for (const pid of seen) {
      if (!processAlive(pid)) continue;
      for (const signal of ["SIGCONT", "SIGKILL"] as const) {
        try {
          process.kill(pid, signal);
        } catch {
          // Already gone.
        }
      }
    }
  });

  for (const signal of ["SIGTERM", "SIGHUP"] as const) {
    it(`${signal} to the npm process stops the server and all six redis-server processes`, async () => {
      const dev = await startNpmDev({ port: await freePort(), basePort: BASE });
      const pids = [dev.npmPid, ...dev.descendants, ...dev.nodePids.values()];
      for (const pid of pids) seen.add(pid);
      expect([...dev.nodePids.keys()].sort()).toEqual(["cache", ...LOCK_IDS]);
      // npm runs the server itself (exec), and the nodes are the server's children.
      const serverPids = dev.descendants.filter((pid) => commandOf(pid).includes("server/index.ts"));
      expect(serverPids, dev.output()).toHaveLength(1);
      // No shell and no tsx process in between: a signal npm passes on reaches the server itself.
      expect(parentOf(serverPids[0]!)).toBe(dev.npmPid);
      for (const pid of dev.nodePids.values()) expect(dev.descendants, `redis-server ${pid} under npm`).toContain(pid);
      for (const pid of dev.nodePids.values()) expect(processAlive(pid)).toBe(true);

      process.kill(dev.npmPid, signal);
      const gone = await waitUntil(() => pids.every((pid) => !processAlive(pid)), 20_000);
      const left = pids.filter(processAlive).map((pid) => `${pid} ${commandOf(pid)}`);
      expect(gone, `left running after ${signal}:\n${left.join("\n")}\n--- output ---\n${dev.output()}`).toBe(true);
    }, 150_000);
  }
});
