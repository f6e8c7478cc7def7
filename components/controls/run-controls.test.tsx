import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { WireRunState } from "@/lib/protocol";
import { defaultScenario } from "@/lib/scenario";
import { nextSlowMotion, RunControls, SLOW_MOTION_STEPS, type RunControlsProps } from "./run-controls";

const noop = () => undefined;
const scenario = defaultScenario();
const RUNS = {
  idle: { status: "idle" },
  running: { status: "running", runId: 7, scenario: { ...scenario, timeScale: 3 }, meta: { presetId: "redlock-holds", beat: 1 }, startedAt: Date.now() - 2000 },
  finished: { status: "finished", runId: 7, scenario, meta: {}, startedAt: 1000, endedAt: 9500 },
  stopped: { status: "finished", runId: 9, scenario, meta: { presetId: "gc-pause", beat: 1 }, startedAt: 1000, endedAt: 3000, stopped: { atMs: 1500, by: "presenter" } },
  failed: { status: "failed", runId: 8, scenario, meta: { presetId: "no-quorum" }, message: "lock-3 never came up" },
} satisfies Record<string, WireRunState>;

function render(props: Partial<RunControlsProps> = {}): string {
  return renderToString(
    <RunControls run={RUNS.idle} canControl timeScale={1} onTimeScale={noop} onStart={noop} onStop={noop} onReset={noop} onExpire={noop} onCrowd={noop} {...props} />,
  );
}

function text(html: string): string {
  return html.replace(/<!-- -->/g, "").replace(/<[^>]+>/g, "");
}

/** Whether the button with this test id is disabled. */
function disabled(html: string, testId: string): boolean {
  const tag = new RegExp(`<button[^>]*data-testid="${testId}"[^>]*>`).exec(html)?.[0];
  if (!tag) throw new Error(`no button ${testId}`);
  return /\sdisabled=""/.test(tag);
}

const BUTTONS = ["run-start", "run-stop", "key-expire", "crowd-release", "lab-reset"] as const;
const states = (html: string) => Object.fromEntries(BUTTONS.map((id) => [id, disabled(html, id) ? "off" : "on"]));

describe("RunControls", () => {
  it("idle: start and reset only", () => {
    const html = render();
    expect(states(html)).toEqual({ "run-start": "on", "run-stop": "off", "key-expire": "off", "crowd-release": "off", "lab-reset": "on" });
    expect(text(html)).toContain("Idle");
  });

  it("running: stop, expire, crowd and reset; the status line names the run", () => {
    const html = render({ run: RUNS.running });
    expect(states(html)).toEqual({ "run-start": "off", "run-stop": "on", "key-expire": "on", "crowd-release": "on", "lab-reset": "on" });
    expect(text(html)).toMatch(/Running.*run 7 · redlock-holds beat 1 · 3× slow motion · 2\.\d s/);
    expect(text(html)).toContain("from the next start (this run: 3×)");
  });

  it("a stopped run says stopped, when and by whom — not finished", () => {
    const t = text(render({ run: RUNS.stopped }));
    expect(t).toMatch(/Stopped.*run 9 · gc-pause beat 1 · stopped at 1\.5 s by the presenter/);
    expect(t).not.toContain("Finished");
    expect(t).not.toContain("took");
  });

  it("the keep-the-world box: off by default for a story, always on (and fixed) for a builder run", () => {
    const story = render({ keepWorld: { checked: false, applies: true, onChange: noop } });
    const box = (html: string) => /<input[^>]*data-testid="keep-world"[^>]*>/.exec(html)?.[0] ?? "";
    expect(text(story)).toContain("keep the world as it is");
    expect(box(story)).not.toMatch(/checked=""/);
    expect(box(story)).not.toMatch(/disabled=""/);
    expect(box(render({ keepWorld: { checked: true, applies: true, onChange: noop } }))).toMatch(/checked=""/);
    const builder = render({ keepWorld: { checked: false, applies: false, onChange: noop } });
    expect(box(builder)).toMatch(/checked=""/);
    expect(box(builder)).toMatch(/disabled=""/);
    expect(text(builder)).toContain("always, for a scenario from the builder");
    expect(render()).not.toContain('data-testid="keep-world"');
  });

  it("warns before a run with nodes down, offering start anyway or reset first", () => {
    const warning = { text: "lock-2, lock-4 are down — the scenario does not take them down itself", onStartAnyway: noop, onResetFirst: noop, onCancel: noop };
    const html = render({ startWarning: warning });
    expect(text(html)).toContain("lock-2, lock-4 are down — the scenario does not take them down itself.");
    expect(disabled(html, "start-anyway")).toBe(false);
    expect(disabled(html, "reset-first")).toBe(false);
    expect(text(html)).toContain("Start anyway");
    expect(text(html)).toContain("Reset first, then start");
    // Not while a run goes, and not without control.
    expect(render({ startWarning: warning, run: RUNS.running })).not.toContain('data-testid="start-warning"');
    expect(render({ startWarning: warning, canControl: false })).not.toContain('data-testid="start-warning"');
  });

  it("finished and failed say so, the failure with its message", () => {
    expect(text(render({ run: RUNS.finished }))).toMatch(/Finished.*run 7 · custom scenario · took 8\.5 s/);
    const failed = render({ run: RUNS.failed, error: "NO_RUN: no run is going" });
    expect(text(failed)).toContain("Failed");
    expect(text(failed)).toContain("run 8 · no-quorum — lock-3 never came up");
    expect(text(failed)).toContain("Refused: NO_RUN: no run is going");
    expect(disabled(failed, "run-start")).toBe(false);
  });

  it("without control every button is off, and the page says why", () => {
    const html = render({ run: RUNS.running, canControl: false, controlReason: "the audience view is read-only" });
    expect(Object.values(states(html))).toEqual(["off", "off", "off", "off", "off"]);
    expect(text(html)).toContain("View only: the audience view is read-only");
    expect(html).toMatch(/<fieldset disabled=""/);
  });

  it("busy holds every button; a blocked start says why", () => {
    expect(Object.values(states(render({ busy: true })))).toEqual(["off", "off", "off", "off", "off"]);
    const blocked = render({ startBlockedReason: "the scenario has 2 problems" });
    expect(disabled(blocked, "run-start")).toBe(true);
    expect(text(blocked)).toContain("Start waits: the scenario has 2 problems");
  });

  it("shows the shortcut keys and the slow-motion steps, the current one checked", () => {
    const html = render({ timeScale: 5 });
    for (const key of ["Space", "e", "c", "s"]) expect(html).toContain(`>${key}</kbd>`);
    for (const step of SLOW_MOTION_STEPS) expect(html).toContain(`aria-label="Slow motion ${step}×"`);
    expect(html).toMatch(/<input(?=[^>]*value="5")(?=[^>]*checked="")[^>]*>/);
    expect(html.match(/<input[^>]*checked=""[^>]*>/g)).toHaveLength(1);
  });

  it("s cycles the slow-motion steps", () => {
    expect([1, 2, 3, 5, 10, 4].map(nextSlowMotion)).toEqual([2, 3, 5, 10, 1, 5]);
  });
});
