/**
 * Every beat of every preset on real nodes, its expects checked: the body shared by the
 * presets-*.integration.test.ts files, each a group of stories on its own port slot so vitest can
 * spread them over its workers. The groups together hold every preset (a unit test checks it).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { findPreset } from "../../../lib/presets";
import { parseScenario } from "../../../lib/scenario";
import { formatRehearsalTable } from "../../cli/check";
import { LabController } from "../controller";
import { startRealLab, type RealLab } from "./real-lab";

/** The stories each file plays, about a minute and a half of runs apiece. */
export const PRESET_GROUPS = {
  cache: ["saturday-morning", "single-redis-lock", "stampede-part-two", "redlock-holds", "no-quorum", "local-locks-per-instance"],
  writes: ["serve-stale", "xfetch", "desk-fire", "desk-fire-redis", "write-through-safe", "gc-pause", "redlock-coalescing"],
} as const satisfies Record<string, readonly string[]>;

/**
 * The safety stories whose every beat lock-faults.integration.test.ts already plays, with closer
 * checks (voters, grant timing, the database's own count): it checks their expects on those same
 * runs, so CI does not play them twice.
 */
export const PLAYED_BY_LOCK_FAULTS = ["restart-without-persistence", "clock-jump", "slow-node", "split-brain"] as const;

/** Declares one test per story of `group`, each rehearsing the story's beats through the lab controller, as the page's Rehearse does. */
export function presetBeatTests(slot: number, group: keyof typeof PRESET_GROUPS): void {
  let lab: RealLab | undefined;
  let controller: LabController | undefined;

  beforeAll(async () => {
    // Fault proxies: some beats cut or slow a path, and the page's lab runs with them too.
    lab = await startRealLab(slot, 5, { faultProxies: true });
    controller = new LabController(lab.nodes);
  }, 120_000);

  afterAll(async () => {
    controller?.dispose();
    await lab?.stop();
  }, 60_000);

  for (const id of PRESET_GROUPS[group]) {
    const preset = findPreset(id);
    if (!preset) throw new Error(`the ${id} preset is gone`);
    // Each beat's own run, its drain, and a world reset, with room for a busy machine.
    const budgetMs = 60_000 + preset.beats.reduce((sum, beat) => sum + 3 * (beat.changes.durationMs ?? preset.base.durationMs ?? 10_000), 0);
    it(`${id}: every beat makes its point (${preset.beats.length} beat(s))`, async () => {
      const lab = controller!;
      const { beats } = lab.startRehearsal([id], (input) => {
        const parsed = parseScenario(input);
        if (!parsed.ok) throw new Error(`${id}: invalid scenario: ${parsed.issues.map((i) => `${i.field}: ${i.message}`).join("; ")}`);
        return parsed.scenario;
      });
      expect(beats).toBe(preset.beats.length);
      const state = await lab.rehearsalDone()!;
      expect(state.status).toBe("finished");
      expect(
        state.beats.map((b) => b.status),
        `\n${formatRehearsalTable(state)}`,
      ).toEqual(preset.beats.map(() => "passed"));
      // Every beat checked at least one claim, and each claim was read (none failed for a missing field).
      for (const beat of state.beats) {
        expect(beat.results.length, `${id} beat ${beat.beat}`).toBeGreaterThan(0);
        expect(beat.results.filter((r) => r.error)).toEqual([]);
      }
    }, budgetMs);
  }
}
