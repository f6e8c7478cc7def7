import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { checkExpects } from "@/lib/expect";
import { findPreset } from "@/lib/presets";
import type { RehearsalState } from "@/lib/protocol";
import { sampleReport } from "@/lib/testing/report";
import { beatCheckOf, ExpectChecks } from "./expect-checks";
import { RehearsalPanel } from "./rehearsal-panel";
import { StoryPanel } from "./story-panel";

const noop = () => undefined;

function text(html: string): string {
  return html.replace(/<!-- -->/g, "").replace(/<[^>]+>/g, " ").replace(/&#x27;/g, "'").replace(/&gt;/g, ">").replace(/&lt;/g, "<").replace(/&amp;/g, "&").replace(/\s+/g, " ");
}

function items(html: string): Array<{ ok: string; text: string }> {
  return [...html.matchAll(/<li[^>]*data-testid="story-expect"[^>]*data-ok="([^"]+)"[^>]*>(.*?)<\/li>/g)].map((m) => ({ ok: m[1]!, text: text(m[2]!).trim() }));
}

const stampede = findPreset("saturday-morning")!.beats[0]!;

describe("ExpectChecks", () => {
  it("before the run: the beat's promise in plain words, not yet checked", () => {
    const html = renderToString(<ExpectChecks claims={stampede.expect!} />);
    expect(html).toContain('data-checked="false"');
    const pending = [...html.matchAll(/<span[^>]*data-testid="story-expect"[^>]*data-ok="pending"[^>]*>(.*?)<\/span>/g)].map((m) => text(m[1]!).trim());
    expect(pending).toEqual(["most DB reads in one episode ≥ 2,000", "· DB queries refused ≥ 100"]);
    expect(text(html)).toContain("Checked after the run: most DB reads in one episode ≥ 2,000 · DB queries refused ≥ 100");
    expect(text(html)).not.toContain("maxDbReadsPerEpisode");
  });

  it("after the run: ✓ and ✗ with the run's value, in the summary's labels", () => {
    const report = sampleReport({ maxDbReadsPerEpisode: 2712 });
    const html = renderToString(<ExpectChecks claims={stampede.expect!} results={checkExpects(report, stampede.expect!)} />);
    expect(html).toContain('data-failed="1"');
    expect(text(html)).toContain("✗ 1 of 2 not met");
    expect(items(html)).toEqual([
      { ok: "true", text: "✓ held: most DB reads in one episode ≥ 2,000 — was 2,712" },
      { ok: "false", text: "✗ not met: DB queries refused ≥ 100 — was 0" },
    ]);
    expect(html).not.toContain("story-expects-distorted");
  });

  it("blames the machine's lag for a miss on a distorted run", () => {
    const results = checkExpects(sampleReport(), stampede.expect!);
    expect(renderToString(<ExpectChecks claims={stampede.expect!} results={results} distorted />)).toMatch(/story-expects-distorted.*lag is the likely cause/);
    const held = checkExpects(sampleReport(), ["db.reads == 1"]);
    expect(renderToString(<ExpectChecks claims={["db.reads == 1"]} results={held} distorted />)).not.toContain("story-expects-distorted");
    expect(text(renderToString(<ExpectChecks claims={["db.reads == 1"]} results={held} />))).toContain("✓ The beat made its point");
  });

  it("sits beside the narration in the story panel", () => {
    const results = checkExpects(sampleReport(), ["maxDbReadsPerEpisode == 1"]);
    const html = renderToString(<StoryPanel presetId="redlock-holds" beat={1} onBeat={noop} checked={{ results, distorted: false }} />);
    expect(html.indexOf("story-watch")).toBeLessThan(html.indexOf("story-expects"));
    expect(items(html)[0]).toEqual({ ok: "true", text: "✓ held: most DB reads in one episode = 1 — was 1" });
  });
});

describe("beatCheckOf", () => {
  const report = sampleReport();
  const finished = (presetId: string, beat: number) => ({ status: "finished", meta: { presetId, beat } });

  it("checks the beat's expects against its own finished run", () => {
    const check = beatCheckOf(finished("redlock-holds", 1), report, { presetId: "redlock-holds", beat: 1 });
    expect(check?.results.map((r) => r.claim)).toEqual(findPreset("redlock-holds")!.beats[0]!.expect);
    expect(check?.distorted).toBe(false);
  });

  it("says nothing about another beat's run, a run still going, or no run", () => {
    expect(beatCheckOf(finished("no-quorum", 1), report, { presetId: "no-quorum", beat: 2 })).toBeNull();
    expect(beatCheckOf(finished("no-quorum", 1), report, { presetId: "redlock-holds", beat: 1 })).toBeNull();
    expect(beatCheckOf({ status: "running", meta: { presetId: "redlock-holds", beat: 1 } }, report, { presetId: "redlock-holds", beat: 1 })).toBeNull();
    expect(beatCheckOf(finished("redlock-holds", 1), null, { presetId: "redlock-holds", beat: 1 })).toBeNull();
    expect(beatCheckOf({ status: "finished", meta: {} }, report, { presetId: "redlock-holds", beat: 1 })).toBeNull();
  });
});

describe("RehearsalPanel", () => {
  const results = (claims: string[], report = sampleReport()) => checkExpects(report, claims);
  const state: RehearsalState = {
    status: "finished",
    total: 3,
    beats: [
      { presetId: "redlock-holds", beat: 1, title: "Two down, three to go", status: "passed", results: results(["db.reads == 1"]), distorted: false, durationMs: 6000 },
      { presetId: "saturday-morning", beat: 1, title: "The stampede", status: "failed", results: results(["maxDbReadsPerEpisode >= 2000", "db.reads == 1"]), distorted: true, durationMs: 8000 },
      { presetId: "no-quorum", beat: 1, title: "Fail closed", status: "error", results: [], distorted: false, durationMs: 5, message: "lock-3 is frozen: thaw it" },
    ],
  };

  it("offers to rehearse, or says why it cannot", () => {
    const ready = renderToString(<RehearsalPanel state={null} canStart canStop onRehearse={noop} onStop={noop} />);
    expect(/<button[^>]*data-testid="rehearsal-start"[^>]*>/.exec(ready)?.[0]).not.toContain('disabled=""');
    expect(ready).not.toContain("rehearsal-results");
    const blocked = renderToString(<RehearsalPanel state={null} canStart={false} startBlockedReason="This page is read-only." canStop={false} onRehearse={noop} onStop={noop} />);
    expect(/<button[^>]*data-testid="rehearsal-start"[^>]*>/.exec(blocked)?.[0]).toMatch(/disabled=""/);
    expect(blocked).toContain('title="This page is read-only."');
  });

  it("lists every beat ✓ or ✗, in plain words, with what failed and the lag hint", () => {
    const html = renderToString(<RehearsalPanel state={state} canStart canStop onRehearse={noop} onStop={noop} />);
    const rows = [...html.matchAll(/<li[^>]*data-testid="rehearsal-row"[^>]*data-status="([^"]+)"[^>]*>(.*?)<\/li>/g)].map((m) => [m[1], text(m[2]!).trim()]);
    expect(rows.map(([status]) => status)).toEqual(["passed", "failed", "error"]);
    expect(rows[0]![1]).toBe("✓ made its point: Redlock holds with two nodes down, beat 1: Two down, three to go");
    expect(rows[1]![1]).toContain("✗ did not make its point: Saturday morning, beat 1: The stampede");
    expect(rows[1]![1]).toContain("most DB reads in one episode ≥ 2,000 — was 1");
    expect(rows[1]![1]).not.toContain("DB reads = 1");
    expect(rows[1]![1]).toMatch(/lag is the likely cause/);
    expect(rows[2]![1]).toContain("lock-3 is frozen: thaw it");
    expect(text(html)).toContain("Done: 1 of 3 beat(s) made their point.");
  });

  it("lists no failures for a beat stopped part-way: it proves nothing either way", () => {
    const stopped: RehearsalState = {
      status: "stopped",
      total: 2,
      beats: [{ presetId: "single-redis-lock", beat: 1, title: "Fail fast", status: "stopped", results: results(["requests.errors >= 1"]), distorted: false, durationMs: 300 }],
    };
    const html = renderToString(<RehearsalPanel state={stopped} canStart canStop onRehearse={noop} onStop={noop} />);
    expect(text(html)).toContain("– stopped: One lock node, the seed's waiters, beat 1: Fail fast");
    expect(text(html)).not.toContain("errors ≥ 1");
    expect(text(html)).toContain("Stopped: 0 of 2 beat(s) made their point.");
  });

  it("while it plays: which beat, and a Stop button instead of Rehearse", () => {
    const html = renderToString(
      <RehearsalPanel
        state={{ status: "running", total: 30, beats: state.beats.slice(0, 1), current: { presetId: "saturday-morning", beat: 1, title: "The stampede" } }}
        canStart={false}
        canStop
        onRehearse={noop}
        onStop={noop}
      />,
    );
    expect(text(html)).toContain("Playing 2 of 30: Saturday morning, beat 1…");
    expect(html).toContain('data-testid="rehearsal-stop"');
    expect(html).not.toContain('data-testid="rehearsal-start"');
  });
});
