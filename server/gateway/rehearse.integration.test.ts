/**
 * The Rehearse button's command over the socket, on real redis-server nodes: a short subset of the
 * stories played through the lab controller, the world reset first, progress streamed to every
 * page, the results kept for a page that joins later, and a stop that ends the rehearsal.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { findPreset } from "../../lib/presets";
import { testBasePort } from "../nodes/test-ports";
import { errorOf, record, startAppServer, startRealNodes, waitUntil, type AppServer, type RealNodes, type Recorder } from "./testing/socket-lab";

const BASE = testBasePort(23);

let real: RealNodes | undefined;
let server: AppServer | undefined;
const recorders: Recorder[] = [];

beforeAll(async () => {
  real = await startRealNodes(BASE);
  server = await startAppServer({ nodes: real.nodes });
});

afterEach(async () => {
  for (const recorder of recorders.splice(0)) recorder.close();
  const done = server?.app.lab.rehearsalDone();
  if (done) {
    if (server!.app.lab.history().rehearsal?.status === "running") server!.app.lab.stopRehearsal();
    await done;
  }
});

afterAll(async () => {
  await server?.close();
  await real?.stop();
});

async function join(): Promise<Recorder> {
  const recorder = await record(server!.url);
  recorders.push(recorder);
  return recorder;
}

describe("lab:rehearse", () => {
  it("refuses an unknown story and a bad payload, and starts nothing", async () => {
    const page = await join();
    const unknown = errorOf(await page.send("lab:rehearse", { presetIds: ["redlock-holds", "nope"] }));
    expect(unknown?.code).toBe("UNKNOWN_PRESET");
    expect(unknown?.message).toMatch(/no preset "nope".*saturday-morning/);
    for (const payload of [{ presetIds: [] }, { presetIds: "all" }, { extra: true }]) {
      expect(errorOf(await page.send("lab:rehearse", payload))?.code, JSON.stringify(payload)).toBe("BAD_REQUEST");
    }
    expect(errorOf(await page.send("lab:rehearse-stop", {}))?.code).toBe("NO_REHEARSAL");
    expect(page.rehearsals).toEqual([]);
    expect(server!.app.lab.current.status).toBe("idle");
  });

  it("resets the world, plays the story's beats, streams each result to every page, and keeps them for a page that joins later", async () => {
    const page = await join();
    const watcher = await join();
    // Left behind by hand: the rehearsal's world reset must bring it back before the story.
    expect(errorOf(await page.send("node:action", { nodeId: "lock-1", action: "crash" }))).toBeNull();

    expect(await page.send("lab:rehearse", { presetIds: ["redlock-holds"] })).toEqual({ data: { beats: 1 } });
    // While it plays, a page's own start is refused: the stories have the lab.
    await waitUntil(() => server!.app.lab.current.status === "running", 20_000);
    // A page that joins mid-beat is told which beat is playing.
    expect((await join()).history.rehearsal?.current?.presetId).toBe("redlock-holds");
    const start = errorOf(await page.send("run:start", { scenario: {} }));
    expect(start?.code).toBe("REHEARSAL_IN_PROGRESS");

    expect(await waitUntil(() => watcher.rehearsals.at(-1)?.status === "finished", 60_000)).toBe(true);
    const final = watcher.rehearsals.at(-1)!;
    expect(final.total).toBe(1);
    expect(final.beats).toHaveLength(1);
    const [beat] = final.beats;
    const expected = findPreset("redlock-holds")!.beats[0]!.expect!;
    expect(beat, JSON.stringify(beat)).toMatchObject({ presetId: "redlock-holds", beat: 1, status: "passed" });
    expect(beat!.results.map((r) => r.claim)).toEqual(expected);
    expect(beat!.results.every((r) => r.ok && typeof r.actual === "number")).toBe(true);
    // Progress came as it went: the beat playing (named) before its result.
    expect(watcher.rehearsals.some((s) => s.status === "running" && s.current?.presetId === "redlock-holds" && s.beats.length === 0)).toBe(true);
    // The reset happened before the run: lock-1 started again, and the run was the story's beat.
    const texts = watcher.log.map((e) => e.text);
    const reset = texts.findIndex((t) => t.startsWith("world reset"));
    const started = texts.findIndex((t) => /run \d+ started: redlock-holds, beat 1/.test(t));
    expect(reset, texts.join("\n")).toBeGreaterThanOrEqual(0);
    expect(started).toBeGreaterThan(reset);
    expect(watcher.nodeEvents.some((e) => e.name === "node:start" && e.data.nodeId === "lock-1")).toBe(true);
    expect(texts.some((t) => /rehearsal finished: 1 of 1 beat\(s\) made their point/.test(t))).toBe(true);
    expect(page.rehearsals.at(-1)).toEqual(final);

    const late = await join();
    expect(late.history.rehearsal).toEqual(final);
  });

  it("stops: the beat in progress ends early, no further beat starts, and the rehearsal says it was stopped", async () => {
    const page = await join();
    expect(await page.send("lab:rehearse", { presetIds: ["no-quorum"] })).toEqual({ data: { beats: 2 } });
    expect(await waitUntil(() => server!.app.lab.current.status === "running", 20_000)).toBe(true);
    expect(await page.send("lab:rehearse-stop", {})).toEqual({ data: {} });
    expect(await waitUntil(() => page.rehearsals.at(-1)?.status === "stopped", 30_000)).toBe(true);
    // The beat's report says who stopped it.
    expect(await waitUntil(() => page.reports.length > 0, 30_000)).toBe(true);
    expect(page.reports.at(-1)!.report.stopped?.by).toBe("presenter");
    const final = page.rehearsals.at(-1)!;
    expect(final.total).toBe(2);
    expect(final.beats.map((b) => `${b.presetId} ${b.beat} ${b.status}`)).toEqual(["no-quorum 1 stopped"]);
    // Only the first beat ever ran.
    expect(page.log.filter((e) => /run \d+ started: no-quorum/.test(e.text)).map((e) => e.text.replace(/run \d+ /, ""))).toEqual(["started: no-quorum, beat 1"]);
    expect(errorOf(await page.send("lab:rehearse-stop", {}))?.code).toBe("NO_REHEARSAL");
  });
});
