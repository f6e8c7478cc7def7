/**
 * The whole stack in a real browser: the lab server as a child process (real redis-server nodes,
 * Next dev server, socket.io), Chromium driving the page, and outside witnesses checking that what
 * the page claims really happened — a raw socket.io client for the server's own report, PING over
 * TCP for the nodes, PIDs for the processes.
 *
 * One server for the whole file (a Next dev server per folder at a time); the tests run in order and
 * the last one stops the server on purpose, to replay a recording with no Redis anywhere.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeScenario } from "../lib/permalink";
import type { ClientToServerEvents, ServerToClientEvents, WireNode, WireRunState } from "../lib/protocol";
import { parseRecording } from "../lib/recording";
import type { Report, TickFrame } from "../lib/report";
import type { ScenarioInput } from "../lib/scenario";
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
/** Screenshots for the README are written only on request, so `npm test` leaves git clean. */
const UPDATE_SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === "1";
const DOCS = fileURLToPath(new URL("../docs/", import.meta.url));
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
  watcher.on("lab:state", (state) => (runState = state));
  watcher.on("lab:frame", ({ runId, frame }) => framesByRun.set(runId, [...(framesByRun.get(runId) ?? []), frame]));
  watcher.on("lab:report", ({ runId, report }) => reports.set(runId, report));
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
    expect(await numberIn(summaryField("summary-episodes", "episodes"))).toBe(report.episodeCount);
    expect(await numberIn(page.getByTestId("cache-engine-found"))).toBe(report.cache.found);

    // The running totals summed from the frames end where the report ends.
    const frames = framesByRun.get(runId) ?? [];
    const arrivals = frames.reduce((sum, frame) => sum + frame.arrivals, 0);
    expect(await numberIn(page.getByTestId("counter-requests"))).toBe(arrivals);
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

  it("shows the audience view read-only on a phone", async () => {
    const phone = await browser!.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    try {
      const audience = await phone.newPage();
      await audience.goto(`${server!.url}/audience`, { timeout: FIRST_PAGE_TIMEOUT_MS });
      await expect.poll(() => audience.getByTestId("connection-status").textContent(), { timeout: FIRST_PAGE_TIMEOUT_MS }).toBe("live");
      await expect.poll(() => audience.locator("[data-testid^=lock-row-]").count(), { timeout: UI_TIMEOUT_MS }).toBe(5);
      // No controls on this page: no fault button, no start.
      expect(await audience.locator("[data-testid^=action-]:visible").count()).toBe(0);
      expect(await audience.getByTestId("run-start").count()).toBe(0);
      // It fits the phone: nothing wider than the screen.
      expect(await audience.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    } finally {
      await phone.close();
    }
  }, 150_000);

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
      const before = lastRunId();
      await desktop.getByTestId("run-start").click();
      // Mid-run: both crashes are in, and the three nodes left hold one holder while it reads the database.
      await expect.poll(() => desktop.locator('[data-testid^=lock-row-][data-state="crashed"]').count(), { timeout: RUN_TIMEOUT_MS }).toBe(2);
      const held = await waitUntil(async () => ((await desktop.getByTestId("quorum-line").textContent()) ?? "").includes("held by"), RUN_TIMEOUT_MS, 30);
      // Hold the picture right there.
      frozen = true;
      expect(held, "the lock was never seen held").toBe(true);
      await desktop.waitForTimeout(500);
      fs.mkdirSync(DOCS, { recursive: true });
      await desktop.screenshot({ path: path.join(DOCS, "screenshot.png") });
      await audience.screenshot({ path: path.join(DOCS, "screenshot-phone.png") });
      await nextReport(before, 60_000);
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
  }, 60_000);
});
