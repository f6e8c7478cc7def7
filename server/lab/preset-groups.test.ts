import { describe, expect, it } from "vitest";
import { PRESETS } from "../../lib/presets";
import { PLAYED_BY_LOCK_FAULTS, PRESET_GROUPS } from "./testing/preset-beats";

describe("the preset integration tests", () => {
  it("play every preset, each in exactly one group", () => {
    const grouped = [...Object.values(PRESET_GROUPS).flat(), ...PLAYED_BY_LOCK_FAULTS];
    expect([...grouped].sort()).toEqual(PRESETS.map((p) => p.id).sort());
  });
});
